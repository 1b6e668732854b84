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

/// Today's date in the browser, `YYYY-MM-DD` (local time).
pub fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month().saturating_add(1),
        d.get_date()
    )
}

/// `text` in lower case, by the browser's `toLowerCase` (the wasm carries no Unicode case tables).
pub fn lowercase(text: &str) -> String {
    js_sys::JsString::from(text).to_lower_case().into()
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

/// The message an embedded calculator posts to its parent (a documented, public shape).
#[derive(serde::Serialize)]
struct HeightMessage {
    #[serde(rename = "type")]
    kind: &'static str,
    height: i32,
}

/// In an iframe: posts `{"type": "gencost:height", "height": <px>}` to the parent whenever the
/// content's height changes, so the host can size the frame (`www/embed-host.js`).
pub fn post_height_to_parent() {
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    let Some(w) = web_sys::window() else { return };
    let Some(root) = w.document().and_then(|d| d.document_element()) else {
        return;
    };
    let Ok(Some(parent)) = w.parent() else { return };
    let measured = root.clone();
    let last = std::cell::Cell::new(-1i32);
    let post = Closure::<dyn FnMut()>::new(move || {
        let height = measured.scroll_height();
        if height == last.get() {
            return;
        }
        last.set(height);
        let msg = HeightMessage {
            kind: "gencost:height",
            height,
        };
        // The height of a public calculator is no secret: any parent may read it.
        if let Ok(msg) = serde_wasm_bindgen::to_value(&msg) {
            let _ = parent.post_message(&msg, "*");
        }
    });
    if let Ok(observer) = web_sys::ResizeObserver::new(post.as_ref().unchecked_ref()) {
        observer.observe(&root);
        if let Some(body) = w.document().and_then(|d| d.body()) {
            observer.observe(&body);
        }
    }
    post.forget(); // lives as long as the page
}

/// Offers `text` as a file called `name` (made in the browser, never uploaded); `false` when
/// the browser refuses.
pub fn download(name: &str, mime: &str, text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let bag = web_sys::BlobPropertyBag::new();
    bag.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &bag) else {
        return false;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return false;
    };
    let anchor = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    let done = match anchor {
        Some(a) => {
            a.set_href(&url);
            a.set_download(name);
            a.click();
            true
        }
        None => false,
    };
    let _ = web_sys::Url::revoke_object_url(&url);
    done
}
