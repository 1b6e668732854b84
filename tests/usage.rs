//! Issue 11: `gencost usage` and the engine's usage report, on logs with known rejection
//! rates, billed costs, bad lines and CSV.

mod common;
use common::*;

use gencost::engine::usage::{read, rfc3339_seconds, to_json};

/// A JSON line of FLUX.1 [dev] at 1024 x 768 (0.75 MP -> 1 MP x $0.025 = $0.025).
fn flux(accepted: bool, action: &str, extra: &str) -> String {
    format!(
        r#"{{"model":"fal-ai/flux/dev","options":{{"w":1024,"h":768}},"accepted":{accepted},"action":"{action}"{extra}}}"#
    )
}

#[test]
fn a_known_rejection_rate_with_its_wilson_interval() {
    // 8 generations, 2 rejected: r = 0.25. Wilson 95 %: p = 0.25, z = 1.959964, z^2/n = 0.480182;
    // centre (0.25 + 0.240091) / 1.480182 = 0.331102; half 1.959964 x sqrt(0.25 x 0.75 / 8 +
    // 3.841459 / 256) / 1.480182 = 0.259623 -> [0.071479, 0.590725].
    let mut log = String::new();
    for i in 0..8 {
        log.push_str(&flux(i >= 2, &format!("a{}", i / 2), ""));
        log.push('\n');
    }
    let r = read(cat(), &log);
    assert_eq!((r.lines, r.skipped_total), (8, 0));
    let m = &r.models[0];
    assert_eq!((m.generations, m.accepted), (8, 6));
    assert_eq!(m.rejection_rate, d("0.25"));
    let j: Value = serde_json::from_str(&to_json(&r).to_string()).unwrap();
    assert_eq!(
        j["models"][0]["rejection_rate_95"],
        json!(["0.071479", "0.590725"])
    );
    // 8 x $0.025 = $0.20 at catalog prices; per accepted output $0.20 / 6 = $0.0333...
    assert_eq!(m.catalog_cost, d("0.2"));
    assert!(m
        .cost_per_accepted_output
        .unwrap()
        .to_string()
        .starts_with("0.03333333"));
    assert_eq!(m.billed_cost, None);
    assert_eq!(m.drift_percent, None);
    // 4 actions of 2 generations each: $0.05 each: every percentile $0.05.
    let a = r.actions.as_ref().unwrap();
    assert_eq!((a.count, a.mean), (4, d("0.05")));
    assert_eq!(a.percentiles, [d("0.05"); 4]);
    // The scenario: 6 accepted / 4 actions = 1.5 -> n = 2; retry 25 %.
    assert_eq!(
        r.scenario,
        "model=fal-ai/flux/dev&w=1024&h=768&n=2&retry=25"
    );
    // ... which the calculator quotes without a problem: 2 x $0.025 / 0.75.
    assert_eq!(
        q(&r.scenario).cost_per_action.unwrap().round_dp(6),
        d("0.066667")
    );
}

#[test]
fn billed_costs_drift_from_the_catalog_in_percent() {
    // Each generation billed $0.03 where the catalog says $0.025: +20 %. A line without `cost`
    // counts at catalog prices but not in the drift.
    let log = [
        flux(true, "a", r#","cost":"0.03""#),
        flux(false, "a", r#","cost":0.03"#),
        flux(true, "b", ""),
    ]
    .join("\n");
    let r = read(cat(), &log);
    let m = &r.models[0];
    assert_eq!(m.catalog_cost, d("0.075"));
    assert_eq!(m.billed_cost, Some(d("0.06")));
    // (0.06 - 0.05) / 0.05 x 100 = 20
    assert_eq!(m.drift_percent, Some(d("20")));
}

#[test]
fn billable_units_are_priced_at_the_catalogs_unit_price() {
    // Veo 3 with audio: $0.40 per second; fal reports 8 billable units (seconds): $3.20 billed.
    // The catalog's 8 s clip is $3.20 too: no drift. A 10-unit bill is $4.00: +25 %.
    let log = [
        r#"{"model":"fal-ai/veo3","options":{"sec":8,"audio":"on"},"billable_units":8}"#,
        r#"{"model":"fal-ai/veo3","options":{"sec":8,"audio":"on"},"billable_units":"10"}"#,
    ]
    .join("\n");
    let r = read(cat(), &log);
    let m = &r.models[0];
    assert_eq!(m.billed_cost, Some(d("7.2")));
    // (7.2 - 6.4) / 6.4 x 100 = 12.5
    assert_eq!(m.drift_percent, Some(d("12.5")));
}

#[test]
fn bad_lines_are_skipped_with_number_and_reason_and_the_rest_counts() {
    let log = [
        flux(true, "a", ""),
        "not json".to_string(),
        r#"{"model":"nope"}"#.to_string(),
        r#"{"options":{}}"#.to_string(),
        flux(true, "a", r#","cost":"-1""#),
        flux(true, "a", r#","time":"yesterday""#),
        r#"{"model":"fal-ai/flux/dev","options":{"w":1024,"h":768},"accepted":"maybe"}"#
            .to_string(),
        r#"{"model":"fal-ai/veo3","options":{"sec":7}}"#.to_string(),
        String::new(),
        flux(false, "b", ""),
    ]
    .join("\n");
    let r = read(cat(), &log);
    let skipped: Vec<(u64, &str)> = r
        .skipped
        .iter()
        .map(|s| (s.line, s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        [
            (2, "not JSON: expected value at line 1 column 1"),
            (
                3,
                "`model`: \"nope\" is not allowed: a model id from the catalog"
            ),
            (4, "no `model`"),
            (5, "`cost` is \"-1\", not an amount"),
            (6, "`time` is \"yesterday\", not RFC 3339"),
            (7, "`accepted` is a string, not true or false"),
            (
                8,
                "`sec`: \"7\" is not allowed for `fal-ai/veo3`: one of 4, 6, 8"
            ),
        ]
    );
    // Blank lines are not lines; the two good ones count.
    assert_eq!((r.lines, r.skipped_total), (9, 7));
    assert_eq!(r.models[0].generations, 2);
    assert!(!r.nothing_read());
    assert!(read(cat(), "nope\n{}\n").nothing_read());
}

#[test]
fn csv_with_option_columns_and_quoted_fields() {
    // RFC 4180: a quoted action id with a comma and a doubled quote; options as columns.
    let log = "model,w,h,accepted,action,cost\r\n\
               fal-ai/flux/dev,1024,768,true,\"user 1, \"\"avatar\"\"\",0.025\r\n\
               fal-ai/flux/dev,1024,768,false,\"user 1, \"\"avatar\"\"\",0.025\r\n\
               fal-ai/flux/dev,1024,768,yes,u2,\r\n\
               fal-ai/flux/dev,1024,768\r\n";
    let r = read(cat(), log);
    assert_eq!(r.skipped.len(), 1);
    assert_eq!(r.skipped[0].line, 5);
    assert_eq!(r.skipped[0].reason, "3 fields where the header has 6");
    let m = &r.models[0];
    assert_eq!((m.generations, m.accepted), (3, 2));
    assert_eq!(m.billed_cost, Some(d("0.05")));
    // Two actions: $0.05 and $0.025; nearest rank p50 = the 1st of 2 ($0.025), p90 = the 2nd.
    let a = r.actions.as_ref().unwrap();
    assert_eq!(a.count, 2);
    assert_eq!(a.percentiles, [d("0.025"), d("0.05"), d("0.05"), d("0.05")]);
    // A quoted field over two lines is one record.
    let r = read(cat(), "model,action\nfal-ai/flux/dev,\"two\nlines\"\n");
    assert_eq!((r.lines, r.skipped_total), (1, 0));
}

#[test]
fn the_scenario_orders_models_as_they_come_within_actions_and_counts_the_pace() {
    // Each action: 2 images (one rejected retry each), then an 8 s clip; 3 actions over 2 days.
    let mut lines = Vec::new();
    for (a, day) in [("a", "01"), ("b", "02"), ("c", "03")] {
        let t = format!(r#","time":"2026-11-{day}T09:00:00+01:00""#);
        lines.push(flux(false, a, &t));
        lines.push(flux(true, a, &t));
        lines.push(flux(true, a, &t));
        lines.push(format!(
            r#"{{"model":"fal-ai/veo3","options":{{"sec":8}},"action":"{a}"{t}}}"#
        ));
    }
    let r = read(cat(), &lines.join("\n"));
    // FLUX: 9 generations, 3 rejected: 33.33 %; 6 accepted / 3 actions = 2 a step.
    // Veo: 3 of 3 accepted. 3 actions in 2 days: 45 a month (30 days).
    assert_eq!(
        r.scenario,
        "model=fal-ai/flux/dev&w=1024&h=768&n=2&retry=33.33&s2.model=fal-ai/veo3&s2.sec=8&actions=45"
    );
    assert_eq!(rfc3339_seconds("1970-01-01T01:00:00+01:00"), Some(0));
    assert_eq!(rfc3339_seconds("2026-11-23T00:00:00Z"), Some(1_795_392_000));
    assert_eq!(rfc3339_seconds("2026-02-30T00:00:00"), None);
}

fn gencost(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_gencost"))
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn the_cli_reports_json_and_refuses_a_log_it_cannot_read_at_all() {
    let dir = std::env::temp_dir().join(format!("gencost-usage-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("good.jsonl");
    std::fs::write(
        &good,
        [flux(true, "a", ""), flux(false, "a", ""), "oops".into()].join("\n"),
    )
    .unwrap();
    let out = gencost(&["usage", "--json", good.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "lines",
            "skipped",
            "skipped_total",
            "models",
            "actions",
            "scenario"
        ]
    );
    let m = j["models"][0].as_object().unwrap();
    assert_eq!(
        m.keys().map(String::as_str).collect::<Vec<_>>(),
        [
            "model",
            "generations",
            "accepted",
            "rejection_rate",
            "rejection_rate_95",
            "catalog_cost",
            "billed_cost",
            "drift_percent",
            "cost_per_accepted_output"
        ]
    );
    assert_eq!(
        j["skipped"][0],
        json!({"line": 3, "reason": "not JSON: expected value at line 1 column 1"})
    );
    assert_eq!(j["models"][0]["rejection_rate"], "0.5");
    assert_eq!(j["actions"]["p99"], "0.05");
    let bad = dir.join("bad.jsonl");
    std::fs::write(&bad, "oops\n{\"model\":\"nope\"}\n").unwrap();
    let out = gencost(&["usage", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no line could be read: line 1: not JSON"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1);
    let _ = std::fs::remove_dir_all(&dir);
}
