//! The few browser calls the app makes, each returning `Option`/`Result` instead of panicking.

use wasm_bindgen::JsValue;

/// The page's query string without `?` (`""` when unavailable).
pub fn search() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .map(|s| s.trim_start_matches('?').to_string())
        .unwrap_or_default()
}

/// The page's address without query and fragment (`https://host/path/`).
pub fn base_href() -> String {
    let Some(loc) = web_sys::window().map(|w| w.location()) else {
        return String::new();
    };
    format!(
        "{}{}",
        loc.origin().unwrap_or_default(),
        loc.pathname().unwrap_or_default()
    )
}

/// Writes `query` into the address bar without a history entry and without scrolling; the
/// fragment is kept.
pub fn replace_query(query: &str) {
    let Some(w) = web_sys::window() else { return };
    let loc = w.location();
    let path = loc.pathname().unwrap_or_default();
    let hash = loc.hash().unwrap_or_default();
    let current = loc.search().unwrap_or_default();
    let wanted = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    if current == wanted {
        return;
    }
    if let Ok(history) = w.history() {
        let _ = history.replace_state_with_url(
            &JsValue::NULL,
            "",
            Some(&format!("{path}{wanted}{hash}")),
        );
    }
}

/// Copies `text` to the clipboard; `false` when the browser refuses (no permission, no API).
pub fn copy(text: &str) -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let clipboard = w.navigator().clipboard();
    // The returned promise is not awaited: a refusal only means the user copies by hand from the
    // field shown next to the button.
    let _ = clipboard.write_text(text);
    true
}
