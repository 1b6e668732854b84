//! The engine's one error type.
//!
//! Messages are short, lowercase and name the model, option, field or query key at fault, so a
//! face (CLI line, message next to a form field) can show them as they are.

use std::fmt;

use super::text::{quoted, shown};

/// Everything the engine can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The catalog text is not JSON, or not the shape of a catalog.
    #[error("catalog is not valid JSON: {}", shown(.0))]
    CatalogJson(String),
    /// One field of one model (or of the catalog itself) is wrong.
    #[error("{}: {}: {}", location(.model), shown(.field), message_of(.message))]
    CatalogField {
        /// The model's id, or `None` for a field of the catalog itself.
        model: Option<String>,
        /// The field at fault, as a path (`billing.lines[0].price`).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// Several problems found while loading a catalog; each is one `CatalogField`.
    #[error("{}", join_lines(.0))]
    Catalog(Vec<Error>),
    /// A scenario names a model the catalog does not have.
    #[error("unknown model `{}`", shown(.0))]
    UnknownModel(String),
    /// A query key (share URL) or a step option the model does not take.
    #[error("unknown key `{}`{}: allowed {allowed}", shown(.key), for_model(.model))]
    UnknownKey {
        /// The key as the user wrote it (`s2.foo`).
        key: String,
        /// The model the key was checked against, if any.
        model: Option<String>,
        /// The keys that would have been accepted.
        allowed: String,
    },
    /// A value the user gave is not allowed.
    #[error("`{}`: {} is not allowed{}: {}", shown(.key), quoted(.value), for_model(.model), message_of(.allowed))]
    InvalidValue {
        /// The key or field (`retry`, `s2.sec`).
        key: String,
        /// The value as the user wrote it.
        value: String,
        /// The model the value was checked against, if any.
        model: Option<String>,
        /// What would be allowed.
        allowed: String,
    },
    /// A required key is missing.
    #[error("`{}` is missing", shown(.0))]
    Missing(String),
    /// A key appears twice in a query string.
    #[error("`{}` is given twice", shown(.0))]
    Duplicate(String),
    /// The options a model was given have no price in its table.
    #[error("{}: no price for {}", shown(.model), shown(.combination))]
    NoPriceFor {
        /// The model's id.
        model: String,
        /// The option values that were looked up (`quality=low, w=1536, h=1536`).
        combination: String,
    },
    /// A rejection rate of 100 %: no output would ever be accepted.
    #[error("`{}`: a rejection rate of 100 % means no output is ever accepted", shown(.0))]
    NoOutputAccepted(String),
    /// A text (catalog, log) longer than gencost reads.
    #[error("{what} is over the {limit} bytes ({} MiB) gencost reads: at least {bytes} bytes", .limit.checked_div(1 << 20).unwrap_or(0))]
    TooLarge {
        /// What it is (`catalog`).
        what: String,
        /// Its size, or the size read so far.
        bytes: usize,
        /// The limit.
        limit: usize,
    },
    /// The catalog has no price for the model (never quoted as $0).
    #[error("{}: price unknown: {}", shown(.model), message_of(.reason))]
    PriceUnknown {
        /// The model's id.
        model: String,
        /// Why.
        reason: String,
    },
    /// A number grew past what exact decimal arithmetic can hold.
    #[error("{}: the number is too large to compute exactly", shown(.0))]
    Overflow(String),
}

fn location(model: &Option<String>) -> String {
    match model {
        Some(id) => format!("model `{}`", shown(id)),
        None => "catalog".to_string(),
    }
}

fn for_model(model: &Option<String>) -> String {
    match model {
        Some(id) => format!(" for `{}`", shown(id)),
        None => String::new(),
    }
}

/// A message written by the engine that may quote data: escaped, and shortened if a quoted value
/// made it very long.
fn message_of(message: &str) -> String {
    let m = super::text::printable(message);
    if m.chars().count() > 4 * super::text::SHOWN_CHARS {
        shown(&m)
    } else {
        m.into_owned()
    }
}

fn join_lines(errors: &[Error]) -> String {
    let mut out = String::new();
    for (i, e) in errors.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&e.to_string());
    }
    out
}

impl Error {
    /// A field error of model `model` (or of the catalog itself when `None`).
    pub(crate) fn field(
        model: Option<&str>,
        field: impl fmt::Display,
        message: impl fmt::Display,
    ) -> Self {
        Error::CatalogField {
            model: model.map(str::to_string),
            field: field.to_string(),
            message: message.to_string(),
        }
    }

    /// The query key this error is about, if any: lets a form put the message next to its field.
    pub fn key(&self) -> Option<&str> {
        match self {
            Error::UnknownKey { key, .. } | Error::InvalidValue { key, .. } => Some(key),
            Error::Missing(key) | Error::Duplicate(key) | Error::NoOutputAccepted(key) => Some(key),
            _ => None,
        }
    }

    /// The error with `prefix` before its query key (`s2.sec` in plan 2 is `p2.s2.sec`).
    pub(crate) fn with_key_prefix(self, prefix: &str) -> Error {
        if prefix.is_empty() {
            return self;
        }
        let put = |key: String| format!("{prefix}{key}");
        match self {
            Error::UnknownKey {
                key,
                model,
                allowed,
            } => Error::UnknownKey {
                key: put(key),
                model,
                allowed,
            },
            Error::InvalidValue {
                key,
                value,
                model,
                allowed,
            } => Error::InvalidValue {
                key: put(key),
                value,
                model,
                allowed,
            },
            Error::Missing(key) => Error::Missing(put(key)),
            Error::Duplicate(key) => Error::Duplicate(put(key)),
            Error::NoOutputAccepted(key) => Error::NoOutputAccepted(put(key)),
            other => other,
        }
    }

    /// The single problems inside this error (itself, unless it is a `Catalog` list).
    pub fn problems(&self) -> Vec<&Error> {
        match self {
            Error::Catalog(list) => list.iter().collect(),
            other => vec![other],
        }
    }
}
