//! The engine as a JavaScript module (wasm32 only): the functions `www/gencost.js` wraps. They
//! call the engine's entry points and only write their answers as JSON text (the CLI's `--json`
//! shapes, amounts as decimal strings); nothing here computes money.
//!
//! An error is thrown as a JavaScript `Error` whose message is the engine's one line, with
//! `key` set to the share-URL key at fault when there is one.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::sync::Arc;

use wasm_bindgen::prelude::*;

use crate::engine::export::{self, Export};
use crate::engine::vocabulary::{Key, PAGE_KEYS};
use crate::engine::{compare, plans, quote, usage, Catalog, Error};

thread_local! {
    // The embedded catalog, and the last catalog text given with the catalog read from it.
    static EMBEDDED: RefCell<Option<Arc<Catalog>>> = const { RefCell::new(None) };
    static GIVEN: RefCell<Option<(String, Arc<Catalog>)>> = const { RefCell::new(None) };
}

fn thrown(message: &str, key: Option<&str>) -> JsValue {
    let e = js_sys::Error::new(message);
    if let Some(k) = key {
        let _ = js_sys::Reflect::set(&e, &JsValue::from_str("key"), &JsValue::from_str(k));
    }
    e.into()
}

fn engine_error(e: &Error) -> JsValue {
    thrown(&e.to_string(), e.key())
}

/// The catalog to use: `catalog_json` when given (read once per distinct text), else the
/// embedded one.
fn catalog(catalog_json: Option<String>) -> Result<Arc<Catalog>, JsValue> {
    match catalog_json {
        None => EMBEDDED.with(|cell| {
            if let Some(c) = cell.borrow().as_ref() {
                return Ok(c.clone());
            }
            let c = Arc::new(Catalog::embedded().map_err(|e| engine_error(&e))?);
            *cell.borrow_mut() = Some(c.clone());
            Ok(c)
        }),
        Some(text) => GIVEN.with(|cell| {
            if let Some((t, c)) = cell.borrow().as_ref() {
                if *t == text {
                    return Ok(c.clone());
                }
            }
            let c = Arc::new(Catalog::from_json(&text).map_err(|e| {
                let first = e
                    .problems()
                    .first()
                    .map(|p| p.to_string())
                    .unwrap_or_default();
                thrown(&format!("catalog: {first}"), None)
            })?);
            *cell.borrow_mut() = Some((text, c.clone()));
            Ok(c)
        }),
    }
}

/// `quote(query, catalogJson?)`: the CLI's `quote --json` as JSON text.
#[wasm_bindgen(js_name = gencostQuote)]
pub fn quote_json(query: &str, catalog_json: Option<String>) -> Result<String, JsValue> {
    let c = catalog(catalog_json)?;
    let page_keys = PAGE_KEYS.map(Key::name);
    let assessed = plans::assess_plans(&c, &plans::read_plans(query, &page_keys));
    let e = Export::of(&assessed).map_err(|e| engine_error(&e))?;
    Ok(export::to_json(&e).to_string())
}

/// `models(catalogJson?)`: the CLI's `models --json` as JSON text.
#[wasm_bindgen(js_name = gencostModels)]
pub fn models_json(catalog_json: Option<String>) -> Result<String, JsValue> {
    let c = catalog(catalog_json)?;
    Ok(export::models_json(&c).to_string())
}

/// `compare(query, step?, catalogJson?)`: the CLI's `compare --json` as JSON text; `step` is
/// 1-based (1 by default).
#[wasm_bindgen(js_name = gencostCompare)]
pub fn compare_json(
    query: &str,
    step: Option<u32>,
    catalog_json: Option<String>,
) -> Result<String, JsValue> {
    let c = catalog(catalog_json)?;
    let page_keys = PAGE_KEYS.map(Key::name);
    let p = plans::read_plans(query, &page_keys);
    if let Some(e) = p.problems.first() {
        return Err(engine_error(e));
    }
    let draft = p
        .plans
        .into_iter()
        .next()
        .map(|x| x.draft)
        .unwrap_or_default();
    let index = step.unwrap_or(1);
    if index == 0 || index as usize > draft.steps.len() {
        return Err(thrown(
            &format!(
                "step {index}: the scenario has {} step(s)",
                draft.steps.len()
            ),
            None,
        ));
    }
    let r = compare::compare(&c, &draft, (index as usize).saturating_sub(1))
        .map_err(|e| engine_error(&e))?;
    Ok(export::comparison_json(&r).to_string())
}

/// `price(model, optionsJson, catalogJson?)`: one generation's bill as JSON text. Options are a
/// JSON object of share-URL names to strings, numbers or booleans (`on`/`off`).
#[wasm_bindgen(js_name = gencostPrice)]
pub fn price_json(
    model: &str,
    options_json: &str,
    catalog_json: Option<String>,
) -> Result<String, JsValue> {
    let c = catalog(catalog_json)?;
    let options = options_of(options_json)?;
    let g = quote::price(&c, model, &options).map_err(|e| engine_error(&e))?;
    Ok(export::generation_json(&g).to_string())
}

/// `usage(logText, catalogJson?)`: the report of `gencost usage --json` as JSON text.
#[wasm_bindgen(js_name = gencostUsage)]
pub fn usage_json(log: &str, catalog_json: Option<String>) -> Result<String, JsValue> {
    let c = catalog(catalog_json)?;
    Ok(usage::to_json(&usage::read(&c, log)).to_string())
}

fn options_of(text: &str) -> Result<BTreeMap<String, String>, JsValue> {
    usage::options_of_json(text).map_err(|why| thrown(&format!("options: {why}"), None))
}
