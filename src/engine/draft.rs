//! A scenario as a person or a link wrote it: every field as text, read field by field, so a
//! problem with one field is that field's alone.
//!
//! A link becomes a [`Draft`] through [`crate::engine::share_url::read_query`]; the page's form
//! hands its fields over as a `Draft` directly; a [`Scenario`](super::Scenario) built in code is
//! checked field by field the same way, with nothing written out and read again.
//! [`crate::engine::assess`] takes it from here.

use rust_decimal::Decimal;
use std::collections::BTreeMap;

use super::money::parse_decimal;
use super::scenario::{
    check_actions, check_failover, check_max, check_n, check_retry, step_prefix, Fallback, Step,
    MAX_ATTEMPTS, MAX_N,
};
use super::vocabulary::Key;
use super::Error;

/// A scenario as written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Draft {
    /// Each step's fields by share-URL key without its prefix (`model`, `sec`, `retry`), as
    /// written; a step no key named is an empty map (and misses its model).
    pub steps: Vec<BTreeMap<String, String>>,
    /// User actions per month as written, when given.
    pub actions: Option<String>,
    /// Problems found before any field was read: a key given twice, a step prefix that cannot
    /// be, a broken escape, a key that is not a name. Each names its key.
    pub problems: Vec<Error>,
}

/// One step's fields read into numbers: `None` where the field is wrong (its problem is
/// reported), so what does not depend on it can still be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct StepInput {
    /// The model's id; empty when missing.
    pub model: String,
    /// Options as written, by name.
    pub options: BTreeMap<String, String>,
    pub n: Option<u32>,
    /// Percent, 0 <= retry < 100.
    pub retry_percent: Option<Decimal>,
    /// `Some(None)`: no cap.
    pub max_attempts: Option<Option<u32>>,
    /// `Some(None)`: no fallback.
    pub fallback: Option<Option<Fallback>>,
}

impl StepInput {
    /// The input of a step built in code: its numbers checked like written ones.
    pub(crate) fn from_step(s: &Step, index: usize, problems: &mut Vec<Error>) -> StepInput {
        let prefix = step_prefix(index);
        let key = |k: Key| format!("{prefix}{}", k.name());
        let mut checked = |r: Result<(), Error>| r.map_err(|e| problems.push(e)).is_ok();
        let n = checked(check_n(s.n, &key(Key::N))).then_some(s.n);
        let retry =
            checked(check_retry(s.retry_percent, &key(Key::Retry))).then_some(s.retry_percent);
        let max = match s.max_attempts {
            Some(k) => checked(check_max(k, &key(Key::Max))).then_some(Some(k)),
            None => Some(None),
        };
        let fallback = match &s.fallback {
            Some(f) if f.model.trim().is_empty() => {
                problems.push(Error::Missing(key(Key::Fallback)));
                None
            }
            Some(f) => {
                checked(check_failover(f.percent, &key(Key::Failover))).then(|| Some(f.clone()))
            }
            None => Some(None),
        };
        if s.model.trim().is_empty() {
            problems.push(Error::Missing(key(Key::Model)));
        }
        StepInput {
            model: s.model.trim().to_string(),
            options: s.options.clone(),
            n,
            retry_percent: retry,
            max_attempts: max,
            fallback,
        }
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

/// Parses a whole number as typed (`4`, ` 4 `); `None` for anything else.
fn parse_whole(text: &str) -> Option<u32> {
    let t = text.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// Reads the fields of the step at `index`, pushing a problem per wrong field.
pub(crate) fn read_step(
    fields: &BTreeMap<String, String>,
    index: usize,
    problems: &mut Vec<Error>,
) -> StepInput {
    let prefix = step_prefix(index);
    let key = |k: Key| format!("{prefix}{}", k.name());
    let mut input = StepInput {
        model: String::new(),
        options: BTreeMap::new(),
        n: Some(1),
        retry_percent: Some(Decimal::ZERO),
        max_attempts: Some(None),
        fallback: Some(None),
    };
    let mut fallback_model: Option<String> = None;
    let mut failover: Option<Option<Decimal>> = None;
    for (name, value) in fields {
        // The prefixed key is written out only for a message.
        let full = || format!("{prefix}{name}");
        match Key::of_step(name) {
            Some(Key::Model) => input.model = value.trim().to_string(),
            Some(Key::N) => {
                input.n = parse_whole(value).filter(|n| check_n(*n, "").is_ok());
                if input.n.is_none() {
                    problems.push(invalid(
                        &full(),
                        value,
                        &format!("a whole number from 1 to {MAX_N}"),
                    ));
                }
            }
            Some(Key::Retry) => {
                input.retry_percent = None;
                match parse_decimal(value) {
                    Some(r) => match check_retry(r, "") {
                        Ok(()) => input.retry_percent = Some(r),
                        Err(Error::NoOutputAccepted(_)) => {
                            problems.push(Error::NoOutputAccepted(full()))
                        }
                        Err(_) => problems.push(invalid(
                            &full(),
                            value,
                            "a percentage from 0 to below 100",
                        )),
                    },
                    None => problems.push(invalid(
                        &full(),
                        value,
                        "a percentage from 0 to below 100, such as 20 or 12.5",
                    )),
                }
            }
            Some(Key::Max) => {
                let k = parse_whole(value).filter(|k| check_max(*k, "").is_ok());
                input.max_attempts = k.map(Some);
                if k.is_none() {
                    problems.push(invalid(
                        &full(),
                        value,
                        &format!("a whole number of attempts from 1 to {MAX_ATTEMPTS}"),
                    ));
                }
            }
            Some(Key::Fallback) => {
                if value.trim().is_empty() {
                    problems.push(invalid(&full(), value, "a model id"));
                    input.fallback = None;
                } else {
                    fallback_model = Some(value.trim().to_string());
                }
            }
            Some(Key::Failover) => {
                let f = parse_decimal(value).filter(|f| check_failover(*f, "").is_ok());
                if f.is_none() {
                    problems.push(invalid(&full(), value, "a percentage from 0 to 100"));
                }
                failover = Some(f);
            }
            _ => {
                if value.trim().is_empty() {
                    problems.push(invalid(&full(), value, "a value"));
                }
                // Kept even when empty, so nothing written is lost; the assessment checks it.
                input.options.insert(name.clone(), value.clone());
            }
        }
    }
    match (fallback_model, failover) {
        (Some(model), Some(Some(percent))) => {
            if input.fallback.is_some() {
                input.fallback = Some(Some(Fallback { model, percent }));
            }
        }
        (Some(_), Some(None)) => input.fallback = None,
        (Some(_), None) => {
            problems.push(Error::Missing(key(Key::Failover)));
            input.fallback = None;
        }
        (None, Some(_)) => {
            if input.fallback == Some(None) {
                problems.push(Error::Missing(key(Key::Fallback)));
            }
            input.fallback = None;
        }
        (None, None) => {}
    }
    if input.model.is_empty() {
        problems.push(Error::Missing(key(Key::Model)));
    }
    input
}

/// Reads `actions`: `Ok(None)` when not given.
pub(crate) fn read_actions(text: Option<&str>) -> Result<Option<Decimal>, Error> {
    let Some(value) = text else {
        return Ok(None);
    };
    let name = Key::Actions.name();
    match parse_decimal(value) {
        Some(a) => match check_actions(a, name) {
            Ok(()) => Ok(Some(a)),
            Err(Error::InvalidValue { allowed, .. }) => Err(invalid(name, value, &allowed)),
            Err(other) => Err(other),
        },
        None => Err(invalid(
            name,
            value,
            "a number of actions per month, such as 10000",
        )),
    }
}

impl StepInput {
    /// Treats the field `name` as wrong (its problem was found elsewhere: given twice).
    pub(crate) fn forget(&mut self, name: &str) {
        match Key::of_step(name) {
            Some(Key::Model) => self.model.clear(),
            Some(Key::N) => self.n = None,
            Some(Key::Retry) => self.retry_percent = None,
            Some(Key::Max) => self.max_attempts = None,
            Some(Key::Fallback | Key::Failover) => self.fallback = None,
            // An option with a problem is skipped by the option check, which blocks the price.
            _ => {}
        }
    }

    /// The step with the defaults where a field is wrong (what a lenient reader shows).
    pub(crate) fn to_step_or_defaults(&self) -> Step {
        Step {
            model: self.model.clone(),
            options: self.options.clone(),
            n: self.n.unwrap_or(1),
            retry_percent: self.retry_percent.unwrap_or(Decimal::ZERO),
            max_attempts: self.max_attempts.flatten(),
            fallback: self.fallback.clone().flatten(),
        }
    }
}
