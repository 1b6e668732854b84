//! The one entry point every face calls: a scenario as written, assessed step by step.
//!
//! [`assess`] quotes every step it can, returns every problem (each naming its key, each with
//! its step) and the totals once every step is priced. A problem blanks only what depends on it:
//! a wrong rejection rate leaves the cost per generation, a broken step leaves the other steps.
//! [`crate::engine::quote`] is this with the first problem as its error.

use rust_decimal::Decimal;

use super::catalog::{Catalog, Model, Retired};
use super::draft::{read_actions, read_step, Draft, StepInput};
use super::money::Calc;
use super::quote::{capped_attempts, price_generation, shares_percent, Priced};
use super::scenario::{check_actions, Scenario};
use super::vocabulary::{split_step_key, step_prefix, Key, MAX_STEPS};
use super::Error;

/// What one step's assessment comes to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum StepState {
    /// Every figure of the step is known.
    Priced,
    /// The fields are right but the catalog has no price (the reason says why; never $0).
    PriceUnknown(String),
    /// Some fields are wrong: see the step's problems.
    FieldsToFix,
}

/// The retry maths of a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempts {
    /// The rejection rate as a fraction (0.2 for 20 %).
    pub rejection_rate: Decimal,
    /// The cap on attempts per output, if any.
    pub max_attempts: Option<u32>,
    /// Expected attempts per output: 1 / (1 - r), or (1 - r^K) / (1 - r) with a cap.
    pub expected: Decimal,
    /// The chance that an output ends with nothing accepted: r^K (0 without a cap).
    pub p_no_output: Decimal,
}

/// One step, assessed: as much as its right fields allow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepOutcome {
    /// The model's id as written.
    pub model: String,
    /// What the step comes to.
    pub state: StepState,
    /// Every problem of the step's fields, each naming its key (`s2.sec`).
    pub problems: Vec<Error>,
    /// The primary model's bill for one generation, when the model and options are right.
    pub primary: Option<Priced>,
    /// The fallback's share (0 to 1) and bill, when the step has one and it is right.
    pub fallback: Option<(Decimal, Priced)>,
    /// The cost of one generation (blended with the fallback): `Err` with the reason when a
    /// price is unknown; `None` when a field it depends on is wrong.
    pub cost_per_generation: Option<Result<Decimal, String>>,
    /// The retry maths, when `retry` and `max` are right.
    pub attempts: Option<Attempts>,
    /// Accepted outputs per action, when `n` is right.
    pub n: Option<u32>,
    /// Cost per generation / (1 - r).
    pub cost_per_accepted_output: Option<Decimal>,
    /// n x cost per generation x expected attempts.
    pub expected_cost_per_action: Option<Decimal>,
    /// True when every figure above is exact (no quotient rounded at 28 digits).
    pub exact: bool,
    /// The model was shut down (the step still quotes; every face says so).
    pub retired: Option<Retired>,
}

/// Why a scenario has no totals.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoTotal {
    /// A step has fields to fix.
    FieldsToFix,
    /// The step at `index` (0-based) has no known price.
    PriceUnknown {
        /// The step.
        index: usize,
        /// Its model's id.
        model: String,
        /// Why.
        reason: String,
    },
    /// A sum grew past what exact arithmetic holds.
    TooLarge(Error),
    /// The scenario has no step.
    NoSteps,
}

/// The figures of a whole user action: each sum as soon as every step knows its part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Totals {
    /// One generation of each step, when every step knows its cost per generation.
    pub cost_per_generation: Option<Decimal>,
    /// One accepted output of each step, when every step knows it.
    pub cost_per_accepted_output: Option<Decimal>,
    /// The expected cost of one user action, the sum of the steps', once every step is priced.
    pub cost_per_action: Result<Decimal, NoTotal>,
    /// How many actions $1 buys; `None` without a cost per action or when it is 0.
    pub actions_per_dollar: Option<Decimal>,
    /// Cost per action x actions per month: `Ok(None)` without either; an error when the
    /// product does not fit (said next to `actions`, never a bare dash).
    pub monthly: Result<Option<Decimal>, Error>,
    /// Each step's share of the cost per action, in percent (empty without a cost per action).
    pub shares_percent: Vec<Decimal>,
    /// True when the cost per action and the monthly spend are exact.
    pub exact: bool,
}

/// A scenario, assessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The currency of every amount.
    pub currency: String,
    /// One outcome per step.
    pub steps: Vec<StepOutcome>,
    /// User actions per month, when given and right.
    pub actions_per_month: Option<Decimal>,
    /// Problems that are no step's: the draft's (a key given twice, a prefix that cannot be)
    /// and `actions`.
    pub problems: Vec<Error>,
    /// The totals, each as far as the steps allow.
    pub totals: Totals,
}

impl Assessment {
    /// Every problem, in order: the draft's, then each step's, then the totals'.
    pub fn all_problems(&self) -> impl Iterator<Item = &Error> {
        let totals = match &self.totals.cost_per_action {
            Err(NoTotal::TooLarge(e)) => Some(e),
            _ => self.totals.monthly.as_ref().err(),
        };
        let (draft, actions): (Vec<&Error>, Vec<&Error>) = self
            .problems
            .iter()
            .partition(|e| e.key() != Some(Key::Actions.name()));
        draft
            .into_iter()
            .chain(self.steps.iter().flat_map(|s| s.problems.iter()))
            .chain(actions)
            .chain(totals)
    }

    /// Puts `prefix` (a plan's, `p2.`) before the key of every problem.
    pub(crate) fn prefix_keys(&mut self, prefix: &str) {
        let put = |list: &mut Vec<Error>| {
            for e in list.iter_mut() {
                *e = e.clone().with_key_prefix(prefix);
            }
        };
        put(&mut self.problems);
        for s in &mut self.steps {
            put(&mut s.problems);
        }
        if let Err(NoTotal::TooLarge(e)) = &mut self.totals.cost_per_action {
            *e = e.clone().with_key_prefix(prefix);
        }
        if let Err(e) = &mut self.totals.monthly {
            *e = e.clone().with_key_prefix(prefix);
        }
    }

    /// The first problem, if any: what the CLI refuses a scenario for.
    pub fn first_problem(&self) -> Option<&Error> {
        self.all_problems().next()
    }
}

/// Assesses a scenario as written against a catalog.
///
/// # Examples
/// ```
/// use gencost::engine::{assess, share_url::read_query, Catalog};
/// let catalog = Catalog::embedded()?;
/// // `retry=abc` is wrong, but the cost of one generation does not depend on it:
/// // 1024 x 768 = 0.75 MP, rounded up to 1 MP x $0.025.
/// let a = assess(&catalog, &read_query("model=fal-ai/flux/dev&retry=abc", &[]));
/// assert_eq!(a.steps[0].problems[0].key(), Some("retry"));
/// let cost = a.steps[0].cost_per_generation.clone().and_then(Result::ok);
/// assert_eq!(cost.map(|c| c.to_string()).as_deref(), Some("0.025"));
/// assert!(a.totals.cost_per_action.is_err());
/// # Ok::<(), gencost::engine::Error>(())
/// ```
pub fn assess(catalog: &Catalog, draft: &Draft) -> Assessment {
    // A draft's problem that names a step's field (a second `retry`) is that step's: the field is
    // ambiguous, so what depends on it waits.
    let (mut of_steps, mut problems): (Vec<Error>, Vec<Error>) = draft
        .problems
        .iter()
        .cloned()
        .partition(|e| step_field(e).is_some_and(|(i, _)| i < draft.steps.len()));
    if draft.steps.len() > MAX_STEPS {
        problems.push(too_many_steps(draft.steps.len()));
    }
    let inputs: Vec<(StepInput, Vec<Error>)> = draft
        .steps
        .iter()
        .take(MAX_STEPS)
        .enumerate()
        .map(|(i, fields)| {
            let (mut step_problems, rest): (Vec<Error>, Vec<Error>) = of_steps
                .drain(..)
                .partition(|e| step_field(e).is_some_and(|(j, _)| j == i));
            of_steps = rest;
            let mut input = read_step(fields, i, &mut step_problems);
            for e in &step_problems {
                if let Some((_, name)) = step_field(e) {
                    input.forget(&name);
                }
            }
            (input, step_problems)
        })
        .collect();
    let actions = read_actions(draft.actions.as_deref());
    finish(catalog, inputs, actions, problems)
}

/// Assesses a scenario built in code: its numbers are checked as written ones are.
pub fn assess_scenario(catalog: &Catalog, scenario: &Scenario) -> Assessment {
    let mut problems = Vec::new();
    if scenario.steps.len() > MAX_STEPS {
        problems.push(too_many_steps(scenario.steps.len()));
    }
    let inputs = scenario
        .steps
        .iter()
        .take(MAX_STEPS)
        .enumerate()
        .map(|(i, s)| {
            let mut p = Vec::new();
            let input = StepInput::from_step(s, i, &mut p);
            (input, p)
        })
        .collect();
    let actions = match scenario.actions_per_month {
        Some(a) => check_actions(a, Key::Actions.name()).map(|()| Some(a)),
        None => Ok(None),
    };
    finish(catalog, inputs, actions, problems)
}

fn too_many_steps(count: usize) -> Error {
    Error::InvalidValue {
        key: "steps".to_string(),
        value: count.to_string(),
        model: None,
        allowed: format!("at most {MAX_STEPS} steps"),
    }
}

/// Assesses the steps as read and adds the totals.
fn finish(
    catalog: &Catalog,
    inputs: Vec<(StepInput, Vec<Error>)>,
    actions: Result<Option<Decimal>, Error>,
    mut problems: Vec<Error>,
) -> Assessment {
    if inputs.is_empty() {
        problems.push(Error::Missing(Key::Model.name().to_string()));
    }
    let steps: Vec<StepOutcome> = inputs
        .into_iter()
        .enumerate()
        .map(|(i, (input, p))| assess_step(catalog, &input, i, p))
        .collect();
    let actions = match actions {
        Ok(a) => a,
        Err(e) => {
            problems.push(e);
            None
        }
    };
    let totals = totals(&steps, actions);
    Assessment {
        currency: catalog.currency().to_string(),
        steps,
        actions_per_month: actions,
        problems,
        totals,
    }
}

/// The step (0-based) and field name a problem's key names, if it names a step's field.
fn step_field(e: &Error) -> Option<(usize, String)> {
    let key = e.key()?;
    if key == Key::Actions.name() {
        return None;
    }
    split_step_key(key).map(|(i, name)| (i, name.to_string()))
}

fn keyed(e: Error, prefix: &str, key: Key) -> Error {
    match e {
        Error::UnknownModel(id) => Error::InvalidValue {
            key: format!("{prefix}{}", key.name()),
            value: id,
            model: None,
            allowed: "a model id from the catalog".to_string(),
        },
        other => other,
    }
}

/// Checks every option given against the models that take it; true when all are right.
fn check_options(
    input: &StepInput,
    prefix: &str,
    primary: &Model,
    fallback: Option<&Model>,
    problems: &mut Vec<Error>,
) -> bool {
    let mut ok = true;
    // The model's own order (w before h), then any other option given, by name.
    let own = primary
        .options
        .iter()
        .filter_map(|o| input.options.get_key_value(&o.name));
    let others = input
        .options
        .iter()
        .filter(|(n, _)| primary.option(n).is_none());
    for (name, value) in own.chain(others) {
        let said = problems.iter().any(|e| {
            e.key()
                .and_then(|k| k.strip_prefix(prefix))
                .is_some_and(|k| k == name.as_str())
        });
        if said {
            ok = false; // already said (an empty value, a second value)
            continue;
        }
        let key = || format!("{prefix}{name}");
        let specs: Vec<(&Model, _)> = std::iter::once(primary)
            .chain(fallback)
            .filter_map(|m| m.option(name).map(|o| (m, o)))
            .collect();
        if specs.is_empty() {
            let allowed = match fallback {
                Some(f) => format!(
                    "{} (fallback: {})",
                    primary.option_names(),
                    f.option_names()
                ),
                None => primary.option_names(),
            };
            problems.push(Error::UnknownKey {
                key: key(),
                model: Some(primary.id.clone()),
                allowed,
            });
            ok = false;
            continue;
        }
        for (m, spec) in specs {
            // The key is written out only for a message.
            if !spec.accepts(value) {
                if let Err(e) = spec.check(value, &key(), &m.id) {
                    problems.push(e);
                }
                ok = false;
                break;
            }
        }
    }
    ok
}

/// True when the step's width and height (given or default) are a size the model can make;
/// otherwise a problem naming the side and the limit.
fn size_fits(model: &Model, input: &StepInput, prefix: &str, problems: &mut Vec<Error>) -> bool {
    let Some(rule) = &model.size else {
        return true;
    };
    let value = |name: &str| -> Option<(String, Decimal)> {
        let text = match input.options.get(name) {
            Some(v) => v.clone(),
            None => model.option(name)?.default.clone(),
        };
        let d = crate::engine::money::parse_decimal(&text)?;
        Some((text, d))
    };
    let (Some((w_text, w)), Some((h_text, h))) = (value(&rule.w), value(&rule.h)) else {
        return true; // not numbers: the option check has said so
    };
    match rule.check(w, h) {
        Ok(()) => true,
        Err((side, limit)) => {
            let shown = if side == rule.w { w_text } else { h_text };
            problems.push(Error::InvalidValue {
                key: format!("{prefix}{side}"),
                value: shown,
                model: Some(model.id.clone()),
                allowed: limit,
            });
            false
        }
    }
}

/// The bills of one generation and their blend, when the model, options and fallback are right.
type Bills = (Priced, Option<(Decimal, Priced)>, Result<Decimal, String>);

fn bills(
    input: &StepInput,
    prefix: &str,
    primary: &Model,
    fallback: Option<(&Model, Decimal)>,
    calc: &mut Calc,
) -> Result<Bills, Error> {
    let p = price_generation(primary, &input.options, prefix)?;
    let fb = match fallback {
        Some((m, percent)) => Some((
            failover_share(percent, calc)?,
            price_generation(m, &input.options, prefix)?,
        )),
        None => None,
    };
    for priced in std::iter::once(&p).chain(fb.as_ref().map(|(_, g)| g)) {
        if let Priced::Known(g) = priced {
            if !g.exact {
                calc.mark_rounded();
            }
        }
    }
    let cost = match (&p, &fb) {
        (Priced::Unknown { reason, .. }, _) => Err(reason.clone()),
        (Priced::Known(g), None) => Ok(g.cost),
        (Priced::Known(g), Some((share, other))) => match other {
            Priced::Unknown { model, reason } => Err(format!("fallback {model}: {reason}")),
            Priced::Known(f) => Ok(blend(*share, g.cost, f.cost, calc)?),
        },
    };
    Ok((p, fb, cost))
}

/// The cost of a generation when a fallback serves `share` (0 to 1) of them:
/// (1 - share) x primary + share x fallback.
pub(crate) fn blend(
    share: Decimal,
    primary: Decimal,
    fallback: Decimal,
    calc: &mut Calc,
) -> Result<Decimal, Error> {
    let keep = calc.sub(Decimal::ONE, share, "failover")?;
    let a = calc.mul(keep, primary, "failover blend")?;
    let b = calc.mul(share, fallback, "failover blend")?;
    calc.add(a, b, "failover blend")
}

/// The failover share as a fraction: percent / 100.
pub(crate) fn failover_share(percent: Decimal, calc: &mut Calc) -> Result<Decimal, Error> {
    calc.div(percent, Decimal::ONE_HUNDRED, "failover")
}

/// The acceptance rate, 1 - r.
pub(crate) fn acceptance(a: &Attempts) -> Result<Decimal, Error> {
    Decimal::ONE
        .checked_sub(a.rejection_rate)
        .ok_or_else(|| Error::Overflow("cost per accepted output".into()))
}

/// Cost per accepted output: c / (1 - r), given 1 - r.
pub(crate) fn per_accepted_output(
    c: Decimal,
    acceptance: Decimal,
    calc: &mut Calc,
) -> Result<Decimal, Error> {
    calc.div(c, acceptance, "cost per accepted output")
}

/// Expected cost per action: n x c, then x expected attempts.
pub(crate) fn per_action(
    n: u32,
    c: Decimal,
    a: &Attempts,
    calc: &mut Calc,
) -> Result<Decimal, Error> {
    let nc = calc.mul(Decimal::from(n), c, "cost per action")?;
    calc.mul(nc, a.expected, "cost per action")
}

/// Rejection rate, expected attempts per output and the chance of no output, from the rate in
/// percent and the attempt cap.
pub(crate) fn attempts(
    r_percent: Decimal,
    max: Option<u32>,
    calc: &mut Calc,
) -> Result<Attempts, Error> {
    // 0 <= retry < 100 (read and checked), so 1 - r > 0
    let r = calc.div(r_percent, Decimal::ONE_HUNDRED, "rejection rate")?;
    let accept = calc.sub(Decimal::ONE, r, "acceptance rate")?;
    let (expected, p_no_output) = match max {
        Some(k) => capped_attempts(r, accept, k, calc)?,
        None => (
            calc.div(Decimal::ONE, accept, "expected attempts")?,
            Decimal::ZERO,
        ),
    };
    Ok(Attempts {
        rejection_rate: r,
        max_attempts: max,
        expected,
        p_no_output,
    })
}

/// Assesses one step from its fields as read (`problems` holds what reading found).
fn assess_step(
    catalog: &Catalog,
    input: &StepInput,
    index: usize,
    mut problems: Vec<Error>,
) -> StepOutcome {
    let prefix = step_prefix(index);
    let mut calc = Calc::default();
    let primary = match input.model.as_str() {
        "" => None,
        id => catalog
            .model(id)
            .map_err(|e| problems.push(keyed(e, &prefix, Key::Model)))
            .ok(),
    };
    // Some(None): no fallback; None: the fallback fields are wrong (already said, or said here).
    let fallback: Option<Option<(&Model, Decimal)>> = match &input.fallback {
        Some(Some(fb)) => catalog
            .model(&fb.model)
            .map(|m| Some((m, fb.percent)))
            .map_err(|e| problems.push(keyed(e, &prefix, Key::Fallback)))
            .ok(),
        Some(None) => Some(None),
        None => None,
    };
    let options_ok = match primary {
        Some(p) => check_options(
            input,
            &prefix,
            p,
            fallback.flatten().map(|f| f.0),
            &mut problems,
        ),
        None => false,
    };
    // The sizes the model can make, once the options themselves are right.
    let options_ok = match primary {
        Some(p) if options_ok => size_fits(p, input, &prefix, &mut problems),
        _ => options_ok,
    };
    let mut out = StepOutcome {
        model: input.model.clone(),
        state: StepState::FieldsToFix,
        problems: Vec::new(),
        primary: None,
        fallback: None,
        cost_per_generation: None,
        attempts: None,
        n: input.n,
        cost_per_accepted_output: None,
        expected_cost_per_action: None,
        exact: true,
        retired: primary.and_then(|p| p.retired.clone()),
    };
    if let (Some(p), Some(fb), true) = (primary, fallback, options_ok) {
        match bills(input, &prefix, p, fb, &mut calc) {
            Ok((bill, fb_bill, cost)) => {
                out.primary = Some(bill);
                out.fallback = fb_bill;
                out.cost_per_generation = Some(cost);
            }
            Err(e) => problems.push(e),
        }
    }
    if let (Some(r), Some(max)) = (input.retry_percent, input.max_attempts) {
        match attempts(r, max, &mut calc) {
            Ok(a) => out.attempts = Some(a),
            Err(e) => problems.push(e),
        }
    }
    if let (Some(Ok(c)), Some(a)) = (&out.cost_per_generation, out.attempts) {
        match acceptance(&a).and_then(|q| per_accepted_output(*c, q, &mut calc)) {
            Ok(v) => out.cost_per_accepted_output = Some(v),
            Err(e) => problems.push(e),
        }
        if let Some(n) = input.n {
            match per_action(n, *c, &a, &mut calc) {
                Ok(v) => out.expected_cost_per_action = Some(v),
                Err(e) => problems.push(e),
            }
        }
    }
    out.state = match (&out.cost_per_generation, problems.is_empty()) {
        (_, false) => StepState::FieldsToFix,
        (Some(Err(reason)), true) => StepState::PriceUnknown(reason.clone()),
        (Some(Ok(_)), true) if out.expected_cost_per_action.is_some() => StepState::Priced,
        _ => StepState::FieldsToFix,
    };
    out.problems = problems;
    out.exact = calc.is_exact();
    out
}

/// Why the cost per action is not known: fields to fix come first, then an unknown price.
fn no_total(steps: &[StepOutcome]) -> Option<NoTotal> {
    if steps.is_empty() {
        return Some(NoTotal::NoSteps);
    }
    if steps.iter().any(|s| s.state == StepState::FieldsToFix) {
        return Some(NoTotal::FieldsToFix);
    }
    steps
        .iter()
        .enumerate()
        .find_map(|(index, s)| match &s.state {
            StepState::PriceUnknown(reason) => Some(NoTotal::PriceUnknown {
                index,
                model: s.model.clone(),
                reason: reason.clone(),
            }),
            _ => None,
        })
}

fn totals(steps: &[StepOutcome], actions: Option<Decimal>) -> Totals {
    let mut calc = Calc::default();
    if steps.iter().any(|s| !s.exact) {
        calc.mark_rounded();
    }
    // The sum of a figure every step knows; `None` when one does not (or it does not fit).
    let mut sum = |pick: &dyn Fn(&StepOutcome) -> Option<Decimal>, what: &str| {
        steps.iter().try_fold(Decimal::ZERO, |acc, s| {
            pick(s).and_then(|v| calc.add(acc, v, what).ok())
        })
    };
    let per_gen = sum(
        &|s| s.cost_per_generation.clone().and_then(Result::ok),
        "cost per generation",
    );
    let per_acc = sum(&|s| s.cost_per_accepted_output, "cost per accepted output");
    let per_action = match no_total(steps) {
        Some(why) => Err(why),
        None => sum(&|s| s.expected_cost_per_action, "cost per action")
            .ok_or_else(|| NoTotal::TooLarge(Error::Overflow("cost per action".into()))),
    };
    let actions_per_dollar = match &per_action {
        Ok(t) if *t > Decimal::ZERO => Decimal::ONE.checked_div(*t),
        _ => None,
    };
    let monthly = match (&per_action, actions) {
        (Ok(t), Some(a)) => calc.mul(*t, a, "monthly spend").map(Some),
        _ => Ok(None),
    };
    let shares = match &per_action {
        Ok(_) => {
            let parts: Vec<Decimal> = steps
                .iter()
                .map(|s| s.expected_cost_per_action.unwrap_or(Decimal::ZERO))
                .collect();
            shares_percent(&parts).unwrap_or_default()
        }
        Err(_) => Vec::new(),
    };
    Totals {
        cost_per_generation: per_gen,
        cost_per_accepted_output: per_acc,
        cost_per_action: per_action,
        actions_per_dollar,
        monthly,
        shares_percent: shares,
        exact: calc.is_exact(),
    }
}
