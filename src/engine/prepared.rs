//! A scenario prepared against a catalog, for pricing it again and again: the figures of
//! [`quote`](super::quote()) without the bill's text, and without allocating.
//!
//! # Design
//! [`Prepared::new`] does what depends on the text of the scenario and not on a price: it
//! assesses the scenario once (so every check and message is the engine's), resolves what the
//! billing rules read by name (each option's value as a number, each line's and multiplier's
//! condition, each table lookup), and works out each step's retry maths (rejection rate,
//! expected attempts) and failover share, which its `retry`, `max` and `failover` alone decide.
//! [`Prepared::costs`] then does every figure that involves a price, each time: the quantities
//! (megapixels, tokens, seconds), the provider's rounding, minimums and included amounts, the
//! prices, the multipliers, the rounded total, the failover blend, the cost per accepted
//! output, `n` x the cost x the expected attempts, the sum of the steps and the monthly spend.
//! It uses the same functions as the quote, in the same order, so the figures are the same
//! decimals.

use rust_decimal::Decimal;

use super::assess::{
    acceptance, assess_scenario, attempts, blend, failover_share, per_accepted_output, per_action,
    Attempts,
};
use super::catalog::{Billing, Catalog, Factor, LineRule, Model, Price, Quantity};
use super::money::Calc;
use super::quote::{
    billed, divided, lookup, matches, megapixels, multiplied, number, option_quantity,
    rounded_total, video_tokens, Priced, StepCosts,
};
use super::scenario::{Scenario, MAX_STEPS};
use super::Error;

/// A scenario ready to be priced: see the module's design note.
#[derive(Debug, Clone)]
pub struct Prepared<'c> {
    steps: Vec<PreparedStep<'c>>,
    actions_per_month: Option<Decimal>,
}

#[derive(Debug, Clone)]
struct PreparedStep<'c> {
    primary: Bill<'c>,
    /// The fallback's share (0 to 1), and its bill.
    fallback: Option<(Decimal, Bill<'c>)>,
    n: u32,
    /// The retry maths, from the step's `retry` and `max` alone.
    attempts: Attempts,
    /// 1 - the rejection rate.
    acceptance: Decimal,
    /// False when the share or the retry maths had to round a quotient.
    exact: bool,
}

/// One generation's bill with its options resolved: the lines and multipliers that apply.
#[derive(Debug, Clone)]
enum Bill<'c> {
    Rule {
        model: &'c Model,
        lines: Vec<Line<'c>>,
        multipliers: Vec<Decimal>,
        total_round_up_to: Option<Decimal>,
    },
    Unknown,
}

#[derive(Debug, Clone)]
struct Line<'c> {
    rule: &'c LineRule,
    count: Count,
    unit_price: Decimal,
}

/// What a line counts, with the option values it reads.
#[derive(Debug, Clone)]
enum Count {
    One,
    Option {
        value: Decimal,
        divide_by: Option<Decimal>,
        times: Option<Decimal>,
    },
    Megapixels {
        w: Decimal,
        h: Decimal,
        px_per_mp: Decimal,
    },
    /// w x h x (1 / pixels per megapixel), where that reciprocal is an exact decimal (2^-20
    /// is) and the product was checked to equal the quotient: a multiplication instead of a
    /// division.
    MegapixelsTimes {
        w: Decimal,
        h: Decimal,
        per_px: Decimal,
    },
    VideoTokens {
        w: Decimal,
        h: Decimal,
        sec: Decimal,
        fps: Decimal,
        px_per_token: Decimal,
    },
    LookedUp(Decimal),
    Product {
        factors: Vec<Decimal>,
        divide_by: Option<Decimal>,
    },
}

/// The figures of a prepared scenario.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Costs {
    steps: [Option<StepCosts>; MAX_STEPS],
    len: usize,
    /// The sum over steps of the expected cost per action; `None` when a price is unknown or
    /// the sum does not fit.
    pub cost_per_action: Option<Decimal>,
    /// How many actions $1 buys; `None` when unknown or the action is free.
    pub actions_per_dollar: Option<Decimal>,
    /// cost per action x actions per month; `None` when either is missing.
    pub monthly: Option<Decimal>,
    /// True when no quotient was rounded at 28 digits on the way.
    pub exact: bool,
}

impl Default for Costs {
    fn default() -> Costs {
        Costs {
            steps: [None; MAX_STEPS],
            len: 0,
            cost_per_action: None,
            actions_per_dollar: None,
            monthly: None,
            exact: true,
        }
    }
}

impl Costs {
    /// Each step's costs, in order; `None` for a step whose price is unknown.
    pub fn steps(&self) -> &[Option<StepCosts>] {
        self.steps.get(..self.len).unwrap_or_default()
    }
}

impl<'c> Prepared<'c> {
    /// Prepares `scenario` against `catalog`.
    ///
    /// # Errors
    /// What [`quote`](super::quote()) returns for the scenario: its first problem, naming the
    /// share-URL key at fault.
    ///
    /// # Examples
    /// ```
    /// use gencost::engine::{parse_query, prepared::Prepared, Catalog};
    /// let catalog = Catalog::embedded()?;
    /// let scenario = parse_query("model=fal-ai/flux/dev&w=1024&h=768&retry=20")?;
    /// let prepared = Prepared::new(&catalog, &scenario)?;
    /// // 1024 x 768 = 0.75 MP, rounded up to 1 MP x $0.025; / (1 - 0.2) = $0.03125 per action.
    /// let costs = prepared.costs()?;
    /// assert_eq!(costs.cost_per_action.map(|c| c.to_string()).as_deref(), Some("0.03125"));
    /// # Ok::<(), gencost::engine::Error>(())
    /// ```
    pub fn new(catalog: &'c Catalog, scenario: &Scenario) -> Result<Prepared<'c>, Error> {
        let assessment = assess_scenario(catalog, scenario);
        if let Some(e) = assessment.first_problem() {
            return Err(e.clone());
        }
        let mut steps = Vec::with_capacity(scenario.steps.len());
        for (step, outcome) in scenario.steps.iter().zip(&assessment.steps) {
            let mut calc = Calc::default();
            let primary = bill(catalog.model(&step.model)?, outcome.primary.as_ref())?;
            let fallback = match (&step.fallback, &outcome.fallback) {
                (Some(fb), Some((_, priced))) => Some((
                    failover_share(fb.percent, &mut calc)?,
                    bill(catalog.model(&fb.model)?, Some(priced))?,
                )),
                _ => None,
            };
            let attempts = attempts(step.retry_percent, step.max_attempts, &mut calc)?;
            steps.push(PreparedStep {
                primary,
                fallback,
                n: step.n,
                acceptance: acceptance(&attempts)?,
                attempts,
                exact: calc.is_exact(),
            });
        }
        Ok(Prepared {
            steps,
            actions_per_month: scenario.actions_per_month,
        })
    }

    /// Every figure of the scenario, computed now.
    ///
    /// # Errors
    /// [`Error::Overflow`] when a figure of a step is too large to compute, as the quote says.
    pub fn costs(&self) -> Result<Costs, Error> {
        let mut out = Costs::default();
        self.costs_into(&mut out)?;
        Ok(out)
    }

    /// [`Prepared::costs`] written into `out`, for a loop that prices scenario after scenario
    /// without building a new `Costs` each time.
    ///
    /// # Errors
    /// As [`Prepared::costs`]; `out` is then incomplete.
    pub fn costs_into(&self, out: &mut Costs) -> Result<(), Error> {
        out.len = 0;
        // The totals' arithmetic: inexact when a step is, as the quote's totals.
        let mut sums = Calc::default();
        let mut total = Some(Decimal::ZERO);
        for (slot, s) in out.steps.iter_mut().zip(&self.steps) {
            let mut calc = Calc::default();
            if !s.exact {
                calc.mark_rounded();
            }
            let primary = s.primary.cost(&mut calc)?;
            let cost = match (primary, &s.fallback) {
                (None, _) => None,
                (Some(p), None) => Some(p),
                (Some(p), Some((share, fb))) => match fb.cost(&mut calc)? {
                    Some(f) => Some(blend(*share, p, f, &mut calc)?),
                    None => None,
                },
            };
            let a = &s.attempts;
            *slot = match cost {
                Some(c) => Some(StepCosts {
                    cost_per_generation: c,
                    cost_per_accepted_output: per_accepted_output(c, s.acceptance, &mut calc)?,
                    expected_cost_per_action: per_action(s.n, c, a, &mut calc)?,
                }),
                None => None,
            };
            if !calc.is_exact() {
                sums.mark_rounded();
            }
            total = match (total, *slot) {
                (Some(t), Some(c)) => sums
                    .add(t, c.expected_cost_per_action, "cost per action")
                    .ok(),
                _ => None,
            };
            out.len = out.len.saturating_add(1);
        }
        let mut calc = sums;
        out.cost_per_action = total;
        out.actions_per_dollar = total
            .filter(|t| *t > Decimal::ZERO)
            .and_then(|t| Decimal::ONE.checked_div(t));
        out.monthly = match (total, self.actions_per_month) {
            (Some(t), Some(a)) => calc.mul(t, a, "monthly spend").ok(),
            _ => None,
        };
        out.exact = calc.is_exact();
        Ok(())
    }
}

/// The bill of `model` as assessed: its lines and multipliers that apply to the options used.
fn bill<'c>(model: &'c Model, priced: Option<&Priced>) -> Result<Bill<'c>, Error> {
    let (
        Some(Priced::Known(g)),
        Billing::Rule {
            lines,
            multipliers,
            total_round_up_to,
        },
    ) = (priced, &model.billing)
    else {
        return Ok(Bill::Unknown);
    };
    let options = &g.options;
    let num = |name: &str| number(model, options, name);
    let mut out = Vec::new();
    for rule in lines.iter().filter(|l| matches(&l.when, options)) {
        let count = match &rule.quantity {
            Quantity::Output => Count::One,
            Quantity::Option {
                name,
                divide_by,
                times,
            } => Count::Option {
                value: num(name)?,
                divide_by: *divide_by,
                times: times.as_deref().map(num).transpose()?,
            },
            Quantity::Megapixels { w, h, px_per_mp } => {
                megapixel_count(num(w)?, num(h)?, *px_per_mp, &rule.label)
            }
            Quantity::VideoTokens {
                w,
                h,
                sec,
                fps,
                px_per_token,
            } => Count::VideoTokens {
                w: num(w)?,
                h: num(h)?,
                sec: num(sec)?,
                fps: *fps,
                px_per_token: *px_per_token,
            },
            Quantity::Lookup(t) => Count::LookedUp(lookup(model, t, options)?),
            Quantity::Product { factors, divide_by } => Count::Product {
                factors: factors
                    .iter()
                    .map(|f| match f {
                        Factor::Option(name) => num(name),
                        Factor::Constant(c) => Ok(*c),
                        Factor::Lookup(t) => lookup(model, t, options),
                    })
                    .collect::<Result<_, _>>()?,
                divide_by: *divide_by,
            },
        };
        let unit_price = match &rule.price {
            Price::Fixed(p) => *p,
            Price::Table(t) => lookup(model, t, options)?,
        };
        out.push(Line {
            rule,
            count,
            unit_price,
        });
    }
    Ok(Bill::Rule {
        model,
        lines: out,
        multipliers: multipliers
            .iter()
            .filter(|m| matches(&m.when, options))
            .map(|m| m.factor)
            .collect(),
        total_round_up_to: *total_round_up_to,
    })
}

/// How a megapixel line counts: by the exact reciprocal of the pixels per megapixel when it
/// gives the quotient's very value, exactly, for these sides; otherwise by the division.
fn megapixel_count(w: Decimal, h: Decimal, px_per_mp: Decimal, what: &str) -> Count {
    let by_division = |calc: &mut Calc| megapixels(w, h, px_per_mp, calc, what);
    let mut exact = Calc::default();
    let per_px = exact.div(Decimal::ONE, px_per_mp, what);
    let times = per_px.and_then(|r| {
        let px = exact.mul(w, h, what)?;
        Ok((r, exact.mul(px, r, what)?))
    });
    let mut divided = Calc::default();
    match (times, by_division(&mut divided)) {
        (Ok((per_px, product)), Ok(quotient))
            if product == quotient && exact.is_exact() && divided.is_exact() =>
        {
            Count::MegapixelsTimes { w, h, per_px }
        }
        _ => Count::Megapixels { w, h, px_per_mp },
    }
}

impl Bill<'_> {
    /// The cost of one generation (`None`: the price is unknown), as `price_generation` bills
    /// it: each line's amount as its line item holds it, then the multipliers, then the
    /// provider's rounding of the total.
    fn cost(&self, calc: &mut Calc) -> Result<Option<Decimal>, Error> {
        let Bill::Rule {
            model,
            lines,
            multipliers,
            total_round_up_to,
        } = self
        else {
            return Ok(None);
        };
        let in_model = |e: Error| match e {
            Error::Overflow(w) => Error::Overflow(format!("{} ({w})", model.id)),
            other => other,
        };
        let mut total = Decimal::ZERO;
        for l in lines {
            let what = l.rule.label.as_str();
            let quantity = match &l.count {
                Count::One => Ok(Decimal::ONE),
                Count::Option {
                    value,
                    divide_by,
                    times,
                } => option_quantity(*value, *divide_by, *times, calc, what),
                Count::Megapixels { w, h, px_per_mp } => megapixels(*w, *h, *px_per_mp, calc, what),
                Count::MegapixelsTimes { w, h, per_px } => calc
                    .mul(*w, *h, what)
                    .and_then(|px| calc.mul(px, *per_px, what)),
                Count::VideoTokens {
                    w,
                    h,
                    sec,
                    fps,
                    px_per_token,
                } => video_tokens(*w, *h, *sec, *fps, *px_per_token, calc, what),
                Count::LookedUp(v) => Ok(*v),
                Count::Product { factors, divide_by } => factors
                    .iter()
                    .try_fold(Decimal::ONE, |q, f| calc.mul(q, *f, what))
                    .and_then(|q| divided(q, *divide_by, calc, what)),
            }
            .map_err(in_model)?;
            let (_, amount) = billed(l.rule, quantity, l.unit_price, calc).map_err(in_model)?;
            // The bill's line items hold their amounts normalized; the sum of the amounts as
            // computed has the same value (its scale may be larger), and normalizing each one
            // here would cost a tenth of the time.
            total = calc.add(total, amount, "total").map_err(in_model)?;
        }
        for factor in multipliers {
            let (_, extra) = multiplied(total, *factor, calc).map_err(in_model)?;
            total = calc.add(total, extra, "multiplier").map_err(in_model)?;
        }
        if let Some(step) = total_round_up_to {
            total = rounded_total(total, *step, calc).map_err(in_model)?.0;
        }
        Ok(Some(total))
    }
}
