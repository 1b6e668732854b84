//! The share-URL codec: round trips, canonical text, encodings.

mod common;
#[allow(unused_imports)]
use common::*;

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
