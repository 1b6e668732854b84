//! The calculator in the browser (Leptos, client-side rendering). It renders
//! [`crate::form::Evaluation`] and edits [`crate::form::Form`]; it computes nothing itself.
//!
//! Three hosts: the calculator's own page (reads and writes its address bar), the same page in
//! an iframe (`?embed=1`: compact, posts its height to the parent), and the
//! `<gencost-calculator>` element on someone else's page ([`embed::Widget`]: never touches the
//! host's URL, history or styles).

use std::cell::RefCell;
use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::Catalog;
use crate::form::{embed_code, evaluate, Evaluation, Form};

mod browser;
pub mod embed;
mod results;
mod step;

use results::{Chart, ErrorList, SplitBar, Summary};
use step::StepCard;

/// The element the page mounts into: `<div id="gencost" data-gencost-app>`. Without it nothing
/// is mounted, so loading the module on another page (the embed) never takes over that page.
pub const MOUNT_ID: &str = "gencost";

/// Starts the calculator's own page: installs the panic hook and mounts into `#gencost`.
pub fn start() {
    console_error_panic_hook::set_once();
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(el) = document
        .get_element_by_id(MOUNT_ID)
        .filter(|e| e.has_attribute("data-gencost-app"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
    else {
        return;
    };
    let query = browser::search();
    let iframe = crate::engine::share_url::pairs(&query)
        .unwrap_or_default()
        .iter()
        .any(|(k, v)| k == "embed" && v == "1");
    el.set_inner_html("");
    if iframe {
        browser::post_height_to_parent();
    }
    let host = if iframe { Host::Iframe } else { Host::Page };
    let compact = RwSignal::new(iframe);
    let query = RwSignal::new(query);
    leptos::mount::mount_to(
        el,
        move || view! { <App host=host query=query compact=compact /> },
    )
    .forget();
}

/// Where the calculator lives.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Host {
    /// Its own page: the address bar holds the state.
    Page,
    /// Its own page inside an iframe (`?embed=1`).
    Iframe,
    /// A `<gencost-calculator>` element on another page: its attributes hold the state.
    Element,
}

thread_local! {
    // Parsed once per page, shared by every instance.
    static EMBEDDED: RefCell<Option<Result<Arc<Catalog>, String>>> = const { RefCell::new(None) };
}

fn embedded_catalog() -> Result<Arc<Catalog>, String> {
    EMBEDDED.with(|cell| {
        cell.borrow_mut()
            .get_or_insert_with(|| {
                Catalog::embedded()
                    .map(Arc::new)
                    .map_err(|e| format!("the built-in catalog is broken: {e}"))
            })
            .clone()
    })
}

/// What the calculator shares with every component.
#[derive(Clone, Copy)]
pub(crate) struct Ctx {
    /// The catalog in use.
    pub catalog: RwSignal<Arc<Catalog>>,
    /// The form, as typed.
    pub form: RwSignal<Form>,
    /// What the form shows, computed once per change and read by every component.
    pub eval: Memo<Arc<Evaluation>>,
}

fn catalog_url(q: &str) -> Option<String> {
    crate::engine::share_url::pairs(q)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == "catalog")
        .map(|(_, v)| v)
}

/// The whole calculator.
#[component]
pub fn App(
    /// Where it lives.
    host: Host,
    /// The share query it starts from; for an element, changed by its attributes.
    query: RwSignal<String>,
    /// Compact chrome for narrow columns.
    compact: RwSignal<bool>,
) -> impl IntoView {
    let (embedded, status) = match embedded_catalog() {
        Ok(c) => (c, None),
        Err(e) => (Arc::new(Catalog::empty()), Some(e)),
    };
    let start = query.get_untracked();
    let form = RwSignal::new(Form::from_query(&embedded, &start));
    let catalog = RwSignal::new(embedded.clone());
    // Recomputed only when the form or catalog changes, so every new value is news: comparing
    // whole evaluations would cost more code and time than it saves.
    let eval = Memo::new_with_compare(
        move |_| Arc::new(catalog.with(|c| form.with(|f| evaluate(c, f)))),
        |old, new| match (old, new) {
            (Some(a), Some(b)) => !Arc::ptr_eq(a, b),
            _ => true,
        },
    );
    let ctx = Ctx {
        catalog,
        form,
        eval,
    };
    provide_context(ctx);
    let catalog_status = RwSignal::new(status);

    if host == Host::Page {
        // The URL always holds the state (no history entry per keystroke, no scroll).
        Effect::new(move |_| {
            let q = form.with(Form::to_query);
            browser::replace_query(&q);
        });
    }
    // A new query (an attribute changed): read it again, and its catalog if that changed.
    let loaded_from: RwSignal<Option<String>> = RwSignal::new(None);
    Effect::new(move |prev: Option<()>| {
        let q = query.get();
        let wanted = catalog_url(&q);
        if prev.is_some() {
            let current = catalog.get_untracked();
            form.set(Form::from_query(&current, &q));
        }
        if wanted != loaded_from.get_untracked() {
            loaded_from.set(wanted.clone());
            match wanted {
                Some(url) => load_catalog(url, q, ctx, catalog_status),
                None if prev.is_some() => {
                    catalog.set(embedded.clone());
                    form.set(Form::from_query(&embedded, &q));
                    catalog_status.set(None);
                }
                None => {}
            }
        }
    });

    let step_ids = move || form.with(|f| f.steps.iter().map(|s| s.id).collect::<Vec<_>>());
    let add_step = move |_| {
        form.update(|f| {
            let last = f
                .steps
                .last()
                .map(|s| s.get("model").to_string())
                .unwrap_or_default();
            f.add_step(&last);
        })
    };
    let class = move || if compact.get() { "gc gc-compact" } else { "gc" };
    let actions_error = move || {
        eval.with(|e| {
            e.errors
                .iter()
                .find(|x| x.key == "actions")
                .map(|x| x.message.clone())
        })
    };

    view! {
        <div class=class>
            {(host == Host::Page).then(|| view! {
                <header class="gc-head">
                    <h1>"What will this cost?"</h1>
                    <p class="gc-sub">"Exact costs of image, video and audio model APIs: per generation, per accepted output, per user action."</p>
                </header>
            })}
            {move || catalog_status.get().map(|s| view! { <p class="gc-status" role="status">{s}</p> })}
            <div class="gc-grid">
                <section class="gc-inputs" aria-label=(host == Host::Page).then_some("Scenario")>
                    <For each=step_ids key=|id| *id children=move |id| view! { <StepCard id=id /> } />
                    <div class="gc-row gc-actions">
                        <button type="button" class="gc-button" on:click=add_step data-testid="add-step">"+ Add a step"</button>
                        <label class="gc-field">
                            <span>"User actions per month"</span>
                            <input
                                type="text"
                                inputmode="numeric"
                                data-testid="actions"
                                prop:value=move || form.with(|f| f.actions.clone())
                                on:input=move |ev| form.update(|f| f.actions = event_target_value(&ev))
                                aria-invalid=move || actions_error().is_some().to_string()
                            />
                        </label>
                        {move || actions_error().map(|m| view! { <p class="gc-err">{m}</p> })}
                    </div>
                </section>
                <section class="gc-results" aria-label=(host == Host::Page).then_some("Costs")>
                    <Summary />
                    <SplitBar />
                    <Chart />
                    <ErrorList />
                    <ShareLink host=host />
                </section>
            </div>
        </div>
    }
}

/// Fetches `?catalog=<url>`; on success the form is read again against it, on failure a message
/// names the problem and the built-in catalog stays.
fn load_catalog(url: String, query: String, ctx: Ctx, status: RwSignal<Option<String>>) {
    let allowed = url.starts_with("https://")
        || url.starts_with("http://127.0.0.1")
        || url.starts_with("http://localhost")
        || url.starts_with("http://[::1]");
    if !allowed {
        status.set(Some(format!(
            "catalog {url:?} not loaded: use an https:// URL; the built-in catalog is in use"
        )));
        return;
    }
    status.set(Some(format!("Loading catalog from {url}…")));
    leptos::task::spawn_local(async move {
        let result = async {
            let resp = gloo_net::http::Request::get(&url)
                .send()
                .await
                .map_err(|e| format!("network error: {e}"))?;
            if !resp.ok() {
                return Err(format!("HTTP {}", resp.status()));
            }
            let text = resp
                .text()
                .await
                .map_err(|e| format!("could not read the response: {e}"))?;
            Catalog::from_json(&text).map_err(|e| {
                let problems = e.problems();
                let first = problems.first().map(|p| p.to_string()).unwrap_or_default();
                if problems.len() > 1 {
                    format!("{first} (and {} more problems)", problems.len() - 1)
                } else {
                    first
                }
            })
        }
        .await;
        match result {
            Ok(c) => {
                let count = c.models().len();
                let form = Form::from_query(&c, &query);
                ctx.catalog.set(Arc::new(c));
                ctx.form.set(form);
                status.set(Some(format!(
                    "Using the catalog from {url} ({count} models)."
                )));
            }
            Err(e) => status.set(Some(format!(
                "Could not load the catalog from {url}: {e}. The built-in catalog is in use."
            ))),
        }
    });
}

/// The share link, its copy button, and the embed code.
#[component]
fn ShareLink(
    /// Where the calculator lives: an element links to the full calculator.
    host: Host,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let copied = RwSignal::new(false);
    let show_embed = RwSignal::new(false);
    let app_url = move || match host {
        Host::Element => embed::app_url(),
        _ => browser::base_href(),
    };
    let scenario = move || ctx.form.with(Form::share_query);
    let link = move || format!("{}?{}", app_url(), scenario());
    let code = move || embed_code(&app_url(), &scenario());
    let select_all = |ev: leptos::ev::FocusEvent| {
        if let Some(t) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        {
            t.select();
        }
    };
    view! {
        <div class="gc-share">
            <label class="gc-field gc-wide">
                <span>{if host == Host::Page { "Share this scenario" } else { "Open in the full calculator" }}</span>
                <input type="text" readonly data-testid="share-link" prop:value=link on:focus=select_all />
            </label>
            <button type="button" class="gc-button" data-testid="copy-link" on:click=move |_| copied.set(browser::copy(&link()))>
                {move || if copied.get() { "Copied" } else { "Copy link" }}
            </button>
            {(host == Host::Page).then(|| view! {
                <button type="button" class="gc-button gc-secondary" data-testid="embed-code-toggle"
                    aria-expanded=move || show_embed.get().to_string()
                    on:click=move |_| show_embed.update(|s| *s = !*s)>"Copy embed code"</button>
                {move || show_embed.get().then(|| view! {
                    <div class="gc-embed-code gc-wide">
                        <label class="gc-field gc-wide">
                            <span>"Script and element (recommended)"</span>
                            <textarea readonly rows="3" data-testid="embed-element" prop:value=move || code().element></textarea>
                        </label>
                        <button type="button" class="gc-button" on:click=move |_| { browser::copy(&code().element); }>"Copy element snippet"</button>
                        <label class="gc-field gc-wide">
                            <span>"iframe (for pages that allow no scripts)"</span>
                            <textarea readonly rows="3" data-testid="embed-iframe" prop:value=move || code().iframe></textarea>
                        </label>
                        <button type="button" class="gc-button" on:click=move |_| { browser::copy(&code().iframe); }>"Copy iframe snippet"</button>
                    </div>
                })}
            })}
        </div>
    }
}
