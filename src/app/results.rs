//! The costs: totals, the split by step, the retry chart, the calculation and the error list.

use leptos::prelude::*;

use super::Ctx;

/// The totals, with the test hooks of the public interface.
#[component]
pub fn Summary() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let eval = ctx.eval;
    let multi = move || eval.with(|e| e.steps.len() > 1);
    let get = move |f: fn(&crate::form::Evaluation) -> Option<String>| {
        move || eval.with(|e| f(e)).unwrap_or_else(|| "—".to_string())
    };
    view! {
        <div class="gc-summary">
            <h2 class="gc-visually-hidden">"Costs"</h2>
            <dl class="gc-totals" aria-live="polite" aria-atomic="true">
                <div class="gc-total-main">
                    <dt>"Cost per user action"</dt>
                    <dd data-testid="cost-per-action" data-exact=move || eval.with(|e| e.exact.cost_per_action.clone())>{get(|e| e.cost_per_action.clone())}</dd>
                </div>
                <div>
                    <dt>{move || if multi() { "Per generation (one of each step)" } else { "Per generation" }}</dt>
                    <dd data-testid="cost-per-generation" data-exact=move || eval.with(|e| e.exact.cost_per_generation.clone())>{get(|e| e.cost_per_generation.clone())}</dd>
                </div>
                <div>
                    <dt>{move || if multi() { "Per accepted output (one of each step)" } else { "Per accepted output" }}</dt>
                    <dd data-testid="cost-per-accepted-output" data-exact=move || eval.with(|e| e.exact.cost_per_accepted_output.clone())>{get(|e| e.cost_per_accepted_output.clone())}</dd>
                </div>
                <div>
                    <dt>"Actions per $1"</dt>
                    <dd data-testid="actions-per-dollar">{get(|e| e.actions_per_dollar.clone())}</dd>
                </div>
                <div>
                    <dt>"Monthly spend"</dt>
                    <dd data-testid="monthly" data-exact=move || eval.with(|e| e.exact.monthly.clone())>{get(|e| e.monthly.clone())}</dd>
                </div>
            </dl>
            {move || eval.with(|e| e.no_total.clone()).map(|m| view! { <p class="gc-unknown" data-testid="unknown">{m}</p> })}
            <details class="gc-calc">
                <summary>"Show calculation"</summary>
                <div data-testid="breakdown">
                    {move || eval.with(|e| e.steps.iter().map(|s| {
                        let title = format!("Step {}: {}", s.index + 1, s.model.as_ref().map(|m| m.name.clone()).unwrap_or_else(|| "unknown model".into()));
                        let lines = s.lines.iter().map(|l| view! { <li><span>{l.label.clone()}</span>": "<code>{l.arithmetic.clone()}</code></li> }).collect_view();
                        let maths = s.maths.iter().map(|m| view! { <li><code>{m.clone()}</code></li> }).collect_view();
                        view! { <section><h3>{title}</h3><ul class="gc-lines">{lines}</ul><ul class="gc-maths">{maths}</ul></section> }
                    }).collect_view())}
                </div>
            </details>
        </div>
    }
}

/// A bar splitting the cost per action by step.
#[component]
pub fn SplitBar() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let parts = move || ctx.eval.with(|e| e.split.clone());
    view! {
        <Show when=move || { parts().len() > 1 }>
            <figure class="gc-split" aria-label="Share of each step in the cost per action">
                <svg class="gc-bar" viewBox="0 0 100 4" preserveAspectRatio="none" aria-hidden="true">
                    {move || parts().into_iter().map(|p| view! {
                        <rect class=format!("gc-seg-{}", (p.step - 1) % 6) x=p.x y="0" width=p.width height="4"></rect>
                    }).collect_view()}
                </svg>
                <figcaption>
                    {move || parts().into_iter().map(|p| view! {
                        <span class="gc-legend"><i class=format!("gc-seg-{}", (p.step - 1) % 6)></i>{format!("Step {} · {}: {} %", p.step, p.model, p.percent)}</span>
                    }).collect_view()}
                </figcaption>
            </figure>
        </Show>
    }
}

/// Cost per accepted output against the rejection rate, 0 to 90 %.
#[component]
pub fn Chart() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let chart = move || ctx.eval.with(|e| e.chart.clone());
    view! {
        {move || chart().map(|c| view! {
            <figure class="gc-chart">
                <svg viewBox=c.view_box.clone() role="img" aria-labelledby="gc-chart-title" data-testid="retry-chart">
                    <title id="gc-chart-title">{format!("Step {} cost per accepted output against the rejection rate, 0 to 90 %", c.step)}</title>
                    {axes(&c.y_ticks, &c.x_ticks)}
                    <path class="gc-linear" d=c.linear.clone()></path>
                    <path class="gc-curve" d=c.curve.clone()></path>
                    {c.marker.clone().map(|(x, y)| view! { <circle class="gc-marker" cx=x cy=y r="5"></circle> })}
                </svg>
                <figcaption>
                    {c.marker_label.clone()}
                    <span class="gc-key"><i class="gc-key-curve"></i>"c / (1 − r), what you pay"</span>
                    <span class="gc-key"><i class="gc-key-linear"></i>"c × (1 + r), the rule of thumb"</span>
                </figcaption>
            </figure>
        })}
    }
}

/// The grid lines and labels of a chart's axes: (y, label) and (x, label).
fn axes(y_ticks: &[(String, String)], x_ticks: &[(String, String)]) -> impl IntoView {
    let ys = y_ticks
        .iter()
        .map(|(y, t)| view! {
            <line class="gc-grid-line" x1="56" x2="376" y1=y.clone() y2=y.clone()></line>
            <text class="gc-tick" x="50" y=y.clone() text-anchor="end" dominant-baseline="middle">{t.clone()}</text>
        })
        .collect_view();
    let xs = x_ticks
        .iter()
        .map(|(x, t)| view! { <text class="gc-tick" x=x.clone() y="186" text-anchor="middle">{t.clone()}</text> })
        .collect_view();
    view! { {ys}{xs} }
}

/// Every problem, in one list (`data-testid="error"`).
#[component]
pub fn ErrorList() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let errors = move || ctx.eval.with(|e| e.errors.clone());
    let ignored = move || ctx.form.with(|f| f.ignored.clone());
    // A pair of the link that no field shows (`s21.model`, a second `retry`) can be removed here.
    let removable = move |key: &str| ctx.form.with(|f| f.stray.iter().any(|(k, _)| k == key));
    view! {
        <Show when=move || !errors().is_empty()>
            <div class="gc-errors" role="alert">
                <h2>"Check these fields"</h2>
                <ul data-testid="error">
                    {move || errors().into_iter().map(|e| {
                        let key = e.key.clone();
                        let remove = removable(&key).then(|| {
                            let label = format!("Remove {key} from the link");
                            view! {
                                " "
                                <button type="button" class="gc-link-button" data-testid="remove-key" aria-label=label
                                    on:click=move |_| ctx.form.update(|f| f.drop_stray(&key))>"Remove"</button>
                            }
                        });
                        view! { <li>{e.message}{remove}</li> }
                    }).collect_view()}
                </ul>
            </div>
        </Show>
        <Show when=move || !ignored().is_empty()>
            <p class="gc-ignored" data-testid="ignored">
                {move || format!("Ignored URL parameters (no model uses them): {}", ignored().join(", "))}
            </p>
        </Show>
    }
}

/// The cost that covers 50, 90, 95 and 99 % of user actions, what to budget, and the
/// distribution of the action's cost.
#[component]
pub fn Budget() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let budget = move || ctx.eval.with(|e| e.budget.clone());
    view! {
        {move || budget().map(|b| {
            // The public test hooks, written out: `p50-cost-per-action` ... `p99-cost-per-action`.
            const CELLS: [(&str, &str); 4] = [
                ("50 % of actions", "p50-cost-per-action"),
                ("90 % of actions", "p90-cost-per-action"),
                ("95 % of actions", "p95-cost-per-action"),
                ("99 % of actions", "p99-cost-per-action"),
            ];
            let cells = CELLS.into_iter().zip(b.values.clone()).zip(b.exact.clone()).map(|(((label, testid), shown), exact)| {
                view! { <div><dt>{label}</dt><dd data-testid=testid data-exact=exact>{shown}</dd></div> }
            }).collect_view();
            let chart = b.chart.clone().map(|c| view! {
                <svg viewBox=c.view_box.clone() role="img" aria-labelledby="gc-budget-title" data-testid="budget-chart">
                    <title id="gc-budget-title">"Share of user actions that cost at most each amount"</title>
                    {axes(&c.y_ticks, &c.x_ticks)}
                    <path class="gc-curve" d=c.curve.clone()></path>
                    {c.marks.iter().map(|(x, y, t)| view! {
                        <circle class="gc-marker" cx=x.clone() cy=y.clone() r="4"><title>{t.clone()}</title></circle>
                    }).collect_view()}
                </svg>
            });
            view! {
                <figure class="gc-budget">
                    <dl class="gc-percentiles">{cells}</dl>
                    <figcaption data-testid="budget-sentence">{b.sentence.clone()}</figcaption>
                    {chart}
                </figure>
            }
        })}
    }
}

/// Downloads of the quote (CSV, JSON) and a Markdown table to paste, made in the browser.
#[component]
pub fn Exports() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let status = RwSignal::new(None::<String>);
    let with_files = move |f: fn(&crate::form::Files) -> bool, done: &'static str| {
        move |_| {
            let files = ctx
                .catalog
                .with_untracked(|c| ctx.form.with_untracked(|form| crate::form::files(c, form)));
            status.set(Some(match files {
                Ok(x) if f(&x) => done.to_string(),
                Ok(_) => "The browser refused.".to_string(),
                Err(e) => format!("Nothing to export yet: {e}"),
            }));
        }
    };
    view! {
        <div class="gc-exports">
            <button type="button" class="gc-button gc-secondary" data-testid="download-csv"
                on:click=with_files(|x| super::browser::download("gencost.csv", "text/csv", &x.csv), "gencost.csv made.")>"Download CSV"</button>
            <button type="button" class="gc-button gc-secondary" data-testid="download-json"
                on:click=with_files(|x| super::browser::download("gencost.json", "application/json", &x.json), "gencost.json made.")>"Download JSON"</button>
            <button type="button" class="gc-button gc-secondary" data-testid="copy-markdown"
                on:click=with_files(|x| super::browser::copy(&x.markdown), "Markdown table copied.")>"Copy Markdown table"</button>
            {move || status.get().map(|s| view! { <span class="gc-note" role="status">{s}</span> })}
        </div>
    }
}
