//! A prepared scenario (issue 12's fast path) gives the quote's figures: the same decimals for
//! every model of the catalog, for random counts, rates and caps, and the same errors.

mod common;

use common::{cat as catalog, d, value_at};
use gencost::engine::{parse_query, quote, Error, Prepared, Quote, Scenario, Step};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Asserts that the prepared figures of `scenario` are the quote's, and returns the quote.
fn same_figures(scenario: &Scenario) -> Result<Quote, String> {
    let q = quote(catalog(), scenario).map_err(|e| e.to_string())?;
    let p = Prepared::new(catalog(), scenario).map_err(|e| format!("prepare: {e}"))?;
    let c = p.costs().map_err(|e| format!("costs: {e}"))?;
    assert_eq!(c.steps().len(), q.steps.len());
    for (i, (fast, rich)) in c.steps().iter().zip(&q.steps).enumerate() {
        assert_eq!(fast.as_ref(), rich.costs.as_ref().ok(), "step {}", i + 1);
    }
    assert_eq!(c.cost_per_action, q.cost_per_action);
    assert_eq!(c.monthly, q.monthly);
    assert_eq!(c.actions_per_dollar, q.actions_per_dollar);
    assert_eq!(c.exact, q.exact);
    Ok(q)
}

#[test]
fn every_model_prices_the_same_both_ways() {
    let mut quoted = 0;
    for m in catalog().models() {
        for extra in [
            "",
            "&retry=20&n=3&max=3&actions=1000",
            "&retry=37.5&n=7&actions=12345",
        ] {
            let s = match parse_query(&format!("model={}{extra}", m.id)) {
                Ok(s) => s,
                Err(e) => panic!("{}: {e}", m.id),
            };
            match same_figures(&s) {
                Ok(_) => quoted += 1,
                // A model whose defaults do not quote fails the same way when prepared.
                Err(e) => assert_eq!(
                    Prepared::new(catalog(), &s).err().map(|x| x.to_string()),
                    Some(e)
                ),
            }
        }
    }
    // The premise: the comparison above ran on priced models, not only on errors.
    assert!(quoted > 100, "only {quoted} scenarios quoted");
}

#[test]
fn the_avatar_workflow_prices_the_same_and_as_worked_by_hand() -> Result<(), Error> {
    let s = parse_query(
        "model=fal-ai/flux/dev&w=1024&h=1024&n=4&retry=20\
         &s2.model=fal-ai/flux-2-flex&s2.w=1920&s2.h=1080&s2.in_w=1024&s2.in_h=1024&s2.retry=10&s2.max=3\
         &s3.model=fal-ai/veo3&s3.sec=8&s3.audio=on&s3.fallback=fal-ai/kling-video/o3/4k/text-to-video&s3.failover=5\
         &actions=100000",
    )?;
    let q = same_figures(&s).map_err(Error::Missing)?;
    let c = Prepared::new(catalog(), &s)?.costs()?;
    let first = c.steps().first().copied().flatten();
    // Step 1, fal-ai/flux/dev: 1024 x 1024 = 1 MP x $0.025 = $0.025 a generation;
    // / (1 - 0.2) = $0.03125 an accepted image; 4 images x $0.025 x 1.25 attempts = $0.125.
    assert_eq!(first.map(|f| f.cost_per_generation), Some(d("0.025")));
    assert_eq!(
        first.map(|f| f.cost_per_accepted_output),
        Some(d("0.03125"))
    );
    assert_eq!(first.map(|f| f.expected_cost_per_action), Some(d("0.125")));
    // The whole action, as the quote (and the CLI) gives it: $3.4995; x 100,000 a month.
    assert_eq!(c.cost_per_action, Some(d("3.4995")));
    assert_eq!(c.monthly, Some(d("349950")));
    assert_eq!(q.cost_per_action, c.cost_per_action);
    Ok(())
}

#[test]
fn a_price_unknown_is_unknown_both_ways() -> Result<(), Error> {
    let unknown = catalog()
        .models()
        .iter()
        .find(|m| m.is_unknown())
        .map(|m| m.id.clone());
    // The premise: the catalog has a model without a known price.
    let Some(id) = unknown else {
        panic!("no model with an unknown price in the catalog");
    };
    let s = parse_query(&format!("model=fal-ai/flux/dev&s2.model={id}&actions=10"))?;
    let q = same_figures(&s).map_err(Error::Missing)?;
    assert!(q.steps[1].costs.is_err());
    let c = Prepared::new(catalog(), &s)?.costs()?;
    assert_eq!(c.steps().get(1), Some(&None));
    assert!(c.steps()[0].is_some());
    assert_eq!(c.cost_per_action, None);
    assert_eq!(c.monthly, None);
    Ok(())
}

#[test]
fn a_bad_scenario_fails_to_prepare_as_it_fails_to_quote() -> Result<(), Error> {
    for query in [
        "model=no/such-model",
        "model=fal-ai/veo3&sec=7",
        "model=fal-ai/flux/dev&w=1024&h=1024&s2.model=fal-ai/veo3&s2.sec=5",
    ] {
        let s = parse_query(query)?;
        let q = quote(catalog(), &s).err().map(|e| e.to_string());
        // The premise: the scenario does not quote.
        assert!(q.is_some(), "{query} quotes");
        assert_eq!(
            Prepared::new(catalog(), &s).err().map(|e| e.to_string()),
            q,
            "{query}"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn prepared_figures_are_the_quotes(
        model_pick in 0usize..10_000,
        picks in prop::collection::vec(0u32..100_000, 12),
        n in 1u32..=100_000,
        retry_hundredths in 0u32..9_999,
        max in prop::option::of(1u32..=1_000),
        actions in prop::option::of(0u32..=1_000_000_000),
    ) {
        let models: Vec<_> = catalog().models().iter().filter(|m| !m.is_unknown()).collect();
        prop_assert!(!models.is_empty());
        let m = models[model_pick % models.len()];
        let mut step = Step::new(m.id.clone());
        for (o, p) in m.options.iter().zip(&picks) {
            step = step.with(&o.name, &value_at(&o.domain, *p));
        }
        step.n = n;
        step.retry_percent = Decimal::new(i64::from(retry_hundredths), 2);
        step.max_attempts = max;
        let mut s = Scenario::single(step);
        s.actions_per_month = actions.map(Decimal::from);
        match quote(catalog(), &s) {
            // The premise holds: the scenario quotes; then both ways give the same figures.
            Ok(_) => {
                let r = same_figures(&s);
                prop_assert!(r.is_ok(), "{:?}", r.err());
            }
            // A combination the provider does not sell, a size it cannot make: the same error.
            Err(e) => prop_assert_eq!(
                Prepared::new(catalog(), &s).err().map(|x| x.to_string()),
                Some(e.to_string())
            ),
        }
    }
}
