//! One workflow step: its model, options, counts, retry rate, fallback and its figures.

use leptos::prelude::*;

use super::Ctx;
use crate::engine::Catalog;
use crate::form::{picker_html, Control, Listing, Ranking, StepForm, StepView, SIZE_PRESETS};
use std::sync::Arc;
use std::time::Duration;

/// One step card's memos, provided once per card: what the step shows, its place among the
/// steps and its fields as typed.
///
/// # Design
/// Fields read these rather than the form or the whole evaluation: a keystroke re-runs the
/// closures of the step it was typed in, not every field of every step (each one a subscriber
/// of the whole form, which Leptos notifies one by one), and a field's test id follows the
/// step's place alone.
#[derive(Clone, Copy)]
struct StepFields {
    view: Memo<Option<StepView>>,
    place: Memo<Option<usize>>,
    fields: Memo<Option<StepForm>>,
}

impl StepFields {
    fn new(ctx: Ctx, id: u64) -> StepFields {
        StepFields {
            view: Memo::new(move |_| {
                ctx.eval
                    .with(|e| e.steps.iter().find(|s| s.id == id).cloned())
            }),
            place: Memo::new(move |_| ctx.form.with(|f| f.steps().iter().position(|s| s.id == id))),
            fields: Memo::new(move |_| {
                ctx.form
                    .with(|f| f.steps().iter().find(|s| s.id == id).cloned())
            }),
        }
    }
}

/// The memos of the step whose card is being built.
fn step_fields() -> StepFields {
    expect_context::<StepFields>()
}

fn index_of(s: StepFields) -> Option<usize> {
    s.place.get()
}

fn field(s: StepFields, key: &str) -> String {
    s.fields.with(|f| {
        f.as_ref()
            .map(|f| f.get(key).to_string())
            .unwrap_or_default()
    })
}

/// The test hook of a field: its share-URL key with the step's prefix (`retry`, `s2.retry`).
fn testid_of(s: StepFields, key: &str) -> String {
    let prefix = index_of(s)
        .map(crate::engine::scenario::step_prefix)
        .unwrap_or_default();
    format!("{prefix}{key}")
}

fn set(ctx: Ctx, s: StepFields, key: &str, value: String) {
    if let Some(i) = s.place.get_untracked() {
        ctx.form.update(|f| f.set(i, key, &value));
    }
}

/// The message for unprefixed `key` of the step.
fn error_of(step: Memo<Option<StepView>>, key: &str) -> Option<String> {
    step.with(|s| s.as_ref().and_then(|s| s.error_for(key)))
}

/// A DOM id unique to the step and field.
fn dom_id(id: u64, key: &str) -> String {
    format!("gc-{id}-{}", key.replace('.', "-"))
}

/// A message under a field, linked by `aria-describedby`.
#[component]
fn FieldError(
    /// The step's id.
    id: u64,
    /// The field's unprefixed key.
    key: &'static str,
) -> impl IntoView {
    let step = step_fields().view;
    let msg = move || error_of(step, key);
    view! { <p class="gc-err" id=dom_id(id, &format!("{key}-err")) hidden=move || msg().is_none()>{msg}</p> }
}

/// A text field of a step bound to a share-URL key.
#[component]
fn TextField(
    /// The step's id.
    id: u64,
    /// The field's unprefixed key (`n`, `retry`...).
    key: &'static str,
    /// Its label.
    label: &'static str,
    /// A hint after the label.
    #[prop(optional)]
    hint: &'static str,
    /// The placeholder shown when empty.
    #[prop(optional)]
    placeholder: &'static str,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let fields = step_fields();
    let step = fields.view;
    let testid = move || testid_of(fields, key);
    view! {
        <label class="gc-field">
            <span>{label}<small>{hint}</small></span>
            <input
                type="text"
                inputmode="decimal"
                id=dom_id(id, key)
                data-testid=testid
                placeholder=placeholder
                prop:value=move || field(fields, key)
                on:input=move |ev| set(ctx, fields, key, event_target_value(&ev))
                aria-invalid=move || error_of(step, key).is_some().to_string()
                aria-describedby=dom_id(id, &format!("{key}-err"))
            />
        </label>
        <FieldError id=id key=key />
    }
}

/// The model picker: type to search over id, name and provider; grouped by kind.
#[component]
fn ModelPicker(
    /// The step's id.
    id: u64,
    /// `model` or `fallback`.
    key: &'static str,
    /// Its label.
    label: &'static str,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let fields = step_fields();
    let step = fields.view;
    let search = RwSignal::new(String::new());
    // Only a new model re-renders the list, not every keystroke elsewhere in the form.
    let current = Memo::new(move |_| field(fields, key));
    let testid = move || testid_of(fields, key);
    // The list as one HTML string: the browser parses it in one call, where an element per
    // model (over 1,200 options on a 3-step page) cost most of the first render. The first
    // render lists only the selected model, which is all a closed picker shows; the whole list
    // follows after the first paint, or at once when the picker is focused or pointed at.
    let full = RwSignal::new(false);
    request_animation_frame(move || {
        set_timeout(
            move || {
                let _ = full.try_set(true);
            },
            Duration::ZERO,
        );
    });
    let fill = move || {
        if !full.get_untracked() {
            full.set(true);
        }
    };
    let options = move || {
        let cur = current.get();
        let q = search.get();
        let listing = if full.get() || !q.is_empty() {
            Listing::Full
        } else {
            Listing::Selected
        };
        ctx.catalog.with(|c| {
            picker_html(
                c,
                &q,
                &cur,
                key == "fallback",
                listing,
                super::browser::lowercase,
            )
        })
    };
    let on_change = move |ev| {
        let value = event_target_value(&ev);
        if let Some(i) = fields.place.get_untracked() {
            if key == "model" {
                ctx.catalog
                    .with_untracked(|c| ctx.form.update(|f| f.set_model(c, i, &value)));
            } else {
                ctx.form.update(|f| f.set_fallback(i, &value));
            }
        }
    };
    view! {
        <div class="gc-picker">
            <label class="gc-field">
                <span>{label}" "<small>"search"</small></span>
                <input type="search" placeholder="flux, veo, fal, audio…" id=dom_id(id, &format!("{key}-search"))
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev)) />
            </label>
            <label class="gc-field gc-wide">
                <span class="gc-visually-hidden">{label}</span>
                <select id=dom_id(id, key) data-testid=testid on:change=on_change inner_html=options prop:value=current
                    on:focus=move |_| fill() on:pointerdown=move |_| fill() on:keydown=move |_| fill()
                    aria-invalid=move || error_of(step, key).is_some().to_string()
                    aria-describedby=dom_id(id, &format!("{key}-err"))>
                </select>
            </label>
            <FieldError id=id key=key />
        </div>
    }
}

/// The options the step's model (and fallback) take.
#[component]
fn Options(
    /// The step's id.
    id: u64,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let fields = step_fields();
    let step = fields.view;
    // Recomputed on every change, but the fields are rendered again only when the model's
    // option names change (a new model), so a field being typed in is never replaced.
    let names = Memo::new(move |_| {
        step.with(|v| {
            v.as_ref()
                .map(|v| v.options.iter().map(|o| o.name.clone()).collect::<Vec<_>>())
                .unwrap_or_default()
        })
    });
    let has_size = move || {
        step.with(|v| {
            v.as_ref().is_some_and(|v| {
                v.options
                    .iter()
                    .any(|o| o.name == "w" && matches!(o.control, Control::Number { .. }))
                    && v.options.iter().any(|o| o.name == "h")
            })
        })
    };
    let preset_value = move || {
        let get = |n: &str| {
            step.with(|v| {
                v.as_ref()
                    .and_then(|v| {
                        v.options
                            .iter()
                            .find(|o| o.name == n)
                            .map(|o| o.value.clone())
                    })
                    .unwrap_or_default()
            })
        };
        let (w, h) = (get("w"), get("h"));
        SIZE_PRESETS
            .iter()
            .find(|(_, pw, ph)| pw.to_string() == w && ph.to_string() == h)
            .map(|(n, _, _)| n.to_string())
            .unwrap_or_else(|| "custom".to_string())
    };
    let on_preset = move |ev| {
        let name = event_target_value(&ev);
        if let Some((_, w, h)) = SIZE_PRESETS.iter().find(|(n, _, _)| *n == name) {
            if let Some(i) = fields.place.get_untracked() {
                ctx.form.update(|f| {
                    f.set(i, "w", &w.to_string());
                    f.set(i, "h", &h.to_string());
                });
            }
        }
    };
    view! {
        <div class="gc-options">
            <Show when=has_size>
                <label class="gc-field">
                    <span>"Size"</span>
                    <select id=dom_id(id, "size") on:change=on_preset prop:value=preset_value>
                        {SIZE_PRESETS.iter().map(|(n, w, h)| view! { <option value=*n>{format!("{n} ({w}×{h})")}</option> }).collect_view()}
                        <option value="custom">"custom"</option>
                    </select>
                </label>
            </Show>
            {move || names.get().into_iter().map(|name| view! { <OptionField id=id name=name /> }).collect_view()}
        </div>
    }
}

/// One option of the model: a select or a number field.
#[component]
fn OptionField(
    /// The step's id.
    id: u64,
    /// The option's name.
    name: String,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let fields = step_fields();
    let step = fields.view;
    let n = name.clone();
    let opt = move || {
        step.with(|v| {
            v.as_ref()
                .and_then(|v| v.options.iter().find(|o| o.name == n).cloned())
        })
    };
    let Some(initial) = opt() else {
        return ().into_any();
    };
    let key = name.clone();
    let testid = move || testid_of(fields, &key);
    let k2 = name.clone();
    let set_value = move |ev| set(ctx, fields, &k2, event_target_value(&ev));
    let value = {
        let opt = opt.clone();
        move || opt().map(|o| o.value).unwrap_or_default()
    };
    let error = {
        let opt = opt.clone();
        move || opt().and_then(|o| o.error)
    };
    let err_id = dom_id(id, &format!("{name}-err"));
    let unit = if initial.unit.is_empty() || initial.unit == name {
        String::new()
    } else {
        format!(" ({})", initial.unit)
    };
    let control = match initial.control {
        Control::Select(values) => view! {
            <select id=dom_id(id, &name) data-testid=testid on:change=set_value prop:value=value.clone()
                aria-invalid={let e = error.clone(); move || e().is_some().to_string()} aria-describedby=err_id.clone()>
                {values.into_iter().map(|v| { let label = v.clone(); view! { <option value=v>{label}</option> } }).collect_view()}
            </select>
        }
        .into_any(),
        Control::Number { hint } => view! {
            <input type="text" inputmode="decimal" id=dom_id(id, &name) data-testid=testid title=hint.clone()
                prop:value=value.clone() on:input=set_value
                aria-invalid={let e = error.clone(); move || e().is_some().to_string()} aria-describedby=err_id.clone() />
        }
        .into_any(),
    };
    let e2 = error.clone();
    view! {
        <label class="gc-field">
            <span>{initial.label}{unit}</span>
            {control}
        </label>
        <p class="gc-err" id=err_id.clone() hidden=move || e2().is_none()>{error}</p>
    }
    .into_any()
}

/// A step of the user action.
#[component]
pub fn StepCard(
    /// The step's id.
    id: u64,
) -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let fields = StepFields::new(ctx, id);
    provide_context(fields);
    let step = fields.view;
    let number = move || index_of(fields).map(|i| i + 1).unwrap_or(0);
    let count = move || ctx.form.with(|f| f.steps().len());
    // Each part of the card is rebuilt only when its own part of the step's view changes: the
    // model's source line with the model, not with every keystroke.
    let model = Memo::new(move |_| step.with(|v| v.as_ref().and_then(|v| v.model.clone())));
    let figures = Memo::new(move |_| {
        step.with(|v| {
            v.as_ref()
                .map(|v| (v.figures.clone(), v.no_figures.clone()))
        })
    });
    let retry_slider = move || {
        crate::engine::money::parse_decimal(&field(fields, "retry"))
            .map(|d| d.round().to_string())
            .unwrap_or_else(|| "0".into())
    };
    let has_fallback = move || !field(fields, "fallback").is_empty();
    let act = move |f: fn(&mut crate::form::Form, usize)| {
        move |_| {
            if let Some(i) = fields.place.get_untracked() {
                ctx.form.update(|form| f(form, i));
            }
        }
    };
    view! {
        <fieldset class="gc-step" data-testid=move || format!("step-{}", number())>
            <legend>{move || format!("Step {}", number())}</legend>
            <div class="gc-step-tools">
                <button type="button" class="gc-icon" aria-label=move || format!("Move step {} up", number())
                    disabled=move || { number() <= 1 } on:click=act(|f, i| f.move_step(i, true))>"↑"</button>
                <button type="button" class="gc-icon" aria-label=move || format!("Move step {} down", number())
                    disabled=move || { number() >= count() } on:click=act(|f, i| f.move_step(i, false))>"↓"</button>
                <button type="button" class="gc-icon" aria-label=move || format!("Remove step {}", number())
                    disabled=move || { count() <= 1 } on:click=act(|f, i| f.remove_step(i))>"×"</button>
            </div>
            <ModelPicker id=id key="model" label="Model" />
            {move || model.get().map(|m| {
                let changed = m.price_change(&super::browser::today());
                view! {
                <p class="gc-source">
                    <span class="gc-rule">{m.summary}</span>" · "
                    // The loader admits only http(s) sources; checked again where it becomes a link.
                    {crate::engine::url::is_web_page(&m.source).then(|| view! {
                        <a href=m.source.clone() target="_blank" rel="noopener noreferrer">"source"</a>
                    })}
                    {match m.verified {
                        Some(date) => format!(" · verified {date}"),
                        None => " · imported (no date given)".to_string(),
                    }}
                    {m.note.clone().map(|n| view! { <span class="gc-note">" · " {n}</span> })}
                </p>
                {m.retired.clone().map(|r| view! { <p class="gc-warn" role="status" data-testid="step-retired">{r}</p> })}
                {changed.map(|c| view! { <p class="gc-note" data-testid="price-changed">{c}</p> })}
                }
            })}
            <Options id=id />
            <div class="gc-row">
                <TextField id=id key="n" label="Accepted outputs per action" placeholder="1" />
                <div class="gc-retry">
                    <TextField id=id key="retry" label="Rejected by your quality gate" hint=" %" placeholder="0" />
                    <input type="range" min="0" max="95" step="1" aria-label="Rejection rate slider"
                        prop:value=retry_slider on:input=move |ev| set(ctx, fields, "retry", event_target_value(&ev)) />
                </div>
                <TextField id=id key="max" label="Max attempts per output" placeholder="no cap" />
            </div>
            <div class="gc-row">
                <ModelPicker id=id key="fallback" label="Fallback model" />
                <Show when=has_fallback>
                    <TextField id=id key="failover" label="Share served by the fallback" hint=" %" placeholder="10" />
                </Show>
            </div>
            <div class="gc-step-figures" aria-live="polite">
                {move || figures.get().map(|(f, no_figures)| {
                    // Each figure as soon as the fields it depends on are right; a dash for the rest.
                    let any = f.cost_per_generation.is_some() || f.expected_attempts.is_some();
                    let or_dash = |x: Option<String>| x.unwrap_or_else(|| "—".to_string());
                    view! {
                        {any.then(|| view! {
                            <dl class="gc-figs">
                                <div><dt>"per generation"</dt><dd data-testid="step-cost-per-generation">{or_dash(f.cost_per_generation)}</dd></div>
                                <div><dt>"per accepted output"</dt><dd data-testid="step-cost-per-accepted-output">{or_dash(f.cost_per_accepted_output)}</dd></div>
                                <div><dt>"per action"</dt><dd data-testid="step-cost-per-action">{or_dash(f.cost_per_action)}</dd></div>
                                <div><dt>"attempts per output"</dt><dd>{or_dash(f.expected_attempts)}</dd></div>
                                {f.p_no_output.map(|p| view! { <div><dt>"no accepted output"</dt><dd data-testid="step-p-no-output">{p}</dd></div> })}
                                {f.percentiles.map(|p| match p {
                                    Ok(p) => view! { <div><dt>"p50 · p90 · p95 · p99 per action"</dt><dd data-testid="step-percentiles">{p.join(" · ")}</dd></div> }.into_any(),
                                    Err(why) => view! { <div><dt>"percentiles"</dt><dd data-testid="step-percentiles">{why}</dd></div> }.into_any(),
                                })}
                            </dl>
                        })}
                        {no_figures.map(|msg| view! { <p class="gc-unknown" data-testid="step-unknown">{msg}</p> })}
                    }
                })}
            </div>
            <Alternatives />
        </fieldset>
    }
}

/// The row of `model` in a ranking.
fn find_row<'a>(
    list: &'a Option<Result<crate::form::AlternativesView, String>>,
    model: &str,
) -> Option<&'a crate::form::AltRow> {
    match list {
        Some(Ok(v)) => v.rows.iter().find(|r| r.model == model),
        _ => None,
    }
}

/// One ranked alternative: its cells follow the list, so the row is built once per model.
fn alt_row(
    list: Memo<Option<Result<crate::form::AlternativesView, String>>>,
    model: String,
    current: bool,
    use_row: impl Fn(String, Vec<(String, String)>) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    // What a row's cells show: (per action, every digit, ratio, adjusted options).
    type Cells = (String, String, String, String);
    let key = StoredValue::new(model.clone());
    let cells = Memo::new(move |_| {
        list.with(|l| {
            key.with_value(|k| find_row(l, k)).map(|r| -> Cells {
                (
                    r.cost_per_action.clone(),
                    r.exact.clone(),
                    r.ratio.clone(),
                    r.adjusted.clone(),
                )
            })
        })
    });
    let cell = move |f: fn(&Cells) -> String| {
        move || cells.with(|c| c.as_ref().map(f).unwrap_or_default())
    };
    let name = list.with_untracked(|l| {
        find_row(l, &model)
            .map(|r| r.name.clone())
            .unwrap_or_default()
    });
    let adjusted = cell(|c| c.3.clone());
    let label = format!("Use {model}");
    let m = model.clone();
    let data_model = model.clone();
    view! {
        <tr data-testid="alt-row" data-model=data_model class:gc-current=current>
            <td><span class="gc-alt-name">{name}</span><small>{model}</small>
                {move || { let a = adjusted(); (!a.is_empty()).then(|| view! { <small class="gc-note">{format!("adjusted: {a}")}</small> }) }}</td>
            <td class="gc-num" data-exact=cell(|c| c.1.clone())>{cell(|c| c.0.clone())}</td>
            <td class="gc-num">{cell(|c| c.2.clone())}</td>
            <td>{if current {
                view! { <span class="gc-note">"current"</span> }.into_any()
            } else {
                view! { <button type="button" class="gc-link-button" data-testid="alt-use" aria-label=label
                    on:click=move |_| {
                        let options = list.with_untracked(|l| key.with_value(|k| find_row(l, k)).map(|r| r.options.clone()).unwrap_or_default());
                        use_row(m.clone(), options)
                    }>"Use"</button> }.into_any()
            }}</td>
        </tr>
    }
}

/// The models that can do the step's job, cheapest first, each a click away. Ranked again on
/// every edit while open; nothing is computed while closed.
#[component]
fn Alternatives() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let fields = step_fields();
    let open = RwSignal::new(false);
    // Every model is priced again only when the step's model or options change: an edit of
    // `n`, `retry` or `max` only ranks again.
    let ranking = StoredValue::new((None::<Arc<Catalog>>, Ranking::default()));
    let list = Memo::new(move |_| {
        if !open.get() {
            return None;
        }
        let index = index_of(fields)?;
        ctx.eval.with(|e| {
            let step = e.assessment.steps.get(index)?;
            ctx.catalog.with(|c| {
                ranking.try_update_value(|(of, r)| {
                    // A new catalog: price everything again.
                    if !of.as_ref().is_some_and(|of| Arc::ptr_eq(of, c)) {
                        *of = Some(c.clone());
                        *r = Ranking::default();
                    }
                    r.view(c, step, index)
                })
            })
        })
    });
    // Rows are keyed by model, and their figures are read from the list: an edit updates the
    // cells in place instead of building every row again.
    let failure = Memo::new(move |_| {
        list.with(|l| match l {
            Some(Err(why)) => Some(why.clone()),
            _ => None,
        })
    });
    let ranked = Memo::new(move |_| {
        list.with(|l| match l {
            Some(Ok(v)) => v
                .rows
                .iter()
                .map(|r| (r.model.clone(), r.current))
                .collect::<Vec<_>>(),
            _ => Vec::new(),
        })
    });
    let apart = Memo::new(move |_| {
        list.with(|l| match l {
            Some(Ok(v)) => v.incompatible.clone(),
            _ => Vec::new(),
        })
    });
    let use_row = move |model: String, options: Vec<(String, String)>| {
        if let Some(i) = fields.place.get_untracked() {
            ctx.catalog.with_untracked(|c| {
                ctx.form
                    .update(|f| f.use_alternative(c, i, &model, &options))
            });
        }
    };
    view! {
        <div class="gc-alternatives">
            <button type="button" class="gc-button gc-secondary" data-testid="compare-models"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)>
                {move || if open.get() { "Hide alternatives" } else { "Compare models" }}
            </button>
            {move || failure.get().map(|why| view! { <p class="gc-unknown" data-testid="alternatives">{format!("No alternatives: {why}")}</p> })}
            <Show when=move || list.with(|l| matches!(l, Some(Ok(_))))>
                <div data-testid="alternatives">
                    <table class="gc-alt-table">
                        <thead><tr><th>"Model"</th><th>"Per action"</th><th>"Ratio"</th><th></th></tr></thead>
                        <tbody>
                            <For each=move || ranked.get() key=|k| k.clone() let((model, current))>
                                {alt_row(list, model, current, use_row)}
                            </For>
                        </tbody>
                    </table>
                    {move || {
                        let items = apart.get();
                        (!items.is_empty()).then(|| {
                            let items = items.into_iter().map(|(m, why)| view! { <li><code>{m}</code>": "{why}</li> }).collect_view();
                            view! { <details class="gc-apart"><summary>"Cannot do the same job"</summary><ul>{items}</ul></details> }
                        })
                    }}
                </div>
            </Show>
        </div>
    }
}
