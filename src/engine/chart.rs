//! The retry chart: cost per accepted output c / (1 - r) for r from 0 to 90 %, beside the
//! linear "c x (1 + r)" rule of thumb it is often mistaken for. Geometry in exact decimals,
//! rounded to 0.1 px only when written into the SVG path.

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

impl Chart {
    /// The curve for cost per generation `c` with the current rejection rate `r_percent`.
    /// `None` when `c` is zero (nothing to draw).
    pub fn retry_curve(c: Decimal, r_percent: Decimal, step: usize) -> Option<Chart> {
        if c <= Decimal::ZERO {
            return None;
        }
        let w = Decimal::from(WIDTH);
        let h = Decimal::from(HEIGHT);
        let left = Decimal::from(LEFT);
        let top = Decimal::from(TOP);
        let max_r = Decimal::new(9, 1);
        // top of the y axis: c / (1 - 0.9) = 10 c
        let y_max = c.checked_mul(Decimal::TEN)?;
        // Every coordinate is a share (0 to 1.9) of a few hundred units: checked all the same.
        let x_of = |r: Decimal| {
            r.checked_div(max_r)
                .and_then(|f| f.checked_mul(w))
                .and_then(|x| x.checked_add(left))
        };
        let y_of = |v: Decimal| {
            v.checked_div(y_max)
                .and_then(|f| f.checked_mul(h))
                .and_then(|y| top.checked_add(h)?.checked_sub(y))
        };
        let mut curve = String::new();
        let mut linear = String::new();
        for i in 0..=45u32 {
            let r = Decimal::from(i.saturating_mul(2)).checked_div(Decimal::ONE_HUNDRED)?;
            let cost = c.checked_div(Decimal::ONE.checked_sub(r)?)?;
            let lin = c.checked_mul(Decimal::ONE.checked_add(r)?)?;
            let cmd = if i == 0 { 'M' } else { 'L' };
            curve.push_str(&format!("{cmd}{} {} ", px(x_of(r)?), px(y_of(cost)?)));
            linear.push_str(&format!("{cmd}{} {} ", px(x_of(r)?), px(y_of(lin)?)));
        }
        let r = r_percent.checked_div(Decimal::ONE_HUNDRED)?;
        let (marker, marker_label) = if r >= Decimal::ZERO && r <= max_r {
            let cost = c.checked_div(Decimal::ONE.checked_sub(r)?)?;
            (
                Some((px(x_of(r)?), px(y_of(cost)?))),
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
        let y_ticks = [
            Decimal::ZERO,
            Decimal::new(25, 2),
            Decimal::new(5, 1),
            Decimal::new(75, 2),
            Decimal::ONE,
        ]
        .iter()
        .map(|f| {
            let v = y_max.checked_mul(*f)?;
            Some((px(y_of(v)?), display_usd(v)))
        })
        .collect::<Option<Vec<_>>>()?;
        let x_ticks = [0u32, 30, 60, 90]
            .iter()
            .map(|p| {
                let r = Decimal::from(*p).checked_div(Decimal::ONE_HUNDRED)?;
                Some((px(x_of(r)?), format!("{p} %")))
            })
            .collect::<Option<Vec<_>>>()?;
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
