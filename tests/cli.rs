//! The `gencost` binary: every model of the default catalog quotes its published price at its
//! documented example settings, the `--json` shape, and bad input (exit 2, one line, no panic).

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Output};

fn gencost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gencost"))
        .args(args)
        .output()
        .expect("gencost runs")
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = gencost(args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("valid JSON")
}

/// The published-price table (`tests/published-prices.json`): (query, cost of one generation).
fn published() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/published-prices.json"
    ))
    .expect("the published-price table");
    let table: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    table["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let field = |k: &str| r[k].as_str().expect("a string").to_string();
            (field("query"), field("cost_per_generation"))
        })
        .collect()
}

#[test]
fn every_default_model_quotes_its_published_price() {
    let models = json(&["models", "--json"]);
    let ids: BTreeSet<String> = models
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    // premise: the catalog lists models
    assert!(!ids.is_empty());
    let mut covered = BTreeSet::new();
    for (query, price) in published() {
        let q = json(&["quote", "--json", &query]);
        let step = &q["steps"][0];
        assert_eq!(step["cost_per_generation"], *price, "{query}");
        assert_eq!(q["cost_per_action"], *price, "{query}");
        covered.insert(step["model"].as_str().unwrap().to_string());
    }
    // The one model without a published price says so.
    let q = json(&["quote", "--json", "model=fal-ai/stable-audio"]);
    assert!(q["steps"][0]["cost_per_generation"].is_null());
    assert!(q["steps"][0]["unknown"].as_str().unwrap().contains("$0"));
    covered.insert("fal-ai/stable-audio".into());
    let missing: Vec<_> = ids.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "models without a published-price test: {missing:?}"
    );
}

#[test]
fn json_has_exactly_the_documented_shape() {
    // 4 x flux/schnell at 1024x768 (1 MP x $0.003), 25 % rejected, at most 3 attempts:
    // attempts (1 - 0.25^3) / 0.75 = 1.3125; 4 x 0.003 x 1.3125 = 0.01575; p(no output) 0.015625.
    let q = json(&[
        "quote",
        "--json",
        "https://x.test/?model=fal-ai/flux/schnell&n=4&retry=25&max=3&actions=1000",
    ]);
    let keys: Vec<&str> = q.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "currency",
            "cost_per_action",
            "actions_per_dollar",
            "monthly",
            "steps",
            "percentiles"
        ]
    );
    // Per output A = 1, 2, 3 attempts with P = 0.75, 0.1875, 0.0625 (the cap ends the third).
    // T = A1 + .. + A4: P(4) = 0.75^4 = 0.31640625; P(5) = 4 x 0.75^3 x 0.1875 = 0.31640625
    // (cum 0.6328125 >= 0.5: p50 = 5 x $0.003); P(6) = 6 x 0.75^2 x 0.1875^2 + 4 x 0.75^3 x 0.0625
    // = 0.22412109375 (cum 0.85693359375); P(7) = 4 x 0.75 x 0.1875^3 + 12 x 0.75^2 x 0.1875 x
    // 0.0625 = 0.098876953125 (cum 0.955810546875 >= 0.95: p90 = p95 = 7 x $0.003); P(8) =
    // 6 x 0.0625^2 x 0.75^2 + 12 x 0.0625 x 0.1875^2 x 0.75 + 0.1875^4 = 0.0342449951171875
    // (cum 0.9900555419921875 >= 0.99: p99 = 8 x $0.003).
    assert_eq!(
        q["percentiles"],
        serde_json::json!({"p50": "0.015", "p90": "0.021", "p95": "0.021", "p99": "0.024"})
    );
    let step = &q["steps"][0];
    let keys: Vec<&str> = step
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "model",
            "cost_per_generation",
            "expected_attempts",
            "cost_per_accepted_output",
            "expected_cost_per_action",
            "p_no_output",
            "lines",
            "percentiles"
        ]
    );
    assert_eq!(q["currency"], "USD");
    assert_eq!(step["expected_attempts"], "1.3125");
    assert_eq!(step["p_no_output"], "0.015625");
    assert_eq!(step["cost_per_accepted_output"], "0.004"); // 0.003 / 0.75
    assert_eq!(q["cost_per_action"], "0.01575");
    assert_eq!(q["monthly"], "15.75"); // 0.01575 x 1000
                                       // 1 / 0.01575 = 63.49206349206349206349206349..: full precision, not cents
    assert!(q["actions_per_dollar"]
        .as_str()
        .unwrap()
        .starts_with("63.4920634920"));
    let line = &step["lines"][0];
    assert_eq!(line["quantity"], "0.75");
    assert_eq!(line["billable_quantity"], "1");
    assert_eq!(line["unit_price"], "0.003");
    assert_eq!(line["amount"], "0.003");
    // a link copied from an embedded calculator (embed=1) quotes the same
    let framed = json(&[
        "quote",
        "--json",
        "https://x.test/?embed=1&model=fal-ai/flux/schnell&n=4&retry=25&max=3&actions=1000",
    ]);
    assert_eq!(framed["cost_per_action"], "0.01575");
    // no monthly without actions
    assert!(json(&["quote", "--json", "model=fal-ai/flux/schnell"])["monthly"].is_null());
}

#[test]
fn text_quote_shows_the_arithmetic() {
    let out = gencost(&[
        "quote",
        "model=fal-ai/flux/dev&w=1024&h=768&retry=20&actions=10000",
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("output megapixels: 0.75 -> 1 x $0.025 = $0.025"),
        "{text}"
    );
    assert!(text.contains("1 / (1 - 0.2) = 1.25"), "{text}");
    assert!(text.contains("cost per action: $0.03125"), "{text}");
    assert!(
        text.contains("monthly: 10,000 actions x $0.03125 = $312.50"),
        "{text}"
    );
}

fn bad(args: &[&str], expect: &str) {
    let out = gencost(args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
    assert!(
        out.stdout.is_empty() || args[0] == "check-catalog",
        "{args:?}"
    );
    assert!(
        err.contains(expect),
        "{args:?}: expected {expect:?} in {err:?}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{err}"
    );
}

#[test]
fn bad_input_is_exit_2_and_one_clear_line() {
    bad(
        &["quote", "model=fal-ai/veo3&sec=7"],
        "`sec`: \"7\" is not allowed for `fal-ai/veo3`: one of 4, 6, 8",
    );
    bad(
        &["quote", "model=nope/model"],
        "\"nope/model\" is not allowed",
    );
    bad(
        &["quote", "model=fal-ai/flux/dev&foo=1"],
        "unknown key `foo` for `fal-ai/flux/dev`: allowed w, h",
    );
    bad(
        &["quote", "model=fal-ai/flux/dev&retry=100"],
        "`retry`: a rejection rate of 100 % means no output is ever accepted",
    );
    bad(
        &["quote", "model=fal-ai/flux/dev&retry=abc"],
        "`retry`: \"abc\" is not allowed",
    );
    bad(
        &["quote", "model=fal-ai/flux/dev&s3.model=fal-ai/flux/dev"],
        "`s2.model` is missing",
    );
    bad(
        &["quote", "model=fal-ai/flux/dev&w=0"],
        "`w`: \"0\" is not allowed",
    );
    bad(&["quote"], "quote takes one share URL");
    bad(&["frobnicate"], "unknown command");
    bad(&["quote", "--catalog"], "--catalog needs a file");
    bad(
        &["quote", "--catalog", "/nonexistent.json", "model=x"],
        "cannot read /nonexistent.json",
    );
    bad(&[], "no command given");
    bad(
        &[
            "quote",
            "model=fal-ai/flux/dev&catalog=https://x.test/c.json",
        ],
        "this link uses the catalog at https://x.test/c.json: download it and pass --catalog FILE",
    );
    for args in [&["quote", "model=fal-ai/veo3&sec=7"][..], &["quote"][..]] {
        let err = String::from_utf8(gencost(args).stderr).unwrap();
        assert!(err.lines().count() <= 2, "{err}");
    }
}

fn temp_file(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("gencost-test-{}-{name}", std::process::id()));
    std::fs::File::create(&path)
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn catalog_files_native_and_fal() {
    // The shipped catalog checks clean.
    let out = gencost(&[
        "check-catalog",
        concat!(env!("CARGO_MANIFEST_DIR"), "/www/catalog.json"),
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok: "));

    // A fal pricing-API response, as it comes.
    let fal = temp_file(
        "fal.json",
        r#"{"prices":[{"endpoint_id":"fal-ai/flux/dev","unit_price":0.025,"unit":"megapixels","currency":"USD"},
                      {"endpoint_id":"fal-ai/x","unit_price":0.1,"unit":"units","currency":"USD"}],
           "next_cursor":null,"has_more":false}"#,
    );
    // 1920 x 1080 = 1.98 MP -> 2 MP x $0.025
    let q = json(&[
        "quote",
        "--json",
        "--catalog",
        &fal,
        "model=fal-ai/flux/dev&w=1920&h=1080",
    ]);
    assert_eq!(q["cost_per_action"], "0.05");
    let q = json(&["quote", "--json", "--catalog", &fal, "model=fal-ai/x"]);
    assert!(q["cost_per_action"].is_null());
    assert!(q["steps"][0]["unknown"]
        .as_str()
        .unwrap()
        .contains("\"units\""));

    // A broken catalog: every problem, each naming model and field.
    let broken = temp_file(
        "broken.json",
        r#"{"format":"gencost-catalog","version":1,"currency":"USD","models":[
            {"id":"a","name":"A","provider":"p","kind":"picture","options":[],"billing":{"lines":[{"label":"x","quantity":"output","price":"0.1"}]},"source":"https://a.test","verified":"2026-11-22"},
            {"id":"b","name":"B","provider":"p","kind":"image","options":[],"billing":{"lines":[{"label":"x","quantity":"output","price":"ten"}]},"source":"https://b.test","verified":"2026-11-22"}]}"#,
    );
    let out = gencost(&["check-catalog", &broken]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("2 problem(s)"), "{err}");
    assert!(
        err.contains("model `a`: kind: \"picture\" is not one of image, video, audio, other"),
        "{err}"
    );
    assert!(
        err.contains("model `b`: billing.lines[0].price: \"ten\" is not a decimal string"),
        "{err}"
    );
    // quote with it: one line, pointing at check-catalog
    bad(
        &["quote", "--catalog", &broken, "model=a"],
        "(and 1 more: gencost check-catalog",
    );
    let not_json = temp_file("notjson.json", "{ nope");
    bad(&["check-catalog", &not_json], "catalog is not valid JSON");
}

#[test]
fn models_lists_every_model_with_its_rule() {
    let out = gencost(&["models"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().count() >= 2);
    assert!(text.lines().any(|l| l.starts_with("fal-ai/flux/dev")
        && l.contains("$0.025 per output megapixel, rounded up (min 1)")));
    assert!(text
        .lines()
        .any(|l| l.starts_with("fal-ai/stable-audio ") && l.contains("price unknown")));
}

#[test]
fn version_and_help_for_each_command() {
    let out = gencost(&["--version"]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        format!("gencost {}", env!("CARGO_PKG_VERSION"))
    );
    for (args, first) in [
        (vec!["help"], "gencost "),
        (vec!["--help"], "gencost "),
        (
            vec!["help", "quote"],
            "usage: gencost quote [--catalog FILE] [--json | --format text|json|csv|markdown]",
        ),
        (
            vec!["quote", "--help"],
            "usage: gencost quote [--catalog FILE] [--json | --format text|json|csv|markdown]",
        ),
        (vec!["help", "models"], "usage: gencost models"),
        (vec!["models", "-h"], "usage: gencost models"),
        (
            vec!["help", "check-catalog"],
            "usage: gencost catalog check FILE",
        ),
        (
            vec!["help", "catalog", "diff"],
            "usage: gencost catalog diff OLD NEW [--json]",
        ),
    ] {
        let out = gencost(&args);
        assert!(out.status.success(), "{args:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.starts_with(first), "{args:?}: {text}");
    }
    let out = gencost(&["help", "frobnicate"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "gencost: no help for \"frobnicate\" (see gencost help)"
    );
}

#[test]
fn catalog_diff_names_each_changed_price_and_the_models_added_and_removed() {
    let old = temp_file(
        "diff-old.json",
        r#"{"format":"gencost-catalog","version":1,"models":[
            {"id":"a/one","name":"One","provider":"p","kind":"image","billing":{"lines":[{"label":"image","quantity":"output","price":"0.04"}]},"source":"https://a.test/","verified":"2026-01-01"},
            {"id":"a/gone","name":"Gone","provider":"p","kind":"image","billing":{"lines":[{"label":"image","quantity":"output","price":"0.01"}]},"source":"https://a.test/","verified":"2026-01-01"},
            {"id":"a/video","name":"Video","provider":"p","kind":"video","options":[{"name":"audio","values":["off","on"],"default":"off"}],"billing":{"lines":[{"label":"seconds","quantity":"output","price":{"by":"audio","values":{"off":"0.224","on":"0.336"}}}]},"source":"https://a.test/","verified":"2026-01-01"}]}"#,
    );
    let new = temp_file(
        "diff-new.json",
        r#"{"format":"gencost-catalog","version":1,"models":[
            {"id":"a/one","name":"One","provider":"p","kind":"image","billing":{"lines":[{"label":"image","quantity":"output","price":"0.05"}]},"source":"https://a.test/","verified":"2026-11-23"},
            {"id":"a/video","name":"Video","provider":"p","kind":"video","options":[{"name":"audio","values":["off","on"],"default":"off"}],"billing":{"lines":[{"label":"seconds","quantity":"output","price":{"by":"audio","values":{"off":"0.112","on":"0.168"}}}]},"source":"https://a.test/","verified":"2026-11-23"},
            {"id":"a/new","name":"New","provider":"p","kind":"image","billing":{"lines":[{"label":"image","quantity":"output","price":"0.02"}]},"source":"https://a.test/","verified":"2026-11-23"}]}"#,
    );
    let d = json(&["catalog", "diff", "--json", &old, &new]);
    // $0.04 -> $0.05: (0.05 - 0.04) / 0.04 = +25 %; Kling-style halving: 0.224 -> 0.112 = -50 %
    assert_eq!(
        d["changed"][0],
        serde_json::json!({"model":"a/one","what":"image","old":"0.04","new":"0.05","change_percent":"25"})
    );
    assert_eq!(d["changed"][1]["what"], "seconds [off]");
    assert_eq!(d["changed"][1]["change_percent"], "-50");
    assert_eq!(d["changed"][2]["what"], "seconds [on]");
    assert_eq!(d["added"], serde_json::json!(["a/new"]));
    assert_eq!(d["removed"], serde_json::json!(["a/gone"]));
    let text = String::from_utf8(gencost(&["catalog", "diff", &old, &new]).stdout).unwrap();
    assert!(
        text.contains("changed  a/one  image: 0.04 -> 0.05 (+25 %)"),
        "{text}"
    );
    // `catalog check` is check-catalog's new name; the old one stays
    for args in [
        ["catalog", "check", new.as_str()].as_slice(),
        ["check-catalog", new.as_str()].as_slice(),
    ] {
        let out = gencost(args);
        assert!(out.status.success());
        assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "ok: 3 models");
    }
}

#[test]
fn catalog_litellm_imports_image_video_and_audio_entries_and_lists_the_rest() {
    // A cut of LiteLLM's model_prices_and_context_window_backup.json (PyPI litellm 1.109.1).
    let fixture = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/litellm-cut.json"
    );
    let out = gencost(&["catalog", "litellm", fixture]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let catalog = temp_file("litellm.json", &String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8_lossy(&out.stderr);
    // a model without a price LiteLLM states is listed with the reason, never priced $0
    assert!(
        stderr.contains("gencost: skipped qwencloud/qwen-image-2.0: no image price"),
        "{stderr}"
    );
    // chat models are not image, video or audio entries: neither imported nor listed
    assert!(!stderr.contains("gpt-4o"), "{stderr}");
    let cost = |query: &str| {
        let q = json(&["quote", "--json", "--catalog", &catalog, query]);
        q["steps"][0]["cost_per_generation"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };
    // output_cost_per_image 0.06
    assert_eq!(
        cost("model=1024-x-1024/50-steps/bedrock/amazon.nova-canvas-v1:0"),
        "0.06"
    );
    // input_cost_per_pixel 8.39233e-08 x 1024 x 1024 = 1,048,576 x 0.0000000839233 = 0.0879999582208:
    // every pixel, no megapixel rounding
    assert_eq!(
        cost("model=azure/hd/1024-x-1024/dall-e-3"),
        "0.0879999582208"
    );
    // output_cost_per_video_per_second 0.1 x 8 s
    assert_eq!(cost("model=openai/sora-2&sec=8"), "0.8");
    // output_cost_per_second_720p 0.082513 x 5 s
    assert_eq!(
        cost("model=dashscope/wan3.0-video&resolution=720p&sec=5"),
        "0.412565"
    );
    // input_cost_per_character 1.5e-05 x 1000 characters
    assert_eq!(cost("model=azure/tts-1&chars=1000"), "0.015");
    // input_cost_per_second 3.333e-05 x 60 s of audio
    assert_eq!(cost("model=assemblyai/best&sec=60"), "0.0019998");
    // a token-priced image: $4e-05 per token = $40 per 1M, x 1056 tokens by default
    assert_eq!(cost("model=azure/gpt-image-1"), "0.04224");
    let models = json(&["models", "--json", "--catalog", &catalog]);
    let sora = models
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "openai/sora-2")
        .unwrap();
    assert!(sora["rule"]
        .as_str()
        .unwrap()
        .contains("$0.10 per video second"));
}

#[test]
fn compare_json_has_the_documented_shape_and_reproduces_each_figure() {
    let c = json(&[
        "compare",
        "--json",
        "--step",
        "2",
        "model=fal-ai/veo3&sec=8&s2.model=fal-ai/flux/dev&s2.w=1024&s2.h=768&s2.n=4&s2.retry=25",
    ]);
    let keys: Vec<&str> = c.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["step", "model", "alternatives", "incompatible"]);
    assert_eq!(c["step"], 2);
    assert_eq!(c["model"], "fal-ai/flux/dev");
    let list = c["alternatives"].as_array().unwrap();
    let first = list[0].as_object().unwrap();
    assert_eq!(
        first.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "model",
            "name",
            "provider",
            "cost_per_generation",
            "expected_cost_per_action",
            "ratio",
            "options",
            "adjusted"
        ]
    );
    // The current model: 4 x $0.025 / 0.75 = $0.1333..; ratio 1.
    let me = list
        .iter()
        .find(|a| a["model"] == "fal-ai/flux/dev")
        .unwrap();
    assert_eq!(me["ratio"], "1");
    assert!(me["expected_cost_per_action"]
        .as_str()
        .unwrap()
        .starts_with("0.13333333"));
    // Each row quoted with its options, n, retry and max gives its figure.
    for a in list.iter().take(5) {
        let mut link = format!("model={}", a["model"].as_str().unwrap());
        for (k, v) in a["options"].as_object().unwrap() {
            link.push_str(&format!("&{k}={}", v.as_str().unwrap()));
        }
        link.push_str("&n=4&retry=25");
        let q = json(&["quote", "--json", &link]);
        assert_eq!(
            q["cost_per_action"], a["expected_cost_per_action"],
            "{link}"
        );
    }
    assert!(c["incompatible"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["reason"].is_string()));
}

#[test]
fn quote_formats_csv_and_markdown() {
    let out = gencost(&[
        "quote",
        "--format",
        "csv",
        "model=fal-ai/flux/dev&w=1024&h=768",
    ]);
    assert!(out.status.success());
    // 0.75 MP rounded up to 1 MP x $0.025.
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "plan,step,model,item,quantity,billable_quantity,unit_price,amount\r\nplan 1,1,fal-ai/flux/dev,output megapixels,0.75,1,0.025,0.025\r\nplan 1,,,cost per action,,,,0.025\r\n"
    );
    let out = gencost(&[
        "quote",
        "--format",
        "markdown",
        "model=fal-ai/flux/dev&w=1024&h=768",
    ]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("| Plan | Step | Model |"), "{text}");
    assert!(
        text.contains("| plan 1 | 1 | fal-ai/flux/dev | $0.025 |"),
        "{text}"
    );
    // --format json is --json.
    assert_eq!(
        gencost(&["quote", "--format", "json", "model=fal-ai/flux/dev"]).stdout,
        gencost(&["quote", "--json", "model=fal-ai/flux/dev"]).stdout
    );
}
