//! The calculator in the browser (Leptos, client-side rendering). It renders
//! [`crate::form::Evaluation`] and edits [`crate::form::Form`]; it computes nothing itself.

use std::sync::Arc;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::engine::Catalog;
use crate::form::{evaluate, Evaluation, Form};

mod browser;
mod results;
mod step;

use results::{Chart, ErrorList, SplitBar, Summary};
use step::StepCard;

/// The element the app mounts into: `<div id="gencost">` (falls back to `<body>`).
pub const MOUNT_ID: &str = "gencost";

/// Starts the app: installs the panic hook and mounts into `#gencost`.
pub fn start() {
    console_error_panic_hook::set_once();
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let target = document
        .get_element_by_id(MOUNT_ID)
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
        .or_else(|| document.body());
    if let Some(el) = target {
        el.set_inner_html("");
        leptos::mount::mount_to(el, App).forget();
    }
}

/// What the page shares with every component.
#[derive(Clone, Copy)]
pub(crate) struct Ctx {
    /// The catalog in use.
    pub catalog: RwSignal<Arc<Catalog>>,
    /// The form, as typed.
    pub form: RwSignal<Form>,
    /// What the form shows, computed once per change and read by every component.
    pub eval: Memo<Arc<Evaluation>>,
}

/// The whole calculator.
#[component]
pub fn App() -> impl IntoView {
    let (embedded, embedded_error) = match Catalog::embedded() {
        Ok(c) => (c, None),
        Err(e) => (
            Catalog::empty(),
            Some(format!("the built-in catalog is broken: {e}")),
        ),
    };
    let query = browser::search();
    let form = RwSignal::new(Form::from_query(&embedded, &query));
    let catalog = RwSignal::new(Arc::new(embedded));
    let eval = Memo::new(move |_| Arc::new(catalog.with(|c| form.with(|f| evaluate(c, f)))));
    let ctx = Ctx {
        catalog,
        form,
        eval,
    };
    provide_context(ctx);

    // The URL always holds the state (no history entry per keystroke).
    Effect::new(move |_| {
        let q = form.with(Form::to_query);
        browser::replace_query(&q);
    });

    let catalog_status = RwSignal::new(embedded_error);
    if let Some((_, url)) =
        form.with_untracked(|f| f.passthrough.iter().find(|(k, _)| k == "catalog").cloned())
    {
        load_catalog(url, query, ctx, catalog_status);
    }

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

    view! {
        <div class="gc">
            <header class="gc-head">
                <h1>"What will this cost?"</h1>
                <p class="gc-sub">"Exact costs of image, video and audio model APIs: per generation, per accepted output, per user action."</p>
            </header>
            {move || catalog_status.get().map(|s| view! { <p class="gc-status" role="status">{s}</p> })}
            <div class="gc-grid">
                <section class="gc-inputs" aria-label="Scenario">
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
                                aria-invalid=move || eval.with(|e| e.errors.iter().any(|x| x.key == "actions")).to_string()
                            />
                        </label>
                        {move || eval.with(|e| e.errors.iter().find(|x| x.key == "actions").map(|x| view! { <p class="gc-err">{x.message.clone()}</p> }))}
                    </div>
                </section>
                <section class="gc-results" aria-label="Costs">
                    <Summary />
                    <SplitBar />
                    <Chart />
                    <ErrorList />
                    <ShareLink />
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

/// The share link and its copy button.
#[component]
fn ShareLink() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let copied = RwSignal::new(false);
    let link = move || {
        let q = ctx.form.with(Form::to_query);
        format!("{}?{q}", browser::base_href())
    };
    view! {
        <div class="gc-share">
            <label class="gc-field gc-wide">
                <span>"Share this scenario"</span>
                <input type="text" readonly data-testid="share-link" prop:value=link on:focus=move |ev| {
                    if let Some(t) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        t.select();
                    }
                } />
            </label>
            <button type="button" class="gc-button" data-testid="copy-link" on:click=move |_| copied.set(browser::copy(&link()))>
                {move || if copied.get() { "Copied" } else { "Copy link" }}
            </button>
        </div>
    }
}
