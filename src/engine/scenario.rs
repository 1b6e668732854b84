//! A scenario: one user action as one or more steps, and how many actions a month.

use rust_decimal::Decimal;
use std::collections::BTreeMap;

use super::Error;

pub use super::vocabulary::{step_prefix, MAX_ACTIONS, MAX_ATTEMPTS, MAX_N, MAX_STEPS};

/// One user action ("make my avatar"): steps whose costs add up, and optionally how many
/// actions happen a month.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Scenario {
    /// The steps, in order; at least one.
    pub steps: Vec<Step>,
    /// User actions per month, when the monthly spend is wanted.
    pub actions_per_month: Option<Decimal>,
}

/// One step: a model, its options, how many outputs are needed and how often the quality gate
/// rejects one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The catalog id of the model.
    pub model: String,
    /// Option values as the user wrote them, by option name (`sec` -> `8`). Options not given
    /// take the model's defaults.
    pub options: BTreeMap<String, String>,
    /// Accepted outputs needed per action (`n`), at least 1.
    pub n: u32,
    /// Share of outputs the quality gate rejects, in percent: 0 <= retry < 100.
    pub retry_percent: Decimal,
    /// At most this many attempts per output (`max`); `None` = no cap.
    pub max_attempts: Option<u32>,
    /// A model that serves a share of the generations (failover).
    pub fallback: Option<Fallback>,
}

/// A fallback model and the share of generations it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fallback {
    /// Its catalog id.
    pub model: String,
    /// Percent of generations served by it, 0 to 100.
    pub percent: Decimal,
}

impl Step {
    /// A step of one accepted output of `model`, no rejections, default options.
    pub fn new(model: impl Into<String>) -> Step {
        Step {
            model: model.into(),
            options: BTreeMap::new(),
            n: 1,
            retry_percent: Decimal::ZERO,
            max_attempts: None,
            fallback: None,
        }
    }

    /// Sets an option (builder style).
    pub fn with(mut self, option: &str, value: &str) -> Step {
        self.options.insert(option.to_string(), value.to_string());
        self
    }
}

fn invalid(key: &str, value: impl ToString, allowed: &str) -> Error {
    Error::InvalidValue {
        key: key.to_string(),
        value: value.to_string(),
        model: None,
        allowed: allowed.to_string(),
    }
}

pub(crate) fn check_n(n: u32, key: &str) -> Result<(), Error> {
    if (1..=MAX_N).contains(&n) {
        Ok(())
    } else {
        Err(invalid(
            key,
            n,
            &format!("a whole number from 1 to {MAX_N}"),
        ))
    }
}

pub(crate) fn check_max(k: u32, key: &str) -> Result<(), Error> {
    if (1..=MAX_ATTEMPTS).contains(&k) {
        Ok(())
    } else {
        Err(invalid(
            key,
            k,
            &format!("a whole number of attempts from 1 to {MAX_ATTEMPTS}"),
        ))
    }
}

pub(crate) fn check_retry(r: Decimal, key: &str) -> Result<(), Error> {
    if r == Decimal::ONE_HUNDRED {
        return Err(Error::NoOutputAccepted(key.to_string()));
    }
    if r < Decimal::ZERO || r > Decimal::ONE_HUNDRED {
        return Err(invalid(key, r, "a percentage from 0 to below 100"));
    }
    Ok(())
}

pub(crate) fn check_failover(f: Decimal, key: &str) -> Result<(), Error> {
    if f < Decimal::ZERO || f > Decimal::ONE_HUNDRED {
        return Err(invalid(key, f, "a percentage from 0 to 100"));
    }
    Ok(())
}

pub(crate) fn check_actions(a: Decimal, key: &str) -> Result<(), Error> {
    if a < Decimal::ZERO || a > Decimal::from(MAX_ACTIONS) {
        return Err(invalid(
            key,
            a,
            &format!("a number of actions from 0 to {MAX_ACTIONS}"),
        ));
    }
    Ok(())
}

impl Scenario {
    /// A scenario of one step.
    pub fn single(step: Step) -> Scenario {
        Scenario {
            steps: vec![step],
            actions_per_month: None,
        }
    }
}
