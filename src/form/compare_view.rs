//! What the page shows of plans, budget percentiles, alternatives and exports: the engine's
//! figures, formatted. Nothing here computes money.

use crate::engine::assess::{Assessment, StepOutcome};
use crate::engine::compare::alternatives;
use crate::engine::export::{self, Export};
use crate::engine::money::{display_usd, exact};
use crate::engine::percentiles::{Budget, Percentiles, LEVELS};
use crate::engine::plans::{assess_plans, PlansAssessment};
use crate::engine::report::budget_sentence;
use crate::engine::Catalog;

use super::{chart, Form};

/// The budget percentiles of one action, ready to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetView {
    /// p50, p90, p95, p99 for people (`$0.075`).
    pub values: [String; 4],
    /// The same, every digit (`data-exact`).
    pub exact: [String; 4],
    /// What to budget, in one sentence.
    pub sentence: String,
    /// The cumulative share of actions against cost, the percentiles marked.
    pub chart: Option<chart::BudgetChart>,
}

/// One step's percentiles for people, or why there are none.
pub type StepPercentiles = Result<[String; 4], String>;

/// The budget view of an assessed action and each step's percentiles; `None` until every step
/// is priced.
pub fn budget_view(
    b: Option<&Budget>,
    a: &Assessment,
) -> Option<(BudgetView, Vec<StepPercentiles>)> {
    let b = b?;
    let mean = a.totals.cost_per_action.as_ref().ok().copied()?;
    let steps = b
        .steps
        .iter()
        .map(|s| {
            s.as_ref()
                .map(|p| p.values.map(display_usd))
                .map_err(|e| e.to_string())
        })
        .collect();
    let view = match &b.action {
        Ok(p) => BudgetView {
            values: p.values.map(display_usd),
            exact: p.values.map(exact),
            sentence: budget_sentence(p, mean),
            chart: b.distribution.as_ref().and_then(|d| {
                let marks: Vec<(&str, rust_decimal::Decimal)> = LEVELS
                    .iter()
                    .zip(p.values)
                    .map(|((_, n), v)| (*n, v))
                    .collect();
                chart::BudgetChart::of(&d.cumulative(), &marks)
            }),
        },
        Err(e) => BudgetView {
            values: std::array::from_fn(|_| "—".to_string()),
            exact: std::array::from_fn(|_| String::new()),
            sentence: format!("No budget percentiles: {e}."),
            chart: None,
        },
    };
    Some((view, steps))
}

/// One plan's column in the side-by-side view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanColumn {
    /// 0-based.
    pub index: usize,
    /// Its name, or `Plan N`.
    pub label: String,
    /// Its cost per action (`$0.0104 USD`), when known.
    pub cost_per_action: Option<String>,
    /// Every digit of it.
    pub exact: Option<String>,
    /// Its monthly spend (its share of the actions with a mix), when known.
    pub monthly: Option<String>,
    /// p50..p99 of its action's cost.
    pub percentiles: Option<[String; 4]>,
    /// Why a figure is missing.
    pub note: Option<String>,
}

fn with_usd(d: rust_decimal::Decimal) -> String {
    format!("{} USD", display_usd(d))
}

/// The columns of every plan.
pub fn plan_columns(pa: &PlansAssessment, budgets: &[Option<Budget>]) -> Vec<PlanColumn> {
    pa.plans
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let t = &p.assessment.totals;
            let cost = t.cost_per_action.as_ref().ok().copied();
            let pct: Option<&Percentiles> = budgets
                .get(i)
                .and_then(Option::as_ref)
                .and_then(|b| b.action.as_ref().ok());
            PlanColumn {
                index: i,
                label: p
                    .name
                    .clone()
                    .unwrap_or_else(|| format!("Plan {}", i.saturating_add(1))),
                cost_per_action: cost.map(with_usd),
                exact: cost.map(exact),
                monthly: t.monthly.as_ref().ok().copied().flatten().map(with_usd),
                percentiles: pct.map(|p| p.values.map(display_usd)),
                note: cost
                    .is_none()
                    .then(|| "Fix this plan's fields or prices to see its cost.".to_string()),
            }
        })
        .collect()
}

/// The blend of the plans for people: (cost per action, exact, monthly), or why there is none.
pub type BlendView = Result<(String, String, Option<String>), String>;

/// The blend, when the plans have a mix.
pub fn blend_view(pa: &PlansAssessment) -> Option<BlendView> {
    pa.blended.as_ref().map(|b| match b {
        Ok(b) => Ok((
            with_usd(b.cost_per_action),
            exact(b.cost_per_action),
            b.monthly.map(with_usd),
        )),
        Err(why) => Err(format!("No blend: {why}.")),
    })
}

/// One row of the alternatives list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AltRow {
    /// The model's id.
    pub model: String,
    /// Its name.
    pub name: String,
    /// Its expected cost per action (`$0.1333 USD`).
    pub cost_per_action: String,
    /// Every digit of it.
    pub exact: String,
    /// `×0.12`, or `—` when the current model's cost is 0.
    pub ratio: String,
    /// `sec → 10, w → 1536` when options move.
    pub adjusted: String,
    /// The options to switch to: (name, value).
    pub options: Vec<(String, String)>,
    /// True for the step's own model.
    pub current: bool,
}

/// The alternatives of one step, or why there are none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlternativesView {
    /// Ranked, cheapest first.
    pub rows: Vec<AltRow>,
    /// Models that cannot do the job: (id, reason).
    pub incompatible: Vec<(String, String)>,
}

/// The ranked alternatives of step `index` of an assessed plan.
///
/// # Errors
/// The step's problem, as a message.
pub fn alternatives_view(
    catalog: &Catalog,
    step: &StepOutcome,
    index: usize,
) -> Result<AlternativesView, String> {
    let c = alternatives(catalog, step, index).map_err(|e| e.to_string())?;
    Ok(AlternativesView {
        rows: c
            .alternatives
            .into_iter()
            .map(|a| AltRow {
                adjusted: a
                    .adjusted
                    .iter()
                    .map(|k| format!("{k} → {}", a.options.get(k).map_or("", String::as_str)))
                    .collect::<Vec<_>>()
                    .join(", "),
                cost_per_action: with_usd(a.expected_cost_per_action),
                exact: exact(a.expected_cost_per_action),
                ratio: a
                    .ratio
                    .map_or_else(|| "—".to_string(), |r| format!("×{}", r.normalize())),
                options: a.options.into_iter().collect(),
                model: a.model,
                name: a.name,
                current: a.current,
            })
            .collect(),
        incompatible: c
            .incompatible
            .into_iter()
            .map(|i| (i.model, i.reason))
            .collect(),
    })
}

/// The files the page offers: CSV, JSON and Markdown of every plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    /// `gencost.csv`
    pub csv: String,
    /// `gencost.json`
    pub json: String,
    /// A table to paste.
    pub markdown: String,
}

/// The exports of the form as it is.
///
/// # Errors
/// The first problem, as a message, while a field is wrong.
pub fn files(catalog: &Catalog, form: &Form) -> Result<Files, String> {
    let pa = assess_plans(catalog, &form.plans_draft());
    let e = Export::of(&pa).map_err(|e| e.to_string())?;
    Ok(Files {
        csv: export::to_csv(&e),
        json: export::to_json(&e).to_string(),
        markdown: export::to_markdown(&e),
    })
}
