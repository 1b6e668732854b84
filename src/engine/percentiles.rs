//! Budget percentiles: the cost that covers 50, 90, 95 and 99 % of user actions, from the exact
//! distribution of attempts (not a simulation).
//!
//! One output of a step takes A attempts: P(A = j) = (1 - r) r^(j-1); with a cap K the last
//! attempt ends the output either way, so P(A = K) = r^(K-1). The n outputs of an action take
//! T = A1 + ... + An attempts: without a cap T - n follows a negative binomial distribution;
//! [`attempts`] builds it by exact convolution (repeated squaring). Each attempt is billed the
//! step's cost per generation c, so the step costs c x T; with a fallback serving a share f of
//! attempts, the number of fallback attempts among T is binomial (T, f) and the step costs
//! (T - B) x primary + B x fallback. The action's cost is the sum of its steps', whose
//! distribution is again an exact convolution.
//!
//! "Covers q" is the smallest cost x with P(cost <= x) >= q.
//!
//! # Design
//! Probabilities are `f64`; costs are `Decimal`. A percentile is always one of the costs an
//! action can have, computed exactly (a whole number of attempts times an exact price), so no
//! float reaches an amount: floats only decide which of the exact costs covers q. Tails of
//! negligible mass are cut (each operation's share of [`MAX_CUT`] = 1e-12 in all, reported), and a
//! cumulative share within [`TOLERANCE`] of q counts as reaching it, which also absorbs float
//! rounding (0.9 computed as 0.8999999999999999). When a distribution would hold more than
//! [`MAX_POINTS`] costs, neighbouring costs are merged into the higher one: a percentile can then
//! only be above the exact one, never below, and [`Percentiles::merged`] says so.

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::assess::StepOutcome;
use super::money::Calc;
use super::quote::Priced;
use super::Error;

/// The shares of actions the percentiles cover, in percent, as the JSON names them.
pub const LEVELS: [(u32, &str); 4] = [(50, "p50"), (90, "p90"), (95, "p95"), (99, "p99")];

/// Tail mass below this is cut from a cost distribution on each sum of steps.
const EPS: f64 = 1e-15;
/// The most probability mass cut from a distribution in all; more is refused.
pub const MAX_CUT: f64 = 1e-12;
/// The most one step's attempt distribution may cut (a step of up to 20 and their sums stay
/// within [`MAX_CUT`]).
const STEP_CUT: f64 = MAX_CUT / 64.0;
/// A cumulative share this close below q counts as q.
pub const TOLERANCE: f64 = 1e-12;
/// The most attempt counts a step's distribution holds.
const MAX_ATTEMPT_POINTS: usize = 4096;
/// The most costs a distribution holds before neighbours are merged.
pub const MAX_POINTS: usize = 2048;

/// The costs that cover 50, 90, 95 and 99 % of actions.
#[derive(Debug, Clone, PartialEq)]
pub struct Percentiles {
    /// The cost covering 50 %, 90 %, 95 % and 99 % of actions, in [`LEVELS`] order.
    pub values: [Decimal; 4],
    /// The probability mass cut from the tails (at most [`MAX_CUT`]).
    pub cut: f64,
    /// True when neighbouring costs were merged into the higher one (percentiles may be a little
    /// above the exact ones, never below).
    pub merged: bool,
}

impl Percentiles {
    /// The cost covering `percent` (50, 90, 95 or 99).
    pub fn at(&self, percent: u32) -> Option<Decimal> {
        LEVELS
            .iter()
            .position(|(p, _)| *p == percent)
            .and_then(|i| self.values.get(i).copied())
    }
}

/// A distribution of costs: sorted, distinct costs and their probabilities.
#[derive(Debug, Clone, PartialEq)]
pub struct Distribution {
    /// (cost, probability), costs ascending and distinct.
    pub points: Vec<(Decimal, f64)>,
    /// Mass cut below the first point.
    pub cut_low: f64,
    /// Mass cut above the last point.
    pub cut_high: f64,
    /// Neighbouring costs were merged into the higher one.
    pub merged: bool,
}

/// Why no percentiles could be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NoPercentiles {
    /// The distribution has too many outcomes to compute exactly here.
    TooManyOutcomes,
    /// A cost is too large to compute exactly.
    Overflow(Error),
}

impl std::fmt::Display for NoPercentiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            NoPercentiles::TooManyOutcomes => {
                f.write_str("too many possible outcomes to compute the percentiles exactly")
            }
            NoPercentiles::Overflow(e) => write!(f, "{e}"),
        }
    }
}

/// The attempts one step needs per action: `(first, probabilities)`, where
/// `probabilities[i]` is P(T = first + i), and the mass cut below and above.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptCounts {
    /// The smallest attempt count kept.
    pub first: u64,
    /// P(T = first + i).
    pub probabilities: Vec<f64>,
    /// Mass cut below `first`.
    pub cut_low: f64,
    /// Mass cut above the last count.
    pub cut_high: f64,
}

/// The distribution of attempts for `n` accepted outputs with rejection rate `r` (a fraction,
/// 0 <= r < 1) and an optional cap `max` on attempts per output.
///
/// # Errors
/// [`NoPercentiles::TooManyOutcomes`] when it spans more than 4,096 attempt counts.
///
/// # Examples
/// ```
/// use gencost::engine::percentiles::attempts;
/// use rust_decimal::Decimal;
/// // r = 25 %, one output: P(T = 1) = 0.75, P(T = 2) = 0.25 x 0.75 = 0.1875.
/// let t = attempts(1, Decimal::new(25, 2), None)?;
/// assert_eq!((t.first, t.probabilities[0], t.probabilities[1]), (1, 0.75, 0.1875));
/// # Ok::<(), gencost::engine::percentiles::NoPercentiles>(())
/// ```
pub fn attempts(n: u32, r: Decimal, max: Option<u32>) -> Result<AttemptCounts, NoPercentiles> {
    let r = r.to_f64().unwrap_or(0.0).clamp(0.0, 1.0);
    let q = 1.0 - r;
    // The n outputs share the cut: each output's tail at most a quarter of MAX_CUT / n.
    let n_f = f64::from(n.max(1));
    let single_cut = STEP_CUT / 4.0 / n_f;
    // One output: P(A = j), j = 1, 2, ...
    let mut one = Vec::new();
    let mut tail = 1.0f64; // P(A >= j)
    let mut j: u32 = 1;
    loop {
        let last = max.is_some_and(|k| j >= k);
        let p = if last { tail } else { tail * q };
        one.push(p);
        tail -= p;
        if last || tail < single_cut || r == 0.0 {
            break;
        }
        if one.len() >= MAX_ATTEMPT_POINTS {
            return Err(NoPercentiles::TooManyOutcomes);
        }
        j = j.saturating_add(1);
    }
    let single = AttemptCounts {
        first: 1,
        probabilities: one,
        cut_low: 0.0,
        cut_high: tail.max(0.0),
    };
    power(&single, n)
}

/// The n-fold convolution of `one` with itself, by repeated squaring.
///
/// A mass cut from the base when it stands for m outputs is counted n / m times in the end, so
/// its trims are m / n of the budget; the result's trims are counted once.
fn power(one: &AttemptCounts, n: u32) -> Result<AttemptCounts, NoPercentiles> {
    let levels = f64::from(32u32.saturating_sub(n.leading_zeros()).max(1));
    // A quarter of the step's cut for the base's trims, a quarter for the result's.
    let share = STEP_CUT / 4.0 / levels;
    let n_f = f64::from(n.max(1));
    let mut result: Option<AttemptCounts> = None;
    let mut base = one.clone();
    let mut multiplicity = 1.0f64;
    let mut e = n;
    while e > 0 {
        if e & 1 == 1 {
            result = Some(match result {
                None => base.clone(),
                Some(r) => convolve(&r, &base, share)?,
            });
        }
        e >>= 1;
        if e > 0 {
            multiplicity *= 2.0;
            base = convolve(&base, &base, share * multiplicity / n_f)?;
        }
    }
    Ok(result.unwrap_or(AttemptCounts {
        first: 0,
        probabilities: vec![1.0],
        cut_low: 0.0,
        cut_high: 0.0,
    }))
}

fn convolve(
    a: &AttemptCounts,
    b: &AttemptCounts,
    eps: f64,
) -> Result<AttemptCounts, NoPercentiles> {
    let len = a
        .probabilities
        .len()
        .saturating_add(b.probabilities.len())
        .saturating_sub(1);
    if len > MAX_ATTEMPT_POINTS.saturating_mul(2) {
        return Err(NoPercentiles::TooManyOutcomes);
    }
    let mut out = vec![0.0f64; len];
    for (i, pa) in a.probabilities.iter().enumerate() {
        for (j, pb) in b.probabilities.iter().enumerate() {
            if let Some(slot) = out.get_mut(i.saturating_add(j)) {
                *slot += pa * pb;
            }
        }
    }
    let mut c = AttemptCounts {
        first: a.first.saturating_add(b.first),
        probabilities: out,
        // A cut of either side is lost from the product: P(lost) <= cut_a + cut_b.
        cut_low: a.cut_low + b.cut_low,
        cut_high: a.cut_high + b.cut_high,
    };
    trim(&mut c, eps / 2.0);
    if c.probabilities.len() > MAX_ATTEMPT_POINTS {
        return Err(NoPercentiles::TooManyOutcomes);
    }
    Ok(c)
}

/// Cuts tails of mass below `eps` from both ends.
fn trim(c: &mut AttemptCounts, eps: f64) {
    let mut low = 0.0;
    let mut start = 0usize;
    while let Some(p) = c.probabilities.get(start) {
        if low + p >= eps || start.saturating_add(1) >= c.probabilities.len() {
            break;
        }
        low += p;
        start = start.saturating_add(1);
    }
    let mut high = 0.0;
    let mut end = c.probabilities.len();
    while end > start.saturating_add(1) {
        let p = c
            .probabilities
            .get(end.saturating_sub(1))
            .copied()
            .unwrap_or(0.0);
        if high + p >= eps {
            break;
        }
        high += p;
        end = end.saturating_sub(1);
    }
    c.probabilities.truncate(end);
    c.probabilities.drain(..start);
    c.first = c.first.saturating_add(start as u64);
    c.cut_low += low;
    c.cut_high += high;
}

/// The distribution of one step's cost per action.
///
/// `cost` is the cost of one generation; `fallback` the share f (0 to 1) of attempts a fallback
/// serves and the two models' costs (primary, fallback), when the step has one.
///
/// # Errors
/// [`NoPercentiles`] when the outcomes are too many or a cost does not fit.
pub fn step_distribution(
    t: &AttemptCounts,
    cost: Decimal,
    fallback: Option<(Decimal, Decimal, Decimal)>,
) -> Result<Distribution, NoPercentiles> {
    let mut calc = Calc::default();
    let what = "budget percentiles";
    let mut points = Vec::with_capacity(t.probabilities.len());
    let attempt_cost = |calc: &mut Calc, count: u64, c: Decimal| {
        calc.mul(Decimal::from(count), c, what)
            .map_err(NoPercentiles::Overflow)
    };
    let (cut_low, cut_high) = (t.cut_low, t.cut_high);
    match fallback {
        Some((f, primary, other)) if !f.is_zero() && f != Decimal::ONE && primary != other => {
            let f = f.to_f64().unwrap_or(0.0).clamp(0.0, 1.0);
            for (i, pt) in t.probabilities.iter().enumerate() {
                let count = t.first.saturating_add(i as u64);
                let (first_b, pmf) = binomial(count, f)?;
                for (k, pb) in pmf.iter().enumerate() {
                    let b = first_b.saturating_add(k as u64);
                    let a = attempt_cost(&mut calc, count.saturating_sub(b), primary)?;
                    let z = attempt_cost(&mut calc, b, other)?;
                    let sum = calc.add(a, z, what).map_err(NoPercentiles::Overflow)?;
                    points.push((sum, pt * pb));
                }
                if points.len() > MAX_ATTEMPT_POINTS.saturating_mul(16) {
                    return Err(NoPercentiles::TooManyOutcomes);
                }
            }
        }
        Some((f, primary, other)) => {
            // All on one model, or both cost the same.
            let c = if f == Decimal::ONE { other } else { primary };
            for (i, p) in t.probabilities.iter().enumerate() {
                let count = t.first.saturating_add(i as u64);
                points.push((attempt_cost(&mut calc, count, c)?, *p));
            }
        }
        None => {
            for (i, p) in t.probabilities.iter().enumerate() {
                let count = t.first.saturating_add(i as u64);
                points.push((attempt_cost(&mut calc, count, cost)?, *p));
            }
        }
    }
    Ok(settle(points, cut_low, cut_high, false))
}

/// Binomial(t, f) probabilities around the mode, tails below [`EPS`] x 1e-3 of the mode's
/// weight left out (normalised after): (first k, pmf).
fn binomial(t: u64, f: f64) -> Result<(u64, Vec<f64>), NoPercentiles> {
    let mode = (((t as f64) + 1.0) * f).floor().clamp(0.0, t as f64) as u64;
    let ratio_up = |k: u64| (t.saturating_sub(k) as f64) / ((k as f64) + 1.0) * f / (1.0 - f);
    // Unnormalised weights from the mode outward (no underflow: the mode's weight is 1).
    let mut up = vec![1.0f64];
    let mut k = mode;
    let mut w = 1.0;
    while k < t {
        w *= ratio_up(k);
        if w < EPS * 1e-3 {
            break;
        }
        up.push(w);
        k = k.saturating_add(1);
        if up.len() > MAX_ATTEMPT_POINTS {
            return Err(NoPercentiles::TooManyOutcomes);
        }
    }
    let mut down = Vec::new();
    let mut k = mode;
    let mut w = 1.0;
    while k > 0 {
        // w(k-1) = w(k) / ratio_up(k-1)
        let r = ratio_up(k.saturating_sub(1));
        if r <= 0.0 {
            break;
        }
        w /= r;
        if w < EPS * 1e-3 {
            break;
        }
        down.push(w);
        k = k.saturating_sub(1);
        if down.len() > MAX_ATTEMPT_POINTS {
            return Err(NoPercentiles::TooManyOutcomes);
        }
    }
    let first = mode.saturating_sub(down.len() as u64);
    down.reverse();
    down.extend(up);
    let total: f64 = down.iter().sum();
    for p in &mut down {
        *p /= total;
    }
    Ok((first, down))
}

/// Sorts, merges equal costs, cuts negligible tails and merges neighbours past [`MAX_POINTS`].
fn settle(
    mut points: Vec<(Decimal, f64)>,
    cut_low: f64,
    cut_high: f64,
    merged: bool,
) -> Distribution {
    points.sort_unstable_by_key(|a| a.0);
    let mut out: Vec<(Decimal, f64)> = Vec::with_capacity(points.len());
    for (c, p) in points {
        match out.last_mut() {
            Some(last) if last.0 == c => last.1 += p,
            _ => out.push((c, p)),
        }
    }
    let mut d = Distribution {
        points: out,
        cut_low,
        cut_high,
        merged,
    };
    let mut low = 0.0;
    let start = d
        .points
        .iter()
        .take(d.points.len().saturating_sub(1))
        .take_while(|(_, p)| {
            let keep_going = low + p < EPS;
            if keep_going {
                low += p;
            }
            keep_going
        })
        .count();
    d.points.drain(..start);
    d.cut_low += low;
    let mut high = 0.0;
    while d.points.len() > 1 {
        let p = d.points.last().map_or(0.0, |x| x.1);
        if high + p >= EPS {
            break;
        }
        high += p;
        d.points.pop();
    }
    d.cut_high += high;
    if d.points.len() > MAX_POINTS {
        merge_on_grid(&mut d);
    }
    d
}

/// Merges costs on a grid of [`MAX_POINTS`] equal cells from the lowest to the highest cost,
/// each cell at its highest cost: a percentile moves up by less than one cell, never down.
fn merge_on_grid(d: &mut Distribution) {
    let (Some(lo), Some(hi)) = (d.points.first().map(|p| p.0), d.points.last().map(|p| p.0)) else {
        return;
    };
    let cells = Decimal::from(MAX_POINTS as u64);
    let Some(width) = hi.checked_sub(lo).and_then(|s| s.checked_div(cells)) else {
        return;
    };
    if width.is_zero() {
        return;
    }
    let mut out: Vec<(Decimal, f64)> = Vec::with_capacity(MAX_POINTS.saturating_add(1));
    let mut cell_of_last: Option<Decimal> = None;
    for (c, p) in d.points.drain(..) {
        let cell = c
            .checked_sub(lo)
            .and_then(|x| x.checked_div(width))
            .map(|x| x.floor());
        match (out.last_mut(), cell) {
            (Some(last), Some(k)) if cell_of_last == Some(k) => {
                last.0 = c; // ascending: the cell's highest so far
                last.1 += p;
            }
            _ => {
                out.push((c, p));
                cell_of_last = cell;
            }
        }
    }
    d.points = out;
    d.merged = true;
}

/// The distribution of the sum of two independent costs.
///
/// # Errors
/// [`NoPercentiles::Overflow`] when a sum does not fit.
pub fn add(a: &Distribution, b: &Distribution) -> Result<Distribution, NoPercentiles> {
    let mut calc = Calc::default();
    let mut points = Vec::with_capacity(a.points.len().saturating_mul(b.points.len()));
    for (ca, pa) in &a.points {
        for (cb, pb) in &b.points {
            let c = calc
                .add(*ca, *cb, "budget percentiles")
                .map_err(NoPercentiles::Overflow)?;
            points.push((c, pa * pb));
        }
    }
    Ok(settle(
        points,
        a.cut_low + b.cut_low,
        a.cut_high + b.cut_high,
        a.merged || b.merged,
    ))
}

impl Distribution {
    /// A cost of `c` for certain.
    pub fn certain(c: Decimal) -> Distribution {
        Distribution {
            points: vec![(c, 1.0)],
            cut_low: 0.0,
            cut_high: 0.0,
            merged: false,
        }
    }

    /// The smallest cost x with P(cost <= x) >= q (q a fraction), within [`TOLERANCE`].
    pub fn quantile(&self, q: f64) -> Option<Decimal> {
        // Cut low mass lies below every kept cost.
        let mut cum = self.cut_low;
        for (c, p) in &self.points {
            cum += p;
            if cum >= q - TOLERANCE {
                return Some(*c);
            }
        }
        self.points.last().map(|x| x.0)
    }

    /// The costs covering 50, 90, 95 and 99 % of actions.
    ///
    /// # Errors
    /// [`NoPercentiles::TooManyOutcomes`] when more than [`MAX_CUT`] was cut.
    pub fn percentiles(&self) -> Result<Percentiles, NoPercentiles> {
        let cut = self.cut_low + self.cut_high;
        if cut > MAX_CUT {
            return Err(NoPercentiles::TooManyOutcomes);
        }
        let mut values = [Decimal::ZERO; 4];
        for (slot, (p, _)) in values.iter_mut().zip(LEVELS) {
            *slot = self
                .quantile(f64::from(p) / 100.0)
                .ok_or(NoPercentiles::TooManyOutcomes)?
                .normalize();
        }
        Ok(Percentiles {
            values,
            cut,
            merged: self.merged,
        })
    }

    /// The cumulative share of actions at each cost: (cost, P(cost <= it)), for a chart.
    pub fn cumulative(&self) -> Vec<(Decimal, f64)> {
        let mut cum = self.cut_low;
        self.points
            .iter()
            .map(|(c, p)| {
                cum += p;
                (*c, cum.min(1.0))
            })
            .collect()
    }
}

/// The budget of one user action: each step's percentiles and the action's.
#[derive(Debug, Clone, PartialEq)]
pub struct Budget {
    /// Each step's cost per action, in step order.
    pub steps: Vec<Result<Percentiles, NoPercentiles>>,
    /// The whole action's cost (the sum of the steps').
    pub action: Result<Percentiles, NoPercentiles>,
    /// The action's cost distribution, for a chart.
    pub distribution: Option<Distribution>,
}

/// The distribution of one assessed step's cost per action, when the step is priced.
fn of_step(s: &StepOutcome) -> Option<Result<Distribution, NoPercentiles>> {
    let (Some(n), Some(at), Some(Ok(cost))) = (s.n, s.attempts, &s.cost_per_generation) else {
        return None;
    };
    let fallback = match (&s.primary, &s.fallback) {
        (Some(Priced::Known(p)), Some((share, Priced::Known(f)))) => Some((*share, p.cost, f.cost)),
        _ => None,
    };
    Some(
        attempts(n, at.rejection_rate, at.max_attempts)
            .and_then(|t| step_distribution(&t, *cost, fallback)),
    )
}

/// The budget percentiles of an action whose every step is priced; `None` otherwise.
///
/// # Examples
/// ```
/// use gencost::engine::{assess, percentiles::budget, read_query, Catalog};
/// let catalog = Catalog::embedded()?;
/// // FLUX.1 [dev] 1024 x 768 = 0.75 MP -> 1 MP x $0.025; r = 25 %: P(1 attempt) = 0.75,
/// // P(<= 2) = 0.9375, P(<= 3) = 0.984375, P(<= 4) = 0.99609375.
/// let a = assess(&catalog, &read_query("model=fal-ai/flux/dev&retry=25", &[]));
/// if let Some(Ok(p)) = budget(&a.steps).map(|b| b.action) {
///     let shown: Vec<String> = p.values.iter().map(|v| v.to_string()).collect();
///     assert_eq!(shown, ["0.025", "0.05", "0.075", "0.1"]);
/// } else {
///     panic!("every step is priced, so the percentiles are known");
/// }
/// # Ok::<(), gencost::engine::Error>(())
/// ```
pub fn budget(steps: &[StepOutcome]) -> Option<Budget> {
    let dists: Vec<Result<Distribution, NoPercentiles>> =
        steps.iter().map(of_step).collect::<Option<Vec<_>>>()?;
    if dists.is_empty() {
        return None;
    }
    let per_step = dists
        .iter()
        .map(|d| {
            d.as_ref()
                .map_err(Clone::clone)
                .and_then(Distribution::percentiles)
        })
        .collect();
    let mut total: Result<Distribution, NoPercentiles> = Ok(Distribution::certain(Decimal::ZERO));
    for d in &dists {
        total = match (total, d) {
            (Ok(t), Ok(d)) => add(&t, d),
            (Err(e), _) => Err(e),
            (_, Err(e)) => Err(e.clone()),
        };
    }
    let action = total
        .as_ref()
        .map_err(Clone::clone)
        .and_then(Distribution::percentiles);
    Some(Budget {
        steps: per_step,
        action,
        distribution: total.ok(),
    })
}
