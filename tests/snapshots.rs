//! Snapshots of what the CLI prints: the text and JSON quote of every row of the published-price
//! table, and the one line of every kind of bad input. A change to any output shows as a diff;
//! `UPDATE_SNAPSHOTS=1 cargo test --test snapshots` writes the new text after review.

use std::path::PathBuf;

/// What `gencost ARGS` prints: stderr's warnings and stdout, or `gencost: <message>` and the
/// exit status 2.
fn run(args: &[&str]) -> String {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let (mut out, mut warn) = (Vec::new(), Vec::new());
    match gencost::cli::run_with(&args, &mut out, &mut warn) {
        Ok(()) => format!(
            "{}{}",
            String::from_utf8_lossy(&warn),
            String::from_utf8_lossy(&out)
        ),
        Err(e) => format!("exit 2: gencost: {e}\n"),
    }
}

fn check(name: &str, actual: &str) {
    let path: PathBuf = [env!("CARGO_MANIFEST_DIR"), "tests", "snapshots", name]
        .iter()
        .collect();
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).expect("write snapshot");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected != actual {
        let first = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        panic!(
            "{name} differs from line {}:\n  expected: {:?}\n  actual:   {:?}\n(UPDATE_SNAPSHOTS=1 after review)",
            first + 1,
            expected.lines().nth(first),
            actual.lines().nth(first)
        );
    }
}

fn published_queries() -> Vec<String> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/published-prices.json"
    ))
    .expect("the published-price table");
    let table: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    let rows = table["rows"].as_array().expect("rows").iter();
    let unknown = table["unknown"].as_array().expect("unknown rows").iter();
    rows.chain(unknown)
        .map(|r| r["query"].as_str().expect("a query").to_string())
        .collect()
}

#[test]
fn quotes_of_the_published_price_table() {
    let mut text = String::new();
    let mut json = String::new();
    for q in published_queries() {
        text.push_str(&format!("$ gencost quote '{q}'\n{}\n", run(&["quote", &q])));
        json.push_str(
            &run(&["quote", "--json", &q])
                .lines()
                .filter(|l| !l.starts_with("gencost: warning"))
                .collect::<Vec<_>>()
                .join("\n"),
        );
        json.push('\n');
    }
    check("published-text.txt", &text);
    check("published-json.txt", &json);
}

/// One line per kind of bad input, as the user sees it.
const BAD: &[&[&str]] = &[
    &[],
    &["frobnicate"],
    &["--nope"],
    &["quote"],
    &["quote", "a", "b"],
    &["quote", "--catalog"],
    &[
        "quote",
        "--catalog",
        "a.json",
        "--catalog",
        "b.json",
        "model=x",
    ],
    &["quote", "--catalog", "/nonexistent/catalog.json", "model=x"],
    &["quote", "model=nope/nothing"],
    &["quote", "w=1024"],
    &["quote", "model=fal-ai/flux/dev&audio=on"],
    &["quote", "model=fal-ai/flux/dev&w=abc"],
    &["quote", "model=fal-ai/flux/dev&w=0.5"],
    &["quote", "model=fal-ai/veo3&sec=7"],
    &["quote", "model=fal-ai/flux/dev&retry=100"],
    &["quote", "model=fal-ai/flux/dev&retry=120"],
    &["quote", "model=fal-ai/flux/dev&retry=abc"],
    &["quote", "model=fal-ai/flux/dev&retry=20&retry=50"],
    &["quote", "model=fal-ai/flux/dev&n=0"],
    &["quote", "model=fal-ai/flux/dev&n=4294967296"],
    &["quote", "model=fal-ai/flux/dev&max=0"],
    &["quote", "model=fal-ai/flux/dev&max=1001"],
    &[
        "quote",
        "model=fal-ai/flux/dev&fallback=fal-ai/flux/schnell",
    ],
    &["quote", "model=fal-ai/flux/dev&failover=10"],
    &[
        "quote",
        "model=fal-ai/flux/dev&fallback=fal-ai/flux/schnell&failover=101",
    ],
    &["quote", "model=fal-ai/flux/dev&actions=-1"],
    &["quote", "model=fal-ai/flux/dev&actions=lots"],
    &["quote", "model=fal-ai/flux/dev&s1.model=x"],
    &["quote", "model=fal-ai/flux/dev&s02.model=x"],
    &["quote", "model=fal-ai/flux/dev&s21.model=x"],
    &["quote", "model=fal-ai/flux/dev&s3.model=fal-ai/flux/dev"],
    &["quote", "model=fal-ai/flux/dev&w=%zz"],
    &["quote", "model=fal-ai/flux/dev&Bad-Key=1"],
    &[
        "quote",
        "model=fal-ai/flux/dev&catalog=https://x.test/c.json",
    ],
    &[
        "quote",
        "model=openai/gpt-image-1&quality=low&w=1000&h=1000",
    ],
    &["models", "extra"],
    &["check-catalog"],
    // Issue 10: plans, mix, compare and formats.
    &[
        "quote",
        "model=fal-ai/flux/dev&mix=60&p2.model=fal-ai/flux/schnell&p2.mix=30",
    ],
    &[
        "quote",
        "model=fal-ai/flux/dev&mix=60&p2.model=fal-ai/flux/schnell",
    ],
    &[
        "quote",
        "model=fal-ai/flux/dev&p2.model=fal-ai/flux/schnell&p2.mix=x&mix=1",
    ],
    &["quote", "model=fal-ai/flux/dev&p5.model=fal-ai/flux/dev"],
    &[
        "quote",
        "model=fal-ai/flux/dev&p2.model=fal-ai/flux/dev&p2.actions=5",
    ],
    &[
        "quote",
        "model=fal-ai/flux/dev&p2.model=fal-ai/flux/dev&p2.s2.retry=abc",
    ],
    &["quote", "model=fal-ai/flux/dev&name=a&name=b"],
    &["quote", "--format", "yaml", "model=fal-ai/flux/dev"],
    &[
        "quote",
        "--format",
        "csv",
        "--json",
        "model=fal-ai/flux/dev",
    ],
    &["quote", "--format"],
    &["models", "--format", "csv"],
    &["compare", "--step", "0", "model=fal-ai/flux/dev"],
    &["compare", "--step", "2", "model=fal-ai/flux/dev"],
    &["compare", "model=fal-ai/flux/dev&retry=abc"],
    &["compare", "model=nope"],
    &["compare"],
    &["quote", "--step", "2", "model=fal-ai/flux/dev"],
    // Issue 11: usage logs.
    &["usage"],
    &["usage", "/nonexistent/log.jsonl"],
    &["usage", "/dev/null"],
    &["usage", "--format", "csv", "/dev/null"],
];

#[test]
fn one_line_for_every_kind_of_bad_input() {
    let mut text = String::new();
    for args in BAD {
        let shown: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        let out = run(args);
        // premise: it was refused
        assert!(out.starts_with("exit 2: "), "{args:?} was accepted: {out}");
        assert_eq!(out.lines().count(), 1, "{args:?}: {out}");
        text.push_str(&format!("$ gencost {}\n{out}", shown.join(" ")));
    }
    check("bad-input.txt", &text);
}
