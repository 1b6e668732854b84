//! Plans side by side ("Free" and "Paid"), each a whole workflow, and their blend.
//!
//! In a share URL plan 1 is the unprefixed keys; plan k = 2..4 puts `pk.` before every key of
//! its own (`p2.model`, `p2.s2.sec`). `name` and `pk.name` name the plans; `mix` and `pk.mix`
//! give the percent of user actions each serves. Without any `mix` the plans are compared but
//! not blended; with one, every plan has one and they add up to 100. `actions` stays the
//! product's total a month: with a mix each plan's monthly spend is for its share of them,
//! without one for all of them (each plan as if it served every action).
//!
//! A link without `pk.` keys is one plan and means what it always meant.

use rust_decimal::Decimal;

use super::assess::{assess, Assessment, NoTotal};
use super::catalog::Catalog;
use super::draft::{read_actions, Draft};
use super::money::{exact, parse_decimal, Calc};
use super::share_url::{pairs_as_written, read_pairs, refused_pair, Decoded};
use super::vocabulary::{plan_prefix, plan_prefix_rule, split_plan_key, Key, MAX_PLANS};
use super::Error;

/// One plan as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanDraft {
    /// Its name as written (`name`, `p2.name`), when given.
    pub name: Option<String>,
    /// Its share of user actions as written (`mix`, `p2.mix`), when given.
    pub mix: Option<String>,
    /// Its workflow: steps and (plan 1 only) `actions`. Keys are without the plan prefix.
    pub draft: Draft,
}

/// Every plan of a link as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlansDraft {
    /// Plan 1, then plans 2..4 as numbered (a plan no key named is empty and misses its model).
    pub plans: Vec<PlanDraft>,
    /// Problems that are no plan's: a plan prefix that cannot be, `p2.actions`.
    pub problems: Vec<Error>,
}

/// Reads a share URL or query string into its plans. Keys in `ignore` (the page's own) are
/// skipped.
///
/// # Examples
/// ```
/// use gencost::engine::plans::read_plans;
/// let p = read_plans("model=fal-ai/flux/schnell&name=Free&mix=80&p2.model=fal-ai/flux-pro/v1.1&p2.name=Paid&p2.mix=20", &[]);
/// assert_eq!(p.plans.len(), 2);
/// assert_eq!(p.plans[1].name.as_deref(), Some("Paid"));
/// assert_eq!(p.plans[1].draft.steps[0]["model"], "fal-ai/flux-pro/v1.1");
/// ```
pub fn read_plans(text: &str, ignore: &[&str]) -> PlansDraft {
    // Per plan: its name, its mix and its other pairs, prefix taken off.
    type Parts = (
        Option<String>,
        Option<String>,
        Vec<(String, String, Decoded)>,
    );
    let mut parts: Vec<Parts> = vec![(None, None, Vec::new())];
    let mut out = PlansDraft::default();
    for (key, value, decoded) in pairs_as_written(text) {
        let Some((plan, rest)) = plan_key(&key) else {
            out.problems.push(refused_plan_pair(&key));
            continue;
        };
        if parts.len() <= plan {
            parts.resize_with(plan.saturating_add(1), || (None, None, Vec::new()));
        }
        let Some(head) = parts.get_mut(plan) else {
            continue;
        };
        let is_name = rest == Key::Name.name();
        if (is_name || rest == Key::Mix.name()) && decoded == Decoded::Both {
            let slot = if is_name { &mut head.0 } else { &mut head.1 };
            if slot.is_some() {
                out.problems.push(Error::Duplicate(key.clone()));
            } else {
                *slot = Some(value);
            }
            continue;
        }
        head.2.push((rest.to_string(), value, decoded));
    }
    // Keys stay without the plan's prefix: [`assess_plans`] puts it on every message.
    for (name, mix, list) in parts {
        let draft = read_pairs(list, ignore);
        out.plans.push(PlanDraft {
            name: name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()),
            mix,
            draft,
        });
    }
    out
}

/// The plan a share-URL key belongs to and the key within it (`p2.s3.sec` -> (1, `s3.sec`));
/// `None` for a key no plan can hold: a plan prefix that cannot be (`p5.`) or a plan's own
/// `actions` (`actions` is the product's, written once without a prefix).
pub fn plan_key(key: &str) -> Option<(usize, &str)> {
    split_plan_key(key).filter(|(plan, rest)| *plan == 0 || *rest != Key::Actions.name())
}

/// The problem a pair refused by a form stands for: a plan prefix that cannot be (`p5.`), a
/// plan's own `actions`, or (any other key) what [`refused_pair`] says of the key in its plan.
pub(crate) fn refused_plan_pair(key: &str) -> Error {
    match split_plan_key(key) {
        None => Error::UnknownKey {
            key: key.to_string(),
            model: None,
            allowed: plan_prefix_rule(),
        },
        Some((plan, rest)) if plan > 0 && rest == Key::Actions.name() => Error::UnknownKey {
            key: key.to_string(),
            model: None,
            allowed: "`actions` once, unprefixed: the product's user actions a month".to_string(),
        },
        Some((plan, rest)) => refused_pair(rest).with_key_prefix(&plan_prefix(plan)),
    }
}

/// One plan, assessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanOutcome {
    /// Its name, when given.
    pub name: Option<String>,
    /// Its share of user actions in percent, when given and right.
    pub mix: Option<Decimal>,
    /// Its workflow, assessed; every key in it carries the plan's prefix. With several plans
    /// its `actions_per_month` is its share of the product's actions (all of them without a
    /// mix).
    pub assessment: Assessment,
}

/// The plans blended by their mix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blend {
    /// Sum over plans of mix x cost per action.
    pub cost_per_action: Decimal,
    /// How many user actions $1 buys; `None` when the blend is free.
    pub actions_per_dollar: Option<Decimal>,
    /// Blended cost per action x the product's actions a month, when given.
    pub monthly: Option<Decimal>,
    /// True when every figure above is exact.
    pub exact: bool,
}

/// Why there is no blend.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoBlend {
    /// The mix is wrong (see the problems naming `mix`).
    Mix,
    /// A plan has no cost per action.
    Plan {
        /// The plan (0-based).
        index: usize,
        /// Why.
        why: NoTotal,
    },
    /// A figure does not fit.
    TooLarge(Error),
}

impl std::fmt::Display for NoBlend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoBlend::Mix => f.write_str("fix the mix of the plans"),
            NoBlend::Plan { index, why } => {
                let plan = index.saturating_add(1);
                match why {
                    NoTotal::PriceUnknown { model, reason, .. } => {
                        write!(f, "plan {plan}: price unknown for {model}: {reason}")
                    }
                    NoTotal::TooLarge(e) => write!(f, "plan {plan}: {e}"),
                    _ => write!(f, "plan {plan} has fields to fix"),
                }
            }
            NoBlend::TooLarge(e) => write!(f, "{e}"),
        }
    }
}

/// Every plan of a link, assessed, and their blend.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlansAssessment {
    /// One outcome per plan.
    pub plans: Vec<PlanOutcome>,
    /// Problems that are no plan's workflow's: a plan prefix that cannot be, `actions`, `mix`.
    pub problems: Vec<Error>,
    /// The blend: `None` when no plan has a mix.
    pub blended: Option<Result<Blend, NoBlend>>,
}

impl PlansAssessment {
    /// Every problem: the link's, then each plan's.
    pub fn all_problems(&self) -> impl Iterator<Item = &Error> {
        self.problems
            .iter()
            .chain(self.plans.iter().flat_map(|p| p.assessment.all_problems()))
    }
}

/// Assesses every plan of a link and blends them by their mix.
///
/// # Examples
/// ```
/// use gencost::engine::{plans, Catalog};
/// let catalog = Catalog::embedded()?;
/// // Free: FLUX.1 [schnell] 1 MP x $0.003; Paid: FLUX1.1 [pro] $0.04 per image (1 MP).
/// let p = plans::read_plans("model=fal-ai/flux/schnell&w=1024&h=1024&mix=80&p2.model=fal-ai/flux-pro/v1.1&p2.w=1024&p2.h=1024&p2.mix=20", &[]);
/// let a = plans::assess_plans(&catalog, &p);
/// // 0.8 x $0.003 + 0.2 x $0.04 = $0.0024 + $0.008 = $0.0104
/// let blend = a.blended.and_then(Result::ok).map(|b| b.cost_per_action.to_string());
/// assert_eq!(blend.as_deref(), Some("0.0104"));
/// # Ok::<(), gencost::engine::Error>(())
/// ```
pub fn assess_plans(catalog: &Catalog, p: &PlansDraft) -> PlansAssessment {
    let mut problems = p.problems.clone();
    let one = p.plans.len() <= 1;
    let mixes = read_mixes(p, &mut problems);
    // One plan: its `actions` as it always was. Several: each plan's share of the product's.
    let actions = if one {
        None
    } else {
        let text = p.plans.first().and_then(|pl| pl.draft.actions.as_deref());
        read_actions(text)
            .map_err(|e| problems.push(e))
            .ok()
            .flatten()
    };
    let plans: Vec<PlanOutcome> = p
        .plans
        .iter()
        .take(MAX_PLANS)
        .enumerate()
        .map(|(i, plan)| {
            let mix = mixes.as_ref().and_then(|m| m.get(i).copied());
            let assessment = if one {
                assess(catalog, &plan.draft)
            } else {
                let share = match (actions, &mixes, mix) {
                    (Some(a), None, _) => Some(a),
                    (Some(a), Some(_), Some(m)) => share_of(a, m),
                    _ => None,
                };
                let draft = Draft {
                    actions: share.map(exact),
                    ..plan.draft.clone()
                };
                let mut a = assess(catalog, &draft);
                a.prefix_keys(&plan_prefix(i));
                a
            };
            PlanOutcome {
                name: plan.name.clone(),
                mix,
                assessment,
            }
        })
        .collect();
    let any_mix = p.plans.iter().any(|pl| pl.mix.is_some());
    let blended = any_mix.then(|| match &mixes {
        None => Err(NoBlend::Mix),
        Some(m) => blend(
            &plans,
            m,
            if one {
                plans.first().and_then(|p| p.assessment.actions_per_month)
            } else {
                actions
            },
        ),
    });
    PlansAssessment {
        plans,
        problems,
        blended,
    }
}

/// actions x mix / 100.
fn share_of(actions: Decimal, mix: Decimal) -> Option<Decimal> {
    let mut calc = Calc::default();
    calc.mul(actions, mix, "monthly spend")
        .and_then(|x| calc.div(x, Decimal::ONE_HUNDRED, "monthly spend"))
        .ok()
}

/// Every plan's mix when they are all given, right, and add up to 100; otherwise the problems.
fn read_mixes(p: &PlansDraft, problems: &mut Vec<Error>) -> Option<Vec<Decimal>> {
    if p.plans.iter().all(|pl| pl.mix.is_none()) {
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    for (i, plan) in p.plans.iter().enumerate() {
        let key = format!("{}{}", plan_prefix(i), Key::Mix.name());
        match plan.mix.as_deref() {
            None => {
                problems.push(Error::Missing(key));
                ok = false;
            }
            Some(text) => match parse_decimal(text)
                .filter(|m| *m >= Decimal::ZERO && *m <= Decimal::ONE_HUNDRED)
            {
                Some(m) => out.push(m),
                None => {
                    problems.push(Error::InvalidValue {
                        key,
                        value: text.to_string(),
                        model: None,
                        allowed: "a percentage of user actions from 0 to 100".to_string(),
                    });
                    ok = false;
                }
            },
        }
    }
    if !ok {
        return None;
    }
    let sum = out
        .iter()
        .try_fold(Decimal::ZERO, |acc, m| acc.checked_add(*m));
    if sum != Some(Decimal::ONE_HUNDRED) {
        let terms: Vec<String> = out.iter().map(|m| m.normalize().to_string()).collect();
        let total = sum.map_or_else(|| "?".to_string(), |s| s.normalize().to_string());
        problems.push(Error::InvalidValue {
            key: Key::Mix.name().to_string(),
            value: format!("{} = {total}", terms.join(" + ")),
            model: None,
            allowed: "the plans' mixes must add up to 100".to_string(),
        });
        return None;
    }
    Some(out)
}

fn blend(
    plans: &[PlanOutcome],
    mixes: &[Decimal],
    actions: Option<Decimal>,
) -> Result<Blend, NoBlend> {
    let mut calc = Calc::default();
    let what = "blended cost per action";
    let mut total = Decimal::ZERO;
    for (index, (plan, mix)) in plans.iter().zip(mixes).enumerate() {
        let cost = plan
            .assessment
            .totals
            .cost_per_action
            .as_ref()
            .map_err(|why| NoBlend::Plan {
                index,
                why: why.clone(),
            })?;
        if !plan.assessment.totals.exact {
            calc.mark_rounded();
        }
        let part = calc
            .mul(*cost, *mix, what)
            .and_then(|x| calc.div(x, Decimal::ONE_HUNDRED, what))
            .map_err(NoBlend::TooLarge)?;
        total = calc.add(total, part, what).map_err(NoBlend::TooLarge)?;
    }
    let monthly = match actions {
        Some(a) => Some(
            calc.mul(total, a, "monthly spend")
                .map_err(NoBlend::TooLarge)?,
        ),
        None => None,
    };
    let actions_per_dollar = if total > Decimal::ZERO {
        Decimal::ONE.checked_div(total)
    } else {
        None
    };
    Ok(Blend {
        cost_per_action: total.normalize(),
        actions_per_dollar,
        monthly: monthly.map(|m| m.normalize()),
        exact: calc.is_exact(),
    })
}
