//! Property tests: the codec round-trips, costs never decrease when n, seconds, pixels or the
//! rejection rate grow and are never negative, and no input makes the engine panic.

mod common;

use common::value_at;
use gencost::engine::catalog::Domain;
use gencost::engine::{
    parse_query, parse_query_lenient, quote, to_query, Catalog, Fallback, Scenario, Step,
};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn catalog() -> &'static Catalog {
    static C: OnceLock<Catalog> = OnceLock::new();
    C.get_or_init(|| Catalog::embedded().expect("embedded catalog loads"))
}

// ----- the codec -----------------------------------------------------------------------------

fn model_id() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("fal-ai/flux/dev".to_string()),
        Just("fal-ai/veo3.1".to_string()),
        "[a-z0-9][a-z0-9/._~:-]{0,20}",
        // anything printable that is not blank at the ends: ids with & = % + and unicode
        "[^\\s][^\\n]{0,10}[^\\s]",
    ]
}

fn option_key() -> impl Strategy<Value = String> {
    "[a-z][a-z0-9_]{0,8}".prop_filter("reserved", |k| {
        ![
            "model", "n", "retry", "max", "fallback", "failover", "actions",
        ]
        .contains(&k.as_str())
    })
}

fn percent(max_hundredths: i64) -> impl Strategy<Value = Decimal> {
    (0..max_hundredths).prop_map(|h| Decimal::new(h, 2))
}

fn step() -> impl Strategy<Value = Step> {
    (
        model_id(),
        prop::collection::btree_map(option_key(), "[^\\s]{1,8}", 0..5),
        1u32..10_000,
        percent(10_000), // 0.00 ..= 99.99
        prop::option::of(1u32..1000),
        prop::option::of((model_id(), percent(10_001))),
    )
        .prop_map(|(model, options, n, retry, max, fb)| Step {
            model,
            options,
            n,
            retry_percent: retry,
            max_attempts: max,
            fallback: fb.map(|(model, percent)| Fallback { model, percent }),
        })
}

fn scenario() -> impl Strategy<Value = Scenario> {
    (
        prop::collection::vec(step(), 1..5),
        prop::option::of((0u32..1_000_000).prop_map(Decimal::from)),
    )
        .prop_map(|(steps, actions_per_month)| Scenario {
            steps,
            actions_per_month,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn codec_round_trips(s in scenario()) {
        let q = to_query(&s);
        let back = parse_query(&q).map_err(|e| TestCaseError::fail(format!("{q}: {e}")))?;
        prop_assert_eq!(&back, &s);
        // and the text is canonical: writing it again gives the same string
        prop_assert_eq!(to_query(&back), q);
    }

    #[test]
    fn arbitrary_queries_never_panic(text in "\\PC{0,200}") {
        let parsed = parse_query_lenient(&text, &["catalog"]);
        let _ = quote(catalog(), &parsed.scenario);
    }

    #[test]
    fn query_like_text_never_panics(
        pairs in prop::collection::vec(("(s[0-9]{1,3}\\.)?(model|w|h|sec|n|retry|max|fallback|failover|actions|audio|x)", "[-0-9.%a-z/+]{0,12}"), 0..12)
    ) {
        let text: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let parsed = parse_query_lenient(&text.join("&"), &[]);
        let _ = quote(catalog(), &parsed.scenario);
    }

    #[test]
    fn arbitrary_json_never_panics(text in "\\PC{0,300}") {
        let _ = Catalog::from_json(&text);
    }

    #[test]
    fn damaged_catalogs_never_panic(cuts in prop::collection::vec((0usize..40_000, "[\\[\\]{}\",:0-9a-z.-]{0,3}"), 1..4)) {
        let mut text = gencost::engine::catalog::DEFAULT_CATALOG_JSON.to_string();
        for (at, insert) in cuts {
            let mut at = at % text.len().max(1);
            while !text.is_char_boundary(at) { at -= 1; }
            let end = (at + insert.len().max(1)).min(text.len());
            let mut end2 = end;
            while !text.is_char_boundary(end2) { end2 += 1; }
            text.replace_range(at..end2, &insert);
        }
        if let Ok(c) = Catalog::from_json(&text) {
            for m in c.models() {
                let _ = quote(&c, &Scenario::single(Step::new(m.id.clone())));
            }
        }
    }

    #[test]
    fn fal_responses_never_panic(
        rows in prop::collection::vec(("[a-z/-]{0,12}", "-?[0-9]{0,3}(\\.[0-9]{0,25})?", "\\PC{0,16}", "(USD|EUR|)"), 0..6)
    ) {
        let body: Vec<String> = rows
            .iter()
            .map(|(id, p, u, c)| {
                let price = if p.is_empty() || p == "-" || p.ends_with('.') { "0".to_string() } else { p.clone() };
                format!(r#"{{"endpoint_id":{},"unit_price":{price},"unit":{},"currency":{}}}"#,
                    serde_json::Value::String(id.clone()), serde_json::Value::String(u.clone()), serde_json::Value::String(c.clone()))
            })
            .collect();
        let text = format!(r#"{{"prices":[{}],"next_cursor":null,"has_more":false}}"#, body.join(","));
        if let Ok(c) = Catalog::from_json(&text) {
            for m in c.models() {
                if let Ok(q) = quote(&c, &Scenario::single(Step::new(m.id.clone()))) {
                    // an unknown price is never $0, and a known one is never negative
                    if let Some(t) = q.cost_per_action { prop_assert!(t >= Decimal::ZERO); }
                }
            }
        }
    }
}

// ----- monotonic and non-negative costs ---------------------------------------------------------

/// Options that count something: more of them must never cost less.
const GROWING: [&str; 9] = [
    "w", "h", "sec", "frames", "chars", "gpu_s", "in_w", "in_h", "gpus",
];

/// Two values of the option, the smaller first.
fn sorted_values(domain: &Domain, a: u32, b: u32) -> (String, String) {
    let (x, y) = (value_at(domain, a), value_at(domain, b));
    let (dx, dy) = (x.parse::<Decimal>().ok(), y.parse::<Decimal>().ok());
    match (dx, dy) {
        (Some(dx), Some(dy)) if dx > dy => (y, x),
        _ => (x, y),
    }
}

/// The cost per action of a step of a model with a known price and valid options: a figure, or
/// `None` for a combination the provider does not sell (a table without that key). Anything
/// else fails the property: valid input must quote.
fn action_cost(step: Step) -> Result<Option<Decimal>, TestCaseError> {
    // A size the model cannot make (the pair of sides, each valid alone): not sold either.
    if let Ok(m) = catalog().model(&step.model) {
        if let Some(rule) = &m.size {
            let side = |name: &str| {
                step.options
                    .get(name)
                    .cloned()
                    .or_else(|| m.option(name).map(|o| o.default.clone()))
                    .and_then(|v| v.parse::<Decimal>().ok())
            };
            if let (Some(w), Some(h)) = (side(&rule.w), side(&rule.h)) {
                if rule.check(w, h).is_err() {
                    return Ok(None);
                }
            }
        }
    }
    match quote(catalog(), &Scenario::single(step.clone())) {
        Ok(q) => match q.cost_per_action {
            Some(c) => Ok(Some(c)),
            None => Err(TestCaseError::fail(format!(
                "{}: no cost for a priced model",
                step.model
            ))),
        },
        Err(gencost::engine::Error::NoPriceFor { .. }) => Ok(None),
        Err(e) => Err(TestCaseError::fail(format!(
            "{step:?}: valid input refused: {e}"
        ))),
    }
}

/// The models whose price is known.
fn priced_models() -> Vec<&'static gencost::engine::Model> {
    catalog()
        .models()
        .iter()
        .filter(|m| !m.is_unknown())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn cost_never_decreases_as_quantities_grow(model_pick in 0usize..1000, picks in prop::collection::vec(0u32..100_000, 12), a in 0u32..100_000, b in 0u32..100_000) {
        let models = priced_models();
        prop_assert!(!models.is_empty());
        let m = models[model_pick % models.len()];
        let mut options = BTreeMap::new();
        for (o, p) in m.options.iter().zip(&picks) {
            options.insert(o.name.clone(), value_at(&o.domain, *p));
        }
        for grow in m.options.iter().filter(|o| GROWING.contains(&o.name.as_str()) && o.is_numeric()) {
            let (lo, hi) = sorted_values(&grow.domain, a, b);
            let mut s_lo = Step::new(m.id.clone());
            s_lo.options = options.clone();
            s_lo.options.insert(grow.name.clone(), lo.clone());
            let mut s_hi = s_lo.clone();
            s_hi.options.insert(grow.name.clone(), hi.clone());
            // premise: both quote (or the provider sells neither combination)
            if let (Some(c_lo), Some(c_hi)) = (action_cost(s_lo)?, action_cost(s_hi)?) {
                prop_assert!(c_lo >= Decimal::ZERO);
                prop_assert!(c_hi >= c_lo, "{}: {}={} costs {} but {}={} costs {}", m.id, grow.name, lo, c_lo, grow.name, hi, c_hi);
            }
        }
    }

    #[test]
    fn cost_never_decreases_as_n_or_rejection_grow(model_pick in 0usize..1000, n1 in 1u32..500, n2 in 1u32..500, r1 in 0i64..9_999, r2 in 0i64..9_999, max in prop::option::of(1u32..30)) {
        let models = priced_models();
        prop_assert!(!models.is_empty());
        let m = models[model_pick % models.len()];
        let (n_lo, n_hi) = (n1.min(n2), n1.max(n2));
        let (r_lo, r_hi) = (Decimal::new(r1.min(r2), 2), Decimal::new(r1.max(r2), 2));
        let mk = |n, r| {
            let mut s = Step::new(m.id.clone());
            s.n = n;
            s.retry_percent = r;
            s.max_attempts = max;
            s
        };
        // premise: at its defaults a priced model always quotes
        let base = action_cost(mk(n_lo, r_lo))?;
        let more_n = action_cost(mk(n_hi, r_lo))?;
        let more_r = action_cost(mk(n_lo, r_hi))?;
        let (Some(b), Some(c_n), Some(c_r)) = (base, more_n, more_r) else {
            return Err(TestCaseError::fail(format!("{} at its defaults has no price", m.id)));
        };
        prop_assert!(b >= Decimal::ZERO);
        prop_assert!(c_n >= b);
        prop_assert!(c_r >= b, "{}: r {} -> {} costs {} -> {}", m.id, r_lo, r_hi, b, c_r);
    }
}

#[test]
fn every_default_model_quotes_at_its_defaults() {
    for m in catalog().models() {
        let q = quote(catalog(), &Scenario::single(Step::new(m.id.clone())))
            .unwrap_or_else(|e| panic!("{}: {e}", m.id));
        match q.cost_per_action {
            Some(c) => assert!(c > Decimal::ZERO, "{} quotes $0 at its defaults", m.id),
            None => assert!(
                m.is_unknown(),
                "{} has no price but is not marked unknown",
                m.id
            ),
        }
    }
}
