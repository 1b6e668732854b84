//! What the page shows of plans, budget percentiles, alternatives and exports: the engine's
//! figures, formatted. Nothing here computes money.

use crate::engine::assess::{Assessment, StepOutcome};
use crate::engine::compare::{alternatives, candidates, Candidates, Comparison};
use crate::engine::export::{self, Export};
use crate::engine::money::{display_usd, exact};
use crate::engine::percentiles::{Budget, Percentiles, LEVELS};
use crate::engine::plans::{assess_plans, PlansAssessment};
use crate::engine::report::budget_sentence;
use crate::engine::Catalog;
use crate::engine::Priced;
use std::collections::BTreeMap;

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
    Ok(view_of(c))
}

/// The alternatives of one step kept between edits: every model is priced again only when the
/// step's model or options change, and an edit of `n`, `retry` or `max` only ranks again. One
/// `Ranking` serves one catalog: start a new one when the catalog changes.
#[derive(Debug, Clone, Default)]
pub struct Ranking {
    /// The job priced: the step's model and its options as used (`None`: price unknown).
    job: Option<(String, Option<BTreeMap<String, String>>)>,
    candidates: Option<Candidates>,
}

impl Ranking {
    /// [`alternatives_view`] of step `index`, from the candidates of the last call when the
    /// step's job is the same.
    ///
    /// # Errors
    /// The step's problem, as a message.
    pub fn view(
        &mut self,
        catalog: &Catalog,
        step: &StepOutcome,
        index: usize,
    ) -> Result<AlternativesView, String> {
        let job = match &step.primary {
            Some(Priced::Known(g)) => Some((step.model.clone(), Some(g.options.clone()))),
            Some(Priced::Unknown { .. }) => Some((step.model.clone(), None)),
            None => None,
        };
        let (Some(n), Some(attempts), Some(job)) = (step.n, step.attempts, job) else {
            return alternatives_view(catalog, step, index);
        };
        let cached = match &self.candidates {
            Some(c) if self.job.as_ref() == Some(&job) => c,
            _ => {
                let fresh = candidates(catalog, step, index).map_err(|e| e.to_string())?;
                self.job = Some(job);
                self.candidates.insert(fresh)
            }
        };
        Ok(view_of(cached.rank(n, attempts.expected)))
    }
}

/// A ranking as the page shows it.
fn view_of(c: Comparison) -> AlternativesView {
    AlternativesView {
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
    }
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

/// A usage log's report, ready to show next to the forecast of the scenario it reproduces.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageView {
    /// `1,000 lines read, 2 skipped`.
    pub summary: String,
    /// The first skipped lines: `line 5: ...`.
    pub skipped: Vec<String>,
    /// Per model: (model, generations, accepted, rejected with its interval, catalog cost,
    /// billed cost, drift, cost per accepted output).
    pub models: Vec<[String; 8]>,
    /// `200 actions: mean $0.10; p50 ..., p99 ...`, when lines name actions.
    pub actions: Option<String>,
    /// The share query of the reproduced scenario.
    pub scenario: String,
    /// The forecast of that scenario per user action, next to the observed mean.
    pub forecast: Option<String>,
}

/// The report of a usage log read in the browser (never uploaded).
pub fn usage_view(catalog: &Catalog, log: &str) -> UsageView {
    use crate::engine::money::display_percent;
    let r = crate::engine::usage::read(catalog, log);
    let dash = || "—".to_string();
    let models = r
        .models
        .iter()
        .map(|m| {
            [
                m.model.clone(),
                m.generations.to_string(),
                m.accepted.to_string(),
                format!(
                    "{} ({}–{} %)",
                    display_percent(m.rejection_rate),
                    crate::engine::usage::fixed(m.rejection_rate_95.0 * 100.0, 1),
                    crate::engine::usage::fixed(m.rejection_rate_95.1 * 100.0, 1)
                ),
                display_usd(m.catalog_cost),
                m.billed_cost.map(display_usd).unwrap_or_else(dash),
                m.drift_percent
                    .map(|d| {
                        format!(
                            "{}{} %",
                            if d.is_sign_negative() { "" } else { "+" },
                            d.normalize()
                        )
                    })
                    .unwrap_or_else(dash),
                m.cost_per_accepted_output
                    .map(display_usd)
                    .unwrap_or_else(dash),
            ]
        })
        .collect();
    let actions = r.actions.as_ref().map(|a| a.summary());
    let forecast = (!r.scenario.is_empty())
        .then(|| {
            let a = crate::engine::assess(catalog, &crate::engine::read_query(&r.scenario, &[]));
            a.totals.cost_per_action.ok().map(|c| {
                let observed = r
                    .actions
                    .as_ref()
                    .map(|x| format!(" (observed mean {})", display_usd(x.mean)))
                    .unwrap_or_default();
                format!(
                    "The reproduced scenario forecasts {} per user action{observed}.",
                    display_usd(c)
                )
            })
        })
        .flatten();
    UsageView {
        summary: format!("{} lines read, {} skipped", r.lines, r.skipped_total),
        skipped: r
            .skipped
            .iter()
            .take(10)
            .map(|s| format!("line {}: {}", s.line, s.reason))
            .chain(
                (r.skipped_total > 10)
                    .then(|| format!("… and {} more", r.skipped_total.saturating_sub(10))),
            )
            .collect(),
        models,
        actions,
        scenario: r.scenario,
        forecast,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{assess, read_query, Error};

    #[test]
    fn a_ranking_kept_between_edits_shows_what_a_fresh_one_does() -> Result<(), Error> {
        let c = Catalog::embedded()?;
        let mut kept = Ranking::default();
        let mut first_costs = Vec::new();
        // Re-ranked only (retry, n), priced again (size, model), and errors in between.
        for q in [
            "model=fal-ai/flux/dev&w=1024&h=1024&retry=20",
            "model=fal-ai/flux/dev&w=1024&h=1024&retry=50&n=3",
            "model=fal-ai/flux/dev&w=1024&h=1024&retry=abc",
            "model=fal-ai/flux/dev&w=2048&h=2048&retry=50&n=3",
            "model=fal-ai/veo3&sec=8&max=2&retry=30",
            "model=fal-ai/veo3&sec=7",
            "model=fal-ai/veo3&sec=8",
        ] {
            let a = assess(&c, &read_query(q, &[]));
            let step = &a.steps[0];
            let fresh = alternatives_view(&c, step, 0);
            assert_eq!(kept.view(&c, step, 0), fresh, "{q}");
            first_costs.push(
                fresh
                    .ok()
                    .and_then(|v| v.rows.into_iter().find(|r| r.current).map(|r| r.exact)),
            );
        }
        // The premise: the edits did change the step's own figure (1 MP, then 4 MP x $0.025).
        assert_ne!(first_costs[0], first_costs[1]);
        assert_ne!(first_costs[1], first_costs[3]);
        assert_eq!(first_costs[2], None);
        Ok(())
    }
}
