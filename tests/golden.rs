//! Acceptance suite: golden quotes against the embedded default catalog, computed by hand from
//! the published prices (the source of each is in www/catalog.json), plus the
//! retry / failover / workflow maths, every kind of bad input, catalog loading errors, the fal
//! pricing-API loader and the share-URL codec.
//!
//! Every expected amount is an exact decimal written as a string; the arithmetic is in the comment
//! above the assertion.

use gencost::engine::catalog::Billing;
use gencost::engine::{
    money, parse_query, parse_query_lenient, quote, report, to_query, Catalog, Error, Fallback,
    Priced, Quote, Scenario, Step,
};
use rust_decimal::Decimal;
use serde_json::{json, Value};
use std::str::FromStr;
use std::sync::OnceLock;

// ---------------------------------------------------------------------------------------------
// Helpers

/// An exact decimal from its text.
fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_else(|e| panic!("bad decimal {s:?} in the test: {e}"))
}

/// The embedded default catalog, loaded once.
fn cat() -> &'static Catalog {
    static CATALOG: OnceLock<Catalog> = OnceLock::new();
    CATALOG.get_or_init(|| Catalog::embedded().expect("the embedded catalog loads"))
}

/// Parses and quotes a share-URL query against the embedded catalog; panics on any error.
fn q(query: &str) -> Quote {
    let scenario = parse_query(query).unwrap_or_else(|e| panic!("{query}: does not parse: {e}"));
    quote(cat(), &scenario).unwrap_or_else(|e| panic!("{query}: does not quote: {e}"))
}

/// The cost of one generation of the first step.
fn gen_cost(query: &str) -> Decimal {
    let quote = q(query);
    quote.steps[0]
        .costs
        .as_ref()
        .unwrap_or_else(|r| panic!("{query}: price unknown: {r}"))
        .cost_per_generation
}

/// The error quoting a query that parses.
fn quote_err(query: &str) -> Error {
    let scenario = parse_query(query).unwrap_or_else(|e| panic!("{query}: does not parse: {e}"));
    match quote(cat(), &scenario) {
        Ok(_) => panic!("{query}: quoted, but an error was expected"),
        Err(e) => e,
    }
}

/// The error parsing a query.
fn parse_err(query: &str) -> Error {
    match parse_query(query) {
        Ok(s) => panic!("{query}: parsed as {s:?}, but an error was expected"),
        Err(e) => e,
    }
}

/// The JSON report of a query, as the CLI's `--json` prints it.
fn json_of(query: &str) -> Value {
    report::to_json(&q(query))
}

/// A small valid model for catalog-loading tests.
fn test_model(id: &str) -> Value {
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
fn catalog_text(models: Vec<Value>) -> String {
    json!({"format": "gencost-catalog", "version": 1, "currency": "USD", "models": models})
        .to_string()
}

/// The problems of a catalog that must not load.
fn catalog_problems(text: &str) -> Vec<Error> {
    match Catalog::from_json(text) {
        Ok(_) => panic!("the catalog loaded, but errors were expected"),
        Err(Error::Catalog(list)) => list,
        Err(other) => vec![other],
    }
}

/// True when `e` is a field error of `model` (None = the catalog itself) at `field` whose
/// message contains every one of `words`.
fn is_field_error(e: &Error, model: Option<&str>, field: &str, words: &[&str]) -> bool {
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
fn fal_catalog(rows: Vec<Value>) -> Catalog {
    let text = json!({"prices": rows, "next_cursor": null, "has_more": false}).to_string();
    Catalog::from_json(&text).unwrap_or_else(|e| panic!("the fal response does not load: {e}"))
}

fn fal_row(id: &str, price: Value, unit: &str) -> Value {
    json!({"endpoint_id": id, "unit_price": price, "unit": unit, "currency": "USD"})
}

/// The reason a model of `c` is priced "unknown", or panics.
fn unknown_reason(c: &Catalog, id: &str) -> String {
    match &c.model(id).unwrap().billing {
        Billing::Unknown(reason) => reason.clone(),
        Billing::Rule { .. } => panic!("{id}: expected an unknown price"),
    }
}

// ---------------------------------------------------------------------------------------------
// 1. Golden cases: every billing shape, on the embedded catalog

#[test]
fn embedded_catalog_loads_with_unique_ids_in_usd() {
    let ids: std::collections::BTreeSet<&str> =
        cat().models().iter().map(|m| m.id.as_str()).collect();
    // premise: it has models; then every id is there once
    assert!(!ids.is_empty());
    assert_eq!(ids.len(), cat().models().len());
    assert_eq!(cat().currency(), "USD");
}

// --- flat per output

#[test]
fn flat_flux_pro_ultra_is_006_whatever_the_size() {
    // fal-ai/flux-pro/v1.1-ultra: $0.06 per image, flat
    assert_eq!(gen_cost("model=fal-ai/flux-pro/v1.1-ultra"), d("0.06"));
    // 2048 x 2048 = 4 MP, still one image x $0.06 = $0.06
    assert_eq!(
        gen_cost("model=fal-ai/flux-pro/v1.1-ultra&w=2048&h=2048"),
        d("0.06")
    );
}

#[test]
fn flat_hailuo_pro_is_049_per_video() {
    // fal-ai/minimax/hailuo-2.3/pro/text-to-video: $0.49 per video generation (no options)
    assert_eq!(
        gen_cost("model=fal-ai/minimax/hailuo-2.3/pro/text-to-video"),
        d("0.49")
    );
}

#[test]
fn flat_stable_audio_25_is_020_for_any_length() {
    // fal-ai/stable-audio-25/text-to-audio: $0.20 per audio, seconds_total 1-190 do not matter
    for sec in ["1", "30", "190"] {
        assert_eq!(
            gen_cost(&format!(
                "model=fal-ai/stable-audio-25/text-to-audio&sec={sec}"
            )),
            d("0.20"),
            "sec={sec}"
        );
    }
}

// --- per megapixel, rounded up, minimum 1 MP

#[test]
fn megapixels_flux_dev_default_1024x768() {
    // fal-ai/flux/dev: 1024x768 = 786,432 px / 1,048,576 = 0.75 MP -> rounded up to 1 MP x $0.025 = $0.025
    let quote = q("model=fal-ai/flux/dev");
    let Priced::Known(g) = &quote.steps[0].primary else {
        panic!("price unknown")
    };
    assert_eq!(g.lines.len(), 1);
    assert_eq!(g.lines[0].quantity, d("0.75"));
    assert_eq!(g.lines[0].billable_quantity, d("1"));
    assert_eq!(g.lines[0].unit_price, d("0.025"));
    assert_eq!(g.cost, d("0.025"));
}

#[test]
fn megapixels_flux_dev_small_sizes_are_1mp() {
    // 512x512 = 262,144 px / 1,048,576 = 0.25 MP -> minimum 1 MP x $0.025 = $0.025
    assert_eq!(gen_cost("model=fal-ai/flux/dev&w=512&h=512"), d("0.025"));
    // 1024x1024 = 1,048,576 px = 1 MP exactly -> 1 MP x $0.025 = $0.025 (not 2 MP: 1 MP = 1024 x 1024)
    assert_eq!(gen_cost("model=fal-ai/flux/dev&w=1024&h=1024"), d("0.025"));
}

#[test]
fn megapixels_flux_dev_round_up_to_whole_mp() {
    // 1024x1025 = 1,049,600 px / 1,048,576 = 1.0009765625 MP -> rounded up to 2 MP x $0.025 = $0.05
    assert_eq!(gen_cost("model=fal-ai/flux/dev&w=1024&h=1025"), d("0.05"));
    // 1920x1080 = 2,073,600 px / 1,048,576 = 1.977... MP -> 2 MP x $0.025 = $0.05
    assert_eq!(gen_cost("model=fal-ai/flux/dev&w=1920&h=1080"), d("0.05"));
    // 4096x4096 = 16,777,216 px / 1,048,576 = 16 MP x $0.025 = $0.40
    assert_eq!(gen_cost("model=fal-ai/flux/dev&w=4096&h=4096"), d("0.4"));
}

#[test]
fn megapixels_flux_schnell_and_pro() {
    // fal-ai/flux/schnell: 1920x1080 -> 2 MP x $0.003 = $0.006
    assert_eq!(
        gen_cost("model=fal-ai/flux/schnell&w=1920&h=1080"),
        d("0.006")
    );
    // fal-ai/flux-pro/v1.1: 1024x768 -> 1 MP x $0.04 = $0.04
    assert_eq!(gen_cost("model=fal-ai/flux-pro/v1.1"), d("0.04"));
}

// --- first megapixel + extra megapixels

#[test]
fn first_plus_extra_mp_flux_2_pro_full_hd() {
    // fal-ai/flux-2-pro: 1920x1080 = 1.977 MP -> 2 MP; $0.03 first MP + (2 - 1) x $0.015 = $0.045
    assert_eq!(
        gen_cost("model=fal-ai/flux-2-pro&w=1920&h=1080"),
        d("0.045")
    );
}

#[test]
fn first_plus_extra_mp_flux_2_pro_small_sizes() {
    // 1024x1024 = 1 MP: $0.03 + (1 - 1) x $0.015 = $0.03
    assert_eq!(gen_cost("model=fal-ai/flux-2-pro&w=1024&h=1024"), d("0.03"));
    // 512x512 = 0.25 MP -> min 1 MP: $0.03 + 0 x $0.015 = $0.03
    assert_eq!(gen_cost("model=fal-ai/flux-2-pro&w=512&h=512"), d("0.03"));
    // 2048x2048 = 4 MP: $0.03 + 3 x $0.015 = $0.075
    assert_eq!(
        gen_cost("model=fal-ai/flux-2-pro&w=2048&h=2048"),
        d("0.075")
    );
}

// --- input + output megapixels

#[test]
fn input_and_output_mp_flux_2_flex_text_to_image() {
    // fal-ai/flux-2-flex: output 1920x1080 -> 2 MP x $0.05 = $0.10; no input image (in_w = in_h = 0) -> $0
    assert_eq!(
        gen_cost("model=fal-ai/flux-2-flex&w=1920&h=1080"),
        d("0.10")
    );
    // output 512x512 -> min 1 MP x $0.05 = $0.05
    assert_eq!(gen_cost("model=fal-ai/flux-2-flex&w=512&h=512"), d("0.05"));
}

#[test]
fn input_and_output_mp_flux_2_flex_with_input_image() {
    // output 1920x1080 -> 2 MP x $0.05 = $0.10; input 1024x1024 -> 1 MP x $0.05 = $0.05; total $0.15
    assert_eq!(
        gen_cost("model=fal-ai/flux-2-flex&w=1920&h=1080&in_w=1024&in_h=1024"),
        d("0.15")
    );
}

// --- per second, price by audio / by resolution x audio

#[test]
fn per_second_veo3_by_audio() {
    // fal-ai/veo3: 8 s x $0.40 (audio on) = $3.20
    assert_eq!(gen_cost("model=fal-ai/veo3&sec=8&audio=on"), d("3.20"));
    // 8 s x $0.20 (audio off) = $1.60
    assert_eq!(gen_cost("model=fal-ai/veo3&sec=8&audio=off"), d("1.60"));
    // defaults: 8 s, audio on -> $3.20; resolution does not change the price
    assert_eq!(gen_cost("model=fal-ai/veo3"), d("3.20"));
    assert_eq!(gen_cost("model=fal-ai/veo3&resolution=1080p"), d("3.20"));
    // set values compare as numbers: "8.0" is the allowed 8 -> 8 s x $0.40 = $3.20
    assert_eq!(gen_cost("model=fal-ai/veo3&sec=8.0"), d("3.20"));
}

#[test]
fn per_second_veo31_resolution_by_audio_table() {
    // fal-ai/veo3.1: 4k, audio on: 8 s x $0.60 = $4.80
    assert_eq!(
        gen_cost("model=fal-ai/veo3.1&sec=8&resolution=4k&audio=on"),
        d("4.80")
    );
    // 1080p, audio off: 4 s x $0.20 = $0.80
    assert_eq!(
        gen_cost("model=fal-ai/veo3.1&sec=4&resolution=1080p&audio=off"),
        d("0.80")
    );
    // 4k, audio off: 6 s x $0.40 = $2.40
    assert_eq!(
        gen_cost("model=fal-ai/veo3.1&sec=6&resolution=4k&audio=off"),
        d("2.40")
    );
}

// --- base price + extra seconds

#[test]
fn base_plus_extra_seconds_kling_pro() {
    // kling 2.5 turbo pro: 5 s = $0.35 base + (5 - 5 included) x $0.07 = $0.35
    assert_eq!(
        gen_cost("model=fal-ai/kling-video/v2.5-turbo/pro/image-to-video&sec=5"),
        d("0.35")
    );
    // 10 s = $0.35 + (10 - 5) x $0.07 = $0.35 + $0.35 = $0.70
    assert_eq!(
        gen_cost("model=fal-ai/kling-video/v2.5-turbo/pro/image-to-video&sec=10"),
        d("0.70")
    );
}

#[test]
fn base_plus_extra_seconds_kling_standard() {
    // kling 2.5 turbo standard: 5 s = $0.21
    assert_eq!(
        gen_cost("model=fal-ai/kling-video/v2.5-turbo/standard/image-to-video&sec=5"),
        d("0.21")
    );
    // 10 s = $0.21 + 5 x $0.042 = $0.21 + $0.21 = $0.42
    assert_eq!(
        gen_cost("model=fal-ai/kling-video/v2.5-turbo/standard/image-to-video&sec=10"),
        d("0.42")
    );
}

// --- duration table

#[test]
fn duration_table_hailuo_standard_is_not_proportional() {
    // hailuo 2.3 standard: 6 s -> $0.28 (table)
    assert_eq!(
        gen_cost("model=fal-ai/minimax/hailuo-2.3/standard/text-to-video&sec=6"),
        d("0.28")
    );
    // 10 s -> $0.56 (table; proportional would have been 0.28 x 10/6 = 0.4667)
    assert_eq!(
        gen_cost("model=fal-ai/minimax/hailuo-2.3/standard/text-to-video&sec=10"),
        d("0.56")
    );
}

// --- range durations

#[test]
fn range_duration_kling_o3_4k() {
    // kling o3 4k: 3 s x $0.42 = $1.26
    assert_eq!(
        gen_cost("model=fal-ai/kling-video/o3/4k/text-to-video&sec=3"),
        d("1.26")
    );
    // 15 s x $0.42 = $6.30
    assert_eq!(
        gen_cost("model=fal-ai/kling-video/o3/4k/text-to-video&sec=15"),
        d("6.30")
    );
    // audio on: same $0.42 per second -> 15 s = $6.30
    assert_eq!(
        gen_cost("model=fal-ai/kling-video/o3/4k/text-to-video&sec=15&audio=on"),
        d("6.30")
    );
    // default 5 s x $0.42 = $2.10 (fal's own example)
    assert_eq!(
        gen_cost("model=fal-ai/kling-video/o3/4k/text-to-video"),
        d("2.10")
    );
}

#[test]
fn range_duration_wan_27_by_resolution() {
    // fal-ai/wan/v2.7: default 5 s at 1080p x $0.15 = $0.75; 15 s at 720p x $0.10 = $1.50
    assert_eq!(gen_cost("model=fal-ai/wan/v2.7/image-to-video"), d("0.75"));
    assert_eq!(
        gen_cost("model=fal-ai/wan/v2.7/image-to-video&sec=15&resolution=720p"),
        d("1.50")
    );
}

// --- frames to seconds

#[test]
fn frames_to_seconds_wan_22_default() {
    // wan 2.2 a14b: default 81 frames at 720p = 81 / 16 = 5.0625 s x $0.08 = $0.405
    let quote = q("model=fal-ai/wan/v2.2-a14b/image-to-video");
    let Priced::Known(g) = &quote.steps[0].primary else {
        panic!("price unknown")
    };
    assert_eq!(g.lines[0].quantity, d("5.0625"));
    assert_eq!(g.cost, d("0.405"));
}

#[test]
fn frames_to_seconds_wan_22_161_frames_480p() {
    // 161 frames at 480p = 161 / 16 = 10.0625 s x $0.04 = $0.4025
    assert_eq!(
        gen_cost("model=fal-ai/wan/v2.2-a14b/image-to-video&frames=161&resolution=480p"),
        d("0.4025")
    );
    // 17 frames at 580p = 1.0625 s x $0.06 = $0.06375
    assert_eq!(
        gen_cost("model=fal-ai/wan/v2.2-a14b/image-to-video&frames=17&resolution=580p"),
        d("0.06375")
    );
}

// --- video tokens

#[test]
fn video_tokens_seedance_720p_5s() {
    // seedance 1280x720 5 s = 1280 x 720 x (24 x 5 + 1) / 1024 = 921,600 x 121 / 1024 = 108,900 tokens
    //   -> 108.9 thousand x $0.014 = $1.5246 (openstory #1098: 108.9 units -> $1.52)
    let quote = q("model=bytedance/seedance-2.0&w=1280&h=720&sec=5");
    let Priced::Known(g) = &quote.steps[0].primary else {
        panic!("price unknown")
    };
    assert_eq!(g.lines[0].quantity, d("108900"));
    assert_eq!(g.cost, d("1.5246"));
}

#[test]
fn video_tokens_seedance_4s_and_6s_match_billed_amounts() {
    // 4 s: 900 x (24 x 4 + 1) = 900 x 97 = 87,300 tokens -> 87.3 x $0.014 = $1.2222 (#1098: $1.22)
    assert_eq!(
        gen_cost("model=bytedance/seedance-2.0&w=1280&h=720&sec=4"),
        d("1.2222")
    );
    // 6 s: 900 x (24 x 6 + 1) = 900 x 145 = 130,500 tokens -> 130.5 x $0.014 = $1.827 (#1098: $1.83)
    assert_eq!(
        gen_cost("model=bytedance/seedance-2.0&w=1280&h=720&sec=6"),
        d("1.827")
    );
}

// --- per 1,000 characters; fixed fee + per unit

#[test]
fn per_thousand_chars_speech_02_turbo() {
    // speech-02-turbo: 1500 chars / 1000 = 1.5 x $0.06 = $0.09
    assert_eq!(
        gen_cost("model=fal-ai/minimax/speech-02-turbo&chars=1500"),
        d("0.09")
    );
    // Replicate speech-2.6-turbo: 2000 / 1000 x $0.06 = $0.12
    assert_eq!(
        gen_cost("model=minimax/speech-2.6-turbo&chars=2000"),
        d("0.12")
    );
}

#[test]
fn fixed_fee_plus_per_unit_voice_design() {
    // voice-design: $3 per created voice + 500 / 1000 x $0.03 = $3 + $0.015 = $3.015
    assert_eq!(
        gen_cost("model=fal-ai/minimax/voice-design&chars=500"),
        d("3.015")
    );
    // no preview text: $3 + 0 = $3
    assert_eq!(
        gen_cost("model=fal-ai/minimax/voice-design&chars=0"),
        d("3")
    );
}

// --- GPU seconds

#[test]
fn gpu_seconds_fal_h100() {
    // fal/gpu/h100: 60 s x $1.89 / 3600 = 113.4 / 3600 = $0.0315
    assert_eq!(gen_cost("model=fal/gpu/h100&gpu_s=60"), d("0.0315"));
    // gpus=2 doubles: 60 s x 2 GPUs = 120 GPU-s x $1.89 / 3600 = $0.063
    assert_eq!(gen_cost("model=fal/gpu/h100&gpu_s=60&gpus=2"), d("0.063"));
    // fal/gpu/a100: 3600 s x $0.99 / 3600 = $0.99
    assert_eq!(gen_cost("model=fal/gpu/a100&gpu_s=3600"), d("0.99"));
}

#[test]
fn gpu_seconds_replicate_h100() {
    // replicate/hardware/gpu-h100: 100 s x $0.001525 = $0.1525
    assert_eq!(
        gen_cost("model=replicate/hardware/gpu-h100&gpu_s=100"),
        d("0.1525")
    );
    // 8x H100 is an exact multiple: 100 s x $0.012200 = $1.22
    assert_eq!(
        gen_cost("model=replicate/hardware/8x-gpu-h100&gpu_s=100"),
        d("1.22")
    );
}

// --- token-billed images and OpenAI tables

#[test]
fn token_billed_gpt_image_1() {
    // gpt-image-1 medium 1024x1024 = 1056 tokens x $40 / 1,000,000 = $0.04224
    assert_eq!(
        gen_cost("model=openai/gpt-image-1&quality=medium&w=1024&h=1024"),
        d("0.04224")
    );
    // high 1536x1024 = 6208 tokens x $40 / 1,000,000 = $0.24832
    assert_eq!(
        gen_cost("model=openai/gpt-image-1&quality=high&w=1536&h=1024"),
        d("0.24832")
    );
    // low 1024x1536 = 408 tokens x $40 / 1,000,000 = $0.01632
    assert_eq!(
        gen_cost("model=openai/gpt-image-1&quality=low&w=1024&h=1536"),
        d("0.01632")
    );
}

#[test]
fn token_billed_gpt_image_1_unpriced_size_is_an_error_naming_the_combination() {
    // 1536x1536 is not a size gpt-image-1 makes: no token count -> NoPriceFor, never $0
    let e = quote_err("model=openai/gpt-image-1&quality=high&w=1536&h=1536");
    match &e {
        Error::NoPriceFor { model, combination } => {
            assert_eq!(model, "openai/gpt-image-1");
            assert_eq!(combination, "quality=high, w=1536, h=1536");
        }
        other => panic!("expected NoPriceFor, got {other:?}"),
    }
    assert!(e.to_string().contains("openai/gpt-image-1"), "{e}");
    assert!(e.to_string().contains("w=1536, h=1536"), "{e}");
}

#[test]
fn openai_dall_e_tables() {
    // dall-e-3 hd 1792x1024 = $0.12 (table)
    assert_eq!(
        gen_cost("model=openai/dall-e-3&quality=hd&w=1792&h=1024"),
        d("0.12")
    );
    // dall-e-3 defaults: standard 1024x1024 = $0.04
    assert_eq!(gen_cost("model=openai/dall-e-3"), d("0.04"));
    // dall-e-2 512x512 = $0.018 (table)
    assert_eq!(gen_cost("model=openai/dall-e-2&w=512&h=512"), d("0.018"));
}

#[test]
fn replicate_per_image() {
    // black-forest-labs/flux-schnell on Replicate: $3 per 1,000 images = $0.003, whatever the size
    assert_eq!(gen_cost("model=black-forest-labs/flux-schnell"), d("0.003"));
    // ideogram-v3-quality: $0.09 per image; n=3 -> 3 x $0.09 = $0.27 per action
    assert_eq!(
        q("model=ideogram-ai/ideogram-v3-quality&n=3").cost_per_action,
        Some(d("0.27"))
    );
}

// --- unknown price

#[test]
fn unknown_price_stable_audio_is_never_zero() {
    let quote = q("model=fal-ai/stable-audio&sec=30");
    let reason = quote.steps[0]
        .costs
        .as_ref()
        .expect_err("the price of fal-ai/stable-audio is unknown");
    assert!(reason.contains("$0 per compute second"), "{reason}");
    assert!(
        matches!(&quote.steps[0].primary, Priced::Unknown { model, .. } if model == "fal-ai/stable-audio")
    );
    assert_eq!(quote.cost_per_action, None);
    assert_eq!(quote.actions_per_dollar, None);
    assert!(quote
        .unknown_reason()
        .unwrap()
        .contains("fal-ai/stable-audio"));
}

#[test]
fn unknown_price_is_null_in_json_with_a_reason() {
    let j = json_of("model=fal-ai/stable-audio&actions=1000");
    // JSON nulls, never "0"
    assert_eq!(j["cost_per_action"], Value::Null);
    assert_eq!(j["actions_per_dollar"], Value::Null);
    assert_eq!(j["monthly"], Value::Null);
    let step = &j["steps"][0];
    for key in [
        "cost_per_generation",
        "cost_per_accepted_output",
        "expected_cost_per_action",
    ] {
        assert_eq!(step[key], Value::Null, "{key}");
    }
    assert!(step["unknown"].as_str().unwrap().contains("not published"));
    assert!(j["unknown"]
        .as_str()
        .unwrap()
        .contains("step 1 (fal-ai/stable-audio)"));
    // and the text says so
    let text = report::to_text(&q("model=fal-ai/stable-audio"));
    assert!(text.contains("price unknown"), "{text}");
    assert!(!text.contains("$0.00"), "{text}");
}

#[test]
fn json_report_amounts_are_exact_decimal_strings() {
    // fal-ai/flux/dev 1024x768: 1 MP x $0.025 = $0.025; retry=20 -> 1.25 attempts -> $0.03125
    let j = json_of("model=fal-ai/flux/dev&retry=20");
    assert_eq!(j["currency"], "USD");
    assert_eq!(j["cost_per_action"], "0.03125");
    // 1 / 0.03125 = 32 actions per dollar
    assert_eq!(j["actions_per_dollar"], "32");
    let step = &j["steps"][0];
    assert_eq!(step["cost_per_generation"], "0.025");
    assert_eq!(step["expected_attempts"], "1.25");
    assert_eq!(step["lines"][0]["quantity"], "0.75");
    assert_eq!(step["lines"][0]["billable_quantity"], "1");
    assert_eq!(step["lines"][0]["amount"], "0.025");
}

// ---------------------------------------------------------------------------------------------
// 2. Retry, cap, failover and workflow maths

#[test]
fn retry_20_without_cap() {
    // flux/dev 1024x768 c = $0.025; r = 0.2: attempts 1 / (1 - 0.2) = 1.25
    let quote = q("model=fal-ai/flux/dev&retry=20&n=2");
    let st = &quote.steps[0];
    assert_eq!(st.rejection_rate, d("0.2"));
    assert_eq!(st.expected_attempts, d("1.25"));
    assert_eq!(st.p_no_output, d("0"));
    let c = st.costs.as_ref().unwrap();
    // cost per accepted output = 0.025 / 0.8 = $0.03125
    assert_eq!(c.cost_per_accepted_output, d("0.03125"));
    // per action = n x c x attempts = 2 x 0.025 x 1.25 = $0.0625
    assert_eq!(c.expected_cost_per_action, d("0.0625"));
    assert_eq!(quote.cost_per_action, Some(d("0.0625")));
    // veo3 8 s audio on = $3.20; / (1 - 0.2) = $4.00 per accepted clip
    let quote = q("model=fal-ai/veo3&sec=8&audio=on&retry=20");
    assert_eq!(
        quote.steps[0]
            .costs
            .as_ref()
            .unwrap()
            .cost_per_accepted_output,
        d("4")
    );
    assert_eq!(quote.cost_per_action, Some(d("4")));
}

#[test]
fn retry_50_with_cap_of_3() {
    // r = 0.5, K = 3: attempts (1 - 0.5^3) / (1 - 0.5) = 0.875 / 0.5 = 1.75; p(no output) = 0.5^3 = 0.125
    let quote = q("model=fal-ai/flux/dev&retry=50&max=3");
    let st = &quote.steps[0];
    assert_eq!(st.max_attempts, Some(3));
    assert_eq!(st.expected_attempts, d("1.75"));
    assert_eq!(st.p_no_output, d("0.125"));
    let c = st.costs.as_ref().unwrap();
    // cost per accepted output is still c / (1 - r) = 0.025 / 0.5 = $0.05
    assert_eq!(c.cost_per_accepted_output, d("0.05"));
    // per action = 1 x 0.025 x 1.75 = $0.04375
    assert_eq!(c.expected_cost_per_action, d("0.04375"));
}

#[test]
fn retry_0_means_one_attempt() {
    // r = 0: 1 attempt, p(no output) 0, also with a cap (0^3 = 0)
    for query in [
        "model=fal-ai/flux/dev&retry=0",
        "model=fal-ai/flux/dev&retry=0&max=3",
    ] {
        let st = &q(query).steps[0];
        assert_eq!(st.expected_attempts, d("1"), "{query}");
        assert_eq!(st.p_no_output, d("0"), "{query}");
        assert_eq!(
            st.costs.as_ref().unwrap().expected_cost_per_action,
            d("0.025"),
            "{query}"
        );
    }
}

#[test]
fn retry_99_5_works() {
    // r = 0.995: attempts 1 / 0.005 = 200; per action 0.025 x 200 = $5
    let quote = q("model=fal-ai/flux/dev&retry=99.5");
    assert_eq!(quote.steps[0].expected_attempts, d("200"));
    assert_eq!(quote.cost_per_action, Some(d("5")));
}

#[test]
fn retry_100_is_no_output_accepted() {
    assert_eq!(
        parse_err("model=fal-ai/flux/dev&retry=100"),
        Error::NoOutputAccepted("retry".into())
    );
    // the same from a scenario built in code
    let step = Step {
        retry_percent: d("100"),
        ..Step::new("fal-ai/flux/dev")
    };
    let e = quote(cat(), &Scenario::single(step)).unwrap_err();
    assert_eq!(e, Error::NoOutputAccepted("retry".into()));
    assert!(e.to_string().contains("100 %"), "{e}");
}

#[test]
fn retry_out_of_range_or_not_a_number_is_invalid() {
    for bad in ["101", "-1", "abc"] {
        let e = parse_err(&format!("model=fal-ai/flux/dev&retry={bad}"));
        match &e {
            Error::InvalidValue {
                key,
                value,
                allowed,
                ..
            } => {
                assert_eq!(key, "retry");
                assert_eq!(value, bad);
                assert!(allowed.contains("percentage"), "{allowed}");
            }
            other => panic!("retry={bad}: expected InvalidValue, got {other:?}"),
        }
        assert_eq!(e.key(), Some("retry"));
    }
}

#[test]
fn failover_blends_primary_and_fallback() {
    // 1024x768: flux/dev 1 MP x $0.025; flux-pro/v1.1 1 MP x $0.04
    // blend = 0.9 x 0.025 + 0.1 x 0.04 = 0.0225 + 0.004 = $0.0265
    let quote = q("model=fal-ai/flux/dev&fallback=fal-ai/flux-pro/v1.1&failover=10&w=1024&h=768");
    let st = &quote.steps[0];
    assert_eq!(st.costs.as_ref().unwrap().cost_per_generation, d("0.0265"));
    let (share, fb) = st.fallback.as_ref().unwrap();
    assert_eq!(*share, d("0.1"));
    assert_eq!(fb.cost(), Some(d("0.04")));
    assert_eq!(quote.cost_per_action, Some(d("0.0265")));
    assert_eq!(
        money::display_usd(quote.cost_per_action.unwrap()),
        "$0.0265"
    );
    // with retry=20: blend $0.0265 (above) x 1 / (1 - 0.2) = $0.033125 per action
    assert_eq!(
        q("model=fal-ai/flux/dev&fallback=fal-ai/flux-pro/v1.1&failover=10&retry=20")
            .cost_per_action,
        Some(d("0.033125"))
    );
}

#[test]
fn failover_to_an_unknown_price_makes_the_step_unknown() {
    // fal-ai/stable-audio has no known price: 70 % x $0.20 + 30 % x unknown = unknown
    let quote = q("model=fal-ai/stable-audio-25/text-to-audio&sec=30&fallback=fal-ai/stable-audio&failover=30");
    let reason = quote.steps[0].costs.as_ref().unwrap_err();
    assert!(reason.contains("fallback fal-ai/stable-audio"), "{reason}");
    assert_eq!(quote.cost_per_action, None);
    let j = report::to_json(&quote);
    assert_eq!(
        j["steps"][0]["fallback"]["fallback_cost_per_generation"],
        Value::Null
    );
    assert_eq!(
        j["steps"][0]["fallback"]["primary_cost_per_generation"],
        "0.2"
    );
}

#[test]
fn fallback_without_failover_is_missing_failover() {
    assert_eq!(
        parse_err("model=fal-ai/flux/dev&fallback=fal-ai/flux-pro/v1.1"),
        Error::Missing("failover".into())
    );
    // and the other way round
    assert_eq!(
        parse_err("model=fal-ai/flux/dev&failover=10"),
        Error::Missing("fallback".into())
    );
    // on step 2 the key carries its prefix
    assert_eq!(
        parse_err(
            "model=fal-ai/flux/dev&s2.model=fal-ai/flux/dev&s2.fallback=fal-ai/flux-pro/v1.1"
        ),
        Error::Missing("s2.failover".into())
    );
}

#[test]
fn fallback_to_an_unknown_model_names_it() {
    let e = quote_err("model=fal-ai/flux/dev&fallback=fal-ai/nope&failover=10");
    assert!(
        matches!(&e, Error::InvalidValue { key, value, .. } if key == "fallback" && value == "fal-ai/nope"),
        "{e:?}"
    );
    assert!(e.to_string().contains("fal-ai/nope"), "{e}");
}

#[test]
fn workflow_make_my_avatar_is_the_sum_of_its_parts() {
    // step 1: 4 x flux/dev 1024x1024 = 4 x 1 MP x $0.025 = $0.10
    // step 2: 1 x flux-2-pro 2048x2048 ("upscale") = $0.03 + 3 x $0.015 = $0.075
    // step 3: 1 x kling 2.5 turbo pro 5 s = $0.35
    // total = 0.10 + 0.075 + 0.35 = $0.525
    let quote = q("model=fal-ai/flux/dev&w=1024&h=1024&n=4\
                   &s2.model=fal-ai/flux-2-pro&s2.w=2048&s2.h=2048\
                   &s3.model=fal-ai/kling-video/v2.5-turbo/pro/image-to-video&s3.sec=5\
                   &actions=10000");
    let per_step: Vec<Decimal> = quote
        .steps
        .iter()
        .map(|s| s.costs.as_ref().unwrap().expected_cost_per_action)
        .collect();
    assert_eq!(per_step, vec![d("0.1"), d("0.075"), d("0.35")]);
    assert_eq!(quote.cost_per_action, Some(d("0.525")));
    // monthly = 0.525 x 10,000 = $5,250
    assert_eq!(quote.actions_per_month, Some(d("10000")));
    assert_eq!(quote.monthly, Some(d("5250")));
    assert_eq!(money::display_usd(quote.monthly.unwrap()), "$5,250.00");
    // actions per dollar = 1 / 0.525 = 1.904761...
    assert_eq!(quote.actions_per_dollar, Some(Decimal::ONE / d("0.525")));
    assert!(quote
        .actions_per_dollar
        .unwrap()
        .to_string()
        .starts_with("1.90476190476"));
    // actions=0: 0.025 x 0 = $0 a month (a known zero, not unknown)
    assert_eq!(q("model=fal-ai/flux/dev&actions=0").monthly, Some(d("0")));
}

#[test]
fn workflow_with_an_unknown_step_has_no_total_but_keeps_the_known_steps() {
    // step 1 known ($0.025), step 2 unknown -> total unknown, monthly unknown
    let quote = q("model=fal-ai/flux/dev&s2.model=fal-ai/stable-audio&actions=100");
    assert_eq!(
        quote.steps[0].costs.as_ref().unwrap().cost_per_generation,
        d("0.025")
    );
    assert!(quote.steps[1].costs.is_err());
    assert_eq!(quote.cost_per_action, None);
    assert_eq!(quote.monthly, None);
    assert!(quote
        .unknown_reason()
        .unwrap()
        .starts_with("step 2 (fal-ai/stable-audio)"));
}

// ---------------------------------------------------------------------------------------------
// 3. Bad input: clear errors naming the key / model and what is allowed

#[test]
fn unknown_key_for_the_model() {
    let e = quote_err("model=fal-ai/flux/dev&foo=1");
    match &e {
        Error::UnknownKey {
            key,
            model,
            allowed,
        } => {
            assert_eq!(key, "foo");
            assert_eq!(model.as_deref(), Some("fal-ai/flux/dev"));
            assert_eq!(allowed, "w, h");
        }
        other => panic!("expected UnknownKey, got {other:?}"),
    }
    assert_eq!(
        e.to_string(),
        "unknown key `foo` for `fal-ai/flux/dev`: allowed w, h"
    );
}

#[test]
fn unknown_key_on_step_2_names_the_prefixed_key() {
    let e = quote_err("model=fal-ai/flux/dev&s2.model=fal-ai/veo3&s2.bogus=1");
    assert!(
        matches!(&e, Error::UnknownKey { key, model: Some(m), allowed }
            if key == "s2.bogus" && m == "fal-ai/veo3" && allowed == "sec, audio, resolution"),
        "{e:?}"
    );
}

#[test]
fn option_of_a_model_without_options() {
    let e = quote_err("model=fal-ai/minimax/hailuo-2.3/pro/text-to-video&sec=6");
    assert!(
        matches!(&e, Error::UnknownKey { key, allowed, .. } if key == "sec" && allowed == "no options"),
        "{e:?}"
    );
}

#[test]
fn duplicated_key() {
    assert_eq!(
        parse_err("model=fal-ai/flux/dev&w=512&w=1024"),
        Error::Duplicate("w".into())
    );
    let p = parse_query_lenient("model=fal-ai/flux/dev&w=512&w=1024", &[]);
    // the first value is kept
    assert_eq!(p.scenario.steps[0].options["w"], "512");
    assert_eq!(p.raw["w"], "512");
    assert_eq!(p.errors, vec![Error::Duplicate("w".into())]);
}

#[test]
fn step_3_without_step_2() {
    let p = parse_query_lenient("model=fal-ai/flux/dev&s3.model=fal-ai/veo3", &[]);
    assert_eq!(p.errors, vec![Error::Missing("s2.model".into())]);
    // steps 1 and 3 are kept
    assert_eq!(p.scenario.steps.len(), 3);
    assert_eq!(p.scenario.steps[2].model, "fal-ai/veo3");
}

#[test]
fn bad_step_prefixes_are_unknown_keys() {
    let e = parse_err("model=fal-ai/flux/dev&s1.model=fal-ai/veo3");
    match &e {
        Error::UnknownKey { key, allowed, .. } => {
            assert_eq!(key, "s1.model");
            assert!(allowed.contains("step 1 has no prefix"), "{allowed}");
        }
        other => panic!("expected UnknownKey, got {other:?}"),
    }
    // s21. is past the last step
    assert!(
        matches!(parse_err("model=fal-ai/flux/dev&s21.model=x"), Error::UnknownKey { key, .. } if key == "s21.model")
    );
    // a bare prefix
    let e = parse_err("model=fal-ai/flux/dev&s3.=1");
    assert!(
        matches!(&e, Error::UnknownKey { key, .. } if key == "s3."),
        "{e:?}"
    );
    // `actions` belongs to the scenario, not to a step
    let e = parse_err("model=fal-ai/flux/dev&s2.model=fal-ai/flux/dev&s2.actions=5");
    assert!(
        matches!(&e, Error::UnknownKey { key, .. } if key == "s2.actions"),
        "{e:?}"
    );
}

#[test]
fn missing_model() {
    assert_eq!(parse_err("w=1024&h=768"), Error::Missing("model".into()));
    assert_eq!(parse_err(""), Error::Missing("model".into()));
    assert_eq!(parse_err("model="), Error::Missing("model".into()));
    assert_eq!(
        parse_err("model=fal-ai/flux/dev&s2.sec=5"),
        Error::Missing("s2.model".into())
    );
}

#[test]
fn unknown_model_id_is_named() {
    let e = quote_err("model=fal-ai/flux/nope");
    assert!(
        matches!(&e, Error::InvalidValue { key, value, .. } if key == "model" && value == "fal-ai/flux/nope"),
        "{e:?}"
    );
    assert!(e.to_string().contains("fal-ai/flux/nope"), "{e}");
    // on step 2
    let e = quote_err("model=fal-ai/flux/dev&s2.model=acme/none");
    assert!(
        matches!(&e, Error::InvalidValue { key, value, .. } if key == "s2.model" && value == "acme/none"),
        "{e:?}"
    );
    // the catalog itself
    assert_eq!(
        cat().model("acme/none").unwrap_err(),
        Error::UnknownModel("acme/none".into())
    );
}

#[test]
fn veo3_sec_7_lists_the_allowed_durations() {
    let e = quote_err("model=fal-ai/veo3&sec=7");
    match &e {
        Error::InvalidValue {
            key,
            value,
            model,
            allowed,
        } => {
            assert_eq!(key, "sec");
            assert_eq!(value, "7");
            assert_eq!(model.as_deref(), Some("fal-ai/veo3"));
            assert_eq!(allowed, "one of 4, 6, 8");
        }
        other => panic!("expected InvalidValue, got {other:?}"),
    }
    assert!(e.to_string().contains("4, 6, 8"), "{e}");
}

#[test]
fn flux_dev_width_zero_or_text() {
    for bad in ["0", "abc", "-5", "14143", "1.5"] {
        let e = quote_err(&format!("model=fal-ai/flux/dev&w={bad}"));
        match &e {
            Error::InvalidValue {
                key,
                value,
                model,
                allowed,
            } => {
                assert_eq!(key, "w");
                assert_eq!(value, bad);
                assert_eq!(model.as_deref(), Some("fal-ai/flux/dev"));
                assert_eq!(allowed, "a whole number from 1 to 14142");
            }
            other => panic!("w={bad}: expected InvalidValue, got {other:?}"),
        }
    }
}

#[test]
fn kling_o3_duration_outside_its_range() {
    for bad in ["2", "16", "3.5"] {
        let e = quote_err(&format!(
            "model=fal-ai/kling-video/o3/4k/text-to-video&sec={bad}"
        ));
        assert!(
            matches!(&e, Error::InvalidValue { key, allowed, .. } if key == "sec" && allowed == "a whole number from 3 to 15"),
            "sec={bad}: {e:?}"
        );
    }
}

#[test]
fn n_must_be_a_whole_number_from_1() {
    for bad in ["0", "1.5", "-1", "x", "100001"] {
        let e = parse_err(&format!("model=fal-ai/flux/dev&n={bad}"));
        assert!(
            matches!(&e, Error::InvalidValue { key, value, allowed, .. }
                if key == "n" && value == bad && allowed == "a whole number from 1 to 100000"),
            "n={bad}: {e:?}"
        );
    }
}

#[test]
fn max_must_be_at_least_1() {
    for bad in ["0", "1001", "2.5"] {
        let e = parse_err(&format!("model=fal-ai/flux/dev&retry=20&max={bad}"));
        assert!(
            matches!(&e, Error::InvalidValue { key, value, .. } if key == "max" && value == bad),
            "max={bad}: {e:?}"
        );
    }
}

#[test]
fn failover_over_100_percent() {
    let e = parse_err("model=fal-ai/flux/dev&fallback=fal-ai/flux-pro/v1.1&failover=150");
    assert!(
        matches!(&e, Error::InvalidValue { key, value, allowed, .. }
            if key == "failover" && value == "150" && allowed == "a percentage from 0 to 100"),
        "{e:?}"
    );
    // and only that error: the failover was given
    let p = parse_query_lenient(
        "model=fal-ai/flux/dev&fallback=fal-ai/flux-pro/v1.1&failover=150",
        &[],
    );
    assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
}

#[test]
fn negative_actions() {
    let e = parse_err("model=fal-ai/flux/dev&actions=-5");
    assert!(
        matches!(&e, Error::InvalidValue { key, value, allowed, .. }
            if key == "actions" && value == "-5" && allowed.contains("0 to 1000000000")),
        "{e:?}"
    );
    let e = parse_err("model=fal-ai/flux/dev&actions=lots");
    assert!(
        matches!(&e, Error::InvalidValue { key, .. } if key == "actions"),
        "{e:?}"
    );
}

#[test]
fn bad_percent_encoding() {
    let e = parse_err("model=fal-ai/flux/dev&w=%zz");
    match &e {
        Error::InvalidValue {
            key,
            value,
            allowed,
            ..
        } => {
            assert_eq!(key, "w");
            assert_eq!(value, "%zz");
            assert!(allowed.contains("percent-encoded"), "{allowed}");
        }
        other => panic!("expected InvalidValue, got {other:?}"),
    }
    // a truncated escape too
    assert!(
        matches!(parse_err("model=fal-ai/flux/dev&w=10%2"), Error::InvalidValue { key, .. } if key == "w")
    );
}

#[test]
fn bad_percent_encoding_keeps_the_rest_in_lenient_mode() {
    let p = parse_query_lenient("model=fal-ai/veo3&sec=%zz&audio=off", &[]);
    assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    assert_eq!(p.errors[0].key(), Some("sec"));
    assert_eq!(p.scenario.steps[0].model, "fal-ai/veo3");
    assert_eq!(p.scenario.steps[0].options["audio"], "off");
}

#[test]
fn empty_value() {
    let e = parse_err("model=fal-ai/flux/dev&w=");
    assert!(
        matches!(&e, Error::InvalidValue { key, value, .. } if key == "w" && value.is_empty()),
        "{e:?}"
    );
    // kept, so a form can show the field
    let p = parse_query_lenient("model=fal-ai/flux/dev&w=&h=512", &[]);
    assert_eq!(p.errors.len(), 1);
    assert_eq!(p.raw["w"], "");
    assert_eq!(p.scenario.steps[0].options["h"], "512");
    // empty numbers of the step
    for key in ["retry", "n", "max", "failover", "fallback", "actions"] {
        let p = parse_query_lenient(&format!("model=fal-ai/flux/dev&{key}="), &[]);
        assert!(
            p.errors.iter().any(|e| e.key() == Some(key)),
            "{key}=: {:?}",
            p.errors
        );
    }
}

#[test]
fn lenient_parse_keeps_everything_else() {
    let p = parse_query_lenient(
        "model=fal-ai/veo3&sec=8&retry=abc&s2.model=fal-ai/flux/dev",
        &[],
    );
    assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    assert!(
        matches!(&p.errors[0], Error::InvalidValue { key, value, .. } if key == "retry" && value == "abc")
    );
    assert_eq!(p.scenario.steps.len(), 2);
    assert_eq!(p.scenario.steps[0].model, "fal-ai/veo3");
    assert_eq!(p.scenario.steps[0].options["sec"], "8");
    assert_eq!(p.scenario.steps[0].retry_percent, d("0"));
    assert_eq!(p.scenario.steps[1].model, "fal-ai/flux/dev");
    assert_eq!(p.raw["retry"], "abc");
}

#[test]
fn lenient_parse_collects_every_error() {
    let p = parse_query_lenient(
        "model=fal-ai/flux/dev&w=512&n=0&max=0&actions=-5&s1.sec=4",
        &[],
    );
    let keys: Vec<Option<&str>> = p.errors.iter().map(Error::key).collect();
    // the link's own problems first, then each step's fields by name, then `actions`
    assert_eq!(
        keys,
        vec![Some("s1.sec"), Some("max"), Some("n"), Some("actions")],
        "{:?}",
        p.errors
    );
    assert_eq!(p.scenario.steps[0].model, "fal-ai/flux/dev");
    assert_eq!(p.scenario.steps[0].options["w"], "512");
    assert_eq!(p.raw["n"], "0");
}

#[test]
fn lenient_parse_skips_the_pages_own_keys() {
    let p = parse_query_lenient(
        "model=fal-ai/flux/dev&embed=1&catalog=x.json",
        &["embed", "catalog"],
    );
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert!(p.scenario.steps[0].options.is_empty());
    // without the ignore list, `embed` would be taken for a model option and refused by the quote
    let e = quote_err("model=fal-ai/flux/dev&embed=1");
    assert!(matches!(&e, Error::UnknownKey { key, .. } if key == "embed"));
}

#[test]
fn scenario_built_in_code_is_checked_too() {
    let step = Step {
        n: 0,
        ..Step::new("fal-ai/flux/dev")
    };
    let e = quote(cat(), &Scenario::single(step)).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidValue { key, .. } if key == "n"),
        "{e:?}"
    );
    let step = Step {
        retry_percent: d("-1"),
        ..Step::new("fal-ai/flux/dev")
    };
    let e = quote(cat(), &Scenario::single(step)).unwrap_err();
    assert!(
        matches!(&e, Error::InvalidValue { key, .. } if key == "retry"),
        "{e:?}"
    );
    let e = quote(cat(), &Scenario::default()).unwrap_err();
    assert_eq!(e, Error::Missing("model".into()));
    let s = Scenario {
        actions_per_month: Some(d("-5")),
        ..Scenario::single(Step::new("fal-ai/flux/dev"))
    };
    assert!(
        matches!(quote(cat(), &s).unwrap_err(), Error::InvalidValue { key, .. } if key == "actions")
    );
}

// Engine bugs found by probing the lenient parser (see the final report).

#[test]
fn lenient_bad_encoding_with_a_trailing_ampersand_reports_one_error() {
    // pairs() skips empty pairs, so `model=..&w=1024&` is fine; with a bad escape, the fallback
    // re-split keeps the empty pair and reports it as an unknown key "".
    let p = parse_query_lenient("model=fal-ai/flux/dev&w=%zz&", &[]);
    assert_eq!(p.errors.len(), 1, "{:?}", p.errors);
    assert_eq!(p.errors[0].key(), Some("w"));
}

#[test]
fn lenient_reports_every_bad_percent_encoding() {
    // h=%yy is dropped without an error, so the quote would silently use the default height.
    let p = parse_query_lenient("model=fal-ai/flux/dev&w=%zz&h=%yy", &[]);
    let keys: Vec<Option<&str>> = p.errors.iter().map(Error::key).collect();
    assert_eq!(keys, vec![Some("w"), Some("h")], "{:?}", p.errors);
}

#[test]
fn bare_query_with_a_url_value_is_still_a_query() {
    let p = parse_query_lenient(
        "model=fal-ai/flux/dev&catalog=https://example.com/c.json",
        &["catalog"],
    );
    assert!(p.errors.is_empty(), "{:?}", p.errors);
    assert_eq!(p.scenario.steps[0].model, "fal-ai/flux/dev");
}

// ---------------------------------------------------------------------------------------------
// 4. Catalog loading errors name the model and the field

#[test]
fn test_model_helper_is_valid() {
    // 10 s x $0.10 = $1.00 on the helper model used below
    let c = Catalog::from_json(&catalog_text(vec![test_model("test/ok")])).unwrap();
    let quote = quote(&c, &parse_query("model=test/ok&sec=10").unwrap()).unwrap();
    assert_eq!(quote.cost_per_action, Some(d("1")));
    // a generated summary for people
    assert_eq!(
        c.model("test/ok").unwrap().summary,
        "$0.10 per video second"
    );
}

#[test]
fn catalog_bad_price_string() {
    let mut m = test_model("test/bad-price");
    m["billing"]["lines"][0]["price"] = json!("0,10");
    let problems = catalog_problems(&catalog_text(vec![m]));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        is_field_error(
            &problems[0],
            Some("test/bad-price"),
            "billing.lines[0].price",
            &["0,10", "not a decimal"]
        ),
        "{problems:?}"
    );
    assert!(problems[0]
        .to_string()
        .starts_with("model `test/bad-price`: billing.lines[0].price:"));
    // the gencost format wants decimal strings, so no price passes through a float
    let mut m = test_model("test/float-price");
    m["billing"]["lines"][0]["price"] = json!(0.1);
    let problems = catalog_problems(&catalog_text(vec![m]));
    assert!(
        is_field_error(
            &problems[0],
            Some("test/float-price"),
            "billing.lines[0].price",
            &["decimal string"]
        ),
        "{problems:?}"
    );
}

#[test]
fn catalog_unknown_kind() {
    let mut m = test_model("test/bad-kind");
    m["kind"] = json!("music");
    let problems = catalog_problems(&catalog_text(vec![m]));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        is_field_error(
            &problems[0],
            Some("test/bad-kind"),
            "kind",
            &["music", "image, video, audio, other"]
        ),
        "{problems:?}"
    );
}

#[test]
fn catalog_option_default_outside_its_range() {
    let mut m = test_model("test/bad-default");
    m["options"][0]["default"] = json!("12");
    let problems = catalog_problems(&catalog_text(vec![m]));
    assert!(
        is_field_error(
            &problems[0],
            Some("test/bad-default"),
            "options[0] (sec)",
            &["\"12\"", "a whole number from 1 to 10"]
        ),
        "{problems:?}"
    );
}

#[test]
fn catalog_bad_option_default_is_reported_once() {
    let mut m = test_model("test/bad-default");
    m["options"][0]["default"] = json!("12");
    let problems = catalog_problems(&catalog_text(vec![m]));
    assert_eq!(problems.len(), 1, "{problems:?}");
}

#[test]
fn catalog_table_key_with_a_wrong_value() {
    let mut m = test_model("test/bad-table");
    m["billing"]["lines"][0]["price"] =
        json!({"by": ["audio"], "values": {"off": "0.10", "maybe": "0.20"}});
    let problems = catalog_problems(&catalog_text(vec![m]));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        is_field_error(
            &problems[0],
            Some("test/bad-table"),
            "billing.lines[0].price",
            &["\"maybe\"", "one of off, on"]
        ),
        "{problems:?}"
    );
    // a key with the wrong number of parts
    let mut m = test_model("test/bad-parts");
    m["billing"]["lines"][0]["price"] = json!({"by": ["audio", "sec"], "values": {"off": "0.10"}});
    let problems = catalog_problems(&catalog_text(vec![m]));
    assert!(
        is_field_error(
            &problems[0],
            Some("test/bad-parts"),
            "billing.lines[0].price",
            &["2 part(s)"]
        ),
        "{problems:?}"
    );
}

#[test]
fn catalog_quantity_naming_a_missing_option() {
    let mut m = test_model("test/bad-quantity");
    m["billing"]["lines"][0]["quantity"] = json!({"option": "frames"});
    let problems = catalog_problems(&catalog_text(vec![m]));
    assert!(
        is_field_error(
            &problems[0],
            Some("test/bad-quantity"),
            "billing.lines[0].quantity",
            &["frames"]
        ),
        "{problems:?}"
    );
}

#[test]
fn catalog_duplicate_ids() {
    let problems = catalog_problems(&catalog_text(vec![
        test_model("test/twice"),
        test_model("test/twice"),
    ]));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        is_field_error(&problems[0], Some("test/twice"), "id", &["more than once"]),
        "{problems:?}"
    );
}

#[test]
fn catalog_missing_version() {
    let text =
        json!({"format": "gencost-catalog", "currency": "USD", "models": [test_model("test/ok")]})
            .to_string();
    let problems = catalog_problems(&text);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        is_field_error(&problems[0], None, "version", &["missing", "1"]),
        "{problems:?}"
    );
    assert_eq!(problems[0].to_string(), "catalog: version: missing; use 1");
    // a future version is refused too
    let text = json!({"format": "gencost-catalog", "version": 2, "models": [test_model("test/ok")]})
        .to_string();
    assert!(is_field_error(
        &catalog_problems(&text)[0],
        None,
        "version",
        &["version 2"]
    ));
}

#[test]
fn catalog_not_json() {
    match Catalog::from_json("models: [flux]") {
        Err(Error::CatalogJson(msg)) => assert!(!msg.is_empty()),
        other => panic!("expected CatalogJson, got {other:?}"),
    }
    let e = Catalog::from_json("").unwrap_err();
    assert!(
        e.to_string().starts_with("catalog is not valid JSON"),
        "{e}"
    );
}

#[test]
fn catalog_lists_every_problem_at_once() {
    let mut a = test_model("test/a");
    a["kind"] = json!("music");
    let mut b = test_model("test/b");
    b["billing"]["lines"][0]["price"] = json!("abc");
    let problems = catalog_problems(&catalog_text(vec![a, b, test_model("test/ok")]));
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(is_field_error(&problems[0], Some("test/a"), "kind", &[]));
    assert!(is_field_error(
        &problems[1],
        Some("test/b"),
        "billing.lines[0].price",
        &["abc"]
    ));
}

#[test]
fn catalog_unknown_field_names_the_model() {
    let mut m = test_model("test/extra");
    m["prise"] = json!("0.1");
    let problems = catalog_problems(&catalog_text(vec![m]));
    assert!(
        is_field_error(&problems[0], Some("test/extra"), "(shape)", &["prise"]),
        "{problems:?}"
    );
}

#[test]
fn catalog_multiplier_and_add_on_line() {
    // documented shapes not used by the default catalog:
    // an add-on per second with audio on, and x1.5 at 4k.
    let mut m = test_model("test/shapes");
    m["options"] = json!([
        {"name": "sec", "min": "1", "max": "10", "step": "1", "default": "5", "unit": "s"},
        {"name": "audio", "values": ["off", "on"], "default": "off"},
        {"name": "resolution", "values": ["720p", "4k"], "default": "720p"}
    ]);
    m["billing"] = json!({
        "lines": [
            {"label": "video seconds", "quantity": {"option": "sec"}, "price": "0.08"},
            {"label": "audio seconds", "quantity": {"option": "sec"}, "price": "0.02", "when": {"audio": "on"}}
        ],
        "multipliers": [{"label": "4k", "when": {"resolution": "4k"}, "factor": "1.5"}]
    });
    let c = Catalog::from_json(&catalog_text(vec![m])).unwrap();
    let cost = |query: &str| {
        quote(&c, &parse_query(query).unwrap())
            .unwrap()
            .cost_per_action
            .unwrap()
    };
    // 5 s x $0.08 = $0.40
    assert_eq!(cost("model=test/shapes"), d("0.40"));
    // 5 s x ($0.08 + $0.02) = $0.50
    assert_eq!(cost("model=test/shapes&audio=on"), d("0.50"));
    // 5 s x ($0.08 + $0.02) = $0.50 x 1.5 = $0.75
    assert_eq!(cost("model=test/shapes&audio=on&resolution=4k"), d("0.75"));
}

#[test]
fn catalog_custom_px_per_mp() {
    // a provider that counts 1 MP = 1,000,000 px: 1024x1024 = 1.048576 MP -> 2 MP x $0.01 = $0.02
    let m = json!({
        "id": "test/mp", "name": "MP", "provider": "other", "kind": "image",
        "options": [
            {"name": "w", "min": "1", "max": "4096", "step": "1", "default": "1024"},
            {"name": "h", "min": "1", "max": "4096", "step": "1", "default": "1024"}
        ],
        "billing": {"lines": [{"label": "megapixels", "quantity": {"megapixels": ["w", "h"], "px_per_mp": "1000000"},
                               "round_up_to": "1", "min": "1", "price": "0.01"}]},
        "source": "https://example.com", "verified": "2026-11-22"
    });
    let c = Catalog::from_json(&catalog_text(vec![m])).unwrap();
    let quote = quote(&c, &parse_query("model=test/mp").unwrap()).unwrap();
    assert_eq!(quote.cost_per_action, Some(d("0.02")));
}

// --- the fal pricing-API response loader

#[test]
fn fal_images() {
    // 1 image x $0.04 = $0.04
    let c = fal_catalog(vec![fal_row("fal-ai/recraft-v3", json!(0.04), "images")]);
    assert_eq!(
        quote(&c, &parse_query("model=fal-ai/recraft-v3").unwrap())
            .unwrap()
            .cost_per_action,
        Some(d("0.04"))
    );
    assert_eq!(c.model("fal-ai/recraft-v3").unwrap().kind.as_str(), "image");
    // " images " is "images": 1 x $0.039 = $0.039
    let c = fal_catalog(vec![fal_row(
        "fal-ai/nano-banana",
        json!(0.039),
        " images ",
    )]);
    assert_eq!(
        quote(&c, &parse_query("model=fal-ai/nano-banana").unwrap())
            .unwrap()
            .cost_per_action,
        Some(d("0.039"))
    );
}

#[test]
fn fal_megapixels() {
    // flux/dev 0.025 per MP at fal's default 1024x768: 0.75 MP -> 1 MP x $0.025 = $0.025
    let c = fal_catalog(vec![fal_row("fal-ai/flux/dev", json!(0.025), "megapixels")]);
    let cost = |query: &str| {
        quote(&c, &parse_query(query).unwrap())
            .unwrap()
            .cost_per_action
            .unwrap()
    };
    assert_eq!(cost("model=fal-ai/flux/dev"), d("0.025"));
    assert_eq!(cost("model=fal-ai/flux/dev&w=1024&h=768"), d("0.025"));
    // 1920x1080 -> 2 MP x $0.025 = $0.05
    assert_eq!(cost("model=fal-ai/flux/dev&w=1920&h=1080"), d("0.05"));
}

#[test]
fn fal_seconds() {
    // veo3 audio on at $0.4 per second: 8 s x $0.4 = $3.2
    let c = fal_catalog(vec![fal_row("fal-ai/veo3", json!(0.4), "seconds")]);
    assert_eq!(
        quote(&c, &parse_query("model=fal-ai/veo3&sec=8").unwrap())
            .unwrap()
            .cost_per_action,
        Some(d("3.2"))
    );
    // default 5 s x $0.4 = $2
    assert_eq!(
        quote(&c, &parse_query("model=fal-ai/veo3").unwrap())
            .unwrap()
            .cost_per_action,
        Some(d("2"))
    );
}

#[test]
fn fal_thousand_characters() {
    // 1500 chars / 1000 x $0.06 = $0.09
    let c = fal_catalog(vec![fal_row(
        "fal-ai/minimax/speech-02-turbo",
        json!(0.06),
        "1000 characters",
    )]);
    let quote = quote(
        &c,
        &parse_query("model=fal-ai/minimax/speech-02-turbo&chars=1500").unwrap(),
    )
    .unwrap();
    assert_eq!(quote.cost_per_action, Some(d("0.09")));
}

#[test]
fn fal_compute_seconds_priced_zero_is_unknown_never_zero() {
    let c = fal_catalog(vec![fal_row(
        "fal-ai/stable-audio",
        json!(0),
        "compute seconds",
    )]);
    let reason = unknown_reason(&c, "fal-ai/stable-audio");
    assert!(
        reason.contains("$0") && reason.contains("compute seconds"),
        "{reason}"
    );
    let quote = quote(&c, &parse_query("model=fal-ai/stable-audio").unwrap()).unwrap();
    assert_eq!(quote.cost_per_action, None);
    assert_eq!(report::to_json(&quote)["cost_per_action"], Value::Null);
}

#[test]
fn fal_compute_seconds_with_a_price() {
    // 10 s (default) x $0.0005 = $0.005
    let c = fal_catalog(vec![fal_row(
        "fal-ai/some-runner",
        json!("0.0005"),
        "compute seconds",
    )]);
    assert_eq!(
        quote(&c, &parse_query("model=fal-ai/some-runner").unwrap())
            .unwrap()
            .cost_per_action,
        Some(d("0.005"))
    );
}

#[test]
fn fal_ambiguous_units_are_unknown() {
    let c = fal_catalog(vec![
        fal_row("a/units", json!(0.014), "units"),
        fal_row("a/credits", json!(1), "credits"),
        fal_row("a/five", json!(0.5), "5 seconds"),
        fal_row("a/empty", json!(0.1), ""),
    ]);
    assert!(unknown_reason(&c, "a/units").contains("\"units\""));
    assert!(unknown_reason(&c, "a/credits").contains("\"credits\""));
    assert!(unknown_reason(&c, "a/five").contains("\"5 seconds\""));
    assert!(unknown_reason(&c, "a/empty").contains("no unit"));
    for id in ["a/units", "a/credits", "a/five", "a/empty"] {
        let quote = quote(&c, &parse_query(&format!("model={id}")).unwrap()).unwrap();
        assert_eq!(quote.cost_per_action, None, "{id}");
    }
    // a price in another currency is not converted
    let c = fal_catalog(vec![
        json!({"endpoint_id": "x/eur", "unit_price": 0.05, "unit": "images", "currency": "EUR"}),
    ]);
    assert!(unknown_reason(&c, "x/eur").contains("EUR"));
}

#[test]
fn fal_unit_price_keeps_every_digit() {
    // a JSON number with 19 decimal places must not pass through an f64 (which keeps about 17 significant digits)
    let text = r#"{"prices":[{"endpoint_id":"x/precise","unit_price":0.0123456789012345678,"unit":"images","currency":"USD"}]}"#;
    let c = Catalog::from_json(text).unwrap();
    let quote = quote(&c, &parse_query("model=x/precise").unwrap()).unwrap();
    assert_eq!(quote.cost_per_action, Some(d("0.0123456789012345678")));
    assert_eq!(
        money::exact(quote.cost_per_action.unwrap()),
        "0.0123456789012345678"
    );
}

#[test]
fn fal_price_as_a_string_and_bad_rows() {
    // a string price is read exactly too: 1 x $0.055 = $0.055
    let c = fal_catalog(vec![fal_row("x/str", json!("0.055"), "image")]);
    assert_eq!(
        quote(&c, &parse_query("model=x/str").unwrap())
            .unwrap()
            .cost_per_action,
        Some(d("0.055"))
    );
    // a negative price and a missing endpoint id are errors naming the row
    let text = json!({"prices": [
        {"endpoint_id": "x/neg", "unit_price": -1, "unit": "images"},
        {"unit_price": 1, "unit": "images"}
    ]})
    .to_string();
    let problems = catalog_problems(&text);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        is_field_error(&problems[0], Some("x/neg"), "unit_price", &[]),
        "{problems:?}"
    );
    assert!(
        is_field_error(&problems[1], Some("prices[1]"), "endpoint_id", &["missing"]),
        "{problems:?}"
    );
}

#[test]
fn fal_unit_price_in_exponent_notation() {
    // 1000 tokens (the default) / 1000 x $0.00001 = $0.00001
    let text = r#"{"prices":[{"endpoint_id":"x/tiny","unit_price":1e-05,"unit":"1000 tokens","currency":"USD"}]}"#;
    let c = Catalog::from_json(text).expect("1e-05 is a valid JSON number");
    let quote = quote(&c, &parse_query("model=x/tiny").unwrap()).unwrap();
    assert_eq!(quote.cost_per_action, Some(d("0.00001")));
}

// ---------------------------------------------------------------------------------------------
// 5. The share-URL codec

fn three_step_scenario() -> Scenario {
    Scenario {
        steps: vec![
            Step {
                n: 4,
                retry_percent: d("12.5"),
                max_attempts: Some(3),
                fallback: Some(Fallback {
                    model: "fal-ai/flux-pro/v1.1".into(),
                    percent: d("10"),
                }),
                ..Step::new("fal-ai/flux/dev")
                    .with("w", "1024")
                    .with("h", "1024")
            },
            Step::new("fal-ai/veo3")
                .with("sec", "6")
                .with("audio", "off")
                .with("resolution", "1080p"),
            Step {
                retry_percent: d("20"),
                ..Step::new("fal-ai/minimax/speech-02-turbo").with("chars", "1500")
            },
        ],
        actions_per_month: Some(d("10000")),
    }
}

#[test]
fn share_url_writes_readable_keys() {
    assert_eq!(
        to_query(&three_step_scenario()),
        "model=fal-ai/flux/dev&w=1024&h=1024&n=4&retry=12.5&max=3&fallback=fal-ai/flux-pro/v1.1&failover=10\
         &s2.model=fal-ai/veo3&s2.sec=6&s2.audio=off&s2.resolution=1080p\
         &s3.model=fal-ai/minimax/speech-02-turbo&s3.chars=1500&s3.retry=20\
         &actions=10000"
    );
    // defaults (n=1, retry=0, no cap, no fallback) are left out
    assert_eq!(
        to_query(&Scenario::single(Step::new("fal-ai/flux/dev"))),
        "model=fal-ai/flux/dev"
    );
}

#[test]
fn share_url_round_trips_a_3_step_scenario() {
    let s = three_step_scenario();
    let back = parse_query(&to_query(&s)).unwrap();
    assert_eq!(back, s);
    assert_eq!(back.steps[0].retry_percent, d("12.5"));
    // and it quotes:
    // step 1: blend 0.9 x 0.025 + 0.1 x 0.04 = 0.0265; r = 0.125, K = 3:
    //   attempts (1 - 0.125^3) / 0.875 = (1 - 0.001953125) / 0.875 = 0.998046875 / 0.875 = 1.140625
    //   per action 4 x 0.0265 x 1.140625 = 0.12090625
    // step 2: veo3 6 s audio off = 6 x 0.20 = 1.20
    // step 3: 1.5 x 0.06 = 0.09 / 0.8 = 0.1125
    // total = 0.12090625 + 1.20 + 0.1125 = 1.43340625
    let quote = quote(cat(), &back).unwrap();
    assert_eq!(quote.steps[0].expected_attempts, d("1.140625"));
    assert_eq!(quote.cost_per_action, Some(d("1.43340625")));
    // 1.43340625 x 10,000 = 14,334.0625
    assert_eq!(quote.monthly, Some(d("14334.0625")));
}

#[test]
fn share_url_round_trips_values_that_need_escaping() {
    let s = Scenario::single(
        Step::new("fal-ai/flux/dev")
            .with("w", " 1024 ")
            .with("h", "7&8"),
    );
    let text = to_query(&s);
    assert_eq!(text, "model=fal-ai/flux/dev&w=%201024%20&h=7%268");
    assert_eq!(parse_query(&text).unwrap(), s);
}

#[test]
fn full_url_with_fragment_parses() {
    let s = parse_query("https://gencost.example/calc/?model=fal-ai/veo3&sec=6&audio=off#results")
        .unwrap();
    assert_eq!(s.steps.len(), 1);
    assert_eq!(s.steps[0].model, "fal-ai/veo3");
    assert_eq!(s.steps[0].options["sec"], "6");
    // the fragment is not part of the last value
    assert_eq!(s.steps[0].options["audio"], "off");
    // 6 s x $0.20 = $1.20
    assert_eq!(quote(cat(), &s).unwrap().cost_per_action, Some(d("1.2")));
    // a leading `?` alone works too; a URL without a query has no model
    assert_eq!(
        parse_query("?model=fal-ai/veo3").unwrap().steps[0].model,
        "fal-ai/veo3"
    );
    assert_eq!(
        parse_err("https://gencost.example/calc/"),
        Error::Missing("model".into())
    );
}

#[test]
fn plus_and_percent_2f_decode() {
    let s = parse_query(
        "model=fal-ai%2Fflux%2Fdev&w=+1024+&fallback=fal-ai%2fflux-pro%2Fv1.1&failover=10",
    )
    .unwrap();
    assert_eq!(s.steps[0].model, "fal-ai/flux/dev");
    assert_eq!(
        s.steps[0].fallback.as_ref().unwrap().model,
        "fal-ai/flux-pro/v1.1"
    );
    // `+` is a space; the option check trims it
    assert_eq!(s.steps[0].options["w"], " 1024 ");
    // blend at 1024x768: 0.9 x 0.025 + 0.1 x 0.04 = 0.0265
    assert_eq!(quote(cat(), &s).unwrap().cost_per_action, Some(d("0.0265")));
    // an encoded `+` stays a plus
    let p = parse_query_lenient("model=fal-ai/flux/dev&w=%2B1024", &[]);
    assert_eq!(p.raw["w"], "+1024");
    // keys decode too: %77 = "w"
    let s = parse_query("model=fal-ai/flux/dev&%77=512&h=512").unwrap();
    assert_eq!(s.steps[0].options["w"], "512");
    // a key decoded to one already given is a duplicate
    assert_eq!(
        parse_err("model=fal-ai/flux/dev&w=1&%77=2"),
        Error::Duplicate("w".into())
    );
}
