//! A billing rule in one line for people: `$0.025 per output megapixel, rounded up (min 1)`.

use rust_decimal::Decimal;

use super::{Billing, LineRule, Model, Price, Quantity};
use crate::engine::money::{display_number, exact};

/// The model's rule in one line.
pub fn summary(model: &Model) -> String {
    match &model.billing {
        Billing::Unknown(reason) => format!("price unknown: {reason}"),
        Billing::Rule {
            lines,
            multipliers,
            total_round_up_to,
        } => {
            let mut parts: Vec<String> = lines.iter().map(line).collect();
            for m in multipliers {
                parts.push(format!("×{} {}", m.factor.normalize(), m.label));
            }
            let mut s = parts.join(" + ");
            if let Some(step) = total_round_up_to {
                s.push_str(&format!(", total rounded up to {}", usd(*step)));
            }
            s
        }
    }
}

/// A price as published: every digit, at least cents (`$0.20`, `$0.003`, `$40.00`).
fn usd(d: Decimal) -> String {
    let text = exact(d);
    match text.split_once('.') {
        Some((_, frac)) if frac.len() >= 2 => format!("${text}"),
        Some(_) => format!("${text}0"),
        None => format!("${text}.00"),
    }
}

fn price(p: &Price) -> String {
    match p {
        Price::Fixed(d) => usd(*d),
        Price::Table(t) => {
            let lo = t.values.values().min().copied().unwrap_or(Decimal::ZERO);
            let hi = t.values.values().max().copied().unwrap_or(Decimal::ZERO);
            if lo == hi {
                usd(lo)
            } else {
                format!("{}–{} by {}", usd(lo), usd(hi), t.keys.join(" & "))
            }
        }
    }
}

/// What one unit is called: the label, singular when the price is per one unit.
fn unit(l: &LineRule) -> String {
    let label = match &l.quantity {
        Quantity::VideoTokens { .. } => "video tokens",
        _ => l.label.as_str(),
    };
    let per_second = matches!(&l.quantity, Quantity::Option { name, .. } if name == "gpu_s");
    match l.per.normalize().to_string().as_str() {
        "1" if per_second => format!("second of {label}"),
        "1" if label.ends_with('s')
            && !label.ends_with("ss")
            && !matches!(l.quantity, Quantity::Output) =>
        {
            label.strip_suffix('s').unwrap_or(label).to_string()
        }
        "1" => label.to_string(),
        "60" => format!("minute of {label}"),
        "3600" => format!("hour of {label}"),
        _ => format!("{} {label}", display_number(l.per, 0)),
    }
}

fn line(l: &LineRule) -> String {
    let mut s = format!("{} per {}", price(&l.price), unit(l));
    if let Quantity::Option {
        divide_by: Some(d),
        name,
        ..
    } = &l.quantity
    {
        s.push_str(&format!(" ({name} / {})", d.normalize()));
    }
    if let Some(step) = l.round_up_to {
        if step == Decimal::ONE {
            s.push_str(", rounded up");
        } else {
            s.push_str(&format!(", rounded up to {}", step.normalize()));
        }
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
