//! Reading a fal pricing-API response as it comes:
//! `{"prices":[{"endpoint_id","unit_price","unit","currency"}],"next_cursor":..,"has_more":..}`.
//!
//! The unit strings it can map become billing rules; ambiguous ones ("units", "credits",
//! "5 seconds", empty...) and $0 prices become "price unknown" with the reason, never $0.

use rust_decimal::Decimal;
use std::collections::BTreeMap;

use super::json::Value;
use super::{
    is_endpoint_id, Billing, Catalog, Domain, Kind, LineRule, Model, OptionSpec, Price, Quantity,
};
use crate::engine::money::parse_decimal;
use crate::engine::{text, Error};

/// Where imported prices say they come from.
pub const FAL_PRICING_API: &str = "https://api.fal.ai/v1/models/pricing";

/// What a unit string maps to.
enum Unit {
    PerOutput(&'static str, Kind),
    Megapixels,
    Seconds {
        per: u32,
    },
    /// (option, label, kind, units per price)
    PerThousand(&'static str, &'static str, Kind, u32),
    ComputeSeconds,
}

fn map_unit(unit: &str) -> Result<Unit, String> {
    let u = unit.trim().to_ascii_lowercase();
    Ok(match u.as_str() {
        "image" | "images" => Unit::PerOutput("image", Kind::Image),
        "video" | "videos" => Unit::PerOutput("video", Kind::Video),
        "audio" | "audios" => Unit::PerOutput("audio file", Kind::Audio),
        "request" | "requests" | "generation" | "generations" => {
            Unit::PerOutput("request", Kind::Other)
        }
        "megapixel" | "megapixels" => Unit::Megapixels,
        "second" | "seconds" | "video second" | "video seconds" => Unit::Seconds { per: 1 },
        "minute" | "minutes" => Unit::Seconds { per: 60 },
        "1000 characters" | "1k characters" => {
            Unit::PerThousand("chars", "characters", Kind::Audio, 1000)
        }
        "1000 tokens" | "1k tokens" => Unit::PerThousand("tokens", "tokens", Kind::Other, 1000),
        "1m tokens" | "1000000 tokens" => {
            Unit::PerThousand("tokens", "tokens", Kind::Other, 1_000_000)
        }
        "compute second" | "compute seconds" | "gpu second" | "gpu seconds" => Unit::ComputeSeconds,
        "" => return Err("the pricing API gives no unit".to_string()),
        "processed megapixels" => {
            return Err(
                "\"processed megapixels\" does not say which images (input, output) count"
                    .to_string(),
            )
        }
        "units" | "unit" | "credits" | "credit" => {
            return Err(format!(
                "the unit {} does not say what is counted",
                text::quoted(unit.trim())
            ))
        }
        other => {
            return Err(format!(
                "the unit {} is not one gencost can bill (ambiguous)",
                text::quoted(other)
            ))
        }
    })
}

/// What a fal unit counts, for matching a rule that exists already: `output`, `megapixels`,
/// `seconds`, `minutes`, `characters`, `tokens` or `gpu_s`; `None` for a unit gencost cannot
/// bill.
pub fn unit_counts(unit: &str) -> Option<&'static str> {
    Some(match map_unit(unit).ok()? {
        Unit::PerOutput(..) => "output",
        Unit::Megapixels => "megapixels",
        Unit::Seconds { per: 1 } => "seconds",
        Unit::Seconds { .. } => "minutes",
        Unit::PerThousand("chars", ..) => "characters",
        Unit::PerThousand(..) => "tokens",
        Unit::ComputeSeconds => "gpu_s",
    })
}

fn range(name: &str, min: u32, max: u32, default: u32, unit: &str) -> OptionSpec {
    OptionSpec {
        name: name.to_string(),
        domain: Domain::Range {
            min: Decimal::from(min),
            max: Decimal::from(max),
            step: Some(Decimal::ONE),
        },
        default: default.to_string(),
        unit: Some(unit.to_string()),
    }
}

fn line(label: &str, quantity: Quantity, price: Decimal, per: u32) -> LineRule {
    LineRule {
        label: label.to_string(),
        quantity,
        round_up_to: None,
        min: None,
        included: None,
        price: Price::Fixed(price),
        per: Decimal::from(per),
        when: BTreeMap::new(),
    }
}

fn option_q(name: &str) -> Quantity {
    Quantity::Option {
        name: name.to_string(),
        divide_by: None,
        times: None,
    }
}

/// Builds a catalog from a fal pricing-API response.
///
/// # Errors
/// [`Error::Catalog`] naming each row (by endpoint id or position) and field that is wrong.
pub fn from_fal_pricing(value: &Value) -> Result<Catalog, Error> {
    let rows = value
        .get("prices")
        .and_then(Value::as_array)
        .ok_or_else(|| Error::field(None, "prices", "must be a list"))?;
    let mut models = Vec::new();
    let mut errors = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let id = row
            .get("endpoint_id")
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("");
        let at = if id.is_empty() {
            format!("prices[{i}]")
        } else {
            id.to_string()
        };
        if id.is_empty() {
            errors.push(Error::field(Some(&at), "endpoint_id", "missing"));
            continue;
        }
        if !is_endpoint_id(id) {
            errors.push(Error::field(
                Some(&format!("prices[{i}]")),
                "endpoint_id",
                format!(
                    "{} is not an endpoint id (letters, digits and . _ : + @ ~ - in /-separated parts)",
                    text::quoted(id)
                ),
            ));
            continue;
        }
        let price = match row.get("unit_price") {
            // The engine's JSON reader keeps a number's exact text.
            Some(Value::Number(n)) => {
                let text = n.to_string();
                if text.contains(['e', 'E']) {
                    // JSON allows 1e-05; read it exactly, still without a float.
                    Decimal::from_scientific(&text).ok()
                } else {
                    parse_decimal(&text)
                }
            }
            Some(Value::String(s)) => parse_decimal(s),
            _ => None,
        };
        let Some(price) = price.filter(|p| *p >= Decimal::ZERO) else {
            errors.push(Error::field(
                Some(&at),
                "unit_price",
                "must be a number of at least 0",
            ));
            continue;
        };
        let unit = row.get("unit").and_then(Value::as_str).unwrap_or("");
        let currency = row.get("currency").and_then(Value::as_str).unwrap_or("USD");
        let unknown = |reason: String| (Kind::Other, vec![], Billing::Unknown(reason));
        let (kind, options, billing) = if currency.trim() != "USD" {
            unknown(format!(
                "priced in {}; gencost quotes USD",
                text::quoted(currency)
            ))
        } else if price.is_zero() {
            unknown(format!(
                "listed at $0 per {}: the real price is not published",
                text::quoted(unit.trim())
            ))
        } else {
            match map_unit(unit) {
                Err(reason) => unknown(reason),
                Ok(u) => build(u, price),
            }
        };
        let built = Model::new(Model {
            id: id.to_string(),
            name: id.to_string(),
            provider: "fal".to_string(),
            kind,
            options,
            billing,
            source: FAL_PRICING_API.to_string(),
            verified: None,
            summary: String::new(),
            note: Some(format!(
                "imported from a fal pricing-API response (unit {})",
                text::quoted(unit.trim())
            )),
            size: None,
            retired: None,
            history: Vec::new(),
        });
        match built {
            Ok(m) => models.push(m),
            Err(list) => {
                errors.extend(list.into_iter().map(|(f, m)| Error::field(Some(&at), f, m)))
            }
        }
    }
    if !errors.is_empty() {
        return Err(Error::Catalog(errors));
    }
    Catalog::new("USD".to_string(), models)
}

fn build(unit: Unit, price: Decimal) -> (Kind, Vec<OptionSpec>, Billing) {
    let rule = |lines| Billing::Rule {
        lines,
        multipliers: vec![],
        total_round_up_to: None,
    };
    match unit {
        Unit::PerOutput(what, kind) => (
            kind,
            vec![],
            rule(vec![line(what, Quantity::Output, price, 1)]),
        ),
        Unit::Megapixels => {
            let mut l = line(
                "output megapixels",
                Quantity::Megapixels {
                    w: "w".into(),
                    h: "h".into(),
                    px_per_mp: Decimal::from(1_048_576u32),
                },
                price,
                1,
            );
            l.round_up_to = Some(Decimal::ONE);
            l.min = Some(Decimal::ONE);
            // fal's default image_size is landscape_4_3, 1024 x 768.
            let opts = vec![
                range("w", 1, 14142, 1024, "px"),
                range("h", 1, 14142, 768, "px"),
            ];
            (Kind::Image, opts, rule(vec![l]))
        }
        Unit::Seconds { per } => {
            let opts = vec![range("sec", 1, 3600, 5, "s")];
            let l = if per == 60 {
                let q = Quantity::Option {
                    name: "sec".into(),
                    divide_by: Some(Decimal::from(60u32)),
                    times: None,
                };
                line("minutes", q, price, 1)
            } else {
                line("seconds", option_q("sec"), price, 1)
            };
            (Kind::Video, opts, rule(vec![l]))
        }
        Unit::PerThousand(option, label, kind, per) => {
            let opts = vec![range(option, 1, 10_000_000, 1000, option)];
            (
                kind,
                opts,
                rule(vec![line(label, option_q(option), price, per)]),
            )
        }
        Unit::ComputeSeconds => {
            let opts = vec![range("gpu_s", 1, 86_400, 10, "s")];
            (
                Kind::Other,
                opts,
                rule(vec![line("GPU time", option_q("gpu_s"), price, 1)]),
            )
        }
    }
}
