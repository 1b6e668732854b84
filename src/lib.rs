#![warn(missing_docs)]
//! gencost: what will this cost us? Exact costs of image, video and audio model APIs.
//!
//! - [`engine`]: the billing-rule engine (pure Rust, host and wasm32);
//! - `cli`: the `gencost` command-line tool (native only);
//! - `js`: the engine as a JavaScript module (`www/gencost.js`; wasm32 only);
//! - `app`: the Leptos calculator (wasm32 only).

pub mod engine;
pub mod form;

#[cfg(target_arch = "wasm32")]
pub mod app;

#[cfg(target_arch = "wasm32")]
pub mod js;

#[cfg(not(target_arch = "wasm32"))]
pub mod cli;
