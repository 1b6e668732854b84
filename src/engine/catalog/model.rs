//! The one validating constructor of a [`Model`]: every loader (the gencost format, the fal
//! importer) builds its models through [`Model::new`], so a model is checked the same way
//! whatever it was read from, and its summary is written in one style.

use super::{Billing, Factor, Model, OptionSpec, Price, Quantity};
use crate::engine::{text, url, vocabulary};

/// True for a provider's endpoint id as gencost accepts it: letters, digits and `. _ : + @ ~ -`
/// in `/`-separated parts, starting with a letter or digit (`fal-ai/flux/dev`, `gpt-image-1`).
/// No spaces or control characters, so an id is safe in a terminal, a URL and a message.
pub fn is_endpoint_id(id: &str) -> bool {
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._:+@~-".contains(&b))
    };
    id.len() <= 200
        && id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && id.split('/').all(part_ok)
}

/// A real calendar date written `YYYY-MM-DD` (`2026-02-29` is not one).
pub fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// The checks an option's name passes: lowercase letters, digits or `_`, and not a name the
/// scenario uses (`model`, `n`, `retry`...).
///
/// # Errors
/// The message for the option's field.
pub(crate) fn check_option_name(name: &str) -> Result<(), String> {
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(format!(
            "name {} must be lowercase letters, digits or _",
            text::quoted(name)
        ));
    }
    if vocabulary::is_reserved(name) {
        return Err(format!("name `{name}` is reserved for the scenario"));
    }
    Ok(())
}

/// The problems of a model's identity: id, name, provider, source and date. Also what a loader
/// reports when the model's options or billing could not even be read.
pub(crate) fn identity_problems(
    id: &str,
    name: &str,
    provider: &str,
    source: &str,
    verified: Option<&str>,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut err = |field: &str, msg: String| out.push((field.to_string(), msg));
    if !is_endpoint_id(id) {
        err(
            "id",
            format!(
                "{} is not an endpoint id (letters, digits and . _ : + @ ~ - in /-separated parts)",
                text::quoted(id)
            ),
        );
    }
    for (field, value) in [("name", name), ("provider", provider), ("source", source)] {
        if value.trim().is_empty() {
            err(field, "must not be empty".into());
        }
    }
    if !url::is_web_page(source) {
        err(
            "source",
            format!("{} is not an http:// or https:// URL", text::quoted(source)),
        );
    }
    if let Some(v) = verified.filter(|v| !is_date(v)) {
        err(
            "verified",
            format!("{} is not a date (YYYY-MM-DD)", text::quoted(v)),
        );
    }
    out
}

/// Every option a billing rule names must be one of the model's (numeric where it is counted).
fn reference_problems(billing: &Billing, options: &[OptionSpec]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Billing::Rule {
        lines, multipliers, ..
    } = billing
    else {
        return out;
    };
    let find = |name: &str| options.iter().find(|o| o.name == name);
    let mut need = |field: String, name: &str, numeric: bool| match find(name) {
        None => out.push((
            field,
            format!("option `{name}` is not among the model's options"),
        )),
        Some(o) if numeric && !o.is_numeric() => {
            out.push((field, format!("option `{name}` is not numeric")))
        }
        Some(_) => {}
    };
    for (i, l) in lines.iter().enumerate() {
        let field = format!("billing.lines[{i}]");
        let counted: Vec<&String> = match &l.quantity {
            Quantity::Output | Quantity::Lookup(_) => vec![],
            Quantity::Product { factors, .. } => factors
                .iter()
                .filter_map(|f| match f {
                    Factor::Option(n) => Some(n),
                    _ => None,
                })
                .collect(),
            Quantity::Option { name, times, .. } => std::iter::once(name).chain(times).collect(),
            Quantity::Megapixels { w, h, .. } => vec![w, h],
            Quantity::VideoTokens { w, h, sec, .. } => vec![w, h, sec],
        };
        for name in counted {
            need(format!("{field}.quantity"), name, true);
        }
        let tables = [
            match &l.quantity {
                Quantity::Lookup(t) => Some(t),
                _ => None,
            },
            match &l.price {
                Price::Table(t) => Some(t),
                Price::Fixed(_) => None,
            },
        ];
        for t in tables.into_iter().flatten() {
            for k in &t.keys {
                need(field.clone(), k, false);
            }
        }
        for k in l.when.keys() {
            need(format!("{field}.when"), k, false);
        }
    }
    for (i, m) in multipliers.iter().enumerate() {
        for k in m.when.keys() {
            need(format!("billing.multipliers[{i}].when"), k, false);
        }
    }
    out
}

impl Model {
    /// Checks a model built by a loader and returns it; an empty `summary` is written from the
    /// rule.
    ///
    /// # Errors
    /// Every problem, as (field, message).
    pub(crate) fn new(p: Model) -> Result<Model, Vec<(String, String)>> {
        let mut errors = identity_problems(
            &p.id,
            &p.name,
            &p.provider,
            &p.source,
            p.verified.as_deref(),
        );
        for (i, o) in p.options.iter().enumerate() {
            if let Err(msg) = check_option_name(&o.name) {
                errors.push((format!("options[{i}] ({})", o.name), msg));
            }
            if p.options.iter().take(i).any(|x| x.name == o.name) {
                errors.push((
                    format!("options[{i}]"),
                    format!("option `{}` appears twice", o.name),
                ));
            }
        }
        errors.extend(reference_problems(&p.billing, &p.options));
        if let Some(r) = &p.retired {
            if !is_date(&r.date) {
                errors.push((
                    "retired".into(),
                    format!("{} is not a date (YYYY-MM-DD)", text::quoted(&r.date)),
                ));
            }
            if let Some(id) = r.replacement.as_deref().filter(|id| !is_endpoint_id(id)) {
                errors.push((
                    "replacement".into(),
                    format!("{} is not an endpoint id", text::quoted(id)),
                ));
            }
        }
        for (i, c) in p.history.iter().enumerate() {
            if !is_date(&c.until) {
                errors.push((
                    format!("history[{i}].until"),
                    format!("{} is not a date (YYYY-MM-DD)", text::quoted(&c.until)),
                ));
            }
        }
        if let Some(size) = &p.size {
            for name in [&size.w, &size.h] {
                if !p.options.iter().any(|o| &o.name == name && o.is_numeric()) {
                    errors.push((
                        "size".into(),
                        format!("option `{name}` is not among the model's numeric options"),
                    ));
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut model = p;
        if model.summary.trim().is_empty() {
            model.summary = super::summary::summary(&model);
        }
        Ok(model)
    }
}
