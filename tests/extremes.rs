//! Generated extremes against the page's evaluation and the catalog loader (issue 7): prices and
//! ranges at the limits of rust_decimal, 28 decimal places, the largest counts and caps,
//! duplicate keys, huge objects. Whatever comes in, nothing panics and every outcome is a figure
//! or a named problem.

use gencost::engine::Catalog;
use gencost::form::{evaluate, Evaluation, Form};
use proptest::prelude::*;
use serde_json::json;

/// Decimal strings at and near the limits.
fn extreme_decimal() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("0".to_string()),
        Just("1".to_string()),
        Just("79228162514264337593543950335".to_string()),
        Just("7922816251426433759354395033.5".to_string()),
        Just("0.0000000000000000000000000001".to_string()),
        Just("0.9999999999999999999999999999".to_string()),
        Just("1.000000000000000000000000001".to_string()),
        Just("99999999999999999999999999999999".to_string()),
        Just("0.00000000000000000000000000001".to_string()),
        "[0-9]{1,29}(\\.[0-9]{1,28})?",
    ]
}

/// A one-model catalog whose numbers are all extremes.
fn extreme_catalog() -> impl Strategy<Value = String> {
    (
        extreme_decimal(),
        extreme_decimal(),
        extreme_decimal(),
        extreme_decimal(),
        extreme_decimal(),
        extreme_decimal(),
        prop::bool::ANY,
    )
        .prop_map(|(price, min, max, step, per, px, table)| {
            let price_v = if table {
                json!({"by": "sec", "values": {min.clone(): price.clone(), max.clone(): price}})
            } else {
                json!(price)
            };
            json!({"format": "gencost-catalog", "version": 1, "models": [{
                "id": "x/model", "name": "X", "provider": "x", "kind": "image",
                "options": [
                    {"name": "sec", "min": min, "max": max, "step": step, "default": min},
                    {"name": "w", "min": "0", "max": "79228162514264337593543950335", "default": "1024"},
                    {"name": "h", "min": "0", "max": "79228162514264337593543950335", "default": "1024"}
                ],
                "billing": {"lines": [
                    {"label": "seconds", "quantity": {"option": "sec", "divide_by": per.clone()}, "price": price_v, "per": per},
                    {"label": "megapixels", "quantity": {"megapixels": ["w", "h"], "px_per_mp": px.clone()}, "round_up_to": px, "price": "0.025"}
                ], "multipliers": [{"label": "big", "when": {}, "factor": "79228162514264337593543950335"}]},
                "source": "https://x.test/", "verified": "2026-11-23"
            }]})
            .to_string()
        })
}

/// A one-model catalog at the limits that the loader must accept: ranges from the smallest
/// decimal to the largest, steps of 1e-28, prices and factors up to Decimal::MAX.
fn loadable_extreme_catalog() -> impl Strategy<Value = String> {
    let tiny = "0.0000000000000000000000000001";
    let max = "79228162514264337593543950335";
    let positive = prop_oneof![
        Just("1"),
        Just(tiny),
        Just(max),
        Just("7922816251426433759354395033.5"),
        Just("1048576")
    ];
    (
        prop_oneof![Just("0"), Just("1"), Just(tiny)],
        prop_oneof![Just(max), Just("7922816251426433759354395033.5"), Just("10")],
        prop::option::of(prop_oneof![Just("1"), Just(tiny)]),
        extreme_decimal().prop_filter("a decimal the loader reads", |p| Catalog::from_json(&format!(
            r#"{{"format":"gencost-catalog","version":1,"models":[{{"id":"p","name":"p","provider":"p","kind":"image","billing":{{"lines":[{{"label":"x","quantity":"output","price":"{p}"}}]}},"source":"https://x.test/","verified":"2026-11-23"}}]}}"#)).is_ok()),
        positive.clone(),
        positive,
        prop_oneof![Just("1"), Just("2"), Just(max), Just(tiny)],
    )
        .prop_map(move |(min, hi, step, price, per, px, factor)| {
            let mut sec = json!({"name": "sec", "min": min, "max": hi, "default": min});
            if let Some(st) = step {
                sec["step"] = json!(st);
            }
            json!({"format": "gencost-catalog", "version": 1, "models": [{
                "id": "x/model", "name": "X", "provider": "x", "kind": "image",
                "options": [
                    sec,
                    {"name": "w", "min": "0", "max": max, "default": "1024"},
                    {"name": "h", "min": "0", "max": max, "default": "1024"}
                ],
                "billing": {"lines": [
                    {"label": "seconds", "quantity": {"option": "sec", "divide_by": per}, "price": price, "per": per},
                    {"label": "megapixels", "quantity": {"megapixels": ["w", "h"], "px_per_mp": px}, "round_up_to": px, "min": "1", "price": price}
                ], "multipliers": [{"label": "factor", "when": {}, "factor": factor}]},
                "source": "https://x.test/", "verified": "2026-11-23"
            }]})
            .to_string()
        })
}

/// Query values at the limits of what each key takes, and past them.
fn extreme_query() -> impl Strategy<Value = String> {
    let value = prop_oneof![
        Just("0".to_string()),
        Just("100000".to_string()),
        Just("4294967295".to_string()),
        Just("99.9999999999999999999999999999".to_string()),
        Just("99.99999999999999999999999999".to_string()),
        Just("0.0000000000000000000000000001".to_string()),
        Just("79228162514264337593543950335".to_string()),
        Just("1000".to_string()),
        Just("1000000000".to_string()),
        Just("-1".to_string()),
        Just(String::new()),
        "[0-9]{1,30}(\\.[0-9]{1,30})?",
    ];
    let key = prop_oneof![
        Just("n"),
        Just("retry"),
        Just("max"),
        Just("failover"),
        Just("actions"),
        Just("sec"),
        Just("w"),
        Just("h"),
        Just("s2.n"),
        Just("s2.retry"),
        Just("s2.max"),
        Just("s1.n"),
        Just("s21.n"),
    ];
    (prop::collection::vec((key, value), 0..8), prop::bool::ANY).prop_map(|(pairs, fallback)| {
        let mut q = vec!["model=x/model".to_string(), "s2.model=x/model".to_string()];
        if fallback {
            q.push("fallback=x/model".to_string());
        }
        q.extend(pairs.into_iter().map(|(k, v)| format!("{k}={v}")));
        q.join("&")
    })
}

/// Every outcome is a figure or a named problem.
fn assert_explained(e: &Evaluation) -> Result<(), TestCaseError> {
    for s in &e.steps {
        // a step's cost per action is a figure, or a message says why it is not (a figure may
        // stand next to a message about another one: a wrong `n` leaves the attempts)
        if s.figures.cost_per_action.is_none() {
            prop_assert!(s.no_figures.is_some(), "step {}: {:?}", s.index, s);
        }
        if s.no_figures.is_none() {
            prop_assert!(
                s.errors.is_empty() && s.figures.cost_per_action.is_some(),
                "step {}: {:?}",
                s.index,
                s
            );
        }
        if let Some(why) = &s.no_figures {
            prop_assert!(!why.is_empty());
            if why.starts_with("Fix") {
                prop_assert!(
                    !s.errors.is_empty(),
                    "step {} says fix but names nothing",
                    s.index
                );
            }
        }
    }
    prop_assert!(
        e.cost_per_action.is_some() || e.no_total.as_deref().is_some_and(|m| !m.is_empty())
    );
    for err in &e.errors {
        prop_assert!(!err.message.is_empty());
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn extreme_catalogs_and_links_are_figures_or_named_problems(text in extreme_catalog(), query in extreme_query()) {
        match Catalog::from_json(&text) {
            Err(e) => {
                let problems = e.problems();
                prop_assert!(!problems.is_empty());
                for p in problems {
                    prop_assert!(!p.to_string().is_empty());
                }
            }
            Ok(c) => {
                let form = Form::from_query(&c, &query);
                assert_explained(&evaluate(&c, &form))?;
            }
        }
    }

    #[test]
    fn catalogs_at_the_limits_load_and_every_link_is_explained(text in loadable_extreme_catalog(), query in extreme_query()) {
        // premise: the catalog loads, so the evaluation below is exercised
        let c = Catalog::from_json(&text).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        assert_explained(&evaluate(&c, &Form::from_query(&c, "model=x/model")))?;
        assert_explained(&evaluate(&c, &Form::from_query(&c, &query)))?;
    }

    #[test]
    fn extreme_links_on_the_default_catalog(query in extreme_query()) {
        let c = Catalog::embedded().map_err(|e| TestCaseError::fail(e.to_string()))?;
        let q = query.replace("x/model", "fal-ai/flux/dev");
        assert_explained(&evaluate(&c, &Form::from_query(&c, &q)))?;
    }

    #[test]
    fn duplicate_keys_anywhere_are_refused_by_name(depth in 1usize..6, key in "[a-z]{1,3}") {
        // {"a":{"a":...{"k":1,"k":2}}}: the repeated key is named wherever it is.
        let mut inner = format!("{{\"{key}\":1,\"{key}\":2}}");
        for _ in 0..depth {
            inner = format!("{{\"models\":{inner}}}");
        }
        let e = Catalog::from_json(&inner).expect_err("a repeated key");
        prop_assert!(e.to_string().contains(&format!("key \"{key}\" appears twice")), "{}", e);
    }
}

#[test]
fn a_huge_object_of_models_is_a_named_problem() {
    let mut models = String::new();
    for i in 0..50_000 {
        models.push_str(&format!("{{\"id\":\"m{i}\"}},"));
    }
    let text = format!(
        "{{\"format\":\"gencost-catalog\",\"version\":1,\"models\":[{}]}}",
        models.trim_end_matches(',')
    );
    let e = Catalog::from_json(&text).expect_err("models without fields");
    let problems = e.problems();
    // at most 100 listed, then one line that counts the rest
    assert_eq!(problems.len(), 101);
    assert_eq!(
        problems[100].to_string(),
        "catalog: models: and 49900 more problems"
    );
}
