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
mod plans;
mod results;
mod step;
mod usage;

use plans::{AddPlan, PlanColumns, PlanTabs};
use results::{Budget, Chart, ErrorList, Exports, SplitBar, Summary};
use step::StepCard;
use usage::UsageImport;

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

/// The `catalog` a query names: `None` without one, `Some(Err)` when it is given twice.
fn catalog_url(q: &str) -> Option<Result<String, String>> {
    let urls: Vec<String> = crate::engine::share_url::pairs_as_written(q)
        .into_iter()
        .filter(|(k, _, _)| k == "catalog")
        .map(|(_, v, _)| v)
        .collect();
    match urls.as_slice() {
        [] => None,
        [one] => Some(Ok(one.clone())),
        _ => Some(Err(
            "`catalog` is given twice: the built-in catalog is in use".to_string(),
        )),
    }
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
        // The URL always holds the state (no history entry per keystroke, no scroll). It is
        // written in the next task: `history.replaceState` takes milliseconds in Chromium, too
        // long to sit between a keystroke and its cost. Edits meanwhile share one write.
        let pending = StoredValue::new(None::<String>);
        Effect::new(move |_| {
            let q = form.with(Form::to_query);
            let scheduled = pending.with_value(Option::is_some);
            pending.set_value(Some(q));
            if !scheduled {
                set_timeout(
                    move || {
                        if let Some(q) = pending.try_update_value(Option::take).flatten() {
                            browser::replace_query(&q);
                        }
                    },
                    std::time::Duration::ZERO,
                );
            }
        });
    }
    // A new query (an attribute changed): read it again, and its catalog if that changed.
    let loaded_from: RwSignal<Option<Result<String, String>>> = RwSignal::new(None);
    // Counts catalog requests: an answer to any but the latest is dropped when it lands.
    let latest = StoredValue::new(0u64);
    Effect::new(move |prev: Option<()>| {
        let q = query.get();
        let wanted = catalog_url(&q);
        if prev.is_some() {
            let current = catalog.get_untracked();
            form.set(Form::from_query(&current, &q));
        }
        if wanted != loaded_from.get_untracked() {
            loaded_from.set(wanted.clone());
            latest.update_value(|n| *n = n.wrapping_add(1));
            match wanted {
                Some(Ok(url)) => load_catalog(url, latest, ctx, catalog_status),
                Some(Err(message)) => {
                    catalog.set(embedded.clone());
                    form.set(Form::from_query(&embedded, &q));
                    catalog_status.set(Some(message));
                }
                None if prev.is_some() => {
                    catalog.set(embedded.clone());
                    form.set(Form::from_query(&embedded, &q));
                    catalog_status.set(None);
                }
                None => {}
            }
        }
    });

    let step_ids = move || form.with(|f| f.steps().iter().map(|s| s.id).collect::<Vec<_>>());
    let add_step = move |_| {
        form.update(|f| {
            let last = f
                .steps()
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
                    {(host == Host::Page).then(|| view! { <PlanTabs /> })}
                    <For each=step_ids key=|id| *id children=move |id| view! { <StepCard id=id /> } />
                    <div class="gc-row gc-actions">
                        <button type="button" class="gc-button" on:click=add_step data-testid="add-step">"+ Add a step"</button>
                        {(host == Host::Page).then(|| view! { <AddPlan /> })}
                        <label class="gc-field">
                            <span>"User actions per month"</span>
                            <input
                                type="text"
                                inputmode="numeric"
                                data-testid="actions"
                                prop:value=move || form.with(|f| f.actions.clone())
                                on:input=move |ev| form.update(|f| f.set_actions(&event_target_value(&ev)))
                                aria-invalid=move || actions_error().is_some().to_string()
                            />
                        </label>
                        {move || actions_error().map(|m| view! { <p class="gc-err">{m}</p> })}
                    </div>
                </section>
                <section class="gc-results" aria-label=(host == Host::Page).then_some("Costs")>
                    <Summary />
                    {(host == Host::Page).then(|| view! { <PlanColumns /> })}
                    <Budget />
                    <SplitBar />
                    <Chart />
                    <ErrorList />
                    <Exports />
                    <ShareLink host=host />
                    {(host == Host::Page).then(|| view! { <UsageImport /> })}
                </section>
            </div>
        </div>
    }
}

/// Fetches `?catalog=<url>`. On success the form as it is *now* (what the user typed while it
/// loaded included) is read again against the new catalog; on failure a message names the
/// problem and the built-in catalog stays. An answer that is no longer the latest request's
/// (the element's `catalog` changed meanwhile) is dropped.
fn load_catalog(url: String, latest: StoredValue<u64>, ctx: Ctx, status: RwSignal<Option<String>>) {
    if let Err(why) = crate::engine::url::check_catalog_url(&url) {
        status.set(Some(format!(
            "Catalog not loaded: {why}. The built-in catalog is in use."
        )));
        return;
    }
    let request = latest.get_value();
    status.set(Some(format!("Loading catalog from {url}…")));
    leptos::task::spawn_local(async move {
        let result = fetch_catalog(&url).await;
        if latest.try_get_value() != Some(request) {
            return;
        }
        match result {
            Ok(c) => {
                let count = c.models().len();
                let typed = ctx.form.with_untracked(Form::to_query);
                let form = Form::from_query(&c, &typed);
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

/// Fetches and reads a catalog, refusing one larger than the engine reads before reading it.
async fn fetch_catalog(url: &str) -> Result<Catalog, String> {
    let limit = crate::engine::catalog::MAX_BYTES;
    let resp = gloo_net::http::Request::get(url)
        .send()
        .await
        .map_err(|e| format!("network error: {e}"))?;
    if !resp.ok() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let declared = resp
        .headers()
        .get("content-length")
        .and_then(|l| l.trim().parse::<usize>().ok());
    if let Some(len) = declared.filter(|l| *l > limit) {
        return Err(crate::engine::catalog::too_large(len));
    }
    let text = resp
        .text()
        .await
        .map_err(|e| format!("could not read the response: {e}"))?;
    Catalog::from_json(&text).map_err(|e| {
        let problems = e.problems();
        let first = problems.first().map(|p| p.to_string()).unwrap_or_default();
        if problems.len() > 1 {
            format!(
                "{first} (and {} more problems)",
                problems.len().saturating_sub(1)
            )
        } else {
            first
        }
    })
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
    let code = move || embed_code(&app_url(), &ctx.form.with(Form::embed_pairs));
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
