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

/// `a * b`, or an overflow error naming `what`.
pub fn mul(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, Error> {
    a.checked_mul(b)
        .ok_or_else(|| Error::Overflow(what.to_string()))
}

/// `a + b`, or an overflow error naming `what`.
pub fn add(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, Error> {
    a.checked_add(b)
        .ok_or_else(|| Error::Overflow(what.to_string()))
}

/// `a - b`, or an overflow error naming `what`.
pub fn sub(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, Error> {
    a.checked_sub(b)
        .ok_or_else(|| Error::Overflow(what.to_string()))
}

/// `a / b`, or an overflow error naming `what` (division by zero included).
pub fn div(a: Decimal, b: Decimal, what: &str) -> Result<Decimal, Error> {
    a.checked_div(b)
        .ok_or_else(|| Error::Overflow(what.to_string()))
}

/// `base ^ exp` by repeated squaring, checked.
pub fn pow(base: Decimal, exp: u32, what: &str) -> Result<Decimal, Error> {
    let mut result = Decimal::ONE;
    let mut b = base;
    let mut e = exp;
    while e > 0 {
        if e & 1 == 1 {
            result = mul(result, b, what)?;
        }
        e >>= 1;
        if e > 0 {
            b = mul(b, b, what)?;
        }
    }
    Ok(result)
}

/// The smallest multiple of `step` that is `>= q` (the provider's "rounded up").
pub fn round_up_to(q: Decimal, step: Decimal, what: &str) -> Result<Decimal, Error> {
    let units = div(q, step, what)?.ceil();
    mul(units, step, what)
}

/// The exact text of an amount: every digit kept, trailing zeros dropped (`0.0250` -> `0.025`).
pub fn exact(d: Decimal) -> String {
    d.normalize().to_string()
}

/// An amount rounded **for display only**: cents from $1 up, four significant digits below
/// (so $0.0035 is not shown as $0.00). Half away from zero, like a shop till.
pub fn display_usd(d: Decimal) -> String {
    let abs = d.abs();
    let rounded = if abs >= Decimal::ONE || abs.is_zero() {
        d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    } else {
        // Places needed for four significant digits: 0.0123456 -> 0.01235.
        let mut places = 3u32;
        let mut probe = abs;
        while probe < Decimal::ONE && places < 12 {
            probe *= Decimal::TEN;
            places += 1;
        }
        d.round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
    };
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

/// A plain number rounded for display: at most `places` decimals, trailing zeros dropped.
pub fn display_number(d: Decimal, places: u32) -> String {
    let r = d
        .round_dp_with_strategy(places, RoundingStrategy::MidpointAwayFromZero)
        .normalize();
    with_thousands(&r.to_string())
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
        if i > 0 && (int.len() - i) % 3 == 0 {
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
    parse_decimal(text).ok_or_else(|| format!("{text:?} is not a decimal number"))
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
        assert_eq!(round_up_to(d("0.75"), d("1"), "x")?, d("1"));
        assert_eq!(round_up_to(d("1.000001"), d("1"), "x")?, d("2"));
        assert_eq!(round_up_to(d("2"), d("1"), "x")?, d("2"));
        assert_eq!(pow(d("0.5"), 3, "x")?, d("0.125"));
        assert_eq!(pow(d("0.2"), 0, "x")?, d("1"));
        assert!(pow(d("10"), 40, "x").is_err()); // 10^40 does not fit: an error, not a panic
        Ok(())
    }
}
