//! The engine on wasm32 gives the same exact answers as natively (run by wasm-bindgen-test:
//! `cargo test --target wasm32-unknown-unknown --test wasm`), from the same published-price
//! table as the native and browser tests.
#![cfg(target_arch = "wasm32")]

use gencost::engine::{parse_query, quote, to_query, Catalog, Quote};
use gencost::form::{evaluate, Form};
use wasm_bindgen_test::wasm_bindgen_test;

fn q(query: &str) -> Quote {
    let catalog = Catalog::embedded().expect("embedded catalog");
    quote(&catalog, &parse_query(query).expect("query")).expect("quote")
}

fn text(d: Option<rust_decimal::Decimal>) -> Option<String> {
    d.map(|d| d.normalize().to_string())
}

#[wasm_bindgen_test]
fn every_published_price_on_wasm() {
    let table: serde_json::Value =
        serde_json::from_str(include_str!("published-prices.json")).expect("the table");
    let rows = table["rows"].as_array().expect("rows");
    // premise: the table has rows
    assert!(!rows.is_empty());
    for row in rows {
        let query = row["query"].as_str().expect("query");
        let want = row["cost_per_generation"].as_str().expect("price");
        let got = q(query);
        let cost = got.steps[0]
            .costs
            .as_ref()
            .map(|c| c.cost_per_generation)
            .ok();
        assert_eq!(text(cost).as_deref(), Some(want), "{query}");
        assert_eq!(text(got.cost_per_action).as_deref(), Some(want), "{query}");
    }
}

#[wasm_bindgen_test]
fn retry_cap_and_workflow_on_wasm() {
    // step 1: 4 x $0.003 x (1 - 0.25^3) / 0.75 = 4 x 0.003 x 1.3125 = 0.01575
    // step 2: veo3 8 s audio on = 8 x $0.40 = 3.2, 20 % rejected: 3.2 / 0.8 = 4
    let got = q("model=fal-ai/flux/schnell&n=4&retry=25&max=3&s2.model=fal-ai/veo3&s2.sec=8&s2.retry=20&actions=1000");
    assert_eq!(got.steps[0].p_no_output.to_string(), "0.015625");
    assert_eq!(text(got.cost_per_action).as_deref(), Some("4.01575"));
    assert_eq!(text(got.monthly).as_deref(), Some("4015.75"));
}

#[wasm_bindgen_test]
fn unknown_price_is_never_zero_on_wasm() {
    let got = q("model=fal-ai/stable-audio");
    assert!(got.cost_per_action.is_none());
    assert!(got.unknown_reason().is_some_and(|r| r.contains("$0")));
}

#[wasm_bindgen_test]
fn share_url_round_trips_on_wasm() {
    let q = "model=fal-ai/veo3.1&sec=6&audio=off&resolution=4k&retry=12.5&max=4&fallback=fal-ai/veo3&failover=10&s2.model=fal-ai/flux/dev&s2.w=512&s2.h=512&actions=250";
    let s = parse_query(q).expect("parses");
    assert_eq!(parse_query(&to_query(&s)).expect("again"), s);
}

#[wasm_bindgen_test]
fn the_form_keeps_bad_input_on_wasm() {
    let catalog = Catalog::embedded().expect("embedded catalog");
    let form = Form::from_query(&catalog, "model=fal-ai/veo3&sec=7&retry=abc");
    let eval = evaluate(&catalog, &form);
    assert_eq!(form.steps()[0].get("sec"), "7");
    assert_eq!(form.steps()[0].get("retry"), "abc");
    assert!(eval.errors.iter().any(|e| e.key == "retry"));
    assert!(eval.cost_per_action.is_none());
}

#[wasm_bindgen_test]
fn an_extreme_link_is_a_figure_on_wasm() {
    // 4 x $0.025 x 1e28 attempts = $1e27: no overflow panic in the browser's engine
    let catalog = Catalog::embedded().expect("embedded catalog");
    let form = Form::from_query(
        &catalog,
        "model=fal-ai/flux/dev&retry=99.99999999999999999999999999&n=4",
    );
    assert_eq!(
        evaluate(&catalog, &form).cost_per_action.as_deref(),
        Some("$1,000,000,000,000,000,000,000,000,000.00 USD")
    );
}

#[wasm_bindgen_test]
fn percentiles_alternatives_and_plans_on_wasm() {
    use gencost::engine::{assess, compare, percentiles, plans, read_query};
    let catalog = Catalog::embedded().expect("embedded catalog");
    // n = 2, r = 50 %, $0.025 per attempt: p50 3, p90 7, p95 8, p99 11 attempts (the negative
    // binomial worked out in tests/compare_plans.rs).
    let a = assess(
        &catalog,
        &read_query("model=fal-ai/flux/dev&w=1024&h=768&n=2&retry=50", &[]),
    );
    let p = percentiles::budget(&a.steps)
        .expect("priced")
        .action
        .expect("computed");
    let shown: Vec<String> = p.values.iter().map(|v| v.to_string()).collect();
    assert_eq!(shown, ["0.075", "0.175", "0.2", "0.275"]);
    let c =
        compare::compare(&catalog, &read_query("model=fal-ai/flux/dev", &[]), 0).expect("ranked");
    let me = c.alternatives.iter().find(|x| x.current).expect("current");
    assert_eq!(me.ratio.map(|r| r.to_string()).as_deref(), Some("1"));
    // 0.8 x $0.003 + 0.2 x $0.08 = $0.0184
    let link = "model=fal-ai/flux/schnell&w=1024&h=1024&mix=80&p2.model=fal-ai/flux-pro/v1.1&p2.w=1024&p2.h=1024&p2.n=2&p2.mix=20";
    let pa = plans::assess_plans(&catalog, &plans::read_plans(link, &[]));
    let blend = pa.blended.expect("a mix").expect("a blend");
    assert_eq!(blend.cost_per_action.to_string(), "0.0184");
}
