//! The calculator's form and what the page shows, natively (the Leptos components only render
//! this). Amounts come from published prices, arithmetic in the comments.

use gencost::engine::Catalog;
use gencost::form::{evaluate, model_groups, Control, Form};

fn catalog() -> Catalog {
    Catalog::embedded().expect("embedded catalog")
}

#[test]
fn a_first_visit_shows_a_priced_default() {
    let c = catalog();
    let form = Form::from_query(&c, "");
    let e = evaluate(&c, &form);
    // flux/dev at fal's default 1024x768 = 0.75 MP -> 1 MP x $0.025, 20 % rejected: 0.025 / 0.8
    assert_eq!(e.cost_per_generation.as_deref(), Some("$0.025 USD"));
    assert_eq!(e.cost_per_action.as_deref(), Some("$0.03125 USD"));
    // 10,000 actions x 0.03125
    assert_eq!(e.monthly.as_deref(), Some("$312.50 USD"));
    assert_eq!(
        form.to_query(),
        "model=fal-ai/flux/dev&retry=20&actions=10000"
    );
}

#[test]
fn the_url_is_the_form_written_out() {
    let c = catalog();
    let q = "model=fal-ai/veo3&sec=8&audio=on&n=2&retry=12.5&max=3&s2.model=fal-ai/flux/dev&s2.w=512&s2.h=512&actions=100&catalog=https://x.test/c.json";
    let form = Form::from_query(&c, q);
    assert_eq!(form.to_query(), q);
}

#[test]
fn bad_values_are_kept_and_marked_and_the_rest_works() {
    let c = catalog();
    let form = Form::from_query(&c, "model=fal-ai/veo3&sec=7&resolution=8k&retry=abc&s2.model=fal-ai/flux/dev&s2.w=1024&s2.h=1024");
    let e = evaluate(&c, &form);
    let keys: Vec<&str> = e.errors.iter().map(|x| x.key.as_str()).collect();
    // every bad field at once, not only the first
    assert!(
        keys.contains(&"sec") && keys.contains(&"resolution") && keys.contains(&"retry"),
        "{keys:?}"
    );
    let step1 = &e.steps[0];
    let sec = step1.options.iter().find(|o| o.name == "sec").unwrap();
    assert_eq!(sec.value, "7");
    assert!(matches!(&sec.control, Control::Select(v) if v.contains(&"7".to_string())));
    assert!(sec.error.as_deref().unwrap().contains("one of 4, 6, 8"));
    // the options are wrong, so no cost of this step is known
    assert_eq!(step1.figures, Default::default());
    // step 2 still costs 1 MP x $0.025
    assert_eq!(
        e.steps[1].figures.cost_per_generation.as_deref(),
        Some("$0.025 USD")
    );
    assert!(e.cost_per_action.is_none() && e.no_total.is_some());
    assert!(form.to_query().contains("retry=abc"));
}

#[test]
fn keys_no_model_knows_are_kept_and_listed() {
    let c = catalog();
    let form = Form::from_query(&c, "utm_source=mail&model=fal-ai/flux/schnell&embed=1");
    assert_eq!(form.ignored, vec!["utm_source".to_string()]);
    let q = form.to_query();
    assert!(
        q.starts_with("model=fal-ai/flux/schnell")
            && q.contains("utm_source=mail")
            && q.contains("embed=1")
    );
    assert!(evaluate(&c, &form).errors.is_empty());
}

#[test]
fn an_option_the_model_does_not_take_is_an_error() {
    let c = catalog();
    let e = evaluate(&c, &Form::from_query(&c, "model=fal-ai/flux/dev&audio=on"));
    assert_eq!(e.errors[0].key, "audio");
    assert!(e.errors[0]
        .message
        .contains("unknown key `audio` for `fal-ai/flux/dev`"));
}

#[test]
fn switching_models_keeps_the_options_both_take() {
    let c = catalog();
    let mut form = Form::from_query(&c, "model=fal-ai/veo3&sec=4&audio=off&resolution=1080p");
    form.set_model(&c, 0, "fal-ai/kling-video/o3/4k/text-to-video");
    assert_eq!(form.steps()[0].get("sec"), "4");
    assert_eq!(form.steps()[0].get("audio"), "off");
    assert_eq!(form.steps()[0].get("resolution"), "");
    // kling o3 4k: 4 s x $0.42 = $1.68
    assert_eq!(
        evaluate(&c, &form).cost_per_generation.as_deref(),
        Some("$1.68 USD")
    );
}

#[test]
fn steps_add_move_and_remove() {
    let c = catalog();
    let mut form = Form::from_query(&c, "model=fal-ai/flux/dev&w=1024&h=1024");
    form.add_step("fal-ai/veo3");
    form.move_step(1, true);
    assert_eq!(form.steps()[0].get("model"), "fal-ai/veo3");
    assert!(form
        .to_query()
        .starts_with("model=fal-ai/veo3&s2.model=fal-ai/flux/dev&s2.w=1024"));
    let e = evaluate(&c, &form);
    // veo3 defaults 8 s audio on: $3.20, flux/dev 1 MP $0.025: $3.225 per action
    assert_eq!(e.cost_per_action.as_deref(), Some("$3.23 USD"));
    // split: 3.2 / 3.225 = 99.2 %, 0.025 / 3.225 = 0.8 %
    assert_eq!(e.split[0].percent, "99.2");
    assert_eq!(e.split[1].percent, "0.8");
    assert_eq!(e.split[1].x, e.split[0].width);
    form.remove_step(0);
    form.remove_step(0); // the last step stays
    assert_eq!(form.steps().len(), 1);
}

#[test]
fn the_chart_marks_the_current_rejection_rate() {
    let c = catalog();
    let e = evaluate(&c, &Form::from_query(&c, "model=fal-ai/flux/dev&retry=50"));
    let chart = e.chart.expect("a chart");
    // 0.025 / (1 - 0.5) = $0.05 per accepted output
    assert_eq!(
        chart.marker_label,
        "50 % rejected: $0.05 per accepted output"
    );
    assert!(chart.marker.is_some());
    assert_eq!(chart.curve.matches('L').count(), 45);
}

#[test]
fn the_picker_searches_id_name_and_provider_by_kind() {
    let c = catalog();
    let groups = model_groups(&c, "veo");
    let found: Vec<&str> = groups
        .iter()
        .flat_map(|(_, ms)| ms.iter().map(|m| m.id.as_str()))
        .collect();
    // premise: the search found the two Veo models, and only models that match it
    assert!(
        found.contains(&"fal-ai/veo3") && found.contains(&"fal-ai/veo3.1"),
        "{found:?}"
    );
    assert!(groups.iter().all(|(_, ms)| ms.iter().all(|m| {
        format!("{} {} {}", m.id, m.name, m.provider)
            .to_lowercase()
            .contains("veo")
    })));
    let openai = model_groups(&c, "OpenAI image");
    assert!(!openai.is_empty());
    assert!(openai
        .iter()
        .all(|(_, ms)| ms.iter().all(|m| m.provider == "openai")));
    // no search: every model still served, grouped by its kind
    let live: Vec<_> = c.models().iter().filter(|m| m.retired.is_none()).collect();
    let kinds: std::collections::BTreeSet<_> = live.iter().map(|m| m.kind).collect();
    let all = model_groups(&c, "");
    assert_eq!(all.len(), kinds.len());
    assert_eq!(
        all.iter().map(|(_, ms)| ms.len()).sum::<usize>(),
        live.len()
    );
    // a retired model is found by a search
    let found = model_groups(&c, "dall-e-3");
    assert!(found
        .iter()
        .any(|(_, ms)| ms.iter().any(|m| m.id == "openai/dall-e-3")));
}

#[test]
fn a_fallback_blends_and_shows_both_bills() {
    let c = catalog();
    let e = evaluate(
        &c,
        &Form::from_query(
            &c,
            "model=fal-ai/flux/dev&w=1024&h=1024&fallback=fal-ai/flux-pro/v1.1&failover=10",
        ),
    );
    // 0.9 x 0.025 + 0.1 x 0.04 = 0.0265
    assert_eq!(e.cost_per_generation.as_deref(), Some("$0.0265 USD"));
    let labels: Vec<&str> = e.steps[0].lines.iter().map(|l| l.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "primary: output megapixels",
            "fallback fal-ai/flux-pro/v1.1: output megapixels"
        ]
    );
}

#[test]
fn embed_code_for_a_step_and_for_a_workflow() {
    use gencost::form::embed_code;
    let c = catalog();
    let pairs_of = |q: &str| Form::from_query(&c, q).embed_pairs();
    let one = embed_code(
        "https://calc.test/",
        &pairs_of("model=fal-ai/flux/dev&w=1024&h=768&retry=20"),
    );
    assert_eq!(
        one.element,
        "<script type=\"module\" src=\"https://calc.test/embed.js\"></script>\n<gencost-calculator model=\"fal-ai/flux/dev\" w=\"1024\" h=\"768\" retry=\"20\"></gencost-calculator>"
    );
    assert!(one.iframe.starts_with("<iframe src=\"https://calc.test/?embed=1&amp;model=fal-ai/flux/dev&amp;w=1024&amp;h=768&amp;retry=20\""));
    assert!(one
        .iframe
        .ends_with("<script src=\"https://calc.test/embed-host.js\" async></script>"));
    let two = embed_code(
        "https://calc.test/",
        &pairs_of("model=fal-ai/flux/dev&s2.model=fal-ai/veo3&s2.sec=4"),
    );
    assert!(two.element.contains("<gencost-calculator query=\"model=fal-ai/flux/dev&amp;s2.model=fal-ai/veo3&amp;s2.sec=4\">"));
}

#[test]
fn fields_to_fix_come_before_an_unknown_price() {
    let c = catalog();
    let e = evaluate(
        &c,
        &Form::from_query(&c, "model=fal-ai/veo3&sec=7&s2.model=fal-ai/stable-audio"),
    );
    assert_eq!(
        e.no_total.as_deref(),
        Some("Fix the marked fields to see the total.")
    );
    let e = evaluate(
        &c,
        &Form::from_query(&c, "model=fal-ai/veo3&s2.model=fal-ai/stable-audio"),
    );
    assert!(e
        .no_total
        .as_deref()
        .unwrap()
        .starts_with("Step 2: Price unknown: fal lists it at $0"));
}

#[test]
fn a_problem_blanks_only_what_depends_on_it() {
    let c = catalog();
    // `retry=abc`: flux/dev 1024x768 = 0.75 MP -> 1 MP x $0.025 is still known; what divides by
    // (1 - r) is not.
    let e = evaluate(
        &c,
        &Form::from_query(&c, "model=fal-ai/flux/dev&retry=abc&n=3"),
    );
    let f = &e.steps[0].figures;
    assert_eq!(f.cost_per_generation.as_deref(), Some("$0.025 USD"));
    assert_eq!(f.cost_per_accepted_output, None);
    assert_eq!(f.cost_per_action, None);
    assert_eq!(e.cost_per_generation.as_deref(), Some("$0.025 USD"));
    assert_eq!(e.cost_per_action, None);
    // `n=0`: the retry maths and the cost per accepted output stay: 0.025 / (1 - 0.2) = 0.03125
    let e = evaluate(
        &c,
        &Form::from_query(&c, "model=fal-ai/flux/dev&retry=20&n=0"),
    );
    let f = &e.steps[0].figures;
    assert_eq!(f.expected_attempts.as_deref(), Some("1.25"));
    assert_eq!(f.cost_per_accepted_output.as_deref(), Some("$0.03125 USD"));
    assert_eq!(f.cost_per_action, None);
    assert_eq!(
        e.steps[0].maths[0],
        "rejection rate 20 %: expected attempts per output 1 / (1 − 0.2) = 1.25"
    );
    // a broken step 2 leaves step 1's figures; the totals wait for both
    let e = evaluate(
        &c,
        &Form::from_query(&c, "model=fal-ai/flux/dev&s2.model=fal-ai/veo3&s2.sec=7"),
    );
    assert_eq!(
        e.steps[0].figures.cost_per_action.as_deref(),
        Some("$0.025 USD")
    );
    assert_eq!(e.cost_per_action, None);
    assert_eq!(
        e.no_total.as_deref(),
        Some("Fix the marked fields to see the total.")
    );
}

#[test]
fn a_retired_model_warns_and_a_recent_price_change_is_said() {
    use gencost::engine::catalog::Retired;
    let c = catalog();
    let e = evaluate(
        &c,
        &Form::from_query(&c, "model=openai/dall-e-2&w=512&h=512"),
    );
    let facts = e.steps[0].model.as_ref().expect("known model");
    assert_eq!(
        facts.retired.as_deref(),
        Some("Retired on 2026-05-12: the provider no longer serves it; use openai/gpt-image-1.")
    );
    // it still quotes: 512x512 = $0.018
    assert_eq!(e.cost_per_action.as_deref(), Some("$0.018 USD"));
    let r = Retired {
        date: "2026-05-12".into(),
        replacement: None,
    };
    assert_eq!(
        gencost::form::retired_notice(&r),
        "Retired on 2026-05-12: the provider no longer serves it."
    );
    // a change within the last 12 months is said; an older one is not
    let mut f = facts.clone();
    f.history = vec![(
        "2026-03-10".into(),
        "$0.224 per second with audio off".into(),
    )];
    assert_eq!(
        f.price_change("2026-11-23").as_deref(),
        Some("Price changed on 2026-03-10 (was $0.224 per second with audio off)")
    );
    assert_eq!(f.price_change("2027-03-11"), None);
}

#[test]
fn a_link_with_plans_round_trips_and_each_plan_is_edited_on_its_own() {
    let link = "model=fal-ai/flux/schnell&w=1024&h=1024&name=Free&mix=80&p2.model=fal-ai/flux-pro/v1.1&p2.w=1024&p2.h=1024&p2.n=2&p2.s2.model=fal-ai/flux/dev&p2.name=Paid&p2.mix=20&actions=10000";
    let cat = catalog();
    let c = &cat;
    let mut form = Form::from_query(c, link);
    assert_eq!(form.plans.len(), 2);
    assert_eq!(form.to_query(), link);
    // The editor shows plan 1; plan 2 is edited once selected, under its prefix.
    form.select_plan(1);
    assert_eq!(form.steps().len(), 2);
    form.set(0, "n", "3");
    assert!(form.to_query().contains("p2.n=3"));
    assert!(form
        .to_query()
        .starts_with("model=fal-ai/flux/schnell&w=1024&h=1024&name=Free"));
    // Plan 2's wrong field is shown next to its field, without the plan's prefix.
    form.set(0, "retry", "abc");
    let e = evaluate(c, &form);
    assert!(e.steps[0].error_for("retry").is_some());
    assert!(e.errors.iter().any(|x| x.key == "p2.retry"));
    // Plan 1 is still priced: 1 MP x $0.003.
    assert_eq!(e.plans[0].cost_per_action.as_deref(), Some("$0.003 USD"));
    assert_eq!(e.plans[1].cost_per_action, None);
    // Adding a plan copies the plan shown; removing one keeps the rest.
    form.set(0, "retry", "");
    form.add_plan();
    assert_eq!((form.plans.len(), form.active), (3, 2));
    assert_eq!(form.steps()[0].get("model"), "fal-ai/flux-pro/v1.1");
    form.remove_plan(0);
    assert_eq!(form.plans.len(), 2);
    assert!(form.to_query().starts_with("model=fal-ai/flux-pro/v1.1"));
}

#[test]
fn a_key_given_twice_in_plan_two_is_kept_and_named() {
    let cat = catalog();
    let c = &cat;
    let form = Form::from_query(
        c,
        "model=fal-ai/flux/dev&p2.model=fal-ai/flux/dev&p2.retry=1&p2.retry=2",
    );
    assert_eq!(form.stray, [("p2.retry".to_string(), "2".to_string())]);
    let e = evaluate(c, &form);
    let messages: Vec<&str> = e.errors.iter().map(|x| x.message.as_str()).collect();
    assert_eq!(messages, ["`p2.retry` is given twice"]);
    // Nothing typed is lost: both values stay in the link.
    assert!(form.to_query().contains("p2.retry=1"));
    assert!(form.to_query().contains("p2.retry=2"));
}

#[test]
fn a_plan_prefix_that_cannot_be_is_named_and_kept() {
    let cat = catalog();
    let link = "model=fal-ai/flux/dev&p5.model=fal-ai/flux/dev&p2.actions=3";
    let form = Form::from_query(&cat, link);
    let e = evaluate(&cat, &form);
    let messages: Vec<&str> = e.errors.iter().map(|x| x.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "unknown key `p5.model`: allowed plan prefixes p2. to p4. (plan 1 has no prefix)",
            "unknown key `p2.actions`: allowed `actions` once, unprefixed: the product's user actions a month",
        ]
    );
    // Plan 1 is still priced, and the pairs stay in the link until removed.
    assert_eq!(e.cost_per_action.as_deref(), Some("$0.025 USD"));
    assert!(form.to_query().contains("p5.model=fal-ai/flux/dev"));
    assert!(form.to_query().contains("p2.actions=3"));
}
