//! Bad input: every kind gives a clear error naming the key or model and what is allowed, and the
//! lenient reader keeps everything else.

mod common;
#[allow(unused_imports)]
use common::*;

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
