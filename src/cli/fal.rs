//! `gencost catalog fal [--key KEY] [--api URL] [ENDPOINT_ID ...]`: reads fal's pricing API
//! (`GET {api}/v1/models/pricing?endpoint_id=...`, at most 50 ids a request, following
//! `next_cursor` while `has_more`) and writes a gencost catalog. A model the default catalog
//! knows keeps its rule with the new unit price; a unit that no longer matches its rule is
//! reported, not guessed. Other ids get the unit-mapped rule, or "price unknown" with the reason.

use std::time::Duration;

use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::engine::catalog::DEFAULT_CATALOG_JSON;
use crate::engine::money::exact;
use crate::engine::Catalog;

/// fal's API, unless `--api` says otherwise.
pub const DEFAULT_API: &str = "https://api.fal.ai";
/// Ids per request (fal's limit).
const BATCH: usize = 50;
/// Tries per request when fal answers 429 or 5xx.
const TRIES: u32 = 3;

/// Why the prices could not be read.
#[derive(Debug)]
pub enum FalError {
    /// 401 or 403.
    Refused,
    /// A status, timeout or connection problem after the tries allowed.
    Failed(String),
}

/// One row of fal's answer.
struct Row {
    id: String,
    price: Option<Decimal>,
    unit: String,
    currency: String,
}

fn decimal(v: &Value) -> Option<Decimal> {
    let text = match v {
        Value::Number(n) => n.to_string(),
        Value::String(s) => s.clone(),
        _ => return None,
    };
    if text.contains(['e', 'E']) {
        Decimal::from_scientific(&text).ok()
    } else {
        Decimal::from_str_exact(&text).ok()
    }
}

/// Percent-encodes a query value (ids hold `/`, which a query may carry as it is).
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// GET with the key, retrying 429 and 5xx (honouring Retry-After, at most [`TRIES`] tries),
/// 30 s timeout per try.
fn get(
    agent: &ureq::Agent,
    url: &str,
    key: &str,
    pause: &dyn Fn(Duration),
) -> Result<Value, FalError> {
    let mut last = String::new();
    for attempt in 1..=TRIES {
        let resp = agent
            .get(url)
            .header("Authorization", &format!("Key {key}"))
            .header("Accept", "application/json")
            .call();
        let mut resp = match resp {
            Ok(r) => r,
            Err(e) => {
                last = format!("fal did not answer: {e}");
                pause(Duration::from_secs(u64::from(attempt)));
                continue;
            }
        };
        let status = resp.status().as_u16();
        match status {
            200..=299 => {
                let text = resp.body_mut().read_to_string().map_err(|e| {
                    FalError::Failed(format!("fal's answer could not be read: {e}"))
                })?;
                return serde_json::from_str(&text)
                    .map_err(|e| FalError::Failed(format!("fal's answer is not JSON: {e}")));
            }
            401 | 403 => return Err(FalError::Refused),
            429 | 500..=599 => {
                let wait = resp
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .unwrap_or(u64::from(attempt));
                last = format!("fal answered HTTP {status}");
                if attempt < TRIES {
                    pause(Duration::from_secs(wait.min(60)));
                }
            }
            other => return Err(FalError::Failed(format!("fal answered HTTP {other}"))),
        }
    }
    Err(FalError::Failed(format!("{last} after {TRIES} tries")))
}

/// Every price row for `ids`, batch by batch, page by page.
fn fetch(
    api: &str,
    key: &str,
    ids: &[String],
    pause: &dyn Fn(Duration),
) -> Result<Vec<Row>, FalError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .into();
    let mut rows = Vec::new();
    for batch in ids.chunks(BATCH) {
        let query: Vec<String> = batch
            .iter()
            .map(|id| format!("endpoint_id={}", enc(id)))
            .collect();
        let base = format!(
            "{}/v1/models/pricing?{}",
            api.trim_end_matches('/'),
            query.join("&")
        );
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                Some(c) => format!("{base}&cursor={}", enc(c)),
                None => base.clone(),
            };
            let page = get(&agent, &url, key, pause)?;
            for p in page
                .get("prices")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let text = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                rows.push(Row {
                    id: text("endpoint_id"),
                    price: p.get("unit_price").and_then(decimal),
                    unit: text("unit"),
                    currency: text("currency"),
                });
            }
            let more = page
                .get("has_more")
                .and_then(Value::as_bool)
                .unwrap_or(false);
            cursor = page
                .get("next_cursor")
                .and_then(Value::as_str)
                .map(str::to_string);
            if !more || cursor.is_none() {
                break;
            }
        }
    }
    Ok(rows)
}

/// The kind of quantity a rule's one line counts, when the rule has exactly one priced line.
fn line_kind(line: &Value) -> Option<&'static str> {
    let q = line.get("quantity")?;
    if q.as_str() == Some("output") {
        return Some("output");
    }
    if q.get("megapixels").is_some() {
        return Some("megapixels");
    }
    match q.get("option").and_then(Value::as_str)? {
        "sec" => Some("seconds"),
        "chars" => Some("characters"),
        "gpu_s" => Some("gpu_s"),
        _ => None,
    }
}

/// The catalog fal's prices give: known models with their rule and the new price, others as the
/// fal importer maps them. Returns the catalog's JSON text and the notes for stderr.
fn build(rows: &[Row]) -> Result<(String, Vec<String>), String> {
    let default: Value = serde_json::from_str(DEFAULT_CATALOG_JSON).map_err(|e| e.to_string())?;
    let known: Vec<&Value> = default["models"].as_array().into_iter().flatten().collect();
    let mut models: Vec<Value> = Vec::new();
    let mut unknown_rows: Vec<Value> = Vec::new();
    let mut notes = Vec::new();
    for r in rows {
        let Some(base) = known.iter().find(|m| m["id"] == r.id.as_str()) else {
            unknown_rows.push(json!({
                "endpoint_id": r.id, "unit": r.unit, "currency": r.currency,
                "unit_price": r.price.map(exact).unwrap_or_default(),
            }));
            continue;
        };
        let mut m: Value = (*base).clone();
        let lines = m["billing"]["lines"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let fixed: Vec<usize> = lines
            .iter()
            .enumerate()
            .filter(|(_, l)| l["price"].is_string())
            .map(|(i, _)| i)
            .collect();
        let matches = match (
            crate::engine::catalog::unit_counts(&r.unit),
            fixed.as_slice(),
        ) {
            (Some(kind), [i]) if lines.len() == 1 => line_kind(&lines[*i]) == Some(kind),
            _ => false,
        };
        match (r.price, matches, r.currency.trim()) {
            (Some(p), true, "USD") if p > Decimal::ZERO => {
                let old = lines[0]["price"].as_str().unwrap_or("").to_string();
                if old != exact(p) {
                    notes.push(format!("{}: {old} -> {}", r.id, exact(p)));
                }
                m["billing"]["lines"][0]["price"] = Value::String(exact(p));
                m["source"] = Value::String(crate::engine::catalog::FAL_PRICING_API.to_string());
                m["verified"] = Value::String(super::today_utc());
            }
            _ => notes.push(format!(
                "{}: fal's unit {:?} at {} does not match its rule ({}): kept as it was",
                r.id,
                r.unit,
                r.price.map(exact).unwrap_or_else(|| "no price".into()),
                m["summary"].as_str().unwrap_or("see the catalog")
            )),
        }
        models.push(m);
    }
    // Models the catalog does not know: the fal importer's mapping (units, or price unknown).
    if !unknown_rows.is_empty() {
        let text = json!({"prices": unknown_rows}).to_string();
        let imported = Catalog::from_json(&text).map_err(|e| e.to_string())?;
        let today = super::today_utc();
        for m in imported.models() {
            models.push(super::catalog_json::model(m, &today));
        }
    }
    let catalog = json!({
        "format": "gencost-catalog", "version": 1, "currency": "USD",
        "note": "Prices read from fal's pricing API.",
        "models": models,
    })
    .to_string();
    Catalog::from_json(&catalog).map_err(|e| format!("the catalog written does not load: {e}"))?;
    Ok((catalog, notes))
}

/// Runs the command: the ids given, or every fal model of the default catalog.
///
/// # Errors
/// [`FalError`] when fal refuses the key or cannot be read.
pub fn run(
    api: &str,
    key: &str,
    ids: &[String],
    pause: &dyn Fn(Duration),
) -> Result<(String, Vec<String>), FalError> {
    let ids: Vec<String> = if ids.is_empty() {
        let c = Catalog::embedded().map_err(|e| FalError::Failed(e.to_string()))?;
        c.models()
            .iter()
            .filter(|m| m.provider == "fal")
            .map(|m| m.id.clone())
            .collect()
    } else {
        ids.to_vec()
    };
    let rows = fetch(api, key, &ids, pause)?;
    build(&rows).map_err(FalError::Failed)
}
