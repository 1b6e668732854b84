//! A scenario: one user action as one or more steps, and how many actions a month.

use rust_decimal::Decimal;
use std::collections::BTreeMap;

use super::money::parse_decimal;
use super::Error;

/// Most steps a scenario may have.
pub const MAX_STEPS: usize = 20;
/// Most accepted outputs one step may need per action.
pub const MAX_N: u32 = 100_000;
/// Most attempts per output a cap may allow.
pub const MAX_ATTEMPTS: u32 = 1_000;
/// Most user actions a month.
pub const MAX_ACTIONS: u32 = 1_000_000_000;

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

    /// Checks the numbers of the step (not its model or options, which need the catalog).
    /// `prefix` is the share-URL prefix of the step (`""` or `s2.`), so errors name the key.
    ///
    /// # Errors
    /// [`Error::InvalidValue`], [`Error::NoOutputAccepted`] or [`Error::Missing`].
    pub fn check_numbers(&self, prefix: &str) -> Result<(), Error> {
        if self.model.trim().is_empty() {
            return Err(Error::Missing(format!("{prefix}model")));
        }
        check_n(self.n, &format!("{prefix}n"))?;
        check_retry(self.retry_percent, &format!("{prefix}retry"))?;
        if let Some(k) = self.max_attempts {
            check_max(k, &format!("{prefix}max"))?;
        }
        if let Some(f) = &self.fallback {
            if f.model.trim().is_empty() {
                return Err(Error::Missing(format!("{prefix}fallback")));
            }
            check_failover(f.percent, &format!("{prefix}failover"))?;
        }
        Ok(())
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

/// Parses a whole number as typed (`4`, ` 4 `); `None` for anything else.
pub(crate) fn parse_whole(text: &str) -> Option<u32> {
    let t = text.trim();
    if t.is_empty() || !t.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// Parses a percentage or count as typed; `None` when it is not a plain decimal.
pub(crate) fn parse_number(text: &str) -> Option<Decimal> {
    parse_decimal(text)
}

impl Scenario {
    /// A scenario of one step.
    pub fn single(step: Step) -> Scenario {
        Scenario {
            steps: vec![step],
            actions_per_month: None,
        }
    }

    /// Checks the numbers of every step and the monthly actions.
    ///
    /// # Errors
    /// The first problem, naming its share-URL key.
    pub fn check_numbers(&self) -> Result<(), Error> {
        if self.steps.is_empty() {
            return Err(Error::Missing("model".to_string()));
        }
        if self.steps.len() > MAX_STEPS {
            return Err(invalid(
                "steps",
                self.steps.len(),
                &format!("at most {MAX_STEPS} steps"),
            ));
        }
        for (i, s) in self.steps.iter().enumerate() {
            s.check_numbers(&step_prefix(i))?;
        }
        if let Some(a) = self.actions_per_month {
            check_actions(a, "actions")?;
        }
        Ok(())
    }
}

/// The share-URL prefix of the step at `index` (0-based): `""`, `s2.`, `s3.`...
pub fn step_prefix(index: usize) -> String {
    if index == 0 {
        String::new()
    } else {
        format!("s{}.", index + 1)
    }
}
