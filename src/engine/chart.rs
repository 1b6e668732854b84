//! The retry chart: cost per accepted output c / (1 - r) for r from 0 to 90 %, beside the
//! linear "c x (1 + r)" rule of thumb it is often mistaken for. Geometry in whole tenths of a
//! pixel; amounts exact, rounded only in the labels.
// Pixel arithmetic on constants below 20,000: no sum or product here comes near u32::MAX.
#![allow(clippy::arithmetic_side_effects)]

use rust_decimal::{Decimal, RoundingStrategy};

use super::money::display_usd;

/// The drawing area of the chart, in SVG user units.
pub const WIDTH: u32 = 320;
/// Height of the drawing area.
pub const HEIGHT: u32 = 160;
const LEFT: u32 = 56;
const TOP: u32 = 10;
/// The whole SVG with its margins: LEFT + WIDTH + 12 by TOP + HEIGHT + 30.
const VIEW_WIDTH: u32 = 388;
const VIEW_HEIGHT: u32 = 200;

/// A chart ready to draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// Which step it is about (1-based).
    pub step: usize,
    /// SVG path of c / (1 - r).
    pub curve: String,
    /// SVG path of c x (1 + r), the rule of thumb.
    pub linear: String,
    /// The current scenario's point, when its rate is within 0-90 %.
    pub marker: Option<(String, String)>,
    /// Label of the current point (`20 %: $0.03125`).
    pub marker_label: String,
    /// Y-axis labels: (y position, text).
    pub y_ticks: Vec<(String, String)>,
    /// X-axis labels: (x position, text).
    pub x_ticks: Vec<(String, String)>,
    /// Whole SVG width including margins.
    pub view_box: String,
}

fn px(d: Decimal) -> String {
    d.round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
        .to_string()
}

/// Tenths of a pixel written as pixels (`1234` -> `123.4`).
fn tenths(t: u32) -> String {
    match t % 10 {
        0 => (t / 10).to_string(),
        d => format!("{}.{d}", t / 10),
    }
}

/// `n / d` rounded half away from zero (n, d > 0, far below u32::MAX here).
fn div_round(n: u32, d: u32) -> u32 {
    n.saturating_mul(2).saturating_add(d) / d.saturating_mul(2).max(1)
}

impl Chart {
    /// The curve for cost per generation `c` with the current rejection rate `r_percent`.
    /// `None` when `c` is zero (nothing to draw).
    ///
    /// # Design
    /// The curves' shapes do not depend on `c` (the y axis ends at 10 c): at r = 2i %, the curve
    /// is at HEIGHT / (10 (1 - r)) = 1600 / (100 - 2i) px above the axis and the rule of thumb
    /// at 16 (1 + r) px, so they are drawn with whole tenths of a pixel. Only the labels and the
    /// current point use the amounts.
    pub fn retry_curve(c: Decimal, r_percent: Decimal, step: usize) -> Option<Chart> {
        if c <= Decimal::ZERO {
            return None;
        }
        let bottom = (TOP + HEIGHT) * 10;
        let x_at = |i: u32| tenths(LEFT * 10 + div_round(i * 2 * WIDTH * 10, 90));
        let mut curve = String::new();
        let mut linear = String::new();
        for i in 0..=45u32 {
            let cmd = if i == 0 { 'M' } else { 'L' };
            let y = bottom - div_round(HEIGHT * 100, 100 - 2 * i);
            let y_lin = bottom - div_round(HEIGHT * (100 + 2 * i), 100);
            curve.push_str(&format!("{cmd}{} {} ", x_at(i), tenths(y)));
            linear.push_str(&format!("{cmd}{} {} ", x_at(i), tenths(y_lin)));
        }
        // top of the y axis: c / (1 - 0.9) = 10 c
        let y_max = c.checked_mul(Decimal::TEN)?;
        let r = r_percent.checked_div(Decimal::ONE_HUNDRED)?;
        let max_r = Decimal::new(9, 1);
        let (marker, marker_label) = if r >= Decimal::ZERO && r <= max_r {
            let accept = Decimal::ONE.checked_sub(r)?;
            let cost = c.checked_div(accept)?;
            // x = LEFT + r / 0.9 x WIDTH; y = TOP + HEIGHT - HEIGHT / (10 (1 - r))
            let x = r
                .checked_div(max_r)?
                .checked_mul(Decimal::from(WIDTH))?
                .checked_add(Decimal::from(LEFT))?;
            let up = Decimal::from(HEIGHT).checked_div(accept.checked_mul(Decimal::TEN)?)?;
            let y = Decimal::from(TOP + HEIGHT).checked_sub(up)?;
            (
                Some((px(x), px(y))),
                format!(
                    "{} % rejected: {} per accepted output",
                    r_percent.normalize(),
                    display_usd(cost)
                ),
            )
        } else if r > max_r && r < Decimal::ONE {
            (
                None,
                format!(
                    "{} % rejected is off this chart (beyond 90 %)",
                    r_percent.normalize()
                ),
            )
        } else {
            (None, String::new())
        };
        let y_ticks = [(0u32, 1u32), (1, 4), (1, 2), (3, 4), (1, 1)]
            .iter()
            .map(|(num, den)| {
                let v = y_max
                    .checked_mul(Decimal::from(*num))?
                    .checked_div(Decimal::from(*den))?;
                Some((tenths(bottom - HEIGHT * 10 * num / den), display_usd(v)))
            })
            .collect::<Option<Vec<_>>>()?;
        let x_ticks = [0u32, 15, 30, 45]
            .iter()
            .map(|i| (x_at(*i), format!("{} %", i * 2)))
            .collect();
        Some(Chart {
            step,
            curve: curve.trim_end().to_string(),
            linear: linear.trim_end().to_string(),
            marker,
            marker_label,
            y_ticks,
            x_ticks,
            view_box: format!("0 0 {VIEW_WIDTH} {VIEW_HEIGHT}"),
        })
    }
}

/// The cost distribution of a user action: the cumulative share of actions against cost, with
/// the percentiles marked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetChart {
    /// SVG path of the cumulative share (a staircase).
    pub curve: String,
    /// The percentiles: (x, y, label `p95 $0.075`).
    pub marks: Vec<(String, String, String)>,
    /// Y-axis labels: (y position, text).
    pub y_ticks: Vec<(String, String)>,
    /// X-axis labels: (x position, text).
    pub x_ticks: Vec<(String, String)>,
    /// Whole SVG width including margins.
    pub view_box: String,
}

impl BudgetChart {
    /// The chart of `cumulative` ((cost, P(cost <= it)), costs ascending) with `marks`
    /// ((name, cost)) on it. The x axis runs from the cheapest cost to the one that covers
    /// 99.9 % of actions; `None` with fewer than one cost or a zero range.
    ///
    /// # Design
    /// Shares are probabilities (`f64`); they set only y positions, in whole tenths of a pixel.
    /// Costs set x positions through exact decimals.
    pub fn of(cumulative: &[(Decimal, f64)], marks: &[(&str, Decimal)]) -> Option<BudgetChart> {
        let first = cumulative.first()?.0;
        let last = cumulative
            .iter()
            .find(|(_, p)| *p >= 0.999)
            .or(cumulative.last())?
            .0;
        // A single cost: draw a unit range around it.
        let (lo, hi) = if last > first {
            (first, last)
        } else {
            (Decimal::ZERO, first.max(Decimal::new(1, 2)))
        };
        let span = hi.checked_sub(lo)?;
        let bottom = (TOP + HEIGHT) * 10;
        let x_of = |c: Decimal| -> Option<String> {
            let c = c.min(hi).max(lo);
            let x = c
                .checked_sub(lo)?
                .checked_div(span)?
                .checked_mul(Decimal::from(WIDTH))?
                .checked_add(Decimal::from(LEFT))?;
            Some(px(x))
        };
        let y_of = |p: f64| -> String {
            let up = (p.clamp(0.0, 1.0) * f64::from(HEIGHT * 10)).round() as u32;
            tenths(bottom - up.min(HEIGHT * 10))
        };
        // At most ~240 corners: keep every k-th point (and the last within the axis).
        let within: Vec<&(Decimal, f64)> = cumulative.iter().filter(|(c, _)| *c <= hi).collect();
        let k = within.len().div_ceil(240).max(1);
        let mut curve = format!("M{} {}", tenths(LEFT * 10), tenths(bottom));
        let mut prev_y = tenths(bottom);
        for (i, (c, p)) in within.iter().enumerate() {
            if i % k != 0 && i + 1 != within.len() {
                continue;
            }
            let x = x_of(*c)?;
            let y = y_of(*p);
            curve.push_str(&format!(" L{x} {prev_y} L{x} {y}"));
            prev_y = y;
        }
        curve.push_str(&format!(" L{} {prev_y}", tenths((LEFT + WIDTH) * 10)));
        let at = |c: Decimal| -> f64 {
            cumulative
                .iter()
                .take_while(|(x, _)| *x <= c)
                .last()
                .map_or(0.0, |(_, p)| *p)
        };
        let marks = marks
            .iter()
            .map(|(name, c)| {
                Some((
                    x_of(*c)?,
                    y_of(at(*c)),
                    format!("{name} {}", display_usd(*c)),
                ))
            })
            .collect::<Option<Vec<_>>>()?;
        let y_ticks = [0u32, 50, 90, 100]
            .iter()
            .map(|p| (tenths(bottom - HEIGHT * 10 * p / 100), format!("{p} %")))
            .collect();
        let x_ticks = [(0u32, 1u32), (1, 2), (1, 1)]
            .iter()
            .map(|(num, den)| {
                let c = span
                    .checked_mul(Decimal::from(*num))?
                    .checked_div(Decimal::from(*den))?
                    .checked_add(lo)?;
                Some((x_of(c)?, display_usd(c)))
            })
            .collect::<Option<Vec<_>>>()?;
        Some(BudgetChart {
            curve,
            marks,
            y_ticks,
            x_ticks,
            view_box: format!("0 0 {VIEW_WIDTH} {VIEW_HEIGHT}"),
        })
    }
}
