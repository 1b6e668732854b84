//! The retry, cap, failover and workflow maths, checked against values computed by hand.

mod common;
#[allow(unused_imports)]
use common::*;

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
