//! Exact decimal helpers: parsing what people type, checked arithmetic, and the one place where
//! amounts are rounded (for display only).

use rust_decimal::{Decimal, RoundingStrategy};

use super::Error;

/// Parses a decimal written by a person or a catalog: `12`, `0.025`, `-3`, `1e3` is refused.
///
/// Surrounding spaces are ignored. The result keeps every digit written (no float on the way).
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    if t.is_empty() || t.len() > 40 {
        return None;
    }
    let digits_ok = t
        .trim_start_matches(['-', '+'])
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.');
    if !digits_ok || !t.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Decimal::from_str_exact(t.trim_start_matches('+')).ok()
}

/// Checked arithmetic that also remembers whether any result had to be rounded.
///
/// # Design
/// `rust_decimal` keeps 28 significant digits and rounds silently past them (`1 / 3`,
/// `0.9999^1000`), so a figure computed from exact prices is not always exact. Every operation
/// checks its own result (a product keeps the sum of the scales, a quotient times the divisor
/// gives the dividend back, a sum keeps the larger scale) and a [`Calc`] records the first
/// rounding, so a face says "exact" only of a figure that is. The check errs on the safe side: a
/// result it cannot prove exact counts as rounded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Calc {
    rounded: bool,
}

impl Calc {
    /// True when no operation so far had to round its result.
    pub fn is_exact(&self) -> bool {
        !self.rounded
    }

    /// Records a rounding made elsewhere (a value computed with rounding).
    pub fn mark_rounded(&mut self) {
        self.rounded = true;
    }

    /// `a * b`, checked.
    ///
    /// # Errors
    /// [`Error::Overflow`] naming `what`.
    pub(crate) fn mul(&mut self, a: Decimal, b: Decimal, what: &str) -> Result<Decimal, Error> {
        let r = a.checked_mul(b).ok_or_else(|| overflow(what))?;
        // A product keeps the sum of the scales unless it had to be rounded; when the sum is
        // past 28, trailing zeros may explain it, so look again without them.
        let scales = a.scale().saturating_add(b.scale());
        let exact = if scales <= 28 {
            r.scale() == scales
        } else {
            let (a, b) = (a.normalize(), b.normalize());
            a.scale().saturating_add(b.scale()) <= 28
                && a.checked_mul(b)
                    .is_some_and(|p| p.scale() == a.scale().saturating_add(b.scale()))
        };
        if !exact {
            self.rounded = true;
        }
        Ok(r)
    }

    /// `a / b`, checked (division by zero is an error too).
    ///
    /// # Errors
    /// [`Error::Overflow`] naming `what`.
    pub(crate) fn div(&mut self, a: Decimal, b: Decimal, what: &str) -> Result<Decimal, Error> {
        // Most lines are priced per 1 unit: `a / 1` is `a`, exactly (the same digits and scale
        // as the division gives), without a division and its check.
        if is_one(b) {
            return Ok(a);
        }
        let r = a.checked_div(b).ok_or_else(|| overflow(what))?;
        let mut back = Calc::default();
        match back.mul(r, b, what) {
            Ok(p) if back.is_exact() && p == a => {}
            _ => self.rounded = true,
        }
        Ok(r)
    }

    /// `a + b`, checked.
    ///
    /// # Errors
    /// [`Error::Overflow`] naming `what`.
    pub(crate) fn add(&mut self, a: Decimal, b: Decimal, what: &str) -> Result<Decimal, Error> {
        // A sum that starts from 0: `b` itself (a plain 0 adds no digits).
        if a.mantissa() == 0 && a.scale() == 0 {
            return Ok(b);
        }
        let r = a.checked_add(b).ok_or_else(|| overflow(what))?;
        // A sum keeps the larger scale unless it had to be rounded.
        if r.scale() < a.scale().max(b.scale()) {
            self.rounded = true;
        }
        Ok(r)
    }

    /// `a - b`, checked: `a + (-b)` (negating a decimal flips its sign and cannot overflow).
    ///
    /// # Errors
    /// [`Error::Overflow`] naming `what`.
    pub(crate) fn sub(&mut self, a: Decimal, b: Decimal, what: &str) -> Result<Decimal, Error> {
        let mut minus_b = b;
        minus_b.set_sign_negative(!b.is_sign_negative());
        self.add(a, minus_b, what)
    }

    /// `base ^ exp` by repeated squaring, checked.
    ///
    /// # Errors
    /// [`Error::Overflow`] naming `what`.
    pub(crate) fn pow(&mut self, base: Decimal, exp: u32, what: &str) -> Result<Decimal, Error> {
        let mut result = Decimal::ONE;
        let mut b = base;
        let mut e = exp;
        while e > 0 {
            if e & 1 == 1 {
                result = self.mul(result, b, what)?;
            }
            e >>= 1;
            if e > 0 {
                b = self.mul(b, b, what)?;
            }
        }
        Ok(result)
    }

    /// The smallest multiple of `step` that is `>= q` (a provider's rounding, which is meant:
    /// it does not make the figure inexact; a quotient rounded on the way is checked back).
    ///
    /// # Errors
    /// [`Error::Overflow`] naming `what`.
    pub(crate) fn round_up_to(
        &mut self,
        q: Decimal,
        step: Decimal,
        what: &str,
    ) -> Result<Decimal, Error> {
        // Up to a whole unit (megapixels, seconds): the ceiling, exactly.
        if is_one(step) {
            return Ok(q.ceil());
        }
        let mut inner = Calc::default();
        let units = inner.div(q, step, what)?.ceil();
        let up = inner.mul(units, step, what)?;
        if !inner.is_exact() {
            // Prove it: units x step >= q and (units - 1) x step < q, both computed exactly.
            let mut check = Calc::default();
            let below = check
                .sub(units, Decimal::ONE, what)
                .and_then(|u| check.mul(u, step, what));
            let proven = matches!(below, Ok(b) if b < q) && up >= q && check.is_exact();
            if !proven {
                self.rounded = true;
            }
        }
        Ok(up)
    }
}

/// True for 1 written as `1` (a division by it gives back the same digits).
fn is_one(d: Decimal) -> bool {
    d.mantissa() == 1 && d.scale() == 0
}

fn overflow(what: &str) -> Error {
    Error::Overflow(what.to_string())
}

/// Parses a decimal string of a catalog: digits, an optional point and digits; no sign, no
/// spaces, no exponent (the published schema's `decimal`).
///
/// # Errors
/// A message that says what is wrong with the text: its form, a sign, too many decimal places,
/// too large, or more significant digits than exact arithmetic holds.
pub(crate) fn parse_catalog_decimal(text: &str) -> Result<Decimal, String> {
    let shown = super::text::quoted(text);
    if text.starts_with('-') && parse_decimal(text).is_some() {
        return Err(format!(
            "{shown} has a sign: write it without one (prices and quantities are 0 or more)"
        ));
    }
    let (int, frac) = match text.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (text, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(int) || frac.is_some_and(|f| !digits(f)) {
        return Err(format!(
            "{shown} is not a decimal string such as \"0.025\" (digits, then optionally a point and digits; no sign, spaces or exponent)"
        ));
    }
    let places = frac.map_or(0, str::len);
    if places > 28 {
        return Err(format!(
            "{shown} has {places} decimal places; gencost computes exactly with at most 28"
        ));
    }
    let int_value = int.trim_start_matches('0');
    if int_value.len() > 29
        || (int_value.len() == 29 && int_value > "79228162514264337593543950335")
    {
        return Err(format!(
            "{shown} is too large; the largest is 79228162514264337593543950335"
        ));
    }
    Decimal::from_str_exact(text).map_err(|_| {
        format!("{shown} has more significant digits than gencost computes exactly (about 28)")
    })
}

/// The exact text of an amount: every digit kept, trailing zeros dropped (`0.0250` -> `0.025`).
pub fn exact(d: Decimal) -> String {
    d.normalize().to_string()
}

/// An amount rounded **for display only**: cents from $1 up, four significant digits below
/// (so $0.0035 is not shown as $0.00). Half away from zero, like a shop till. An amount too
/// small to show is `< $0.000000000001`, never `$0.00`.
pub fn display_usd(d: Decimal) -> String {
    let abs = d.abs();
    let rounded = if abs >= Decimal::ONE || abs.is_zero() {
        d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    } else {
        // Places needed for four significant digits: 0.0123456 -> 0.01235.
        let mut places = 3u32;
        let mut probe = abs;
        while probe < Decimal::ONE && places < 12 {
            probe = probe.saturating_mul(Decimal::TEN);
            places = places.saturating_add(1);
        }
        d.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
    };
    if rounded.is_zero() && !d.is_zero() {
        return if d.is_sign_negative() {
            "> -$0.000000000001".to_string()
        } else {
            "< $0.000000000001".to_string()
        };
    }
    let text = if abs >= Decimal::ONE || abs.is_zero() {
        with_thousands(&format!("{rounded:.2}"))
    } else {
        let s = rounded.to_string();
        // keep at least cents: 0.5 -> 0.50
        match s.split_once('.') {
            Some((_, frac)) if frac.len() == 1 => format!("{s}0"),
            None => format!("{s}.00"),
            _ => s,
        }
    };
    if let Some(rest) = text.strip_prefix('-') {
        format!("-${rest}")
    } else {
        format!("${text}")
    }
}

/// A plain number rounded for display: at most `places` decimals, trailing zeros dropped. A
/// number that is not 0 but rounds to 0 is shown as `< 0.01` (for 2 places), never `0`.
pub fn display_number(d: Decimal, places: u32) -> String {
    let r = d
        .round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    if r.is_zero() && !d.is_zero() {
        let unit = Decimal::new(1, places.min(28));
        return if d.is_sign_negative() {
            format!("> -{unit}")
        } else {
            format!("< {unit}")
        };
    }
    with_thousands(&r.to_string())
}

/// `= 1.25` when the number is shown as it is, `≈ 1.005025` when showing it rounds (or the
/// number itself was rounded: `exact` false). `approx` is the sign for "about" (`≈` or `~`).
pub(crate) fn equals_number(d: Decimal, places: u32, exact: bool, approx: &str) -> String {
    let r = d.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    if exact && r == d {
        format!("= {}", display_number(d, places))
    } else {
        format!("{approx} {}", display_number(d, places))
    }
}

/// [`display_number`] marked `~` (or the `approx` sign given) when showing it rounds, or the
/// number itself was rounded (`exact` false): `1.25`, `~1.005025`.
pub(crate) fn approx_number(d: Decimal, places: u32, exact: bool, approx: &str) -> String {
    let r = d.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero);
    if exact && r == d {
        display_number(d, places)
    } else {
        format!("{approx}{}", display_number(d, places))
    }
}

/// `= 20 %`, or `> 99.9999 %` / `< 0.0001 %` where the share is too close to show.
pub(crate) fn equals_percent(fraction: Decimal) -> String {
    let p = display_percent(fraction);
    if p.starts_with(['<', '>']) {
        p
    } else {
        format!("= {p}")
    }
}

/// A fraction (0.2) as a percentage for people (`20 %`), with at most four decimals. A share
/// that is not 100 % is never shown as `100 %`, nor one above 0 as `0 %`.
pub fn display_percent(fraction: Decimal) -> String {
    let Some(p) = fraction.checked_mul(Decimal::ONE_HUNDRED) else {
        return "too large to show %".to_string();
    };
    let r = p.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero);
    if r == Decimal::ONE_HUNDRED && p < Decimal::ONE_HUNDRED {
        return "> 99.9999 %".to_string();
    }
    if r.is_zero() && p > Decimal::ZERO {
        return "< 0.0001 %".to_string();
    }
    format!("{} %", display_number(p, 4))
}

fn with_thousands(s: &str) -> String {
    let (sign, rest) = match s.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", s),
    };
    let (int, frac) = match rest.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (rest, None),
    };
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && int.len().saturating_sub(i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// Parses a decimal that must be present in a catalog (`"0.025"`), for error messages.
pub(crate) fn decimal_field(text: &str) -> Result<Decimal, String> {
    parse_catalog_decimal(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    /// A decimal from a literal of the test (zero if mistyped, which the assertions would show).
    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap_or_default()
    }

    #[test]
    fn parses_only_plain_decimals() {
        assert_eq!(parse_decimal(" 0.025 "), Some(d("0.025")));
        assert_eq!(parse_decimal("+3"), Some(d("3")));
        assert_eq!(parse_decimal("1e3"), None);
        assert_eq!(parse_decimal("NaN"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(parse_decimal("."), None);
        assert_eq!(parse_decimal("99999999999999999999999999999999"), None);
    }

    #[test]
    fn display_rounds_only_for_people() {
        assert_eq!(display_usd(d("0.025")), "$0.025");
        assert_eq!(display_usd(d("0.0035")), "$0.0035");
        assert_eq!(display_usd(d("0.5")), "$0.50");
        assert_eq!(display_usd(d("1234.565")), "$1,234.57");
        assert_eq!(display_usd(d("0.012345678")), "$0.01235");
        assert_eq!(display_usd(d("0")), "$0.00");
        assert_eq!(exact(d("0.0250")), "0.025");
    }

    #[test]
    fn rounding_up_and_powers() -> Result<(), Error> {
        let mut c = Calc::default();
        assert_eq!(c.round_up_to(d("0.75"), d("1"), "x")?, d("1"));
        assert_eq!(c.round_up_to(d("1.000001"), d("1"), "x")?, d("2"));
        assert_eq!(c.round_up_to(d("2"), d("1"), "x")?, d("2"));
        assert_eq!(c.pow(d("0.5"), 3, "x")?, d("0.125"));
        assert_eq!(c.pow(d("0.2"), 0, "x")?, d("1"));
        assert!(c.is_exact());
        assert!(c.pow(d("10"), 40, "x").is_err()); // 10^40 does not fit: an error, not a panic
        Ok(())
    }

    #[test]
    fn a_rounded_quotient_is_not_exact() -> Result<(), Error> {
        let mut c = Calc::default();
        // 1 / 0.8 = 1.25 exactly; 1 / 3 is rounded at 28 digits
        assert_eq!(c.div(d("1"), d("0.8"), "x")?, d("1.25"));
        assert!(c.is_exact());
        c.div(d("1"), d("3"), "x")?;
        assert!(!c.is_exact());
        Ok(())
    }
}
