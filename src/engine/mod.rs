#![deny(clippy::arithmetic_side_effects)]
//! The billing-rule engine: pure Rust, no browser, no fetching. Data comes in as `&str`.
//!
//! - [`catalog`]: models and their billing rules, loaded from JSON (gencost format or a fal
//!   pricing-API response);
//! - [`vocabulary`]: the share-URL key names, page keys, step prefixes and limits;
//! - [`share_url`]: query string <-> [`Draft`] and [`Scenario`];
//! - [`assess`]: the one entry point: a scenario as written, every step quoted that can be, every
//!   problem named; [`quote`] is it with the first problem as the error;
//! - [`report`]: a quote as JSON and as text with its arithmetic.

pub mod assess;
pub mod catalog;
pub mod chart;
pub mod compare;
pub mod draft;
mod error;
pub mod export;
pub mod money;
pub mod percentiles;
pub mod plans;
pub mod prepared;
pub mod quote;
pub mod report;
pub mod scenario;
pub mod share_url;
pub mod text;
pub(crate) mod url;
pub mod usage;
pub mod vocabulary;

pub use assess::{assess, Assessment, StepOutcome, StepState};
pub use catalog::{Catalog, Kind, Model};
pub use draft::Draft;
pub use error::Error;
pub use prepared::{Costs, Prepared};
pub use quote::{quote, LineItem, Priced, Quote, StepQuote};
pub use scenario::{Fallback, Scenario, Step};
pub use share_url::{parse_query, parse_query_lenient, read_query, to_query, ParsedQuery};
