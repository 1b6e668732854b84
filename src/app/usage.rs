//! The usage report in the page: a log read in the browser (never uploaded), reconciled with the
//! catalog, and the scenario that reproduces it one click away.

use leptos::prelude::*;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

use super::Ctx;
use crate::form::{usage_view, Form, UsageView};

/// Reads `file` as text and hands it to `done` (a message on failure).
fn read_file(file: web_sys::File, done: impl Fn(Result<String, String>) + 'static) {
    let Ok(reader) = web_sys::FileReader::new() else {
        done(Err("this browser cannot read files".to_string()));
        return;
    };
    let r = reader.clone();
    let onload = Closure::once(move || {
        let text = r.result().ok().and_then(|v| v.as_string());
        done(text.ok_or_else(|| "the file could not be read as text".to_string()));
    });
    reader.set_onload(Some(onload.as_ref().unchecked_ref()));
    onload.forget(); // runs once, when the file is read
    let _ = reader.read_as_text(&file);
}

/// A file input (also a drop target) for a usage log, and its report.
#[component]
pub fn UsageImport() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let report: RwSignal<Option<Result<UsageView, String>>> = RwSignal::new(None);
    let over = RwSignal::new(false);
    let take = move |file: Option<web_sys::File>| {
        let Some(file) = file else { return };
        report.set(Some(Err(format!("Reading {}…", file.name()))));
        read_file(file, move |text| {
            report.set(Some(
                text.map(|t| ctx.catalog.with_untracked(|c| usage_view(c, &t))),
            ));
        });
    };
    let on_change = move |ev: leptos::ev::Event| {
        let file = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
            .and_then(|i| i.files())
            .and_then(|f| f.get(0));
        take(file);
    };
    let on_drop = move |ev: leptos::ev::DragEvent| {
        ev.prevent_default();
        over.set(false);
        take(
            ev.data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0)),
        );
    };
    let open = move |query: String| {
        let form = ctx.catalog.with_untracked(|c| Form::from_query(c, &query));
        ctx.form.set(form);
    };
    view! {
        <section class="gc-usage" class:gc-drop=move || over.get()
            on:dragover=move |ev: leptos::ev::DragEvent| { ev.prevent_default(); over.set(true); }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop>
            <h2>"Check a usage log against the plan"</h2>
            <label class="gc-field">
                <span>"A log of generations (JSON Lines or CSV: model, options, accepted, action, cost, billable_units, time), read here, never uploaded; or drop it here"</span>
                <input type="file" accept=".jsonl,.json,.csv,.txt,text/csv,application/json" data-testid="usage-file" on:change=on_change />
            </label>
            {move || report.get().map(|r| match r {
                Err(msg) => view! { <p class="gc-note" role="status">{msg}</p> }.into_any(),
                Ok(v) => {
                    let rows = v.models.into_iter().map(|m| view! {
                        <tr>{m.into_iter().map(|c| view! { <td>{c}</td> }).collect_view()}</tr>
                    }).collect_view();
                    let scenario = v.scenario.clone();
                    view! {
                        <div data-testid="usage-report">
                            <p>{v.summary}</p>
                            {(!v.skipped.is_empty()).then(|| view! {
                                <ul class="gc-err">{v.skipped.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}</ul>
                            })}
                            <div class="gc-alternatives">
                                <table class="gc-alt-table">
                                    <thead><tr><th>"Model"</th><th>"Generations"</th><th>"Accepted"</th><th>"Rejected (95 %)"</th><th>"Catalog cost"</th><th>"Billed"</th><th>"Drift"</th><th>"Per accepted output"</th></tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </div>
                            {v.actions.map(|a| view! { <p data-testid="usage-actions">{a}</p> })}
                            {v.forecast.map(|f| view! { <p data-testid="usage-forecast">{f}</p> })}
                            {(!scenario.is_empty()).then(|| view! {
                                <button type="button" class="gc-button" data-testid="usage-open"
                                    on:click=move |_| open(scenario.clone())>"Open the scenario that reproduces it"</button>
                            })}
                        </div>
                    }.into_any()
                }
            })}
        </section>
    }
}
