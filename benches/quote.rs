//! Benchmark (prints figures; not a test): quotes per second for a 3-step workflow, natively,
//! from parsing the share URL to the finished quote, and the quote alone.
//!
//! `cargo bench --bench quote`

use std::hint::black_box;
use std::time::{Duration, Instant};

use gencost::engine::{
    assess, compare, parse_query, percentiles, quote, read_query, report, Catalog, Costs, Prepared,
};

/// "Make my avatar": 4 images (1024x1024, 20 % rejected), a 2 MP edit, an 8 s clip failing over to Kling.
const WORKFLOW: &str = "model=fal-ai/flux/dev&w=1024&h=1024&n=4&retry=20\
    &s2.model=fal-ai/flux-2-flex&s2.w=1920&s2.h=1080&s2.in_w=1024&s2.in_h=1024&s2.retry=10&s2.max=3\
    &s3.model=fal-ai/veo3&s3.sec=8&s3.audio=on&s3.fallback=fal-ai/kling-video/o3/4k/text-to-video&s3.failover=5\
    &actions=100000";

fn rate(label: &str, mut f: impl FnMut()) {
    // Warm up, then run for at least one second, five times; report the median.
    for _ in 0..1000 {
        f();
    }
    let mut rates = Vec::new();
    for _ in 0..5 {
        let start = Instant::now();
        let mut n: u64 = 0;
        while start.elapsed() < Duration::from_millis(1000) {
            for _ in 0..100 {
                f();
            }
            n += 100;
        }
        rates.push(n as f64 / start.elapsed().as_secs_f64()); // timing only: no money here
    }
    rates.sort_by(|a, b| a.total_cmp(b));
    let median = rates[2];
    println!(
        "{label:<44} {median:>12.0} per second  ({:.2} us each)",
        1e6 / median
    );
}

fn main() {
    let catalog = match Catalog::embedded() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("bench-quote: {e}");
            std::process::exit(2);
        }
    };
    let scenario = match parse_query(WORKFLOW) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("bench-quote: {e}");
            std::process::exit(2);
        }
    };
    println!("3-step workflow: {WORKFLOW}");
    match quote(&catalog, &scenario) {
        Ok(q) => println!(
            "cost per action: {}",
            report::to_json(&q)["cost_per_action"]
        ),
        Err(e) => println!("error: {e}"),
    }
    if let Ok(image) = parse_query("model=fal-ai/flux/dev&w=1024&h=768&retry=20") {
        rate("one image quote (scenario already parsed)", || {
            let _ = black_box(quote(black_box(&catalog), black_box(&image)));
        });
    }
    // Issue 12: the figures of a prepared scenario (options resolved, retry maths done once);
    // every figure involving a price is computed on each call, into one reused `Costs`.
    let mut out = Costs::default();
    if let Ok(image) = parse_query("model=fal-ai/flux/dev&w=1024&h=768&retry=20") {
        if let Ok(p) = Prepared::new(&catalog, &image) {
            rate("one image quote, prepared", || {
                let _ = black_box(black_box(&p).costs_into(&mut out));
            });
        }
    }
    match Prepared::new(&catalog, &scenario) {
        Ok(p) => {
            if let Ok(c) = p.costs() {
                println!(
                    "prepared cost per action: {}",
                    c.cost_per_action.map(|d| d.to_string()).unwrap_or_default()
                );
            }
            rate("3-step workflow quote, prepared", || {
                let _ = black_box(black_box(&p).costs_into(&mut out));
            });
        }
        Err(e) => println!("prepare: {e}"),
    }
    rate("prepare the 3-step workflow (assess once)", || {
        let _ = black_box(Prepared::new(black_box(&catalog), black_box(&scenario)));
    });
    rate("quote (scenario already parsed)", || {
        let _ = black_box(quote(black_box(&catalog), black_box(&scenario)));
    });
    rate("parse share URL + quote", || {
        if let Ok(s) = parse_query(black_box(WORKFLOW)) {
            let _ = black_box(quote(&catalog, &s));
        }
    });
    rate("parse share URL + quote + JSON report", || {
        if let Ok(s) = parse_query(black_box(WORKFLOW)) {
            if let Ok(q) = quote(&catalog, &s) {
                let _ = black_box(report::to_json(&q).to_string());
            }
        }
    });
    // Issue 10: ranking every model of the catalog for one step, and the budget percentiles.
    let draft = read_query(WORKFLOW, &[]);
    let assessed = assess(&catalog, &draft);
    if let Some(step) = assessed.steps.first() {
        if let Ok(c) = compare::alternatives(&catalog, step, 0) {
            println!(
                "step 1 ranks {} models ({} more cannot do the job)",
                c.alternatives.len(),
                c.incompatible.len()
            );
        }
        rate("rank every catalog model for step 1", || {
            let _ = black_box(compare::alternatives(
                black_box(&catalog),
                black_box(step),
                0,
            ));
        });
    }
    if let Some(step) = assessed.steps.get(2) {
        rate("rank every catalog model for step 3 (video)", || {
            let _ = black_box(compare::alternatives(
                black_box(&catalog),
                black_box(step),
                2,
            ));
        });
    }
    rate("budget percentiles of the 3-step action", || {
        let _ = black_box(percentiles::budget(black_box(&assessed.steps)));
    });
    let start = Instant::now();
    let mut loads = 0u32;
    while start.elapsed() < Duration::from_millis(500) {
        let _ = black_box(Catalog::embedded());
        loads += 1;
    }
    println!(
        "{:<44} {:>12.2} ms each",
        format!(
            "load the embedded catalog ({} models)",
            catalog.models().len()
        ),
        start.elapsed().as_secs_f64() * 1e3 / f64::from(loads)
    );
}
