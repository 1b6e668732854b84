//! `gencost catalog litellm FILE`: the image, video and audio entries of LiteLLM's cost map
//! (`model_prices_and_context_window.json`) as a gencost catalog. Ids stay LiteLLM's keys; each
//! model's note says it was imported and how LiteLLM bills it. An entry that cannot be mapped is
//! reported with the reason, never priced $0.

use rust_decimal::Decimal;
use serde_json::{json, Map, Value};

use crate::engine::catalog::is_endpoint_id;
use crate::engine::money::exact;
use crate::engine::Catalog;

/// Where LiteLLM's cost map lives, for entries that name no source of their own.
pub const LITELLM_MAP: &str =
    "https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json";

/// The modes imported: LiteLLM's image, video and audio entries.
const MODES: [&str; 4] = [
    "image_generation",
    "video_generation",
    "audio_speech",
    "audio_transcription",
];

/// What an import gives: the catalog's JSON text and the entries left out, with the reason.
pub struct Imported {
    /// A gencost catalog (already checked by the engine's loader).
    pub catalog: String,
    /// (LiteLLM key, why it was left out).
    pub skipped: Vec<(String, String)>,
}

/// A price of the map as an exact decimal: its number's text, exponent form included
/// (`8.39233e-08`), never through a float.
fn price(entry: &Map<String, Value>, key: &str) -> Option<Decimal> {
    let text = match entry.get(key)? {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    let d = if text.contains(['e', 'E']) {
        Decimal::from_scientific(&text).ok()?
    } else {
        Decimal::from_str_exact(&text).ok()?
    };
    Some(d.normalize())
}

fn range(name: &str, min: &str, max: &str, default: &str, unit: &str) -> Value {
    json!({"name": name, "min": min, "max": max, "step": "1", "default": default, "unit": unit})
}

/// The size a key names (`1024-x-1792/dall-e-3` -> 1024 x 1792).
fn size_in_key(key: &str) -> Option<(String, String)> {
    key.split('/').find_map(|part| {
        let (w, h) = part.split_once("-x-")?;
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        (digits(w) && digits(h)).then(|| (w.to_string(), h.to_string()))
    })
}

/// The options, billing and the note's "how LiteLLM bills it" of one entry, or why not.
fn rule(
    key: &str,
    mode: &str,
    e: &Map<String, Value>,
) -> Result<(Vec<Value>, Value, String), String> {
    let positive = |k: &str| price(e, k).filter(|p| *p > Decimal::ZERO);
    match mode {
        "image_generation" => {
            if let Some(p) = positive("output_cost_per_image") {
                return Ok((
                    vec![],
                    json!({"lines": [{"label": "image", "quantity": "output", "price": exact(p)}]}),
                    format!("a flat ${} per image", exact(p)),
                ));
            }
            if let Some(p) =
                positive("input_cost_per_pixel").or_else(|| positive("output_cost_per_pixel"))
            {
                let (w, h) = size_in_key(key).unwrap_or(("1024".into(), "1024".into()));
                let options = vec![
                    json!({"name": "w", "values": [w.clone()], "default": w, "unit": "px"}),
                    json!({"name": "h", "values": [h.clone()], "default": h, "unit": "px"}),
                ];
                return Ok((
                    options,
                    json!({"lines": [{"label": "pixels", "quantity": {"product": ["w", "h"]}, "price": exact(p)}]}),
                    format!(
                        "${} per pixel of the image, w x h exactly (no megapixel rounding)",
                        exact(p)
                    ),
                ));
            }
            if let Some(p) = positive("output_cost_per_image_token") {
                let per_million = p
                    .checked_mul(Decimal::from(1_000_000u32))
                    .ok_or("price too large")?;
                let options = vec![range(
                    "tokens",
                    "1",
                    "100000",
                    "1056",
                    "output image tokens",
                )];
                return Ok((
                    options,
                    json!({"lines": [{"label": "output image tokens", "quantity": {"option": "tokens"}, "price": exact(per_million), "per": "1000000"}]}),
                    format!(
                        "${} per 1M output image tokens; LiteLLM's map gives no token count per image, so enter it (the default 1056 is gpt-image-1's medium 1024x1024)",
                        exact(per_million)
                    ),
                ));
            }
            Err("no image price (LiteLLM gives only per-token text prices or none)".into())
        }
        "video_generation" => {
            let tiers: Vec<(String, Decimal)> = e
                .keys()
                .filter_map(|k| {
                    let res = k.strip_prefix("output_cost_per_second_")?;
                    Some((res.to_ascii_lowercase(), positive(k)?))
                })
                .collect();
            let sec = range("sec", "1", "60", "5", "s");
            if !tiers.is_empty() {
                let values: Vec<&String> = tiers.iter().map(|(r, _)| r).collect();
                let default = tiers
                    .iter()
                    .find(|(r, _)| r == "720p")
                    .unwrap_or(&tiers[0])
                    .0
                    .clone();
                let table: Map<String, Value> = tiers
                    .iter()
                    .map(|(r, p)| (r.clone(), Value::String(exact(*p))))
                    .collect();
                let list: Vec<String> = tiers
                    .iter()
                    .map(|(r, p)| format!("{r} ${}", exact(*p)))
                    .collect();
                return Ok((
                    vec![
                        json!({"name": "resolution", "values": values, "default": default}),
                        sec,
                    ],
                    json!({"lines": [{"label": "video seconds", "quantity": {"option": "sec"}, "price": {"by": "resolution", "values": table}}]}),
                    format!("per second of video by resolution ({})", list.join(", ")),
                ));
            }
            if let Some(p) = positive("output_cost_per_video_per_second")
                .or_else(|| positive("output_cost_per_second"))
            {
                return Ok((
                    vec![sec],
                    json!({"lines": [{"label": "video seconds", "quantity": {"option": "sec"}, "price": exact(p)}]}),
                    format!("${} per second of video", exact(p)),
                ));
            }
            Err("no per-second video price".into())
        }
        "audio_speech" => {
            let p = positive("input_cost_per_character").ok_or("no per-character price")?;
            let per_thousand = p
                .checked_mul(Decimal::from(1000u32))
                .ok_or("price too large")?;
            Ok((
                vec![range("chars", "1", "1000000", "1000", "characters")],
                json!({"lines": [{"label": "characters", "quantity": {"option": "chars"}, "price": exact(per_thousand), "per": "1000"}]}),
                format!("${} per input character", exact(p)),
            ))
        }
        "audio_transcription" => {
            let p = positive("input_cost_per_second").ok_or("no per-second audio price")?;
            Ok((
                vec![range("sec", "1", "86400", "60", "s")],
                json!({"lines": [{"label": "audio seconds", "quantity": {"option": "sec"}, "price": exact(p)}]}),
                format!("${} per second of input audio", exact(p)),
            ))
        }
        other => Err(format!("mode {other} is not image, video or audio")),
    }
}

/// Imports LiteLLM's cost map. `today` (`YYYY-MM-DD`) is the models' `verified` date, and a
/// `deprecation_date` on or before it marks a model retired.
///
/// # Errors
/// A message when the text is not a JSON object.
pub fn import(text: &str, today: &str) -> Result<Imported, String> {
    let map: Map<String, Value> = match serde_json::from_str(text) {
        Ok(Value::Object(m)) => m,
        Ok(_) => return Err("LiteLLM's cost map is a JSON object of models".into()),
        Err(e) => return Err(format!("not valid JSON: {e}")),
    };
    let mut models = Vec::new();
    let mut skipped = Vec::new();
    for (key, entry) in &map {
        let Some(e) = entry.as_object() else {
            continue; // the map's own "sample_spec" and the like
        };
        let mode = e.get("mode").and_then(Value::as_str).unwrap_or("");
        if !MODES.contains(&mode) {
            continue;
        }
        if !is_endpoint_id(key) {
            skipped.push((
                key.clone(),
                "its key is not an endpoint id gencost accepts".into(),
            ));
            continue;
        }
        let (options, billing, how) = match rule(key, mode, e) {
            Ok(r) => r,
            Err(why) => {
                skipped.push((key.clone(), why));
                continue;
            }
        };
        let source = e
            .get("source")
            .and_then(Value::as_str)
            .filter(|s| s.starts_with("https://") || s.starts_with("http://"))
            .unwrap_or(LITELLM_MAP);
        let kind = match mode {
            "image_generation" => "image",
            "video_generation" => "video",
            _ => "audio",
        };
        let mut m = json!({
            "id": key,
            "name": key,
            "provider": e.get("litellm_provider").and_then(Value::as_str).filter(|p| !p.trim().is_empty()).unwrap_or("litellm"),
            "kind": kind,
            "options": options,
            "billing": billing,
            "source": source,
            "verified": today,
            "note": format!("Imported from LiteLLM's cost map ({mode}): LiteLLM bills {how}."),
        });
        if let Some(date) = e.get("deprecation_date").and_then(Value::as_str) {
            if crate::engine::catalog::is_calendar_date(date) && date <= today {
                m["retired"] = Value::String(date.to_string());
            }
        }
        models.push(m);
    }
    let catalog = json!({
        "format": "gencost-catalog", "version": 1, "currency": "USD",
        "note": format!("Imported from LiteLLM's cost map on {today}."),
        "models": models,
    })
    .to_string();
    // What the importer writes, the loader must read: a bug here is said, not printed.
    Catalog::from_json(&catalog).map_err(|e| format!("the imported catalog does not load: {e}"))?;
    Ok(Imported { catalog, skipped })
}
