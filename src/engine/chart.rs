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
