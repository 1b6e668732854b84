//! Quoting a scenario: the cost of one generation with its line items, the retry multiplier,
//! failover blend and the workflow total.
//!
//! The maths (r = rejection rate, K = attempt cap, f = failover share, n = outputs needed):
//! - cost per generation c = (1 - f) x primary + f x fallback;
//! - expected attempts per output = (1 - r^K) / (1 - r), or 1 / (1 - r) without a cap;
//! - cost per accepted output = c / (1 - r);
//! - expected cost per action = n x c x expected attempts;
//! - probability an output ends with nothing = r^K (0 without a cap).

use rust_decimal::Decimal;
use std::collections::BTreeMap;

use super::assess::{assess_scenario, Assessment, Attempts, StepOutcome, StepState};
use super::catalog::{Billing, Catalog, Factor, LineRule, Model, Price, Quantity, Retired, Table};
use super::money::Calc;
use super::scenario::Scenario;
use super::Error;

/// One line of a bill, like a provider's dry-run estimate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineItem {
    /// What it bills (`output megapixels`).
    pub label: String,
    /// What was counted, before rounding (0.75 MP).
    pub quantity: Decimal,
    /// What is billed after rounding, minimums and included amounts (1 MP).
    pub billable_quantity: Decimal,
    /// The price per `per` units.
    pub unit_price: Decimal,
    /// The number of units the price is for (1, or 1000 for "per 1,000 characters").
    pub per: Decimal,
    /// billable_quantity x unit_price / per.
    pub amount: Decimal,
}

/// The bill of one generation (one attempt that yields one output) of one model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generation {
    /// The model's id.
    pub model: String,
    /// The options used, defaults filled in, canonical values.
    pub options: BTreeMap<String, String>,
    /// The line items; their amounts add up to `cost`.
    pub lines: Vec<LineItem>,
    /// The cost of the generation.
    pub cost: Decimal,
    /// True when every figure of the bill is exact (no quotient rounded at 28 digits).
    pub exact: bool,
}

/// A model's price for a step: a bill, or the reason it is unknown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Priced {
    /// The bill of one generation.
    Known(Generation),
    /// Why the price is unknown (never $0).
    Unknown {
        /// The model's id.
        model: String,
        /// The reason.
        reason: String,
    },
}

impl Priced {
    /// The cost of one generation, when known.
    pub fn cost(&self) -> Option<Decimal> {
        match self {
            Priced::Known(g) => Some(g.cost),
            Priced::Unknown { .. } => None,
        }
    }
}

/// The costs of a step whose price is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepCosts {
    /// One billed attempt that yields one output (blended when a fallback serves a share).
    pub cost_per_generation: Decimal,
    /// cost per generation / (1 - r).
    pub cost_per_accepted_output: Decimal,
    /// n x cost per generation x expected attempts.
    pub expected_cost_per_action: Decimal,
}

/// The quote of one step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepQuote {
    /// The primary model's id.
    pub model: String,
    /// The primary model's bill.
    pub primary: Priced,
    /// The fallback's share (0 to 1) and bill, when the step has one.
    pub fallback: Option<(Decimal, Priced)>,
    /// Accepted outputs needed per action.
    pub n: u32,
    /// Rejection rate as a fraction (0.2 for 20 %).
    pub rejection_rate: Decimal,
    /// The attempt cap, if any.
    pub max_attempts: Option<u32>,
    /// Expected attempts per output.
    pub expected_attempts: Decimal,
    /// Probability that an output ends with nothing accepted.
    pub p_no_output: Decimal,
    /// The costs, or the reason the price is unknown.
    pub costs: Result<StepCosts, String>,
    /// True when every figure of the step is exact (no quotient rounded at 28 digits).
    pub exact: bool,
    /// The model was shut down on this date (it still quotes).
    pub retired: Option<Retired>,
}

/// The quote of a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote {
    /// The currency of every amount.
    pub currency: String,
    /// One quote per step.
    pub steps: Vec<StepQuote>,
    /// The sum over steps of the expected cost per action; `None` when a price is unknown.
    pub cost_per_action: Option<Decimal>,
    /// How many actions $1 buys; `None` when unknown or the action is free.
    pub actions_per_dollar: Option<Decimal>,
    /// User actions a month, when given.
    pub actions_per_month: Option<Decimal>,
    /// cost per action x actions per month; `None` when either is missing.
    pub monthly: Option<Decimal>,
    /// True when the cost per action and monthly spend are exact (no quotient rounded at 28
    /// digits on the way).
    pub exact: bool,
}

impl StepQuote {
    /// The step as an assessment's outcome (what [`crate::engine::report::explain`] reads).
    pub fn outcome(&self) -> StepOutcome {
        let costs = self.costs.as_ref().ok();
        StepOutcome {
            model: self.model.clone(),
            state: match &self.costs {
                Ok(_) => StepState::Priced,
                Err(reason) => StepState::PriceUnknown(reason.clone()),
            },
            problems: Vec::new(),
            primary: Some(self.primary.clone()),
            fallback: self.fallback.clone(),
            cost_per_generation: Some(match &self.costs {
                Ok(c) => Ok(c.cost_per_generation),
                Err(reason) => Err(reason.clone()),
            }),
            attempts: Some(Attempts {
                rejection_rate: self.rejection_rate,
                max_attempts: self.max_attempts,
                expected: self.expected_attempts,
                p_no_output: self.p_no_output,
            }),
            n: Some(self.n),
            cost_per_accepted_output: costs.map(|c| c.cost_per_accepted_output),
            expected_cost_per_action: costs.map(|c| c.expected_cost_per_action),
            exact: self.exact,
            retired: self.retired.clone(),
        }
    }
}

impl Quote {
    /// Why the total is unknown: the first step whose price is unknown.
    pub fn unknown_reason(&self) -> Option<String> {
        self.steps.iter().enumerate().find_map(|(i, s)| {
            s.costs
                .as_ref()
                .err()
                .map(|r| format!("step {} ({}): {r}", i.saturating_add(1), s.model))
        })
    }
}

/// Quotes a scenario against a catalog: [`crate::engine::assess`], with its first problem as
/// the error.
///
/// # Errors
/// The first problem: an unknown model, an option the model does not take, a value it does not
/// allow, a combination without a price, or a number too large to compute exactly. Each names
/// the share-URL key at fault.
///
/// # Examples
/// ```
/// use gencost::engine::{quote, parse_query, Catalog};
/// let catalog = Catalog::embedded()?;
/// // fal-ai/flux/dev: 1024 x 768 = 786,432 px = 0.75 MP, rounded up to 1 MP x $0.025.
/// let q = quote(&catalog, &parse_query("model=fal-ai/flux/dev&w=1024&h=768&retry=20")?)?;
/// let generation = q.steps[0].primary.cost();
/// assert_eq!(generation.map(|c| c.to_string()).as_deref(), Some("0.025"));
/// // 1 / (1 - 0.2) = 1.25 attempts: $0.03125 per action.
/// assert_eq!(q.cost_per_action.map(|c| c.to_string()).as_deref(), Some("0.03125"));
/// # Ok::<(), gencost::engine::Error>(())
/// ```
pub fn quote(catalog: &Catalog, scenario: &Scenario) -> Result<Quote, Error> {
    Quote::of(assess_scenario(catalog, scenario))
}

/// One generation's bill: `model` with `options` (share-URL names, as written; defaults fill the
/// rest), checked as a step's fields are.
///
/// # Errors
/// The first problem of the fields (each naming its key), or [`Error::PriceUnknown`].
///
/// # Examples
/// ```
/// use gencost::engine::{quote::price, Catalog};
/// use std::collections::BTreeMap;
/// let options = BTreeMap::from([("w".to_string(), "1024".to_string()), ("h".to_string(), "768".to_string())]);
/// // 1024 x 768 = 0.75 MP, rounded up to 1 MP x $0.025.
/// let bill = price(&Catalog::embedded()?, "fal-ai/flux/dev", &options)?;
/// assert_eq!(bill.cost.to_string(), "0.025");
/// # Ok::<(), gencost::engine::Error>(())
/// ```
pub fn price(
    catalog: &Catalog,
    model: &str,
    options: &BTreeMap<String, String>,
) -> Result<Generation, Error> {
    let mut fields = options.clone();
    fields.insert(
        super::vocabulary::Key::Model.name().to_string(),
        model.to_string(),
    );
    let draft = super::draft::Draft {
        steps: vec![fields],
        actions: None,
        problems: Vec::new(),
    };
    let mut a = super::assess::assess(catalog, &draft);
    if let Some(e) = a.first_problem() {
        return Err(e.clone());
    }
    match a.steps.pop().and_then(|s| s.primary) {
        Some(Priced::Known(g)) => Ok(g),
        Some(Priced::Unknown { model, reason }) => Err(Error::PriceUnknown { model, reason }),
        None => Err(Error::Missing(
            super::vocabulary::Key::Model.name().to_string(),
        )),
    }
}

impl Quote {
    /// The quote of an assessment without problems (taken, not copied).
    ///
    /// # Errors
    /// The assessment's first problem.
    pub fn of(a: Assessment) -> Result<Quote, Error> {
        if let Some(e) = a.first_problem() {
            return Err(e.clone());
        }
        let mut steps = Vec::with_capacity(a.steps.len());
        for s in a.steps {
            let (Some(primary), Some(at), Some(n), Some(cost)) =
                (s.primary, s.attempts, s.n, s.cost_per_generation)
            else {
                // Without problems, every part of a step is known; anything else is a bug.
                return Err(Error::Missing(format!("the figures of {}", s.model)));
            };
            let costs = match (cost, s.cost_per_accepted_output, s.expected_cost_per_action) {
                (Ok(c), Some(acc), Some(action)) => Ok(StepCosts {
                    cost_per_generation: c,
                    cost_per_accepted_output: acc,
                    expected_cost_per_action: action,
                }),
                (Err(reason), _, _) => Err(reason),
                _ => return Err(Error::Missing(format!("the costs of {}", s.model))),
            };
            steps.push(StepQuote {
                model: s.model,
                primary,
                fallback: s.fallback,
                n,
                rejection_rate: at.rejection_rate,
                max_attempts: at.max_attempts,
                expected_attempts: at.expected,
                p_no_output: at.p_no_output,
                costs,
                exact: s.exact,
                retired: s.retired,
            });
        }
        let t = a.totals;
        Ok(Quote {
            currency: a.currency,
            steps,
            cost_per_action: t.cost_per_action.as_ref().ok().copied(),
            actions_per_dollar: t.actions_per_dollar,
            actions_per_month: a.actions_per_month,
            monthly: t.monthly.ok().flatten(),
            exact: t.exact,
        })
    }
}

/// Each part's share of their sum, as percentages (0 to 100) that a bar can draw: exact where the
/// division is, never above 100. Parts must not be negative.
///
/// # Errors
/// [`Error::Overflow`] when the sum is too large to compute.
pub(crate) fn shares_percent(parts: &[Decimal]) -> Result<Vec<Decimal>, Error> {
    let mut calc = Calc::default();
    let mut total = Decimal::ZERO;
    for p in parts {
        total = calc.add(total, *p, "split by step")?;
    }
    parts
        .iter()
        .map(|p| {
            if total.is_zero() {
                return Ok(Decimal::ZERO);
            }
            // The fraction first (at most 1), then x 100: no product of two large amounts.
            let f = calc.div(*p, total, "split by step")?;
            calc.mul(f, Decimal::ONE_HUNDRED, "split by step")
        })
        .collect()
}

/// Expected attempts per output with at most `k` attempts, (1 - r^k) / (1 - r), and the chance
/// that all `k` are rejected, r^k; `q` = 1 - r.
///
/// # Design
/// With r close to 1 (r = 0.999999999999999999, k = 1000), r^k rounded at 28 digits loses the
/// very digits that 1 - r^k is made of. When k x q is small the series
/// (1 - r^k) / q = k - C(k,2) q + C(k,3) q^2 - ... is used instead: its terms shrink fast and
/// each keeps 28 significant digits.
pub(crate) fn capped_attempts(
    r: Decimal,
    q: Decimal,
    k: u32,
    calc: &mut Calc,
) -> Result<(Decimal, Decimal), Error> {
    let what = "expected attempts";
    let kq = calc.mul(Decimal::from(k), q, what)?;
    if kq >= Decimal::new(5, 1) {
        let rk = calc.pow(r, k, "retry rate to the power of max")?;
        let left = calc.sub(Decimal::ONE, rk, what)?;
        return Ok((calc.div(left, q, what)?, rk));
    }
    let mut sum = Decimal::ZERO;
    let mut term = Decimal::from(k);
    let mut j = 1u32;
    loop {
        sum = calc.add(sum, term, what)?;
        if j >= k || term.is_zero() {
            break;
        }
        // term_{j+1} = term_j x (k - j) / (j + 1) x (-q)
        let next = j.saturating_add(1);
        let ratio = calc.div(
            Decimal::from(k.saturating_sub(j)),
            Decimal::from(next),
            what,
        )?;
        term = calc.mul(term, ratio, what)?;
        term = calc.mul(term, q, what)?;
        term.set_sign_negative(!term.is_sign_negative());
        j = next;
    }
    let taken = calc.mul(q, sum, what)?;
    let p_none = calc.sub(Decimal::ONE, taken, what)?;
    Ok((sum, p_none.max(Decimal::ZERO)))
}

/// The options a model will use: the given ones it takes, checked and canonical, then its
/// defaults. Options it does not take are skipped (the step checks them against both models).
///
/// # Errors
/// [`Error::InvalidValue`] naming the key, the model and what it allows.
pub(crate) fn resolve_options(
    model: &Model,
    given: &BTreeMap<String, String>,
    prefix: &str,
) -> Result<BTreeMap<String, String>, Error> {
    let mut out = BTreeMap::new();
    for spec in &model.options {
        let value = match given.get(&spec.name) {
            Some(v) => spec.check(v, &format!("{prefix}{}", spec.name), &model.id)?,
            None => spec.default.clone(),
        };
        out.insert(spec.name.clone(), value);
    }
    Ok(out)
}

/// The bill of one generation of `model` with the `given` options.
///
/// # Errors
/// As [`quote`].
pub(crate) fn price_generation(
    model: &Model,
    given: &BTreeMap<String, String>,
    prefix: &str,
) -> Result<Priced, Error> {
    let options = resolve_options(model, given, prefix)?;
    let (lines, multipliers, total_round_up_to) = match &model.billing {
        Billing::Unknown(reason) => {
            return Ok(Priced::Unknown {
                model: model.id.clone(),
                reason: reason.clone(),
            });
        }
        Billing::Rule {
            lines,
            multipliers,
            total_round_up_to,
        } => (lines, multipliers, total_round_up_to),
    };
    // Overflow messages name the model and the line; built only when one happens.
    let in_model = |e: Error| match e {
        Error::Overflow(w) => Error::Overflow(format!("{} ({w})", model.id)),
        other => other,
    };
    let what = |s: &'static str| s;
    let mut calc = Calc::default();
    let mut items = Vec::new();
    let mut total = Decimal::ZERO;
    for rule in lines.iter().filter(|l| matches(&l.when, &options)) {
        let item = bill_line(model, rule, &options, &mut calc).map_err(in_model)?;
        total = calc
            .add(total, item.amount, what("total"))
            .map_err(in_model)?;
        items.push(item);
    }
    for m in multipliers.iter().filter(|m| matches(&m.when, &options)) {
        let (less_one, extra) = multiplied(total, m.factor, &mut calc).map_err(in_model)?;
        // What the multiplier adds: (factor - 1) x the bill so far, so the line's own
        // arithmetic holds (vector style x2: 1 x $0.04 = $0.04 more).
        items.push(LineItem {
            label: format!("{} (x{})", m.label, m.factor.normalize()),
            quantity: less_one.normalize(),
            billable_quantity: less_one.normalize(),
            unit_price: total,
            per: Decimal::ONE,
            amount: extra,
        });
        total = calc.add(total, extra, "multiplier").map_err(in_model)?;
    }
    if let Some(step) = total_round_up_to {
        // The provider rounds the whole bill up (gpt-image-2 on fal: to $0.0001); the
        // difference is a line of its own, so the lines still add up to the cost.
        let (rounded, up) = rounded_total(total, *step, &mut calc).map_err(in_model)?;
        items.push(LineItem {
            label: format!("rounded up to ${}", step.normalize()),
            quantity: up.normalize(),
            billable_quantity: up.normalize(),
            unit_price: Decimal::ONE,
            per: Decimal::ONE,
            amount: up.normalize(),
        });
        total = rounded;
    }
    Ok(Priced::Known(Generation {
        model: model.id.clone(),
        options,
        lines: items,
        cost: total,
        exact: calc.is_exact(),
    }))
}

pub(crate) fn matches(when: &BTreeMap<String, String>, options: &BTreeMap<String, String>) -> bool {
    when.iter().all(|(k, v)| options.get(k) == Some(v))
}

pub(crate) fn number(
    model: &Model,
    options: &BTreeMap<String, String>,
    name: &str,
) -> Result<Decimal, Error> {
    options
        .get(name)
        .and_then(|v| super::money::parse_decimal(v))
        .ok_or_else(|| Error::field(Some(&model.id), name, "the option has no numeric value"))
}

pub(crate) fn lookup(
    model: &Model,
    table: &Table,
    options: &BTreeMap<String, String>,
) -> Result<Decimal, Error> {
    let key: Vec<&str> = table
        .keys
        .iter()
        .map(|k| options.get(k).map_or("", String::as_str))
        .collect();
    table
        .values
        .get(&key.join("|"))
        .copied()
        .ok_or_else(|| Error::NoPriceFor {
            model: model.id.clone(),
            combination: table
                .keys
                .iter()
                .zip(&key)
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", "),
        })
}

fn bill_line(
    model: &Model,
    rule: &LineRule,
    options: &BTreeMap<String, String>,
    calc: &mut Calc,
) -> Result<LineItem, Error> {
    let what = rule.label.as_str();
    let num = |name: &str| number(model, options, name);
    let quantity = match &rule.quantity {
        Quantity::Output => Decimal::ONE,
        Quantity::Option {
            name,
            divide_by,
            times,
        } => {
            let v = num(name)?;
            let t = times.as_deref().map(num).transpose()?;
            option_quantity(v, *divide_by, t, calc, what)?
        }
        Quantity::Megapixels { w, h, px_per_mp } => {
            megapixels(num(w)?, num(h)?, *px_per_mp, calc, what)?
        }
        Quantity::VideoTokens {
            w,
            h,
            sec,
            fps,
            px_per_token,
        } => video_tokens(num(w)?, num(h)?, num(sec)?, *fps, *px_per_token, calc, what)?,
        Quantity::Lookup(table) => lookup(model, table, options)?,
        Quantity::Product { factors, divide_by } => {
            let mut q = Decimal::ONE;
            for f in factors {
                let v = match f {
                    Factor::Option(name) => num(name)?,
                    Factor::Constant(c) => *c,
                    Factor::Lookup(t) => lookup(model, t, options)?,
                };
                q = calc.mul(q, v, what)?;
            }
            divided(q, *divide_by, calc, what)?
        }
    };
    let unit_price = match &rule.price {
        Price::Fixed(p) => *p,
        Price::Table(t) => lookup(model, t, options)?,
    };
    let (billable, amount) = billed(rule, quantity, unit_price, calc)?;
    Ok(LineItem {
        label: rule.label.clone(),
        quantity: quantity.normalize(),
        billable_quantity: billable.normalize(),
        unit_price: unit_price.normalize(),
        per: rule.per,
        amount: amount.normalize(),
    })
}

// The arithmetic of a bill, shared by the bill with its line items (above) and the prepared
// scenario's figures (`prepared.rs`): one formula each, whatever reads the option values.

/// An option's value, divided by a constant and times another option: `frames / 16 fps`.
pub(crate) fn option_quantity(
    value: Decimal,
    divide_by: Option<Decimal>,
    times: Option<Decimal>,
    calc: &mut Calc,
    what: &str,
) -> Result<Decimal, Error> {
    let mut q = divided(value, divide_by, calc, what)?;
    if let Some(t) = times {
        q = calc.mul(q, t, what)?;
    }
    Ok(q)
}

/// `q / d`, or `q` without a divisor.
pub(crate) fn divided(
    q: Decimal,
    divide_by: Option<Decimal>,
    calc: &mut Calc,
    what: &str,
) -> Result<Decimal, Error> {
    match divide_by {
        Some(d) => calc.div(q, d, what),
        None => Ok(q),
    }
}

/// w x h / pixels per megapixel.
pub(crate) fn megapixels(
    w: Decimal,
    h: Decimal,
    px_per_mp: Decimal,
    calc: &mut Calc,
    what: &str,
) -> Result<Decimal, Error> {
    let px = calc.mul(w, h, what)?;
    calc.div(px, px_per_mp, what)
}

/// w x h x (fps x seconds + 1) / pixels per token.
pub(crate) fn video_tokens(
    w: Decimal,
    h: Decimal,
    sec: Decimal,
    fps: Decimal,
    px_per_token: Decimal,
    calc: &mut Calc,
    what: &str,
) -> Result<Decimal, Error> {
    let fps_sec = calc.mul(fps, sec, what)?;
    let frames = calc.add(fps_sec, Decimal::ONE, what)?;
    let px = calc.mul(w, h, what)?;
    let tokens_px = calc.mul(px, frames, what)?;
    calc.div(tokens_px, px_per_token, what)
}

/// A line's billable quantity (rounded up, at least its minimum, less what is included) and
/// its amount, billable x unit price / per.
pub(crate) fn billed(
    rule: &LineRule,
    quantity: Decimal,
    unit_price: Decimal,
    calc: &mut Calc,
) -> Result<(Decimal, Decimal), Error> {
    let what = rule.label.as_str();
    let mut billable = quantity;
    if let Some(step) = rule.round_up_to {
        billable = calc.round_up_to(billable, step, what)?;
    }
    if let Some(min) = rule.min {
        if billable > Decimal::ZERO && billable < min {
            billable = min;
        }
    }
    if let Some(inc) = rule.included {
        billable = calc.sub(billable, inc, what)?.max(Decimal::ZERO);
    }
    let gross = calc.mul(billable, unit_price, what)?;
    let amount = calc.div(gross, rule.per, what)?;
    Ok((billable, amount))
}

/// What a multiplier adds to a bill: (factor - 1, (factor - 1) x total).
pub(crate) fn multiplied(
    total: Decimal,
    factor: Decimal,
    calc: &mut Calc,
) -> Result<(Decimal, Decimal), Error> {
    let less_one = calc.sub(factor, Decimal::ONE, "multiplier")?;
    let extra = calc.mul(total, less_one, "multiplier")?;
    Ok((less_one, extra))
}

/// A bill rounded up to a multiple of `step` by its provider: (rounded, what it added).
pub(crate) fn rounded_total(
    total: Decimal,
    step: Decimal,
    calc: &mut Calc,
) -> Result<(Decimal, Decimal), Error> {
    let rounded = calc.round_up_to(total, step, "total")?;
    let up = calc.sub(rounded, total, "total")?;
    Ok((rounded, up))
}
