//! Helpers shared by the golden suites: the embedded catalog, quoting and parsing a query, and
//! building small catalogs and fal responses.
#![allow(dead_code, unused_imports)]

pub use gencost::engine::catalog::Billing;
pub use gencost::engine::{
    money, parse_query, parse_query_lenient, quote, report, to_query, Catalog, Error, Fallback,
    Priced, Quote, Scenario, Step,
};
pub use rust_decimal::Decimal;
pub use serde_json::{json, Value};
pub use std::str::FromStr;
pub use std::sync::OnceLock;

// ---------------------------------------------------------------------------------------------
// Helpers

/// An exact decimal from its text.
pub fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("bad decimal {s:?} in the test: {e}"))
}

/// The value of an option's domain that `pick` lands on: a listed value, or a step of a range.
pub fn value_at(domain: &gencost::engine::catalog::Domain, pick: u32) -> String {
    use gencost::engine::catalog::Domain;
    match domain {
        Domain::Values(v) => v[pick as usize % v.len()].clone(),
        Domain::Range { min, max, step } => {
            let st = step.unwrap_or(Decimal::ONE);
            let span = ((*max - *min) / st).floor();
            let k = Decimal::from(pick) % (span + Decimal::ONE);
            (*min + k * st).normalize().to_string()
        }
    }
}

/// The embedded default catalog, loaded once.
pub fn cat() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::embedded().expect("the embedded catalog loads"))
}

/// Parses and quotes a share-URL query against the embedded catalog; panics on any error.
pub fn q(query: &str) -> Quote {
    let scenario = parse_query(query).unwrap_or_else(|e| panic!("{query}: does not parse: {e}"));
    quote(cat(), &scenario).unwrap_or_else(|e| panic!("{query}: does not quote: {e}"))
}

/// The cost of one generation of the first step.
pub fn gen_cost(query: &str) -> Decimal {
    let quote = q(query);
    quote.steps[0]
        .costs
        .as_ref()
        .unwrap_or_else(|r| panic!("{query}: price unknown: {r}"))
        .cost_per_generation
}

/// The error quoting a query that parses.
pub fn quote_err(query: &str) -> Error {
    let scenario = parse_query(query).unwrap_or_else(|e| panic!("{query}: does not parse: {e}"));
    match quote(cat(), &scenario) {
        Ok(_) => panic!("{query}: quoted, but an error was expected"),
        Err(e) => e,
    }
}

/// The error parsing a query.
pub fn parse_err(query: &str) -> Error {
    match parse_query(query) {
        Ok(s) => panic!("{query}: parsed as {s:?}, but an error was expected"),
        Err(e) => e,
    }
}

/// The JSON report of a query, as the CLI's `--json` prints it.
pub fn json_of(query: &str) -> Value {
    report::to_json(&q(query))
}

/// A small valid model for catalog-loading tests.
pub fn test_model(id: &str) -> Value {
    json!({
        "id": id,
        "name": "Test model",
        "provider": "fal",
        "kind": "video",
        "options": [
            {"name": "sec", "min": "1", "max": "10", "step": "1", "default": "5", "unit": "s"},
            {"name": "audio", "values": ["off", "on"], "default": "off"}
        ],
        "billing": {"lines": [{"label": "video seconds", "quantity": {"option": "sec"}, "price": "0.10"}]},
        "source": "https://example.com/pricing",
        "verified": "2026-11-22"
    })
}

/// A catalog text holding these models.
pub fn catalog_text(models: Vec<Value>) -> String {
    json!({"format": "gencost-catalog", "version": 1, "currency": "USD", "models": models})
        .to_string()
}

/// The problems of a catalog that must not load.
pub fn catalog_problems(text: &str) -> Vec<Error> {
    match Catalog::from_json(text) {
        Ok(_) => panic!("the catalog loaded, but errors were expected"),
        Err(Error::Catalog(list)) => list,
        Err(other) => vec![other],
    }
}

/// True when `e` is a field error of `model` (None = the catalog itself) at `field` whose
/// message contains every one of `words`.
pub fn is_field_error(e: &Error, model: Option<&str>, field: &str, words: &[&str]) -> bool {
    match e {
        Error::CatalogField {
            model: m,
            field: f,
            message,
        } => m.as_deref() == model && f == field && words.iter().all(|w| message.contains(w)),
        _ => false,
    }
}

/// A catalog from a fal pricing-API response with these rows.
pub fn fal_catalog(rows: Vec<Value>) -> Catalog {
    let text = json!({"prices": rows, "next_cursor": null, "has_more": false}).to_string();
    Catalog::from_json(&text).unwrap_or_else(|e| panic!("the fal response does not load: {e}"))
}

pub fn fal_row(id: &str, price: Value, unit: &str) -> Value {
    json!({"endpoint_id": id, "unit_price": price, "unit": unit, "currency": "USD"})
}

/// The reason a model of `c` is priced "unknown", or panics.
pub fn unknown_reason(c: &Catalog, id: &str) -> String {
    match &c.model(id).unwrap().billing {
        Billing::Unknown(reason) => reason.clone(),
        Billing::Rule { .. } => panic!("{id}: expected an unknown price"),
    }
}
