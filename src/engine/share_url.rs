//! The share-URL codec: scenario <-> query string.
//!
//! The key names are a public interface (people's shared links depend on them):
//! `model w h sec n retry max fallback failover actions`, model options under their catalog
//! names (`audio resolution quality frames chars gpu_s in_w in_h ...`), and steps 2, 3... with
//! the same keys prefixed `s2.`, `s3.`. Nothing is silently dropped: an unknown key or a bad
//! value is an error naming the key. Options are checked against the model by the quote
//! ([`crate::engine::quote`]), which knows the catalog.

use rust_decimal::Decimal;
use std::collections::BTreeMap;

use super::scenario::{
    check_actions, check_failover, check_max, check_n, check_retry, parse_number, parse_whole,
    step_prefix, Fallback, Scenario, Step, MAX_STEPS,
};
use super::Error;

/// The keys of a step that are not model options.
pub const STEP_KEYS: [&str; 6] = ["model", "n", "retry", "max", "fallback", "failover"];
/// The keys of the whole scenario.
pub const SCENARIO_KEYS: [&str; 1] = ["actions"];
/// Option keys written first, in this order, so links read naturally (`model=..&w=..&h=..`).
pub const FIRST_OPTIONS: [&str; 3] = ["w", "h", "sec"];

/// What a query string says, with every problem found; the scenario holds everything that
/// could be read, so a form can show the rest and keep what the user typed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedQuery {
    /// The scenario, as far as it could be read.
    pub scenario: Scenario,
    /// Every problem, each naming its key.
    pub errors: Vec<Error>,
    /// The raw values by key, as written (decoded), so a form can show an invalid value.
    pub raw: BTreeMap<String, String>,
}

/// Parses a share URL or query string into a scenario.
///
/// # Errors
/// The first problem found; see [`parse_query_lenient`] for all of them.
///
/// # Examples
/// ```
/// use gencost::engine::parse_query;
/// let s = parse_query("https://gencost.example/?model=fal-ai/veo3&sec=8&audio=on&retry=20")?;
/// assert_eq!(s.steps[0].options["sec"], "8");
/// # Ok::<(), gencost::engine::Error>(())
/// ```
pub fn parse_query(text: &str) -> Result<Scenario, Error> {
    let parsed = parse_query_lenient(text, &[]);
    match parsed.errors.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(parsed.scenario),
    }
}

/// The query part of a URL or query string: after the first `?`, before any `#`.
pub fn query_part(text: &str) -> &str {
    let t = text.trim();
    let q = match t.find('?') {
        Some(i) => &t[i + 1..],
        // A URL without a query (`https://host/`) has no pairs; a bare query may hold `://` in a value.
        None if t.starts_with("https://") || t.starts_with("http://") => "",
        None => t,
    };
    match q.find('#') {
        Some(i) => &q[..i],
        None => q,
    }
}

/// The decoded `(key, value)` pairs of a query, in order.
///
/// # Errors
/// [`Error::InvalidValue`] for a bad percent-encoding.
pub fn pairs(text: &str) -> Result<Vec<(String, String)>, Error> {
    query_part(text)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let key = decode(k).ok_or_else(|| bad_encoding(k, k))?;
            let value = decode(v).ok_or_else(|| bad_encoding(&key, v))?;
            Ok((key, value))
        })
        .collect()
}

fn bad_encoding(key: &str, raw: &str) -> Error {
    Error::InvalidValue {
        key: key.to_string(),
        value: raw.to_string(),
        model: None,
        allowed: "valid percent-encoded UTF-8".to_string(),
    }
}

/// Which parts of a pair [`pairs_as_written`] could decode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decoded {
    /// Key and value.
    Both,
    /// The key; the value is kept as written.
    KeyOnly,
    /// Neither; both are kept as written.
    Neither,
}

/// Every `(key, value)` pair of a query, decoded where the escapes allow and kept as written
/// where they do not, so nothing the user wrote is lost.
pub fn pairs_as_written(text: &str) -> Vec<(String, String, Decoded)> {
    query_part(text)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            match (decode(k), decode(v)) {
                (Some(key), Some(value)) => (key, value, Decoded::Both),
                (Some(key), None) => (key, v.to_string(), Decoded::KeyOnly),
                (None, _) => (k.to_string(), v.to_string(), Decoded::Neither),
            }
        })
        .collect()
}

/// Parses a query, collecting every problem. Keys in `ignore` (the page's own, such as
/// `catalog` or `embed`) are skipped.
pub fn parse_query_lenient(text: &str, ignore: &[&str]) -> ParsedQuery {
    let mut out = ParsedQuery::default();
    // Decode pair by pair: a broken escape is reported for its own key and the rest still read.
    let mut list = Vec::new();
    for (k, v, decoded) in pairs_as_written(text) {
        match decoded {
            Decoded::Both => list.push((k, v)),
            Decoded::KeyOnly => {
                out.errors.push(bad_encoding(&k, &v));
                out.raw.insert(k, v);
            }
            Decoded::Neither => out.errors.push(bad_encoding(&k, &k)),
        }
    }
    // step index (0-based) -> its pairs
    let mut steps: Vec<Vec<(String, String, String)>> = Vec::new();
    for (key, value) in list {
        if ignore.contains(&key.as_str()) {
            continue;
        }
        if out.raw.contains_key(&key) {
            out.errors.push(Error::Duplicate(key));
            continue;
        }
        out.raw.insert(key.clone(), value.clone());
        if key == "actions" {
            match parse_number(&value) {
                Some(a) => match check_actions(a, "actions") {
                    Ok(()) => out.scenario.actions_per_month = Some(a),
                    Err(e) => out.errors.push(Error::InvalidValue {
                        key: "actions".into(),
                        value,
                        model: None,
                        allowed: allowed_of(&e),
                    }),
                },
                None => out.errors.push(invalid(
                    "actions",
                    &value,
                    "a number of actions per month, such as 10000",
                )),
            }
            continue;
        }
        let (index, name) = match split_step(&key) {
            Ok(x) => x,
            Err(e) => {
                out.errors.push(e);
                continue;
            }
        };
        if index >= MAX_STEPS {
            out.errors.push(invalid(
                &key,
                &value,
                &format!("steps s2. to s{MAX_STEPS}."),
            ));
            continue;
        }
        if !is_key_name(&name) || SCENARIO_KEYS.contains(&name.as_str()) {
            out.errors.push(Error::UnknownKey {
                key: key.clone(),
                model: None,
                allowed:
                    "model, w, h, sec, n, retry, max, fallback, failover, actions, s2. to s20. \
                          prefixes, or an option of the model"
                        .to_string(),
            });
            continue;
        }
        if steps.len() <= index {
            steps.resize_with(index + 1, Vec::new);
        }
        steps[index].push((key, name, value));
    }
    // Steps must be numbered without gaps.
    if steps.is_empty() {
        steps.push(Vec::new());
    }
    for (i, pairs) in steps.into_iter().enumerate() {
        let prefix = step_prefix(i);
        let mut step = Step::new("");
        let mut fallback_model: Option<String> = None;
        let mut failover: Option<Decimal> = None;
        let mut failover_given = false;
        for (key, name, value) in pairs {
            match name.as_str() {
                "model" => step.model = value.trim().to_string(),
                "n" => match parse_whole(&value) {
                    Some(n) if check_n(n, &key).is_ok() => step.n = n,
                    _ => out.errors.push(invalid(
                        &key,
                        &value,
                        &format!("a whole number from 1 to {}", super::scenario::MAX_N),
                    )),
                },
                "retry" => match parse_number(&value) {
                    Some(r) => match check_retry(r, &key) {
                        Ok(()) => step.retry_percent = r,
                        Err(Error::NoOutputAccepted(k)) => {
                            out.errors.push(Error::NoOutputAccepted(k))
                        }
                        Err(_) => out.errors.push(invalid(
                            &key,
                            &value,
                            "a percentage from 0 to below 100",
                        )),
                    },
                    None => out.errors.push(invalid(
                        &key,
                        &value,
                        "a percentage from 0 to below 100, such as 20 or 12.5",
                    )),
                },
                "max" => match parse_whole(&value) {
                    Some(k) if check_max(k, &key).is_ok() => step.max_attempts = Some(k),
                    _ => out.errors.push(invalid(
                        &key,
                        &value,
                        &format!(
                            "a whole number of attempts from 1 to {}",
                            super::scenario::MAX_ATTEMPTS
                        ),
                    )),
                },
                "fallback" => {
                    if value.trim().is_empty() {
                        out.errors.push(invalid(&key, &value, "a model id"));
                    } else {
                        fallback_model = Some(value.trim().to_string());
                    }
                }
                "failover" => {
                    failover_given = true;
                    match parse_number(&value) {
                        Some(f) if check_failover(f, &key).is_ok() => failover = Some(f),
                        _ => out
                            .errors
                            .push(invalid(&key, &value, "a percentage from 0 to 100")),
                    }
                }
                _ => {
                    if value.trim().is_empty() {
                        out.errors.push(invalid(&key, &value, "a value"));
                    }
                    // Kept even when empty, so nothing the user wrote is lost; the quote checks it.
                    step.options.insert(name, value);
                }
            }
        }
        match (fallback_model, failover) {
            (Some(model), Some(percent)) => step.fallback = Some(Fallback { model, percent }),
            (Some(_), None) if !failover_given => {
                out.errors.push(Error::Missing(format!("{prefix}failover")))
            }
            (None, Some(_)) => out.errors.push(Error::Missing(format!("{prefix}fallback"))),
            _ => {}
        }
        if step.model.is_empty()
            && !out
                .errors
                .iter()
                .any(|e| matches!(e, Error::Missing(k) if *k == format!("{prefix}model")))
        {
            out.errors.push(Error::Missing(format!("{prefix}model")));
        }
        out.scenario.steps.push(step);
    }
    out
}

fn allowed_of(e: &Error) -> String {
    match e {
        Error::InvalidValue { allowed, .. } => allowed.clone(),
        other => other.to_string(),
    }
}

fn invalid(key: &str, value: &str, allowed: &str) -> Error {
    Error::InvalidValue {
        key: key.to_string(),
        value: value.to_string(),
        model: None,
        allowed: allowed.to_string(),
    }
}

fn is_key_name(name: &str) -> bool {
    !name.is_empty()
        && name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The step a share-URL key belongs to and its name without prefix: `s3.sec` -> (2, `sec`),
/// `sec` -> (0, `sec`); `None` for a step prefix out of range (`s1.`, `s0.`, `s99.`, `s02.`).
pub fn split_step_key(key: &str) -> Option<(usize, &str)> {
    if let Some((num, name)) = key.strip_prefix('s').and_then(|rest| rest.split_once('.')) {
        if !num.is_empty() && num.chars().all(|c| c.is_ascii_digit()) {
            return match num.parse::<usize>() {
                Ok(n) if (2..=MAX_STEPS).contains(&n) && !num.starts_with('0') => {
                    Some((n - 1, name))
                }
                _ => None,
            };
        }
    }
    Some((0, key))
}

fn split_step(key: &str) -> Result<(usize, String), Error> {
    split_step_key(key)
        .map(|(i, name)| (i, name.to_string()))
        .ok_or_else(|| Error::UnknownKey {
            key: key.to_string(),
            model: None,
            allowed: format!("step prefixes s2. to s{MAX_STEPS}. (step 1 has no prefix)"),
        })
}

/// Writes a scenario as a query string (without `?`): the inverse of [`parse_query`].
/// Defaults (`n=1`, `retry=0`) are left out; options keep what the user wrote.
///
/// # Examples
/// ```
/// use gencost::engine::{to_query, Scenario, Step};
/// let s = Scenario::single(Step::new("fal-ai/flux/dev").with("w", "1024").with("h", "768"));
/// assert_eq!(to_query(&s), "model=fal-ai/flux/dev&w=1024&h=768");
/// ```
pub fn to_query(s: &Scenario) -> String {
    let mut parts: Vec<String> = Vec::new();
    for (i, step) in s.steps.iter().enumerate() {
        let p = step_prefix(i);
        let mut put = |k: &str, v: &str| parts.push(format!("{p}{}={}", encode(k), encode(v)));
        put("model", &step.model);
        for k in FIRST_OPTIONS {
            if let Some(v) = step.options.get(k) {
                put(k, v);
            }
        }
        for (k, v) in &step.options {
            if !FIRST_OPTIONS.contains(&k.as_str()) {
                put(k, v);
            }
        }
        if step.n != 1 {
            put("n", &step.n.to_string());
        }
        if !step.retry_percent.is_zero() {
            put("retry", &step.retry_percent.normalize().to_string());
        }
        if let Some(k) = step.max_attempts {
            put("max", &k.to_string());
        }
        if let Some(f) = &step.fallback {
            put("fallback", &f.model);
            put("failover", &f.percent.normalize().to_string());
        }
    }
    if let Some(a) = s.actions_per_month {
        parts.push(format!("actions={}", a.normalize()));
    }
    parts.join("&")
}

/// Percent-encodes a key or value; `/` and `:` stay readable (allowed in a query).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' | b':' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Decodes `%XX` and `+` (a space, as forms write it); `None` for a broken escape or bad UTF-8.
pub fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                let s = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(s, 16).ok()?);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).ok()
}
