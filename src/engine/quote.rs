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

use super::catalog::{Billing, Catalog, LineRule, Model, Price, Quantity, Table};
use super::money::{div, Calc};
use super::scenario::{step_prefix, Scenario, Step};
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

impl Quote {
    /// Why the total is unknown: the first step whose price is unknown.
    pub fn unknown_reason(&self) -> Option<String> {
        self.steps.iter().enumerate().find_map(|(i, s)| {
            s.costs
                .as_ref()
                .err()
                .map(|r| format!("step {} ({}): {r}", i + 1, s.model))
        })
    }
}

/// Quotes a scenario against a catalog.
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
    scenario.check_numbers()?;
    let mut steps = Vec::with_capacity(scenario.steps.len());
    for (i, step) in scenario.steps.iter().enumerate() {
        steps.push(quote_step(catalog, step, &step_prefix(i))?);
    }
    let mut calc = Calc::default();
    let mut total = Some(Decimal::ZERO);
    for s in &steps {
        calc.absorb(if s.exact { Calc::default() } else { rounded() });
        total = match (total, &s.costs) {
            (Some(t), Ok(c)) => Some(calc.add(t, c.expected_cost_per_action, "cost per action")?),
            _ => None,
        };
    }
    let actions_per_dollar = match total {
        Some(t) if t > Decimal::ZERO => Some(div(Decimal::ONE, t, "actions per dollar")?),
        _ => None,
    };
    let monthly = match (total, scenario.actions_per_month) {
        (Some(t), Some(a)) => Some(calc.mul(t, a, "monthly spend")?),
        _ => None,
    };
    Ok(Quote {
        currency: catalog.currency().to_string(),
        steps,
        cost_per_action: total,
        actions_per_dollar,
        actions_per_month: scenario.actions_per_month,
        monthly,
        exact: calc.is_exact(),
    })
}

/// A calculation that has rounded.
fn rounded() -> Calc {
    let mut c = Calc::default();
    c.mark_rounded();
    c
}

/// Each part's share of their sum, as percentages (0 to 100) that a bar can draw: exact where the
/// division is, never above 100. Parts must not be negative.
///
/// # Errors
/// [`Error::Overflow`] when the sum is too large to compute.
pub fn shares_percent(parts: &[Decimal]) -> Result<Vec<Decimal>, Error> {
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

/// Quotes one step; `prefix` is its share-URL prefix (`""`, `s2.`) for error messages.
///
/// # Errors
/// As [`quote`].
pub fn quote_step(catalog: &Catalog, step: &Step, prefix: &str) -> Result<StepQuote, Error> {
    step.check_numbers(prefix)?;
    let primary_model = catalog
        .model(&step.model)
        .map_err(|e| keyed(e, prefix, "model"))?;
    let fallback_model = match &step.fallback {
        Some(f) => Some((
            catalog
                .model(&f.model)
                .map_err(|e| keyed(e, prefix, "fallback"))?,
            f.percent,
        )),
        None => None,
    };
    // Every option given must belong to the primary or the fallback model.
    for key in step.options.keys() {
        let known = primary_model.option(key).is_some()
            || fallback_model.is_some_and(|(m, _)| m.option(key).is_some());
        if !known {
            let mut allowed = primary_model.option_names();
            if let Some((m, _)) = fallback_model {
                allowed = format!("{allowed} (fallback: {})", m.option_names());
            }
            return Err(Error::UnknownKey {
                key: format!("{prefix}{key}"),
                model: Some(step.model.clone()),
                allowed,
            });
        }
    }
    let primary = price_generation(primary_model, &step.options, prefix)?;
    let fallback = match fallback_model {
        Some((m, percent)) => Some((
            div(percent, Decimal::ONE_HUNDRED, "failover")?,
            price_generation(m, &step.options, prefix)?,
        )),
        None => None,
    };
    let mut calc = Calc::default();
    for priced in std::iter::once(&primary).chain(fallback.as_ref().map(|(_, p)| p)) {
        if let Priced::Known(g) = priced {
            if !g.exact {
                calc.mark_rounded();
            }
        }
    }

    // checked: 0 <= retry < 100, so 1 - r > 0
    let r = calc.div(step.retry_percent, Decimal::ONE_HUNDRED, "rejection rate")?;
    let accept = calc.sub(Decimal::ONE, r, "acceptance rate")?;
    let (expected_attempts, p_no_output) = match step.max_attempts {
        Some(k) => capped_attempts(r, accept, k, &mut calc)?,
        None => (
            calc.div(Decimal::ONE, accept, "expected attempts")?,
            Decimal::ZERO,
        ),
    };

    let blended = match (&primary, &fallback) {
        (Priced::Unknown { reason, .. }, _) => Err(reason.clone()),
        (Priced::Known(p), None) => Ok(p.cost),
        (Priced::Known(p), Some((f, fb))) => match fb {
            Priced::Unknown { model, reason } => Err(format!("fallback {model}: {reason}")),
            Priced::Known(g) => {
                let keep = calc.sub(Decimal::ONE, *f, "failover")?;
                let a = calc.mul(keep, p.cost, "failover blend")?;
                let b = calc.mul(*f, g.cost, "failover blend")?;
                Ok(calc.add(a, b, "failover blend")?)
            }
        },
    };
    let costs = match blended {
        Ok(c) => {
            let per_output = calc.div(c, accept, "cost per accepted output")?;
            let n_c = calc.mul(Decimal::from(step.n), c, "cost per action")?;
            Ok(StepCosts {
                cost_per_generation: c,
                cost_per_accepted_output: per_output,
                expected_cost_per_action: calc.mul(n_c, expected_attempts, "cost per action")?,
            })
        }
        Err(reason) => Err(reason),
    };
    Ok(StepQuote {
        model: step.model.clone(),
        primary,
        fallback,
        n: step.n,
        rejection_rate: r,
        max_attempts: step.max_attempts,
        expected_attempts,
        p_no_output,
        costs,
        exact: calc.is_exact(),
    })
}

/// Expected attempts per output with at most `k` attempts, (1 - r^k) / (1 - r), and the chance
/// that all `k` are rejected, r^k; `q` = 1 - r.
///
/// # Design
/// With r close to 1 (r = 0.999999999999999999, k = 1000), r^k rounded at 28 digits loses the
/// very digits that 1 - r^k is made of. When k x q is small the series
/// (1 - r^k) / q = k - C(k,2) q + C(k,3) q^2 - ... is used instead: its terms shrink fast and
/// each keeps 28 significant digits.
fn capped_attempts(
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
        let ratio = calc.div(Decimal::from(k.saturating_sub(j)), Decimal::from(next), what)?;
        term = calc.mul(term, ratio, what)?;
        term = calc.mul(term, q, what)?;
        term.set_sign_negative(!term.is_sign_negative());
        j = next;
    }
    let taken = calc.mul(q, sum, what)?;
    let p_none = calc.sub(Decimal::ONE, taken, what)?;
    Ok((sum, p_none.max(Decimal::ZERO)))
}

/// Every problem with a step's model, fallback and options (not only the first, as
/// [`quote_step`] reports): lets a form mark each field at once.
pub fn check_step_options(catalog: &Catalog, step: &Step, prefix: &str) -> Vec<Error> {
    let mut out = Vec::new();
    let primary = catalog
        .model(&step.model)
        .map_err(|e| out.push(keyed(e, prefix, "model")))
        .ok();
    let fallback = step.fallback.as_ref().and_then(|f| {
        catalog
            .model(&f.model)
            .map_err(|e| out.push(keyed(e, prefix, "fallback")))
            .ok()
    });
    let models: Vec<&Model> = primary.into_iter().chain(fallback).collect();
    if models.is_empty() {
        return out;
    }
    for (key, value) in &step.options {
        let specs: Vec<(&Model, &super::catalog::OptionSpec)> = models
            .iter()
            .filter_map(|m| m.option(key).map(|o| (*m, o)))
            .collect();
        if specs.is_empty() {
            if let Some(p) = primary {
                let allowed = match fallback {
                    Some(f) => format!("{} (fallback: {})", p.option_names(), f.option_names()),
                    None => p.option_names(),
                };
                out.push(Error::UnknownKey {
                    key: format!("{prefix}{key}"),
                    model: Some(p.id.clone()),
                    allowed,
                });
            }
            continue;
        }
        for (m, spec) in specs {
            if let Err(e) = spec.check(value, &format!("{prefix}{key}"), &m.id) {
                out.push(e);
                break;
            }
        }
    }
    out
}

fn keyed(e: Error, prefix: &str, key: &str) -> Error {
    match e {
        Error::UnknownModel(id) => Error::InvalidValue {
            key: format!("{prefix}{key}"),
            value: id,
            model: None,
            allowed: "a model id from the catalog".to_string(),
        },
        other => other,
    }
}

/// The options a model will use: the given ones it takes, checked and canonical, then its
/// defaults. Options it does not take are skipped (the step checks them against both models).
///
/// # Errors
/// [`Error::InvalidValue`] naming the key, the model and what it allows.
pub fn resolve_options(
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
pub fn price_generation(
    model: &Model,
    given: &BTreeMap<String, String>,
    prefix: &str,
) -> Result<Priced, Error> {
    let options = resolve_options(model, given, prefix)?;
    let (lines, multipliers) = match &model.billing {
        Billing::Unknown(reason) => {
            return Ok(Priced::Unknown {
                model: model.id.clone(),
                reason: reason.clone(),
            });
        }
        Billing::Rule { lines, multipliers } => (lines, multipliers),
    };
    let what = |s: &str| format!("{} ({s})", model.id);
    let mut calc = Calc::default();
    let mut items = Vec::new();
    let mut total = Decimal::ZERO;
    for rule in lines.iter().filter(|l| matches(&l.when, &options)) {
        let item = bill_line(model, rule, &options, &mut calc)?;
        total = calc.add(total, item.amount, &what("total"))?;
        items.push(item);
    }
    for m in multipliers.iter().filter(|m| matches(&m.when, &options)) {
        let less_one = calc.sub(m.factor, Decimal::ONE, &what("multiplier"))?;
        let extra = calc.mul(total, less_one, &what("multiplier"))?;
        items.push(LineItem {
            label: format!("{} (x{})", m.label, m.factor.normalize()),
            quantity: m.factor,
            billable_quantity: m.factor,
            unit_price: total,
            per: Decimal::ONE,
            amount: extra,
        });
        total = calc.add(total, extra, &what("multiplier"))?;
    }
    Ok(Priced::Known(Generation {
        model: model.id.clone(),
        options,
        lines: items,
        cost: total,
        exact: calc.is_exact(),
    }))
}

fn matches(when: &BTreeMap<String, String>, options: &BTreeMap<String, String>) -> bool {
    when.iter().all(|(k, v)| options.get(k) == Some(v))
}

fn number(model: &Model, options: &BTreeMap<String, String>, name: &str) -> Result<Decimal, Error> {
    options
        .get(name)
        .and_then(|v| super::money::parse_decimal(v))
        .ok_or_else(|| Error::field(Some(&model.id), name, "the option has no numeric value"))
}

fn lookup(
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
    let what = format!("{} ({})", model.id, rule.label);
    let quantity = match &rule.quantity {
        Quantity::Output => Decimal::ONE,
        Quantity::Option {
            name,
            divide_by,
            times,
        } => {
            let mut q = number(model, options, name)?;
            if let Some(d) = divide_by {
                q = calc.div(q, *d, &what)?;
            }
            if let Some(t) = times {
                q = calc.mul(q, number(model, options, t)?, &what)?;
            }
            q
        }
        Quantity::Megapixels { w, h, px_per_mp } => {
            let px = calc.mul(
                number(model, options, w)?,
                number(model, options, h)?,
                &what,
            )?;
            calc.div(px, *px_per_mp, &what)?
        }
        Quantity::VideoTokens {
            w,
            h,
            sec,
            fps,
            px_per_token,
        } => {
            let fps_sec = calc.mul(*fps, number(model, options, sec)?, &what)?;
            let frames = calc.add(fps_sec, Decimal::ONE, &what)?;
            let px = calc.mul(
                number(model, options, w)?,
                number(model, options, h)?,
                &what,
            )?;
            let tokens_px = calc.mul(px, frames, &what)?;
            calc.div(tokens_px, *px_per_token, &what)?
        }
        Quantity::Lookup(table) => lookup(model, table, options)?,
    };
    let mut billable = quantity;
    if let Some(step) = rule.round_up_to {
        billable = calc.round_up_to(billable, step, &what)?;
    }
    if let Some(min) = rule.min {
        if billable > Decimal::ZERO && billable < min {
            billable = min;
        }
    }
    if let Some(inc) = rule.included {
        billable = calc.sub(billable, inc, &what)?.max(Decimal::ZERO);
    }
    let unit_price = match &rule.price {
        Price::Fixed(p) => *p,
        Price::Table(t) => lookup(model, t, options)?,
    };
    let gross = calc.mul(billable, unit_price, &what)?;
    let amount = calc.div(gross, rule.per, &what)?;
    Ok(LineItem {
        label: rule.label.clone(),
        quantity: quantity.normalize(),
        billable_quantity: billable.normalize(),
        unit_price: unit_price.normalize(),
        per: rule.per,
        amount: amount.normalize(),
    })
}
