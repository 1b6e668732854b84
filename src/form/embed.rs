//! The snippets that put the current scenario on another page: a `<gencost-calculator>`
//! element and an iframe. Only documented attribute names are ever written.

use crate::engine::share_url::encode;
use crate::engine::vocabulary::{split_step_key, ELEMENT_ATTRIBUTES};

#[derive(Debug, Clone, PartialEq, Eq)]
/// The two ways to put the current scenario on another page.
pub struct EmbedCode {
    /// `<script type="module" src=".../embed.js">` and a `<gencost-calculator>` element.
    pub element: String,
    /// An `<iframe>` of the compact calculator and the optional sizing script.
    pub iframe: String,
}

fn html_attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The embed snippets for the scenario `pairs` ([`super::Form::embed_pairs`]), served from `app_url`
/// (the calculator's address, ending in `/`). One step becomes attributes with the documented
/// names; a workflow, and any other option, goes into the `query` attribute. No other attribute
/// is ever written, whatever a link holds.
pub fn embed_code(app_url: &str, pairs: &[(String, String)]) -> EmbedCode {
    let multi = pairs
        .iter()
        .any(|(k, _)| split_step_key(k).is_some_and(|(i, _)| i > 0));
    let as_attribute = |k: &str| !multi && ELEMENT_ATTRIBUTES.contains(&k);
    let mut attrs = String::new();
    let mut rest = Vec::new();
    for (k, v) in pairs {
        if as_attribute(k) {
            attrs.push_str(&format!(" {k}=\"{}\"", html_attr(v)));
        } else {
            rest.push(format!("{}={}", encode(k), encode(v)));
        }
    }
    if !rest.is_empty() {
        attrs = format!(" query=\"{}\"{attrs}", html_attr(&rest.join("&")));
    }
    let q: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let sep = if q.is_empty() { "" } else { "&amp;" };
    EmbedCode {
        element: format!(
            "<script type=\"module\" src=\"{app}embed.js\"></script>\n<gencost-calculator{attrs}></gencost-calculator>",
            app = html_attr(app_url)
        ),
        iframe: format!(
            "<iframe src=\"{app}?embed=1{sep}{q}\" title=\"gencost cost calculator\" width=\"100%\" height=\"640\" style=\"border:0\" loading=\"lazy\"></iframe>\n<script src=\"{app}embed-host.js\" async></script>",
            app = html_attr(app_url),
            q = html_attr(&q.join("&"))
        ),
    }
}
