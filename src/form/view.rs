//! What the page shows for a form: the engine's assessment, formatted. No money is computed
//! here; every figure, total, share and line of arithmetic comes from the engine.

use crate::engine::assess::{NoTotal, StepOutcome, StepState};
use crate::engine::catalog::{Domain, Kind, Model, Retired};
use crate::engine::money::{display_number, display_percent, display_usd, exact};
use crate::engine::percentiles::{budget, Budget};
use crate::engine::plans::assess_plans;
use crate::engine::report::{arithmetic, explain, Symbols};
use crate::engine::vocabulary::{option_label, plan_prefix, step_prefix, Key};
use crate::engine::{Catalog, Error, Priced};

use super::compare_view::{blend_view, budget_view, plan_columns};
use super::{chart, Form, StepForm};

/// A field's problem, by its share-URL key (`s2.sec`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The prefixed key, or `""` when the problem is not one field's.
    pub key: String,
    /// The message, as the engine words it.
    pub message: String,
}

/// How an option is edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// Pick one of these.
    Select(Vec<String>),
    /// Type a number; the hint says what is allowed.
    Number {
        /// `17 to 161`.
        hint: String,
    },
}

/// One option of the step's model, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionView {
    /// Its share-URL key without prefix (`sec`).
    pub name: String,
    /// A label for people (`Duration`).
    pub label: String,
    /// Its unit (`s`).
    pub unit: String,
    /// How to edit it.
    pub control: Control,
    /// The value shown: as typed, or the model's default.
    pub value: String,
    /// The problem with it, if any.
    pub error: Option<String>,
}

/// A line item with its arithmetic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineView {
    /// `fal-ai/flux/dev: output megapixels`.
    pub label: String,
    /// `0.75 -> 1 x $0.025 = $0.025`.
    pub arithmetic: String,
}

/// A step's figures, each shown as soon as the fields it depends on are right.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StepFigures {
    /// One billed attempt that yields one output.
    pub cost_per_generation: Option<String>,
    /// Cost per generation / (1 - r).
    pub cost_per_accepted_output: Option<String>,
    /// n x cost per generation x expected attempts.
    pub cost_per_action: Option<String>,
    /// `1.25`.
    pub expected_attempts: Option<String>,
    /// `12.5 %` when attempts are capped.
    pub p_no_output: Option<String>,
    /// The step's p50, p90, p95 and p99 cost per action, or why there are none; `None` until
    /// every step of the action is priced.
    pub percentiles: Option<super::compare_view::StepPercentiles>,
}

/// Facts about a model for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFacts {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its rule in one line.
    pub summary: String,
    /// Where the price comes from.
    pub source: String,
    /// When it was checked; `None` when its source gives no date.
    pub verified: Option<String>,
    /// A caveat, if any.
    pub note: Option<String>,
    /// "Retired on DATE: ..." when the provider shut the model down.
    pub retired: Option<String>,
    /// Earlier prices: (last day, what it was), newest first.
    pub history: Vec<(String, String)>,
}

impl ModelFacts {
    fn of(m: &Model) -> ModelFacts {
        ModelFacts {
            id: m.id.clone(),
            name: m.name.clone(),
            summary: m.summary.clone(),
            source: m.source.clone(),
            verified: m.verified.clone(),
            note: m.note.clone(),
            retired: m.retired.as_ref().map(retired_notice),
            history: m
                .history
                .iter()
                .map(|h| (h.until.clone(), h.was.clone()))
                .collect(),
        }
    }

    /// "Price changed on DATE (was ...)" for the latest change within 12 months before
    /// `today` (`YYYY-MM-DD`, the browser's date).
    pub fn price_change(&self, today: &str) -> Option<String> {
        let year_ago = year_before(today)?;
        self.history
            .iter()
            .filter(|(until, _)| until.as_str() >= year_ago.as_str() && until.as_str() <= today)
            .max_by(|a, b| a.0.cmp(&b.0))
            .map(|(until, was)| format!("Price changed on {until} (was {was})"))
    }
}

/// The same day a year earlier (`2026-11-23` -> `2025-11-23`), compared as text.
fn year_before(today: &str) -> Option<String> {
    let (year, rest) = today.split_once('-')?;
    let y: u32 = year.parse().ok()?;
    Some(format!("{:04}-{rest}", y.checked_sub(1)?))
}

/// What the page says of a retired model.
pub fn retired_notice(r: &Retired) -> String {
    match &r.replacement {
        Some(id) => format!(
            "Retired on {}: the provider no longer serves it; use {id}.",
            r.date
        ),
        None => format!("Retired on {}: the provider no longer serves it.", r.date),
    }
}

/// What one step shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepView {
    /// The step's stable id.
    pub id: u64,
    /// 0-based position.
    pub index: usize,
    /// Its share-URL prefix (`""`, `s2.`).
    pub prefix: String,
    /// The model, when the id is in the catalog.
    pub model: Option<ModelFacts>,
    /// The fallback model, when set and known.
    pub fallback: Option<ModelFacts>,
    /// The options of the model (and the fallback's extra ones).
    pub options: Vec<OptionView>,
    /// The figures its right fields allow.
    pub figures: StepFigures,
    /// Why a figure is missing: price unknown, or fields to fix.
    pub no_figures: Option<String>,
    /// The bill, line by line.
    pub lines: Vec<LineView>,
    /// How the retry, cap and failover maths go, line by line (the engine's explanation).
    pub maths: Vec<String>,
    /// Problems of this step's fields, by key.
    pub errors: Vec<FieldError>,
}

impl StepView {
    /// The message for field `key` (unprefixed), if any.
    pub fn error_for(&self, key: &str) -> Option<String> {
        let full = format!("{}{key}", self.prefix);
        self.errors
            .iter()
            .find(|e| e.key == full)
            .map(|e| e.message.clone())
    }
}

/// The exact figures behind the rounded ones.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExactFigures {
    /// The cost of one generation of each step.
    pub cost_per_generation: Option<String>,
    /// The cost of one accepted output of each step.
    pub cost_per_accepted_output: Option<String>,
    /// The expected cost of one user action.
    pub cost_per_action: Option<String>,
    /// The monthly spend.
    pub monthly: Option<String>,
}

/// One step's share of the cost per action, for the split bar (x and width in percent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitPart {
    /// The step's number (1-based).
    pub step: usize,
    /// Its model's id.
    pub model: String,
    /// Its share for people (`99.2`).
    pub percent: String,
    /// Where its segment starts, 0-100.
    pub x: String,
    /// Its segment's width, 0-100.
    pub width: String,
}

/// Everything the page shows for a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// One view per step.
    pub steps: Vec<StepView>,
    /// Summed over steps: one generation of each.
    pub cost_per_generation: Option<String>,
    /// Summed over steps: one accepted output of each.
    pub cost_per_accepted_output: Option<String>,
    /// The expected cost of one user action.
    pub cost_per_action: Option<String>,
    /// The exact cost per generation and per action (every digit, for `data-exact`): what a
    /// host page's script or a test can compare without parsing a rounded figure.
    pub exact: ExactFigures,
    /// How many actions $1 buys.
    pub actions_per_dollar: Option<String>,
    /// Monthly spend, when actions per month is set and valid.
    pub monthly: Option<String>,
    /// Why the totals are missing.
    pub no_total: Option<String>,
    /// Every problem, for the error list.
    pub errors: Vec<FieldError>,
    /// The share of each step in the cost per action: (step number, model id, percent text).
    pub split: Vec<SplitPart>,
    /// The retry curve of the first step with a price.
    pub chart: Option<chart::Chart>,
    /// The action's budget percentiles (of the plan shown), once every step is priced.
    pub budget: Option<super::compare_view::BudgetView>,
    /// Every plan's column (one plan: one column).
    pub plans: Vec<super::compare_view::PlanColumn>,
    /// The blend of the plans, when they have a mix.
    pub blend: Option<super::compare_view::BlendView>,
    /// The plan shown, assessed: what the alternatives are ranked from.
    pub assessment: crate::engine::Assessment,
}

fn with_usd(d: rust_decimal::Decimal) -> String {
    format!("{} USD", display_usd(d))
}

fn option_views(
    step: &StepForm,
    models: &[&Model],
    errors: &[FieldError],
    prefix: &str,
) -> Vec<OptionView> {
    let mut out: Vec<OptionView> = Vec::new();
    for m in models {
        for spec in &m.options {
            if out.iter().any(|o| o.name == spec.name) {
                continue;
            }
            let value = step
                .values
                .get(&spec.name)
                .cloned()
                .unwrap_or_else(|| spec.default.clone());
            let control = match &spec.domain {
                Domain::Values(v) => {
                    // A value the model does not allow (from a URL) stays visible, next to its message.
                    let mut v = v.clone();
                    if spec.check(&value, "", "").is_err() {
                        v.push(value.clone());
                    }
                    Control::Select(v)
                }
                Domain::Range { .. } => Control::Number {
                    hint: spec.allowed(),
                },
            };
            let key = format!("{prefix}{}", spec.name);
            out.push(OptionView {
                name: spec.name.clone(),
                label: option_label(&spec.name),
                unit: spec.unit.clone().unwrap_or_default(),
                control,
                value,
                error: errors
                    .iter()
                    .find(|e| e.key == key)
                    .map(|e| e.message.clone()),
            });
        }
    }
    out
}

fn line_views(priced: &Priced, prefix: &str, out: &mut Vec<LineView>) {
    if let Priced::Known(g) = priced {
        for l in &g.lines {
            out.push(LineView {
                label: format!("{prefix}{}", l.label),
                arithmetic: arithmetic(l, Symbols::Typographic),
            });
        }
    }
}

/// A problem by its key, without the prefix of the plan shown (`p2.`), so it lands next to
/// its field.
fn keyed(e: &Error, plan: &str) -> FieldError {
    let key = e.key().unwrap_or("");
    FieldError {
        key: key.strip_prefix(plan).unwrap_or(key).to_string(),
        message: e.to_string(),
    }
}

fn step_view(
    catalog: &Catalog,
    form: &StepForm,
    index: usize,
    s: &StepOutcome,
    plan: &str,
) -> StepView {
    let prefix = step_prefix(index);
    let errors: Vec<FieldError> = s.problems.iter().map(|e| keyed(e, plan)).collect();
    let model = catalog.model(&s.model).ok();
    let fallback = catalog.model(form.get(Key::Fallback.name())).ok();
    let mut lines = Vec::new();
    if let Some(p) = &s.primary {
        line_views(
            p,
            if s.fallback.is_some() {
                "primary: "
            } else {
                ""
            },
            &mut lines,
        );
    }
    if let Some((_, fb)) = &s.fallback {
        let label = match fb {
            Priced::Known(g) => format!("fallback {}: ", g.model),
            Priced::Unknown { model, .. } => format!("fallback {model}: "),
        };
        line_views(fb, &label, &mut lines);
    }
    let figures = StepFigures {
        cost_per_generation: s
            .cost_per_generation
            .as_ref()
            .and_then(|c| c.as_ref().ok())
            .map(|c| with_usd(*c)),
        cost_per_accepted_output: s.cost_per_accepted_output.map(with_usd),
        cost_per_action: s.expected_cost_per_action.map(with_usd),
        expected_attempts: s.attempts.map(|a| display_number(a.expected, 4)),
        p_no_output: s
            .attempts
            .filter(|a| a.max_attempts.is_some())
            .map(|a| display_percent(a.p_no_output)),
        percentiles: None,
    };
    let no_figures = match &s.state {
        StepState::Priced => None,
        StepState::PriceUnknown(reason) => Some(format!("Price unknown: {reason}")),
        _ => Some(match &s.cost_per_generation {
            Some(Err(reason)) => format!("Price unknown: {reason}"),
            // no field is at fault: a figure outgrew exact arithmetic
            _ if s.problems.iter().all(|e| e.key().is_none()) && !s.problems.is_empty() => {
                "A figure of this step is too large to compute exactly.".to_string()
            }
            _ => "Fix the marked fields to see this step's cost.".to_string(),
        }),
    };
    let models: Vec<&Model> = model.into_iter().chain(fallback).collect();
    StepView {
        id: form.id,
        index,
        prefix: prefix.clone(),
        model: model.map(ModelFacts::of),
        fallback: fallback.map(ModelFacts::of),
        options: option_views(form, &models, &errors, &prefix),
        figures,
        no_figures,
        lines,
        maths: explain(s, Symbols::Typographic),
        errors,
    }
}

/// Everything the page shows for `form`: the engine's [`assess`] of the form's fields,
/// formatted.
pub fn evaluate(catalog: &Catalog, form: &Form) -> Evaluation {
    let mut pa = assess_plans(catalog, &form.plans_draft());
    let active = form.active.min(pa.plans.len().saturating_sub(1));
    let plan = plan_prefix(active);
    let budgets: Vec<Option<Budget>> = pa
        .plans
        .iter()
        .map(|p| budget(&p.assessment.steps))
        .collect();
    let plans = plan_columns(&pa, &budgets);
    let blend = blend_view(&pa);
    // Every problem, by its whole key: the link's, then each plan's.
    let mut errors: Vec<FieldError> = pa.all_problems().map(|e| keyed(e, "")).collect();
    let a = if pa.plans.is_empty() {
        crate::engine::assess(catalog, &crate::engine::Draft::default())
    } else {
        pa.plans.swap_remove(active).assessment
    };
    let shown = budget_view(budgets.get(active).and_then(Option::as_ref), &a);
    let mut steps: Vec<StepView> = form
        .steps()
        .iter()
        .zip(&a.steps)
        .enumerate()
        .map(|(i, (f, s))| step_view(catalog, f, i, s, &plan))
        .collect();
    if let Some((_, per_step)) = &shown {
        for (v, p) in steps.iter_mut().zip(per_step) {
            v.figures.percentiles = Some(p.clone());
        }
    }
    let t = &a.totals;
    // The monthly spend's problem belongs next to `actions`.
    if let Err(e) = &t.monthly {
        if let Some(x) = errors.iter_mut().find(|x| x.message == e.to_string()) {
            x.key = Key::Actions.name().to_string();
        }
    }
    let cost_per_action = t.cost_per_action.as_ref().ok().copied();
    let no_total = match &t.cost_per_action {
        Ok(_) => None,
        Err(NoTotal::PriceUnknown { index, reason, .. }) if a.problems.is_empty() => Some(format!(
            "Step {}: Price unknown: {reason}",
            index.saturating_add(1)
        )),
        Err(NoTotal::TooLarge(e)) => Some(e.to_string()),
        Err(_) => Some("Fix the marked fields to see the total.".to_string()),
    };
    let split = match cost_per_action {
        Some(total) if total > rust_decimal::Decimal::ZERO => {
            split_parts(&steps, &t.shares_percent)
        }
        _ => Vec::new(),
    };
    let chart = a.steps.iter().enumerate().find_map(|(i, s)| {
        let c = s.cost_per_generation.as_ref()?.as_ref().ok()?;
        let r = s
            .attempts
            .map(|at| {
                at.rejection_rate
                    .saturating_mul(rust_decimal::Decimal::ONE_HUNDRED)
            })
            .unwrap_or_default();
        chart::Chart::retry_curve(*c, r, i.saturating_add(1))
    });
    Evaluation {
        steps,
        cost_per_generation: t.cost_per_generation.map(with_usd),
        cost_per_accepted_output: t.cost_per_accepted_output.map(with_usd),
        cost_per_action: cost_per_action.map(with_usd),
        exact: ExactFigures {
            cost_per_generation: t.cost_per_generation.map(exact),
            cost_per_accepted_output: t.cost_per_accepted_output.map(exact),
            cost_per_action: cost_per_action.map(exact),
            monthly: t.monthly.as_ref().ok().copied().flatten().map(exact),
        },
        actions_per_dollar: cost_per_action.map(|c| match t.actions_per_dollar {
            Some(a) => display_number(a, 2),
            None if c.is_zero() => "unlimited".to_string(),
            None => "—".to_string(),
        }),
        monthly: t.monthly.as_ref().ok().copied().flatten().map(with_usd),
        no_total,
        errors,
        split,
        chart,
        budget: shown.map(|(b, _)| b),
        plans,
        blend,
        assessment: a,
    }
}

/// The split bar's segments from the engine's shares (percent, in step order).
fn split_parts(steps: &[StepView], shares: &[rust_decimal::Decimal]) -> Vec<SplitPart> {
    let mut out = Vec::new();
    let mut start = rust_decimal::Decimal::ZERO;
    for (s, pct) in steps.iter().zip(shares) {
        out.push(SplitPart {
            step: s.index.saturating_add(1),
            model: s.model.as_ref().map(|m| m.id.clone()).unwrap_or_default(),
            percent: display_number(*pct, 1),
            x: display_number(start, 3),
            width: display_number(*pct, 3),
        });
        // shares of one total: at most 100 together
        start = start
            .checked_add(*pct)
            .unwrap_or(rust_decimal::Decimal::ONE_HUNDRED);
    }
    out
}

/// Models grouped by kind, filtered by a search over id, name and provider (all words must
/// match, any case).
pub fn model_groups<'a>(catalog: &'a Catalog, search: &str) -> Vec<(Kind, Vec<&'a Model>)> {
    model_groups_with(catalog, search, str::to_lowercase)
}

/// [`model_groups`] with the lowercasing given: the browser passes its own `toLowerCase` (the
/// same Unicode mapping), so the wasm carries no case tables.
pub fn model_groups_with<'a>(
    catalog: &'a Catalog,
    search: &str,
    lowercase: fn(&str) -> String,
) -> Vec<(Kind, Vec<&'a Model>)> {
    let words: Vec<String> = search.split_whitespace().map(lowercase).collect();
    let mut groups: Vec<(Kind, Vec<&Model>)> = Vec::new();
    for kind in [Kind::Image, Kind::Video, Kind::Audio, Kind::Other] {
        let list: Vec<&Model> = catalog
            .models()
            .iter()
            .filter(|m| m.kind == kind)
            // A retired model is found by a search, never in the default list.
            .filter(|m| m.retired.is_none() || !words.is_empty())
            .filter(|m| {
                // No search (the usual case on every keystroke elsewhere): nothing to lowercase.
                words.is_empty() || {
                    let hay = lowercase(&format!("{} {} {}", m.id, m.name, m.provider));
                    words.iter().all(|w| hay.contains(w))
                }
            })
            .collect();
        if !list.is_empty() {
            groups.push((kind, list));
        }
    }
    groups
}
