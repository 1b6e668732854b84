//! The engine's one error type.
//!
//! Messages are short, lowercase and name the model, option, field or query key at fault, so a
//! face (CLI line, message next to a form field) can show them as they are.

use std::fmt;

/// Everything the engine can refuse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The catalog text is not JSON, or not the shape of a catalog.
    #[error("catalog is not valid JSON: {0}")]
    CatalogJson(String),
    /// One field of one model (or of the catalog itself) is wrong.
    #[error("{}: {field}: {message}", location(.model))]
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
    #[error("unknown model `{0}`")]
    UnknownModel(String),
    /// A query key (share URL) or a step option the model does not take.
    #[error("unknown key `{key}`{}: allowed {allowed}", for_model(.model))]
    UnknownKey {
        /// The key as the user wrote it (`s2.foo`).
        key: String,
        /// The model the key was checked against, if any.
        model: Option<String>,
        /// The keys that would have been accepted.
        allowed: String,
    },
    /// A value the user gave is not allowed.
    #[error("`{key}`: {value:?} is not allowed{}: {allowed}", for_model(.model))]
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
    #[error("`{0}` is missing")]
    Missing(String),
    /// A key appears twice in a query string.
    #[error("`{0}` is given twice")]
    Duplicate(String),
    /// The options a model was given have no price in its table.
    #[error("{model}: no price for {combination}")]
    NoPriceFor {
        /// The model's id.
        model: String,
        /// The option values that were looked up (`quality=low, w=1536, h=1536`).
        combination: String,
    },
    /// A rejection rate of 100 %: no output would ever be accepted.
    #[error("`{0}`: a rejection rate of 100 % means no output is ever accepted")]
    NoOutputAccepted(String),
    /// A number grew past what exact decimal arithmetic can hold.
    #[error("{0}: the number is too large to compute exactly")]
    Overflow(String),
}

fn location(model: &Option<String>) -> String {
    match model {
        Some(id) => format!("model `{id}`"),
        None => "catalog".to_string(),
    }
}

fn for_model(model: &Option<String>) -> String {
    match model {
        Some(id) => format!(" for `{id}`"),
        None => String::new(),
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

    /// The single problems inside this error (itself, unless it is a `Catalog` list).
    pub fn problems(&self) -> Vec<&Error> {
        match self {
            Error::Catalog(list) => list.iter().collect(),
            other => vec![other],
        }
    }
}
