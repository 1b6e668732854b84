//! A billing rule in one line for people: `$0.025 per megapixel, rounded up (min 1)`.

use rust_decimal::Decimal;

use super::catalog::{Billing, LineRule, Model, Price, Quantity};

/// The model's rule in one line.
pub fn summary(model: &Model) -> String {
    match &model.billing {
        Billing::Unknown(reason) => format!("price unknown: {reason}"),
        Billing::Rule { lines, multipliers } => {
            let mut parts: Vec<String> = lines.iter().map(line).collect();
            for m in multipliers {
                parts.push(format!("x{} {}", m.factor.normalize(), m.label));
            }
            parts.join(" + ")
        }
    }
}

fn price(p: &Price) -> String {
    match p {
        Price::Fixed(d) => format!("${}", d.normalize()),
        Price::Table(t) => {
            let lo = t.values.values().min().copied().unwrap_or(Decimal::ZERO);
            let hi = t.values.values().max().copied().unwrap_or(Decimal::ZERO);
            if lo == hi {
                format!("${}", lo.normalize())
            } else {
                format!(
                    "${}-${} by {}",
                    lo.normalize(),
                    hi.normalize(),
                    t.keys.join(" & ")
                )
            }
        }
    }
}

fn unit(l: &LineRule) -> String {
    let per = match l.per.normalize().to_string().as_str() {
        "1" => String::new(),
        "60" => "minute of ".to_string(),
        "3600" => "hour of ".to_string(),
        n => format!("{n} "),
    };
    let what = match &l.quantity {
        Quantity::Output => return l.label.clone(),
        Quantity::Option {
            name,
            divide_by: Some(d),
            ..
        } => format!("{name}/{} {}", d.normalize(), l.label),
        Quantity::Option { .. } => l.label.clone(),
        Quantity::Megapixels { .. } => l.label.clone(),
        Quantity::VideoTokens { .. } => "video tokens".to_string(),
        Quantity::Lookup(_) => l.label.clone(),
    };
    format!("{per}{what}")
}

fn line(l: &LineRule) -> String {
    let mut s = format!("{} per {}", price(&l.price), unit(l));
    if let Some(step) = l.round_up_to {
        s.push_str(&format!(", rounded up to {}", step.normalize()));
    }
    if let Some(min) = l.min {
        s.push_str(&format!(" (min {})", min.normalize()));
    }
    if let Some(inc) = l.included {
        s.push_str(&format!(" beyond the first {}", inc.normalize()));
    }
    if !l.when.is_empty() {
        let cond: Vec<String> = l.when.iter().map(|(k, v)| format!("{k}={v}")).collect();
        s.push_str(&format!(" when {}", cond.join(", ")));
    }
    s
}
