//! The model picker's list as one HTML string.
//!
//! # Design
//! A 3-step page has four model pickers of over 300 options each. Built as elements through the
//! view layer, they were most of the first render (a DOM call per element and attribute); as one
//! string, the browser's HTML parser builds each list in one call. Every value and text is
//! escaped here, and the current model carries `selected`, so a new list (a search, another
//! model) never loses the selection.

use super::view::model_groups_with;
use crate::engine::{Catalog, Model};

/// A model as the picker lists it: name, provider and rule, or when it was retired.
pub fn picker_text(m: &Model) -> String {
    match &m.retired {
        Some(r) => format!(
            "{} · {} · retired on {}{}",
            m.name,
            m.provider,
            r.date,
            r.replacement
                .as_deref()
                .map(|x| format!(", use {x}"))
                .unwrap_or_default()
        ),
        None => format!("{} · {} · {}", m.name, m.provider, m.summary),
    }
}

/// How much of the list a picker shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    /// Only the selected entry: what a closed picker shows, for the first render.
    Selected,
    /// Every model matching the search.
    Full,
}

/// The `<option>`s of a model picker: "No fallback" first for a fallback picker, then the
/// current model when the search hides it or the catalog lacks it, then the models matching
/// `search` grouped by kind in `<optgroup>`s. With [`Listing::Selected`], only the selected
/// entry: the closed picker looks the same.
pub fn picker_html(
    catalog: &Catalog,
    search: &str,
    current: &str,
    fallback: bool,
    listing: Listing,
    lowercase: fn(&str) -> String,
) -> String {
    let groups = match listing {
        Listing::Full => model_groups_with(catalog, search, lowercase),
        Listing::Selected => Vec::new(),
    };
    let mut out = String::with_capacity(64 * 1024);
    let option = |out: &mut String, value: &str, text: &str, title: bool| {
        out.push_str("<option value=\"");
        escape_into(out, value);
        out.push('"');
        if value == current {
            out.push_str(" selected");
        }
        if title {
            out.push_str(" title=\"");
            escape_into(out, value);
            out.push('"');
        }
        out.push('>');
        escape_into(out, text);
        out.push_str("</option>");
    };
    if fallback && (listing == Listing::Full || current.is_empty()) {
        option(&mut out, "", "No fallback", false);
    }
    let shown = groups
        .iter()
        .any(|(_, ms)| ms.iter().any(|m| m.id == current));
    if !shown && !current.is_empty() {
        let text = catalog
            .model(current)
            .map(picker_text)
            .unwrap_or_else(|_| format!("{current} (not in the catalog)"));
        option(&mut out, current, &text, false);
    }
    for (kind, models) in groups {
        out.push_str("<optgroup label=\"");
        out.push_str(kind.as_str());
        out.push_str("\">");
        for m in models {
            option(&mut out, &m.id, &picker_text(m), true);
        }
        out.push_str("</optgroup>");
    }
    out
}

/// Appends `text` with `& < > " '` escaped: safe as an element's text and in a quoted attribute.
fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        let mut out = String::new();
        escape_into(&mut out, r#"a<b>&"c"'d'"#);
        assert_eq!(out, "a&lt;b&gt;&amp;&quot;c&quot;&#39;d&#39;");
    }

    #[test]
    fn marks_the_current_model_and_groups_by_kind() -> Result<(), crate::engine::Error> {
        let c = Catalog::embedded()?;
        let html = picker_html(
            &c,
            "",
            "fal-ai/flux/dev",
            false,
            Listing::Full,
            str::to_lowercase,
        );
        assert!(html.starts_with("<optgroup label=\"image\">"));
        assert!(
            html.contains("<option value=\"fal-ai/flux/dev\" selected title=\"fal-ai/flux/dev\">")
        );
        assert_eq!(html.matches(" selected").count(), 1);
        assert!(html.contains("<optgroup label=\"video\">"));
        Ok(())
    }

    #[test]
    fn a_fallback_picker_starts_with_none_and_keeps_a_hidden_or_unknown_model(
    ) -> Result<(), crate::engine::Error> {
        let c = Catalog::embedded()?;
        let html = picker_html(&c, "", "", true, Listing::Full, str::to_lowercase);
        assert!(html.starts_with("<option value=\"\" selected>No fallback</option>"));
        // A search that hides the current model lists it first, so the select still shows it.
        let html = picker_html(
            &c,
            "veo",
            "fal-ai/flux/dev",
            false,
            Listing::Full,
            str::to_lowercase,
        );
        assert!(html.starts_with("<option value=\"fal-ai/flux/dev\" selected>"));
        // A model the catalog lacks (a link from an older catalog) is kept and named, escaped.
        let html = picker_html(&c, "", "x/<gone>", false, Listing::Full, str::to_lowercase);
        assert!(html.starts_with(
            "<option value=\"x/&lt;gone&gt;\" selected>x/&lt;gone&gt; (not in the catalog)</option>"
        ));
        Ok(())
    }

    #[test]
    fn the_first_render_lists_only_the_selected_entry() -> Result<(), crate::engine::Error> {
        let c = Catalog::embedded()?;
        let one = |current: &str, fallback: bool| {
            picker_html(
                &c,
                "",
                current,
                fallback,
                Listing::Selected,
                str::to_lowercase,
            )
        };
        let flux = one("fal-ai/flux/dev", false);
        assert!(
            flux.starts_with("<option value=\"fal-ai/flux/dev\" selected>FLUX.1 [dev] · fal · ")
        );
        assert_eq!(flux.matches("<option").count(), 1);
        assert_eq!(
            one("", true),
            "<option value=\"\" selected>No fallback</option>"
        );
        assert_eq!(one("fal-ai/veo3", true).matches("<option").count(), 1);
        Ok(())
    }
}
