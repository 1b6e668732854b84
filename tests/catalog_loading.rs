//! Loading catalogs: errors name the model and the field; fal pricing-API responses are read as
//! they come.

mod common;
#[allow(unused_imports)]
use common::*;

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
    let text =
        json!({"format": "gencost-catalog", "version": 2, "models": [test_model("test/ok")]})
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
