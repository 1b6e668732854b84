//! Issue 10: alternatives for a step, plans side by side, budget percentiles and exports.

mod common;
use common::*;

use gencost::engine::compare::{compare, task};
use gencost::engine::export::{self, Export};
use gencost::engine::percentiles::{self, attempts, budget, step_distribution, Distribution};
use gencost::engine::plans::{assess_plans, read_plans, NoBlend};
use gencost::engine::{assess, read_query};

fn ranking(query: &str, step: usize) -> gencost::engine::compare::Comparison {
    compare(cat(), &read_query(query, &[]), step).unwrap_or_else(|e| panic!("{query}: {e}"))
}

// ---------------------------------------------------------------------------------------------
// Alternatives

#[test]
fn alternatives_carry_the_job_over_and_adjust_what_a_model_cannot_do() {
    // Veo 3 on fal, 8 s with audio: $0.40 per second with audio -> $3.20; r = 20 % -> x1.25.
    let c = ranking("model=fal-ai/veo3&sec=8&audio=on&retry=20", 0);
    assert_eq!(c.model, "fal-ai/veo3");
    let me = c.alternatives.iter().find(|a| a.current).unwrap();
    assert_eq!(me.expected_cost_per_action, d("4.00"));
    assert_eq!(me.ratio, Some(d("1")));
    assert!(me.adjusted.is_empty());
    // Kling 2.6 Pro makes video from an image: another task, listed apart with the reason.
    let kling = c
        .incompatible
        .iter()
        .find(|i| i.model == "fal-ai/kling-video/v2.6/pro/image-to-video")
        .unwrap();
    assert_eq!(
        kling.reason,
        "another task (image to video, not text to video)"
    );
    // Hailuo 02 Pro makes at most 6 s: it cannot do an 8 s job.
    let hailuo = c
        .incompatible
        .iter()
        .find(|i| i.model == "fal-ai/minimax/hailuo-02/pro/text-to-video")
        .unwrap();
    assert_eq!(hailuo.reason, "`sec` is at most 6 s, not 8 s");
    // A model without audio cannot do a job with audio.
    let silent = c
        .incompatible
        .iter()
        .find(|i| i.model == "fal-ai/minimax/hailuo-2.3/pro/text-to-video")
        .unwrap();
    assert_eq!(silent.reason, "makes no audio");
    // Sorted by expected cost per action, ascending.
    let costs: Vec<Decimal> = c
        .alternatives
        .iter()
        .map(|a| a.expected_cost_per_action)
        .collect();
    let mut sorted = costs.clone();
    sorted.sort();
    assert_eq!(costs, sorted);
}

#[test]
fn a_duration_moves_up_to_the_nearest_allowed_never_down() {
    // Kling 2.6 Pro image to video, 5 s with audio: $0.14 per second -> $0.70.
    let c = ranking(
        "model=fal-ai/kling-video/v2.6/pro/image-to-video&sec=5&audio=on",
        0,
    );
    // Veo 3.1 image to video takes 4, 6 or 8 s: 5 s moves up to 6 s, and says so.
    let veo = c
        .alternatives
        .iter()
        .find(|a| a.model == "fal-ai/veo3.1/image-to-video")
        .unwrap();
    assert_eq!(veo.options["sec"], "6");
    assert_eq!(veo.options["audio"], "on");
    assert_eq!(veo.adjusted, ["sec"]);
    // 6 s x $0.40 per second with audio = $2.40; ratio 2.40 / 0.70 = 3.4286 (4 places).
    assert_eq!(veo.expected_cost_per_action, d("2.40"));
    assert_eq!(veo.ratio, Some(d("3.4286")));
}

#[test]
fn a_size_a_model_cannot_make_moves_to_the_nearest_at_the_same_aspect_ratio() {
    // 1024 x 768 (4:3). GPT Image 1 makes 1024x1024, 1024x1536 and 1536x1024 only: no 4:3, so
    // the nearest aspect ratio, 3:2 (1536 x 1024).
    let c = ranking("model=fal-ai/flux/dev&w=1024&h=768", 0);
    let gpt = c
        .alternatives
        .iter()
        .find(|a| a.model == "openai/gpt-image-1")
        .unwrap();
    assert_eq!(
        (gpt.options["w"].as_str(), gpt.options["h"].as_str()),
        ("1536", "1024")
    );
    assert_eq!(gpt.adjusted, ["h", "w"]);
    // FLUX1.1 [pro] takes any 1024 x 768: nothing moves.
    let pro = c
        .alternatives
        .iter()
        .find(|a| a.model == "fal-ai/flux-pro/v1.1")
        .unwrap();
    assert!(pro.adjusted.is_empty());
    assert_eq!(pro.options["w"], "1024");
    // An upscaler is an image model of another task.
    let up = c
        .incompatible
        .iter()
        .find(|i| i.model == "fal-ai/clarity-upscaler")
        .unwrap();
    assert!(up.reason.contains("upscaling"), "{}", up.reason);
}

#[test]
fn the_ranking_equals_quoting_each_model_with_its_options() {
    for query in [
        "model=fal-ai/flux/dev&w=1024&h=768&n=4&retry=25",
        "model=fal-ai/veo3&sec=8&audio=on&retry=20&max=3",
        "model=fal-ai/minimax/speech-02-turbo&chars=1200&retry=10",
    ] {
        let c = ranking(query, 0);
        let scenario = parse_query(query).unwrap();
        let s = &scenario.steps[0];
        assert!(!c.alternatives.is_empty(), "{query}");
        for a in &c.alternatives {
            let mut link = format!("model={}", a.model);
            for (k, v) in &a.options {
                link.push_str(&format!("&{k}={v}"));
            }
            link.push_str(&format!("&n={}&retry={}", s.n, s.retry_percent));
            if let Some(k) = s.max_attempts {
                link.push_str(&format!("&max={k}"));
            }
            let quoted = q(&link);
            assert_eq!(
                quoted.cost_per_action,
                Some(a.expected_cost_per_action),
                "{link}"
            );
            assert_eq!(
                quoted.steps[0].costs.as_ref().unwrap().cost_per_generation,
                a.cost_per_generation,
                "{link}"
            );
        }
    }
}

#[test]
fn compare_refuses_a_step_with_fields_to_fix_naming_the_key() {
    let e = compare(
        cat(),
        &read_query("model=fal-ai/flux/dev&retry=abc", &[]),
        0,
    )
    .unwrap_err();
    assert_eq!(e.key(), Some("retry"));
    let e = compare(cat(), &read_query("model=fal-ai/flux/dev", &[]), 1).unwrap_err();
    assert_eq!(e.to_string(), "`s2.model` is missing");
}

#[test]
fn tasks_are_read_from_ids_and_names() {
    let t = |id: &str| task(cat().model(id).unwrap());
    assert_eq!(t("fal-ai/flux/dev"), "image generation");
    assert_eq!(t("fal-ai/qwen-image-2/edit"), "image editing");
    assert_eq!(t("fal-ai/clarity-upscaler"), "upscaling");
    assert_eq!(t("fal-ai/veo3"), "text to video");
    assert_eq!(t("fal-ai/veo3.1/image-to-video"), "image to video");
    assert_eq!(t("fal-ai/minimax/speech-02-turbo"), "speech");
}

// ---------------------------------------------------------------------------------------------
// Plans

const FREE_PAID: &str = "model=fal-ai/flux/schnell&w=1024&h=1024&name=Free&mix=80&p2.model=fal-ai/flux-pro/v1.1&p2.w=1024&p2.h=1024&p2.n=2&p2.name=Paid&p2.mix=20&actions=10000";

#[test]
fn plans_are_priced_side_by_side_and_blended_by_their_mix() {
    let a = assess_plans(cat(), &read_plans(FREE_PAID, &[]));
    assert_eq!(a.problems, []);
    assert_eq!(a.plans.len(), 2);
    // Free: FLUX.1 [schnell] 1024 x 1024 = 1 MP (fal's megapixel is 1024 x 1024 px) x $0.003.
    let free = a.plans[0]
        .assessment
        .totals
        .cost_per_action
        .clone()
        .unwrap();
    // Paid: 2 x FLUX1.1 [pro] 1024 x 1024 = 2 x 1 MP x $0.04 = $0.08.
    let paid = a.plans[1]
        .assessment
        .totals
        .cost_per_action
        .clone()
        .unwrap();
    assert_eq!((free, paid), (d("0.003"), d("0.08")));
    let check_free = q("model=fal-ai/flux/schnell&w=1024&h=1024")
        .cost_per_action
        .unwrap();
    let check_paid = q("model=fal-ai/flux-pro/v1.1&w=1024&h=1024&n=2")
        .cost_per_action
        .unwrap();
    assert_eq!((free, paid), (check_free, check_paid));
    // Blend: 0.8 x $0.003 + 0.2 x $0.08 = $0.0024 + $0.016 = $0.0184; x 10,000 = $184.
    let blend = a.blended.clone().unwrap().unwrap();
    let expect = free * d("0.8") + paid * d("0.2");
    assert_eq!(blend.cost_per_action, expect.normalize());
    assert_eq!(blend.cost_per_action, d("0.0184"));
    assert_eq!(blend.monthly, Some((expect * d("10000")).normalize()));
    assert_eq!(blend.monthly, Some(d("184")));
    // Each plan's monthly spend is for its share of the actions: 8,000 and 2,000.
    assert_eq!(a.plans[0].assessment.actions_per_month, Some(d("8000")));
    assert_eq!(a.plans[1].assessment.actions_per_month, Some(d("2000")));
    assert_eq!(a.plans[1].name.as_deref(), Some("Paid"));
}

#[test]
fn a_link_without_plan_keys_means_what_it_always_meant() {
    let table: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/published-prices.json").unwrap())
            .unwrap();
    let mut rows: Vec<String> = table["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["query"].as_str().unwrap().to_string())
        .collect();
    assert!(!rows.is_empty());
    rows.push("model=fal-ai/flux/dev&retry=abc&s2.model=nope&actions=x".to_string());
    for query in &rows {
        let p = read_plans(query, &[]);
        assert_eq!(p.plans.len(), 1, "{query}");
        assert_eq!(p.plans[0].draft, read_query(query, &[]), "{query}");
        let a = assess_plans(cat(), &p);
        assert_eq!(
            a.plans[0].assessment,
            assess(cat(), &read_query(query, &[])),
            "{query}"
        );
        assert!(a.blended.is_none());
    }
}

#[test]
fn mix_errors_name_mix() {
    let problems = |link: &str| -> Vec<String> {
        let a = assess_plans(cat(), &read_plans(link, &[]));
        a.all_problems().map(|e| e.to_string()).collect()
    };
    let two = "model=fal-ai/flux/dev&p2.model=fal-ai/flux/schnell";
    assert_eq!(
        problems(two),
        Vec::<String>::new(),
        "no mix: compared, not blended"
    );
    assert_eq!(
        problems(&format!("{two}&mix=60&p2.mix=30")),
        ["`mix`: \"60 + 30 = 90\" is not allowed: the plans' mixes must add up to 100"]
    );
    assert_eq!(problems(&format!("{two}&mix=60")), ["`p2.mix` is missing"]);
    assert_eq!(
        problems(&format!("{two}&mix=60&p2.mix=forty")),
        ["`p2.mix`: \"forty\" is not allowed: a percentage of user actions from 0 to 100"]
    );
    let a = assess_plans(cat(), &read_plans(&format!("{two}&mix=60"), &[]));
    assert_eq!(a.blended, Some(Err(NoBlend::Mix)));
    // The plans themselves are still priced: a wrong mix blanks only the blend.
    assert!(a
        .plans
        .iter()
        .all(|p| p.assessment.totals.cost_per_action.is_ok()));
    // Keys of plan 2 carry its prefix in every message; a prefix that cannot be is named.
    assert_eq!(
        problems("model=fal-ai/flux/dev&p2.model=fal-ai/flux/dev&p2.retry=abc"),
        ["`p2.retry`: \"abc\" is not allowed: a percentage from 0 to below 100, such as 20 or 12.5"]
    );
    assert_eq!(
        problems("model=fal-ai/flux/dev&p5.model=fal-ai/flux/dev")[0],
        "unknown key `p5.model`: allowed plan prefixes p2. to p4. (plan 1 has no prefix)"
    );
    assert!(
        problems("model=fal-ai/flux/dev&p2.model=fal-ai/flux/dev&p2.actions=5")[0]
            .starts_with("unknown key `p2.actions`")
    );
    assert_eq!(
        problems("model=fal-ai/flux/dev&p3.model=fal-ai/flux/dev"),
        ["`p2.model` is missing"]
    );
}

// ---------------------------------------------------------------------------------------------
// Percentiles

fn pct(query: &str) -> Vec<String> {
    let a = assess(cat(), &read_query(query, &[]));
    let b = budget(&a.steps).unwrap_or_else(|| panic!("{query}: no budget"));
    b.action
        .unwrap()
        .values
        .iter()
        .map(|v| v.to_string())
        .collect()
}

#[test]
fn uncapped_percentiles_follow_the_negative_binomial() {
    // n = 2, r = 50 %: T = 2 + failures, P(T = t) = C(t-1, 1) 0.5^t.
    // P(2) = 0.25, P(3) = 0.25 (cum 0.5: p50 = 3 attempts), P(4) = 0.1875 (0.6875),
    // P(5) = 0.125 (0.8125), P(6) = 0.078125 (0.890625), P(7) = 0.046875 (0.9375: p90),
    // P(8) = 0.02734375 (0.96484375: p95), P(9) = 0.015625 (0.98046875),
    // P(10) = 0.0087890625 (0.9892578125), P(11) = 0.0048828125 (0.994140625: p99).
    // FLUX.1 [dev] 1024 x 768 = 0.75 MP -> 1 MP x $0.025 per attempt.
    assert_eq!(
        pct("model=fal-ai/flux/dev&w=1024&h=768&n=2&retry=50"),
        ["0.075", "0.175", "0.2", "0.275"]
    );
    let t = attempts(2, d("0.5"), None).unwrap();
    assert_eq!(t.first, 2);
    assert_eq!(&t.probabilities[..4], &[0.25, 0.25, 0.1875, 0.125]);
}

#[test]
fn capped_percentiles_count_the_last_attempt_either_way() {
    // n = 2, r = 20 %, max = 2: per output A = 1 (0.8) or 2 (0.2, accepted or not).
    // T = 2: 0.64; T = 3: 2 x 0.8 x 0.2 = 0.32 (cum 0.96: p90 and p95); T = 4: 0.04 (p99).
    assert_eq!(
        pct("model=fal-ai/flux/dev&w=1024&h=768&n=2&retry=20&max=2"),
        ["0.05", "0.075", "0.075", "0.1"]
    );
}

#[test]
fn a_fallback_prices_each_attempt_as_primary_or_fallback() {
    // One attempt (r = 0), half of them on the fallback: FLUX.1 [dev] $0.025 or
    // FLUX1.1 [pro] 1 MP x $0.04. P($0.025) = 0.5 (p50), P($0.04) = 0.5 (p90..p99).
    assert_eq!(
        pct("model=fal-ai/flux/dev&w=1024&h=768&fallback=fal-ai/flux-pro/v1.1&failover=50"),
        ["0.025", "0.04", "0.04", "0.04"]
    );
    // With r = 50 % and one output: T ~ 1 + Geometric; cost = (T - B) x 0.025 + B x 0.04.
    // P(T = 1) = 0.5, each half on either: $0.025 (0.25), $0.04 (0.25); P(T = 2) = 0.25:
    // $0.05 (0.0625), $0.065 (0.125), $0.08 (0.0625). Sorted: 0.025 (0.25), 0.04 (0.5: p50).
    let p = pct(
        "model=fal-ai/flux/dev&w=1024&h=768&retry=50&fallback=fal-ai/flux-pro/v1.1&failover=50",
    );
    assert_eq!(p[0], "0.04");
}

#[test]
fn the_action_is_the_exact_convolution_of_its_steps() {
    // Step 1: FLUX.1 [dev] $0.025 per attempt, r = 50 %; step 2: FLUX.1 [schnell] 1 MP x
    // $0.003, r = 50 %. Cost = 0.025 T1 + 0.003 T2, T1, T2 geometric (0.5).
    // T1 = 1 (0.5) with T2 = 1..9: 0.028 .. 0.052, cum 0.5 - 0.5^10 = 0.4990234375 < 0.5;
    // the next cost is T1 = 2, T2 = 1: 0.053 (0.125) -> cum 0.624...: p50 = $0.053.
    let q1 = "model=fal-ai/flux/dev&w=1024&h=768&retry=50&s2.model=fal-ai/flux/schnell&s2.w=1024&s2.h=768&s2.retry=50";
    assert_eq!(pct(q1)[0], "0.053");
    // By hand through the library: the sum of two certain costs is certain.
    let a = Distribution::certain(d("0.025"));
    let b = Distribution::certain(d("0.003"));
    let s = percentiles::add(&a, &b).unwrap();
    assert_eq!(s.points, vec![(d("0.028"), 1.0)]);
}

#[test]
fn percentiles_premise_then_conclusion() {
    // Premise: each percentile is a cost the action can have, and they never decrease.
    for query in [
        "model=fal-ai/flux/dev&n=4&retry=25",
        "model=fal-ai/veo3&sec=8&retry=20&max=3&s2.model=fal-ai/flux/schnell&s2.n=4&s2.retry=30",
        "model=fal-ai/flux/dev&n=100&retry=60",
    ] {
        let a = assess(cat(), &read_query(query, &[]));
        let b = budget(&a.steps).unwrap();
        let p = b.action.as_ref().unwrap();
        let dist = b.distribution.as_ref().unwrap();
        assert!(
            dist.points.iter().any(|(c, _)| *c == p.values[0]),
            "{query}"
        );
        assert!(p.values.windows(2).all(|w| w[0] <= w[1]), "{query}");
        // Conclusion: p50 is at or above the cheapest outcome and the mean lies below p99
        // (a distribution with a long right tail).
        let mean = a.totals.cost_per_action.clone().unwrap();
        assert!(p.values[3] >= mean, "{query}");
        assert!(p.cut <= percentiles::MAX_CUT);
    }
}

#[test]
fn a_step_with_a_fixed_cost_has_all_percentiles_equal() {
    let t = attempts(3, Decimal::ZERO, None).unwrap();
    let dist = step_distribution(&t, d("0.04"), None).unwrap();
    let p = dist.percentiles().unwrap();
    assert_eq!(p.values, [d("0.12"); 4]);
}

// ---------------------------------------------------------------------------------------------
// Exports

fn export(link: &str) -> Export {
    Export::of(&assess_plans(cat(), &read_plans(link, &[]))).unwrap()
}

#[test]
fn csv_has_a_row_per_line_item_and_a_total_per_plan() {
    let link = "model=fal-ai/veo3&sec=8&audio=on&name=Free%2C%20EU&mix=50&p2.model=fal-ai/flux/dev&p2.w=1024&p2.h=768&p2.mix=50";
    let csv = export::to_csv(&export(link));
    let rows: Vec<&str> = csv.split("\r\n").collect();
    assert_eq!(rows[0], export::CSV_HEADER);
    // A name with a comma is quoted (RFC 4180). Veo 3: 8 s x $0.40 per second with audio.
    assert!(
        rows.iter()
            .any(|r| r.starts_with("\"Free, EU\",1,fal-ai/veo3,")),
        "{csv}"
    );
    assert!(
        rows.contains(&"\"Free, EU\",,,cost per action,,,,3.2"),
        "{csv}"
    );
    // Plan 2 has no name: `plan 2`. 0.75 MP -> 1 MP x $0.025.
    assert!(
        rows.contains(&"plan 2,1,fal-ai/flux/dev,output megapixels,0.75,1,0.025,0.025"),
        "{csv}"
    );
    assert!(rows.contains(&"plan 2,,,cost per action,,,,0.025"), "{csv}");
    assert_eq!(rows.last(), Some(&""), "every row ends with CRLF");
}

#[test]
fn json_of_several_plans_has_the_documented_shape() {
    let j: Value = serde_json::from_str(&export::to_json(&export(FREE_PAID)).to_string()).unwrap();
    let keys: Vec<&str> = j.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["currency", "plans", "blended"]);
    let plan = &j["plans"][1];
    let keys: Vec<&str> = plan
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        [
            "name",
            "mix",
            "currency",
            "cost_per_action",
            "actions_per_dollar",
            "monthly",
            "steps",
            "percentiles"
        ]
    );
    assert_eq!(plan["name"], "Paid");
    assert_eq!(plan["mix"], "20");
    let blended = j["blended"].as_object().unwrap();
    assert_eq!(
        blended.keys().map(String::as_str).collect::<Vec<_>>(),
        ["cost_per_action", "actions_per_dollar", "monthly"]
    );
    // Without a mix: compared, not blended.
    let j = export::to_json(&export(
        "model=fal-ai/flux/dev&p2.model=fal-ai/flux/schnell",
    ))
    .to_string();
    assert!(j.ends_with(",\"blended\":null}"), "{j}");
    assert!(j.contains("\"mix\":null"), "{j}");
}

#[test]
fn markdown_is_a_table_with_a_row_per_step_and_plan() {
    let md = export::to_markdown(&export(FREE_PAID));
    let lines: Vec<&str> = md.lines().collect();
    assert!(lines[0].starts_with("| Plan | Step | Model |"));
    assert!(lines[1].starts_with("|---|"));
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("| Free | 1 | fal-ai/flux/schnell |")),
        "{md}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("| **Paid** (20 % of actions) |")),
        "{md}"
    );
    assert!(
        lines.iter().any(|l| l.starts_with("| **blended** |")),
        "{md}"
    );
    // Every row has the same number of cells.
    let cells = |l: &str| l.matches('|').count() - l.matches("\\|").count();
    assert!(lines.iter().all(|l| cells(l) == cells(lines[0])), "{md}");
}

#[test]
fn a_key_given_twice_in_plan_two_is_named_once_with_its_prefix() {
    let a = assess_plans(
        cat(),
        &read_plans(
            "model=fal-ai/flux/dev&p2.model=fal-ai/flux/dev&p2.retry=1&p2.retry=2",
            &[],
        ),
    );
    let all: Vec<String> = a.all_problems().map(|e| e.to_string()).collect();
    assert_eq!(all, ["`p2.retry` is given twice"]);
}
