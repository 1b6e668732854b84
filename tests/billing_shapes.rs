//! Golden quotes of every billing shape against the embedded default catalog, computed by hand
//! from the published prices (the source of each is in www/catalog.json); the arithmetic is in
//! the comment above each assertion.

mod common;
#[allow(unused_imports)]
use common::*;

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
    let quote = q("model=bytedance/seedance-2.0/text-to-video&w=1280&h=720&sec=5");
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
        gen_cost("model=bytedance/seedance-2.0/text-to-video&w=1280&h=720&sec=4"),
        d("1.2222")
    );
    // 6 s: 900 x (24 x 6 + 1) = 900 x 145 = 130,500 tokens -> 130.5 x $0.014 = $1.827 (#1098: $1.83)
    assert_eq!(
        gen_cost("model=bytedance/seedance-2.0/text-to-video&w=1280&h=720&sec=6"),
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

// --- the 2026 audit: corrections

#[test]
fn flux_2_pro_sizes_outside_fals_limits_are_errors_naming_the_limit() {
    // fal's schema: 256-2560 px per side, at most 4.19 MP (4,194,304 px)
    let e = quote_err_of("model=fal-ai/flux-2-pro&w=2560&h=2560");
    assert_eq!(
        e.to_string(),
        "`w`: \"2560\" is not allowed for `fal-ai/flux-2-pro`: at most 4,194,304 px in all (w x h)"
    );
    let e = quote_err_of("model=fal-ai/flux-2-pro&w=200&h=1024");
    assert!(
        e.to_string().contains("a whole number from 256 to 2560"),
        "{e}"
    );
    // 2048 x 2048 = exactly 4,194,304 px: allowed, 4 MP: $0.03 + 3 x $0.015 = $0.075
    assert_eq!(
        gen_cost("model=fal-ai/flux-2-pro&w=2048&h=2048"),
        d("0.075")
    );
}

#[test]
fn recraft_vector_style_costs_double() {
    // fal: "$0.04 per image (or $0.08 if you are using a vector style)"
    assert_eq!(gen_cost("model=fal-ai/recraft-v3"), d("0.04"));
    assert_eq!(gen_cost("model=fal-ai/recraft-v3&style=vector"), d("0.08"));
}

#[test]
fn nano_banana_bills_the_pricing_apis_figure() {
    // fal's pricing API: unit price 0.0398 per image (the page text says $0.039)
    assert_eq!(gen_cost("model=fal-ai/nano-banana"), d("0.0398"));
}

#[test]
fn seedance_2_makes_720p_only_and_its_bare_id_is_not_a_model() {
    let e = quote_err_of("model=bytedance/seedance-2.0/text-to-video&w=1920&h=1080");
    assert!(e.to_string().contains("one of 1280, 720"), "{e}");
    let e = quote_err_of("model=bytedance/seedance-2.0");
    assert!(e.to_string().contains("a model id from the catalog"), "{e}");
}

#[test]
fn dall_e_is_retired_but_still_quotes() {
    let q = q("model=openai/dall-e-3&quality=hd&w=1792&h=1024");
    let r = q.steps[0].retired.as_ref().expect("retired");
    assert_eq!(r.date, "2026-05-12");
    assert_eq!(r.replacement.as_deref(), Some("openai/gpt-image-1"));
    // the price of the day it was shut down: hd 1792x1024 = $0.12
    assert_eq!(q.cost_per_action, Some(d("0.12")));
}

/// The error quoting a query (parse or quote).
fn quote_err_of(query: &str) -> Error {
    match parse_query(query) {
        Err(e) => e,
        Ok(s) => match quote(cat(), &s) {
            Ok(_) => panic!("{query}: quoted, but an error was expected"),
            Err(e) => e,
        },
    }
}

// --- 2026 shapes that need a test catalog (the sources give rates, not every model's options)

fn one(model: serde_json::Value) -> Catalog {
    Catalog::from_json(&catalog_text(vec![model])).expect("the test catalog loads")
}

#[test]
fn video_tokens_with_fps_as_a_factor() {
    // Seedance 1.x on fal: "1 million video tokens costs $1. tokens(video) = (height x width x
    // FPS x duration) / 1024"
    let c = one(
        json!({"id": "t/seedance-1", "name": "S", "provider": "fal", "kind": "video",
        "options": [
            {"name": "w", "values": ["1920"], "default": "1920"},
            {"name": "h", "values": ["1080"], "default": "1080"},
            {"name": "fps", "values": ["24", "30"], "default": "24"},
            {"name": "sec", "min": "2", "max": "12", "step": "1", "default": "5"}],
        "billing": {"lines": [{"label": "video tokens", "quantity": {"product": ["w", "h", "fps", "sec"], "divide_by": "1024"}, "price": "1", "per": "1000000"}]},
        "source": "https://fal.ai/models/fal-ai/bytedance/seedance/v1/pro/fast/text-to-video/llms.txt", "verified": "2026-11-23"}),
    );
    let cost = |q: &str| {
        quote(&c, &parse_query(q).unwrap())
            .unwrap()
            .cost_per_action
            .unwrap()
    };
    // 1920 x 1080 x 24 x 5 / 1024 = 243,000 tokens x $1 / 1M = $0.243 (fal: "roughly $0.245")
    assert_eq!(cost("model=t/seedance-1"), d("0.243"));
    // 30 fps: 1920 x 1080 x 30 x 5 / 1024 = 303,750 tokens = $0.30375: the fps changes the price
    assert_eq!(cost("model=t/seedance-1&fps=30"), d("0.30375"));
}

#[test]
fn a_bill_rounded_up_to_a_hundredth_of_a_cent() {
    // gpt-image-2 on fal: image tokens $30 per 1M output, text tokens $5 per 1M input; "Total
    // cost is rounded up to the closest hundredth of a cent ($0.0001.)"
    let c = one(
        json!({"id": "t/gpt-image-2", "name": "G", "provider": "fal", "kind": "image",
        "options": [
            {"name": "tokens", "min": "1", "max": "100000", "step": "1", "default": "1000"},
            {"name": "text", "min": "0", "max": "100000", "step": "1", "default": "100"}],
        "billing": {"lines": [
            {"label": "output image tokens", "quantity": {"option": "tokens"}, "price": "30", "per": "1000000"},
            {"label": "input text tokens", "quantity": {"option": "text"}, "price": "5", "per": "1000000"}],
            "total_round_up_to": "0.0001"},
        "source": "https://fal.ai/models/openai/gpt-image-2/llms.txt", "verified": "2026-11-23"}),
    );
    let q = |query: &str| quote(&c, &parse_query(query).unwrap()).unwrap();
    // 1,000 x $30 / 1M = $0.03; 100 x $5 / 1M = $0.0005: $0.0305, already whole hundredths of a cent
    assert_eq!(q("model=t/gpt-image-2").cost_per_action, Some(d("0.0305")));
    // 1,001 tokens: $0.03003 + $0.0005 = $0.03053 -> rounded up to $0.0306; the lines still add up
    let r = q("model=t/gpt-image-2&tokens=1001");
    assert_eq!(r.cost_per_action, Some(d("0.0306")));
    let Priced::Known(g) = &r.steps[0].primary else {
        panic!("priced")
    };
    assert_eq!(g.lines[2].label, "rounded up to $0.0001");
    assert_eq!(g.lines[2].amount, d("0.00007"));
    let sum: Decimal = g.lines.iter().map(|l| l.amount).sum();
    assert_eq!(sum, g.cost);
    // and the summary says so
    assert!(
        c.models()[0]
            .summary
            .ends_with(", total rounded up to $0.0001"),
        "{}",
        c.models()[0].summary
    );
}

#[test]
fn sizes_a_multiple_of_n() {
    let c = one(
        json!({"id": "t/multiple", "name": "M", "provider": "fal", "kind": "image",
        "options": [{"name": "w", "min": "256", "max": "3840", "step": "1", "default": "1024"},
                    {"name": "h", "min": "256", "max": "3840", "step": "1", "default": "1024"}],
        "size": {"multiple_of": "16", "max_pixels": "8294400"},
        "billing": {"lines": [{"label": "image", "quantity": "output", "price": "0.04"}]},
        "source": "https://fal.ai/models/openai/gpt-image-2/llms.txt", "verified": "2026-11-23"}),
    );
    let e = quote(&c, &parse_query("model=t/multiple&w=1000&h=1024").unwrap()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "`w`: \"1000\" is not allowed for `t/multiple`: each side a multiple of 16"
    );
    assert!(quote(&c, &parse_query("model=t/multiple&w=1008&h=1024").unwrap()).is_ok());
}
