//! The billing-rule engine: pure Rust, no browser, no fetching. Data comes in as `&str`.
//!
//! - [`catalog`]: models and their billing rules, loaded from JSON (gencost format or a fal
//!   pricing-API response);
//! - [`scenario`]: a user action as steps;
//! - [`quote`]: exact costs with their arithmetic;
//! - [`share_url`]: scenario <-> query string.

pub mod catalog;
mod describe;
mod error;
mod fal_import;
pub mod json;
pub mod money;
pub mod quote;
pub mod report;
pub mod scenario;
pub mod share_url;
pub mod text;
pub mod url;

pub use catalog::{Catalog, Kind, Model};
pub use error::Error;
pub use quote::{quote, LineItem, Priced, Quote, StepQuote};
pub use scenario::{Fallback, Scenario, Step};
pub use share_url::{parse_query, parse_query_lenient, to_query, ParsedQuery};
