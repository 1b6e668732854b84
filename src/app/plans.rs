//! Plans side by side (the full calculator only): tabs that choose which plan the steps edit,
//! each plan's name and mix, their columns and the blend.

use leptos::prelude::*;

use super::Ctx;

/// The plan tabs: which plan the step editor shows, its name and mix, add and remove.
#[component]
pub fn PlanTabs() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let form = ctx.form;
    let count = move || form.with(|f| f.plans.len());
    let active = move || form.with(|f| f.active);
    // A memo: the tab buttons are rebuilt only when a label changes, not on every keystroke.
    let tabs = Memo::new(move |_| {
        form.with(|f| {
            f.plans
                .iter()
                .enumerate()
                .map(|(i, p)| {
                    let label = if p.name.trim().is_empty() {
                        format!("Plan {}", i + 1)
                    } else {
                        p.name.clone()
                    };
                    (i, label)
                })
                .collect::<Vec<_>>()
        })
    });
    let name = move || {
        form.with(|f| {
            f.plans
                .get(f.active)
                .map(|p| p.name.clone())
                .unwrap_or_default()
        })
    };
    let mix = move || {
        form.with(|f| {
            f.plans
                .get(f.active)
                .map(|p| p.mix.clone())
                .unwrap_or_default()
        })
    };
    let mix_key = move || format!("{}mix", crate::engine::vocabulary::plan_prefix(active()));
    let mix_error = move || {
        let key = mix_key();
        ctx.eval.with(|e| {
            e.errors
                .iter()
                .find(|x| x.key == key || (x.key == "mix" && count() > 1))
                .map(|x| x.message.clone())
        })
    };
    view! {
        <Show when=move || { count() > 1 }>
            <div class="gc-plans-bar">
                <div class="gc-tabs" role="tablist" aria-label="Plans">
                    {move || tabs.get().into_iter().map(|(i, label)| view! {
                        <button type="button" role="tab" class="gc-tab" data-testid=format!("plan-tab-{}", i + 1)
                            aria-selected=move || (active() == i).to_string()
                            on:click=move |_| form.update(|f| f.select_plan(i))>{label}</button>
                    }).collect_view()}
                </div>
                <div class="gc-row">
                    <label class="gc-field">
                        <span>"Plan name"</span>
                        <input type="text" data-testid="plan-name" placeholder=move || format!("Plan {}", active() + 1)
                            prop:value=name on:input=move |ev| form.update(|f| f.set_plan_name(f.active, &event_target_value(&ev))) />
                    </label>
                    <label class="gc-field">
                        <span>"Share of user actions"<small>" %"</small></span>
                        <input type="text" inputmode="decimal" data-testid="plan-mix" placeholder="not blended"
                            prop:value=mix on:input=move |ev| form.update(|f| f.set_plan_mix(f.active, &event_target_value(&ev)))
                            aria-invalid=move || mix_error().is_some().to_string() />
                    </label>
                    <button type="button" class="gc-icon" data-testid="remove-plan"
                        aria-label=move || format!("Remove plan {}", active() + 1)
                        on:click=move |_| form.update(|f| f.remove_plan(f.active))>"×"</button>
                </div>
                {move || mix_error().map(|m| view! { <p class="gc-err">{m}</p> })}
            </div>
        </Show>
    }
}

/// "+ Add a plan": a copy of the plan shown, to change (up to 4).
#[component]
pub fn AddPlan() -> impl IntoView {
    let form = expect_context::<Ctx>().form;
    let count = move || form.with(|f| f.plans.len());
    view! {
        <button type="button" class="gc-button gc-secondary" data-testid="add-plan"
            disabled=move || { count() >= crate::engine::vocabulary::MAX_PLANS }
            on:click=move |_| form.update(|f| f.add_plan())>"+ Add a plan"</button>
    }
}

/// Each plan's cost per action, percentiles and monthly spend, and the blend.
#[component]
pub fn PlanColumns() -> impl IntoView {
    let ctx = expect_context::<Ctx>();
    let eval = ctx.eval;
    let columns = move || eval.with(|e| e.plans.clone());
    let blend = move || eval.with(|e| e.blend.clone());
    view! {
        <Show when=move || { eval.with(|e| e.plans.len() > 1) }>
            <section class="gc-plans" aria-label="Plans side by side">
                <div class="gc-plan-grid">
                    {move || columns().into_iter().map(|c| {
                        let dash = |x: Option<String>| x.unwrap_or_else(|| "—".to_string());
                        let pct = c.percentiles.clone().map(|p| p.join(" · ")).unwrap_or_else(|| "—".to_string());
                        view! {
                            <div class="gc-plan" data-testid=format!("plan-{}", c.index + 1)>
                                <h3>{c.label.clone()}</h3>
                                <dl>
                                    <div><dt>"per action"</dt><dd data-testid="plan-cost-per-action" data-exact=c.exact.clone()>{dash(c.cost_per_action.clone())}</dd></div>
                                    <div><dt>"p50 · p90 · p95 · p99"</dt><dd>{pct}</dd></div>
                                    <div><dt>"monthly"</dt><dd data-testid="plan-monthly">{dash(c.monthly.clone())}</dd></div>
                                </dl>
                                {c.note.clone().map(|n| view! { <p class="gc-unknown">{n}</p> })}
                            </div>
                        }
                    }).collect_view()}
                </div>
                {move || blend().map(|b| match b {
                    Ok((cost, exact, monthly)) => view! {
                        <dl class="gc-blend">
                            <div><dt>"Blended cost per user action"</dt><dd data-testid="blended-cost-per-action" data-exact=exact>{cost}</dd></div>
                            <div><dt>"Blended monthly spend"</dt><dd data-testid="blended-monthly">{monthly.unwrap_or_else(|| "—".to_string())}</dd></div>
                        </dl>
                    }.into_any(),
                    Err(why) => view! {
                        <dl class="gc-blend">
                            <div><dt>"Blended cost per user action"</dt><dd data-testid="blended-cost-per-action">"—"</dd></div>
                            <div><dt>"Blended monthly spend"</dt><dd data-testid="blended-monthly">"—"</dd></div>
                        </dl>
                        <p class="gc-unknown">{why}</p>
                    }.into_any(),
                })}
            </section>
        </Show>
    }
}
