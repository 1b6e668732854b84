//! What a link, a catalog or a file can do (issue 7): each defect found by trying to break gencost,
//! reproduced natively where it is the engine's, the form's or the CLI's. The page's own
//! reproductions are in `tests/browser/hostile.test.mjs`.

use std::io::Write;
use std::process::{Command, Output};

use gencost::engine::catalog::MAX_BYTES;
use gencost::engine::catalog::{Domain, OptionSpec};
use gencost::engine::vocabulary::ELEMENT_ATTRIBUTES;
use gencost::engine::{Catalog, Error};
use gencost::form::{embed_code, evaluate, Form};
use rust_decimal::Decimal;
use serde_json::json as j;

fn catalog() -> Catalog {
    Catalog::embedded().expect("embedded catalog")
}

fn gencost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gencost"))
        .args(args)
        .output()
        .expect("gencost runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn temp_file(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("gencost-hostile-{}-{name}", std::process::id()));
    let mut f = std::fs::File::create(&path).expect("temp file");
    f.write_all(text.as_bytes()).expect("write");
    path.to_string_lossy().into_owned()
}

/// A one-model catalog (video seconds at $0.025) with `edit` applied to the model.
fn one_model(edit: impl FnOnce(&mut serde_json::Value)) -> String {
    let mut model = j!({"id": "test/model", "name": "Test model", "provider": "test", "kind": "video",
        "options": [{"name": "sec", "min": "1", "max": "10", "step": "1", "default": "5", "unit": "s"}],
        "billing": {"lines": [{"label": "video seconds", "quantity": {"option": "sec"}, "price": "0.025"}]},
        "source": "https://example.com/pricing", "verified": "2026-11-23"});
    edit(&mut model);
    j!({"format": "gencost-catalog", "version": 1, "currency": "USD", "models": [model]})
        .to_string()
}

/// The attribute names of the `<gencost-calculator ...>` tag of a snippet.
fn element_attributes(snippet: &str) -> Vec<String> {
    let start =
        snippet.find("<gencost-calculator").expect("an element") + "<gencost-calculator".len();
    let tag = &snippet[start..start + snippet[start..].find('>').expect("a tag")];
    // Values are escaped (no `"` inside), so names are what precedes each `="`.
    tag.split('"')
        .step_by(2)
        .filter_map(|part| part.trim().strip_suffix('='))
        .map(str::to_string)
        .collect()
}

// 1 -------------------------------------------------------------------------------------------

#[test]
fn d01_embed_code_carries_only_documented_attributes() {
    let c = catalog();
    let form = Form::from_query(
        &c,
        "model=fal-ai/flux/dev&tabindex=0&autofocus=&onfocus=window.__pwned%3D1&a+b%3D%22x=c&w=1024",
    );
    let code = embed_code("https://calc.test/", &form.embed_pairs());
    let names = element_attributes(&code.element);
    // premise: the scenario's own attributes are there
    assert_eq!(names, ["model", "w"], "{}", code.element);
    for bad in ["onfocus", "tabindex", "autofocus", "__pwned", "a b"] {
        assert!(!code.element.contains(bad), "{bad}: {}", code.element);
        assert!(!code.iframe.contains(bad), "{bad}: {}", code.iframe);
    }
    // A catalog may name an option `onfocus`: it travels inside `query`, never as an attribute.
    let custom = one_model(|m| {
        m["options"]
            .as_array_mut()
            .expect("options")
            .push(j!({"name": "onfocus", "values": ["a", "b"], "default": "a"}))
    });
    let c = Catalog::from_json(&custom).expect("custom catalog");
    let form = Form::from_query(&c, "model=test/model&sec=4&onfocus=b");
    let code = embed_code("https://calc.test/", &form.embed_pairs());
    let names = element_attributes(&code.element);
    assert!(
        names
            .iter()
            .all(|n| n == "query" || ELEMENT_ATTRIBUTES.contains(&n.as_str())),
        "{names:?}"
    );
    assert!(
        code.element.contains(" query=\"onfocus=b\""),
        "{}",
        code.element
    );
}

// 2 -------------------------------------------------------------------------------------------

#[test]
fn d02_a_rate_next_to_100_percent_is_a_figure_not_a_panic() {
    let c = catalog();
    let form = Form::from_query(
        &c,
        "model=fal-ai/flux/dev&retry=99.99999999999999999999999999&n=4",
    );
    let e = evaluate(&c, &form);
    // r = 0.9999999999999999999999999999, 1 - r = 1e-28: 1 / 1e-28 = 1e28 attempts;
    // 4 x $0.025 x 1e28 = $1e27 per action (the CLI's figure)
    assert_eq!(
        e.cost_per_action.as_deref(),
        Some("$1,000,000,000,000,000,000,000,000,000.00 USD")
    );
    assert_eq!(e.split.len(), 1);
    assert_eq!(e.split[0].percent, "100");
    // A catalog price of 1e27: one generation is a figure, a month of them a named problem.
    let huge =
        one_model(|m| m["billing"]["lines"][0]["price"] = j!("1000000000000000000000000000"));
    let c = Catalog::from_json(&huge).expect("a huge price is a price");
    let e = evaluate(
        &c,
        &Form::from_query(&c, "model=test/model&sec=10&n=4&actions=1000000"),
    );
    // 10 s x $1e27 = $1e28 per generation, x 4 outputs = 4e28 per action
    assert_eq!(
        e.cost_per_action.as_deref(),
        Some("$40,000,000,000,000,000,000,000,000,000.00 USD")
    );
    assert!(e.monthly.is_none());
    let monthly = e
        .errors
        .iter()
        .find(|x| x.key == "actions")
        .expect("a message next to actions");
    assert_eq!(
        monthly.message,
        "monthly spend: the number is too large to compute exactly"
    );
    let e = evaluate(
        &c,
        &Form::from_query(&c, "model=test/model&sec=10&n=100000&retry=50"),
    );
    assert!(e.cost_per_action.is_none());
    assert!(
        e.steps[0].errors[0]
            .message
            .contains("too large to compute exactly"),
        "{:?}",
        e.steps[0]
    );
}

// 3 -------------------------------------------------------------------------------------------

#[test]
fn d03_a_range_at_the_limits_of_decimal_checks_without_overflow() {
    let spec = OptionSpec {
        name: "sec".into(),
        domain: Domain::Range {
            min: Decimal::MIN,
            max: Decimal::MAX,
            step: Some(Decimal::ONE),
        },
        default: "0".into(),
        unit: None,
    };
    // MAX - MIN does not fit in a decimal: the step is checked without it, no overflow.
    assert_eq!(
        spec.check("79228162514264337593543950335", "sec", "m"),
        Ok("79228162514264337593543950335".to_string())
    );
    assert_eq!(spec.check("5", "sec", "m"), Ok("5".to_string()));
    assert!(spec.check("0.5", "sec", "m").is_err());
    let negative = one_model(|m| m["options"][0]["min"] = j!("-79228162514264337593543950335"));
    let path = temp_file("negative-min.json", &negative);
    for args in [
        vec!["check-catalog", path.as_str()],
        vec![
            "quote",
            "--catalog",
            path.as_str(),
            "model=test/model&sec=79228162514264337593543950335",
        ],
    ] {
        let out = gencost(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("min: \"-79228162514264337593543950335\" has a sign"),
            "{}",
            stderr(&out)
        );
    }
}

// 4 -------------------------------------------------------------------------------------------

#[test]
fn d04_a_large_object_parses_and_a_late_repeated_key_is_found() {
    // 200,000 keys (2.3 MB): O(n log n); the quadratic reader took a minute here.
    let mut text = String::from(r#"{"format":"gencost-catalog","version":1,"models":[],"#);
    for i in 0..200_000 {
        text.push_str(&format!("\"k{i}\":{i},"));
    }
    let ok = format!("{}}}", text.trim_end_matches(','));
    let e = Catalog::from_json(&ok).expect_err("200,000 unknown fields");
    // read whole: every key is an unknown field, listed up to 100 and counted after that
    let problems = e.problems();
    assert_eq!(problems.len(), 101);
    assert_eq!(
        problems[100].to_string(),
        "catalog: (top level): and 199900 more problems"
    );
    let repeated = format!("{text}\"k7\":1}}");
    let e = Catalog::from_json(&repeated).expect_err("k7 twice");
    assert!(
        e.to_string()
            .contains("key \"k7\" appears twice in one object at line 1 column "),
        "{e}"
    );
}

// 7 -------------------------------------------------------------------------------------------

#[test]
fn d07_a_key_given_twice_is_the_same_error_on_both_faces() {
    let c = catalog();
    let mut form = Form::from_query(&c, "model=fal-ai/flux/dev&retry=20&retry=50");
    let e = evaluate(&c, &form);
    let msg: Vec<&str> = e.errors.iter().map(|x| x.message.as_str()).collect();
    assert_eq!(msg, ["`retry` is given twice"]);
    assert_eq!(
        e.steps[0].error_for("retry").as_deref(),
        Some("`retry` is given twice")
    );
    // nothing typed is lost: both values stay in the URL until the field is edited
    assert_eq!(form.to_query(), "model=fal-ai/flux/dev&retry=20&retry=50");
    let cli = gencost(&["quote", "model=fal-ai/flux/dev&retry=20&retry=50"]);
    assert_eq!(cli.status.code(), Some(2));
    assert_eq!(stderr(&cli).trim(), "gencost: `retry` is given twice");
    // typing resolves it: 0.025 / (1 - 0.5) = $0.05
    form.set(0, "retry", "50");
    let e = evaluate(&c, &form);
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    assert_eq!(e.cost_per_action.as_deref(), Some("$0.05 USD"));
    assert_eq!(form.to_query(), "model=fal-ai/flux/dev&retry=50");
    // the same for actions and for a step's key
    let e = evaluate(
        &c,
        &Form::from_query(
            &c,
            "model=fal-ai/flux/dev&actions=1&actions=2&s2.model=fal-ai/veo3&s2.sec=4&s2.sec=6",
        ),
    );
    let msg: Vec<&str> = e.errors.iter().map(|x| x.message.as_str()).collect();
    assert!(
        msg.contains(&"`actions` is given twice") && msg.contains(&"`s2.sec` is given twice"),
        "{msg:?}"
    );
}

// 8 -------------------------------------------------------------------------------------------

#[test]
fn d08_repeated_json_keys_in_a_catalog_are_refused() {
    let two_prices = one_model(|_| {}).replace(
        "\"price\":\"0.025\"",
        "\"price\":\"0.025\",\"price\":\"0.05\"",
    );
    // premise: the edit made a text with two prices
    assert_eq!(two_prices.matches("\"price\"").count(), 2);
    let e = Catalog::from_json(&two_prices).expect_err("two prices");
    assert!(
        e.to_string()
            .contains("key \"price\" appears twice in one object"),
        "{e}"
    );
    let two_lists = r#"{"format":"gencost-catalog","version":1,"models":[],"models":[]}"#;
    let e = Catalog::from_json(two_lists).expect_err("two model lists");
    assert!(
        e.to_string().contains("key \"models\" appears twice"),
        "{e}"
    );
    let path = temp_file("two-prices.json", &two_prices);
    let out = gencost(&["check-catalog", &path]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("appears twice"), "{}", stderr(&out));
}

// 9 -------------------------------------------------------------------------------------------

#[test]
fn d09_catalogs_are_read_with_a_bound() {
    let out = gencost(&["check-catalog", "/dev/zero"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out).trim(),
        "gencost: /dev/zero is over the 4194304 bytes (4 MiB) gencost reads: at least 4194305 bytes"
    );
    let big = " ".repeat(MAX_BYTES + 1);
    match Catalog::from_json(&big) {
        Err(Error::TooLarge { bytes, limit, .. }) => assert!(bytes > limit),
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

// 11 ------------------------------------------------------------------------------------------

#[test]
fn d11_catalog_text_never_reaches_the_terminal_raw() {
    let hostile = one_model(|m| {
        m["billing"]["lines"][0]["label"] = j!("seconds\u{1b}[8m hidden");
        m["summary"] = j!("\u{1b}]52;c;ZWNobyBwd25lZA==\u{7} $0.025 per second");
        m["name"] = j!("Test\u{1b}[2J");
    });
    let path = temp_file("control.json", &hostile);
    for args in [
        vec!["quote", "--catalog", path.as_str(), "model=test/model"],
        vec!["models", "--catalog", path.as_str()],
        vec!["models", "--json", "--catalog", path.as_str()],
    ] {
        let out = gencost(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{args:?}: {text:?}"
        );
    }
    let quote = stdout(&gencost(&["quote", "--catalog", &path, "model=test/model"]));
    assert!(
        quote.contains("seconds\\u{1b}[8m hidden: 5 x $0.025 = $0.125"),
        "{quote}"
    );
    // a fal endpoint id that clears the screen: refused, and the message shows it escaped
    let fal = temp_file(
        "fal-control.json",
        r#"{"prices":[{"endpoint_id":"fal-ai/x\u001b[2J","unit_price":0.1,"unit":"images","currency":"USD"}]}"#,
    );
    let out = gencost(&["check-catalog", &fal]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(!err.contains('\u{1b}'), "{err:?}");
    assert!(
        err.contains("endpoint_id: \"fal-ai/x\\u{1b}[2J\" is not an endpoint id"),
        "{err}"
    );
}

// 12 ------------------------------------------------------------------------------------------

#[test]
fn d12_the_loader_refuses_what_the_schema_refuses() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/invalid-catalogs.json"
    ))
    .expect("fixture");
    let fixture: serde_json::Value = serde_json::from_str(&text).expect("fixture JSON");
    let cases = fixture["cases"].as_array().expect("cases");
    assert!(cases.len() >= 20);
    for case in cases {
        let name = case["case"].as_str().unwrap_or_default();
        let expect = case["expect"].as_str().unwrap_or_default();
        let catalog = case["catalog"].to_string();
        match Catalog::from_json(&catalog) {
            Ok(_) => panic!("{name}: the loader accepted it"),
            Err(e) => {
                let all: Vec<String> = e.problems().iter().map(|p| p.to_string()).collect();
                assert!(
                    all.iter().any(|m| m.contains(expect)),
                    "{name}: expected {expect:?} in {all:?}"
                );
            }
        }
    }
}

// 13 ------------------------------------------------------------------------------------------

#[test]
fn d13_a_figure_says_exact_only_when_it_is() {
    let text = |q: &str| stdout(&gencost(&["quote", q]));
    // r = 0.999999999999999999, 1000 attempts: (1 - r^1000) / (1 - r) = 1000 - C(1000,2) x 1e-18
    // + ... = 999.99999999999950050..., x $0.025 = $24.99999999999998751...: not 25.
    let t = text("model=fal-ai/flux/dev&retry=99.9999999999999999&max=1000");
    assert!(!t.contains("exact 25"), "{t}");
    assert!(
        t.contains("cost per action: $25.00 (~24.9999999999999875125"),
        "{t}"
    );
    assert!(t.contains("rejection rate > 99.9999 %"), "{t}");
    // 1 / (1 - 0.005) = 1.00502512562814070351... is a rounded quotient
    let t = text("model=fal-ai/flux/dev&retry=.5");
    assert!(!t.contains("(exact"), "{t}");
    assert!(t.contains("1 / (1 - 0.005) ~ 1.005025"), "{t}");
    // r written as the user meant it: (1 - 0.2^3), and exact where it is: 1 + 0.2 + 0.04 = 1.24
    let t = text("model=fal-ai/flux/dev&retry=20.0&max=3");
    assert!(t.contains("(1 - 0.2^3) / (1 - 0.2) = 1.24"), "{t}");
    assert!(t.contains("(exact 0.031)"), "{t}");
    // an action of $5,000 buys 0.0002 actions per $1: "< 0.01", not "0"
    let t = text("model=fal/gpu/h100&gpu_s=3600&n=2646");
    // 2,646 GPU-hours x $1.89 = $5,000.94
    assert!(t.contains("actions per $1: < 0.01"), "{t}");
}

// 14 ------------------------------------------------------------------------------------------

#[test]
fn d14_cli_messages_are_one_short_line() {
    let one_line = |args: &[&str], want: &str| {
        let out = gencost(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: {err}");
        err
    };
    one_line(
        &["frobnicate"],
        "unknown command \"frobnicate\" (see gencost help)",
    );
    one_line(&["quote"], "quote takes one share URL");
    one_line(&["--nope"], "unknown flag --nope");
    one_line(
        &[
            "quote",
            "--catalog",
            "a.json",
            "--catalog",
            "b.json",
            "model=x",
        ],
        "--catalog is given twice",
    );
    let long = format!("model=fal-ai/flux/dev&retry={}", "9".repeat(130_000));
    let err = one_line(&["quote", &long], "`retry`: \"999");
    assert!(err.len() < 400, "{} bytes", err.len());
    assert!(err.contains("(130000 characters)"), "{err}");
}

// 16 ------------------------------------------------------------------------------------------

#[test]
fn d16_a_step_prefix_that_cannot_be_is_an_error_on_both_faces() {
    let c = catalog();
    for key in ["s1.model", "s02.sec", "s21.model"] {
        let q = format!("model=fal-ai/flux/dev&{key}=x");
        let form = Form::from_query(&c, &q);
        assert!(form.ignored.is_empty(), "{key}: {:?}", form.ignored);
        let e = evaluate(&c, &form);
        let page: Vec<&str> = e.errors.iter().map(|x| x.message.as_str()).collect();
        let cli = gencost(&["quote", &q]);
        assert_eq!(cli.status.code(), Some(2));
        let line = stderr(&cli);
        let line = line.trim().trim_start_matches("gencost: ");
        assert_eq!(page, [line], "{key}");
        assert!(line.starts_with(&format!("unknown key `{key}`")), "{line}");
        // the rest still works, and the key stays in the URL until removed
        assert_eq!(
            e.steps[0].figures.cost_per_generation.as_deref(),
            Some("$0.025 USD")
        );
        assert!(form.to_query().contains(key));
        let mut fixed = form.clone();
        fixed.drop_stray(key);
        assert!(evaluate(&c, &fixed).errors.is_empty());
    }
}
