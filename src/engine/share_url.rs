//! The share-URL codec: scenario <-> query string.
//!
//! The key names are a public interface (people's shared links depend on them):
//! `model w h sec n retry max fallback failover actions`, model options under their catalog
//! names (`audio resolution quality frames chars gpu_s in_w in_h ...`), and steps 2, 3... with
//! the same keys prefixed `s2.`, `s3.`. Nothing is silently dropped: an unknown key or a bad
//! value is an error naming the key. Options are checked against the model by the quote
//! ([`crate::engine::quote`]), which knows the catalog.

use std::collections::BTreeMap;

use super::draft::{read_actions, read_step, Draft};
use super::scenario::Scenario;
use super::vocabulary::{
    keys_rule, prefix_rule, split_step_key, step_prefix, Key, FIRST_OPTIONS, MAX_STEPS,
};
use super::Error;

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
pub(crate) fn query_part(text: &str) -> &str {
    let t = text.trim();
    let q = match t.find('?') {
        Some(i) => t.get(i.saturating_add(1)..).unwrap_or_default(),
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
pub(crate) fn pairs(text: &str) -> Result<Vec<(String, String)>, Error> {
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
pub(crate) enum Decoded {
    /// Key and value.
    Both,
    /// The key; the value is kept as written.
    KeyOnly,
    /// Neither; both are kept as written.
    Neither,
}

/// Every `(key, value)` pair of a query, decoded where the escapes allow and kept as written
/// where they do not, so nothing the user wrote is lost.
pub(crate) fn pairs_as_written(text: &str) -> Vec<(String, String, Decoded)> {
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

/// Reads a share URL or query string into a [`Draft`]: every field as written, and a problem
/// for each pair that cannot be a field (a key given twice, a step prefix that cannot be, a broken
/// escape, a key that is not a name). Keys in `ignore` (the page's own, such as `catalog` or
/// `embed`) are skipped.
///
/// # Examples
/// ```
/// use gencost::engine::share_url::read_query;
/// let d = read_query("model=fal-ai/veo3&sec=8&retry=20&retry=50&s2.model=fal-ai/flux/dev", &[]);
/// assert_eq!(d.steps[0]["retry"], "20");
/// assert_eq!(d.problems[0].to_string(), "`retry` is given twice");
/// assert_eq!(d.steps[1]["model"], "fal-ai/flux/dev");
/// ```
pub fn read_query(text: &str, ignore: &[&str]) -> Draft {
    read_pairs(pairs_as_written(text), ignore)
}

/// [`read_query`] of pairs already split (a plan's, its prefix taken off).
pub(crate) fn read_pairs(
    pairs: impl IntoIterator<Item = (String, String, Decoded)>,
    ignore: &[&str],
) -> Draft {
    let mut d = Draft::default();
    for (key, value, decoded) in pairs {
        match decoded {
            Decoded::Both => {}
            Decoded::KeyOnly => {
                d.problems.push(bad_encoding(&key, &value));
                // Kept as written, so a form shows it.
                if let Some((i, name)) = split_step_key(&key) {
                    step_fields(&mut d, i).insert(name.to_string(), value);
                }
                continue;
            }
            Decoded::Neither => {
                d.problems.push(bad_encoding(&key, &key));
                continue;
            }
        }
        if ignore.contains(&key.as_str()) {
            continue;
        }
        if key == Key::Actions.name() {
            if d.actions.is_some() {
                d.problems.push(Error::Duplicate(key));
            } else {
                d.actions = Some(value);
            }
            continue;
        }
        let Some((index, name)) = split_step_key(&key) else {
            d.problems.push(Error::UnknownKey {
                key: key.clone(),
                model: None,
                allowed: prefix_rule(),
            });
            continue;
        };
        if !is_key_name(name) || name == Key::Actions.name() {
            d.problems.push(Error::UnknownKey {
                key: key.clone(),
                model: None,
                allowed: keys_rule(),
            });
            continue;
        }
        let fields = step_fields(&mut d, index);
        if fields.contains_key(name) {
            d.problems.push(Error::Duplicate(key));
            continue;
        }
        fields.insert(name.to_string(), value);
    }
    if d.steps.is_empty() {
        d.steps.push(BTreeMap::new());
    }
    d
}

/// The fields of step `index`, with the steps before it (empty until named).
fn step_fields(d: &mut Draft, index: usize) -> &mut BTreeMap<String, String> {
    let index = index.min(MAX_STEPS.saturating_sub(1));
    if d.steps.len() <= index {
        d.steps.resize_with(index.saturating_add(1), BTreeMap::new);
    }
    &mut d.steps[index]
}

/// Parses a query, collecting every problem found without a catalog (the catalog's are
/// [`crate::engine::assess`]'s). The scenario holds what could be read, defaults where a field
/// is wrong; `raw` every field as written by its prefixed key.
pub fn parse_query_lenient(text: &str, ignore: &[&str]) -> ParsedQuery {
    let draft = read_query(text, ignore);
    let mut out = ParsedQuery {
        errors: draft.problems.clone(),
        ..ParsedQuery::default()
    };
    for (i, fields) in draft.steps.iter().enumerate() {
        let input = read_step(fields, i, &mut out.errors);
        out.scenario.steps.push(input.to_step_or_defaults());
        let p = step_prefix(i);
        for (k, v) in fields {
            out.raw.insert(format!("{p}{k}"), v.clone());
        }
    }
    if let Some(a) = &draft.actions {
        out.raw.insert(Key::Actions.name().to_string(), a.clone());
    }
    match read_actions(draft.actions.as_deref()) {
        Ok(a) => out.scenario.actions_per_month = a,
        Err(e) => out.errors.push(e),
    }
    out
}

fn is_key_name(name: &str) -> bool {
    name.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// The problem a pair refused by a form stands for: a key with a step prefix that cannot be, or
/// (any other key) a key given twice.
pub(crate) fn refused_pair(key: &str) -> Error {
    match split_step_key(key) {
        None => Error::UnknownKey {
            key: key.to_string(),
            model: None,
            allowed: prefix_rule(),
        },
        Some(_) => Error::Duplicate(key.to_string()),
    }
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
        put(Key::Model.name(), &step.model);
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
pub(crate) fn encode(text: &str) -> String {
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
pub(crate) fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i.saturating_add(1)..i.saturating_add(3))?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                let s = std::str::from_utf8(hex).ok()?;
                out.push(u8::from_str_radix(s, 16).ok()?);
                i = i.saturating_add(2);
            }
            b => out.push(b),
        }
        i = i.saturating_add(1);
    }
    String::from_utf8(out).ok()
}
