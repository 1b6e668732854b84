//! The engine on wasm32 gives the same exact answers as natively (run by wasm-bindgen-test in
//! Node: `cargo test --target wasm32-unknown-unknown --test wasm`).
#![cfg(target_arch = "wasm32")]

use gencost::engine::{parse_query, quote, report, to_query, Catalog};
use gencost::form::{evaluate, Form};
use wasm_bindgen_test::wasm_bindgen_test;

fn json(q: &str) -> serde_json::Value {
    let catalog = Catalog::embedded().expect("embedded catalog");
    report::to_json(&quote(&catalog, &parse_query(q).expect("query")).expect("quote"))
}

#[wasm_bindgen_test]
fn megapixels_round_up_on_wasm() {
    // 1920 x 1080 = 2,073,600 px / 1,048,576 = 1.977 MP -> 2 MP x $0.025 = $0.05
    assert_eq!(
        json("model=fal-ai/flux/dev&w=1920&h=1080")["cost_per_action"],
        "0.05"
    );
}

#[wasm_bindgen_test]
fn video_tokens_on_wasm() {
    // 1280 x 720 x (24 x 5 + 1) / 1024 = 108,900 tokens x $0.014 / 1000 = $1.5246
    assert_eq!(
        json("model=bytedance/seedance-2.0&w=1280&h=720&sec=5")["cost_per_action"],
        "1.5246"
    );
}

#[wasm_bindgen_test]
fn retry_cap_and_workflow_on_wasm() {
    // step 1: 4 x $0.003 x (1 - 0.25^3) / 0.75 = 4 x 0.003 x 1.3125 = 0.01575
    // step 2: veo3 8 s audio on = 8 x $0.40 = 3.2, 20 % rejected: 3.2 / 0.8 = 4
    let q = json("model=fal-ai/flux/schnell&n=4&retry=25&max=3&s2.model=fal-ai/veo3&s2.sec=8&s2.retry=20&actions=1000");
    assert_eq!(q["steps"][0]["p_no_output"], "0.015625");
    assert_eq!(q["cost_per_action"], "4.01575");
    assert_eq!(q["monthly"], "4015.75");
}

#[wasm_bindgen_test]
fn unknown_price_is_never_zero_on_wasm() {
    let q = json("model=fal-ai/stable-audio");
    assert!(q["cost_per_action"].is_null());
    assert!(q["unknown"].is_string());
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
    assert_eq!(form.steps[0].get("sec"), "7");
    assert_eq!(form.steps[0].get("retry"), "abc");
    assert!(eval.errors.iter().any(|e| e.key == "retry"));
    assert!(eval.cost_per_action.is_none());
}
