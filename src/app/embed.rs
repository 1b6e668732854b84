//! `<gencost-calculator>`: the calculator as an element of someone else's page.
//!
//! `www/embed.js` defines the element, gives it an open shadow root with the stylesheet, and
//! drives a [`Widget`] per instance: the element's attributes (share-URL names, or a whole
//! `query`) become the widget's query. A widget never reads or writes the host's URL or history.

use std::cell::RefCell;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;

use super::{App, Host};

thread_local! {
    static APP_URL: RefCell<String> = const { RefCell::new(String::new()) };
}

/// The full calculator's address (where `embed.js` was loaded from), for "open in the full
/// calculator" links.
pub fn app_url() -> String {
    APP_URL.with(|u| u.borrow().clone())
}

/// One calculator inside a host page's element.
#[wasm_bindgen]
pub struct Widget {
    query: RwSignal<String>,
    compact: RwSignal<bool>,
    // Dropping it unmounts the view and frees its reactive owner.
    mounted: Option<Box<dyn std::any::Any>>,
}

#[wasm_bindgen]
impl Widget {
    /// Mounts a calculator into `container` (inside the element's shadow root) showing `query`.
    /// `app_url` is the full calculator's address, ending in `/`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        container: web_sys::HtmlElement,
        query: String,
        app_url: String,
        compact: bool,
    ) -> Widget {
        console_error_panic_hook::set_once();
        APP_URL.with(|u| *u.borrow_mut() = app_url);
        let query = RwSignal::new(query);
        let compact = RwSignal::new(compact);
        let handle = leptos::mount::mount_to(
            container,
            move || view! { <App host=Host::Element query=query compact=compact /> },
        );
        Widget {
            query,
            compact,
            mounted: Some(Box::new(handle)),
        }
    }

    /// The element's attributes changed: show this query.
    pub fn set_query(&self, query: String) {
        if self.query.get_untracked() != query {
            self.query.set(query);
        }
    }

    /// Compact chrome on or off.
    pub fn set_compact(&self, compact: bool) {
        self.compact.set(compact);
    }

    /// Removes the calculator from the element.
    pub fn unmount(&mut self) {
        self.mounted = None;
    }
}
