//! Benchmark (prints figures; not a test): `gencost usage` on a generated million-line log,
//! through the release binary (the CLI as people run it): seconds and peak memory.
//!
//! `cargo bench --bench usage` (builds `target/release/gencost` first).

use std::io::Write;
use std::time::Instant;

fn main() {
    let lines: u32 = std::env::var("USAGE_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let path = std::env::temp_dir().join("gencost-bench-usage.jsonl");
    let write = || -> std::io::Result<()> {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&path)?);
        // 5 generations an action: 4 images (about a quarter rejected), then an 8 s clip.
        for i in 0..lines {
            let action = i / 5;
            let rejected = (i.wrapping_mul(2_654_435_761) >> 28) < 4;
            let day = 1 + (u64::from(i) * 28 / u64::from(lines.max(1)));
            if i % 5 < 4 {
                writeln!(
                    f,
                    r#"{{"model":"fal-ai/flux/dev","options":{{"w":1024,"h":768}},"accepted":{},"action":"a{action}","cost":"0.025","time":"2026-11-{day:02}T10:00:00Z"}}"#,
                    !rejected
                )?;
            } else {
                writeln!(
                    f,
                    r#"{{"model":"fal-ai/veo3","options":{{"sec":8,"audio":"on"}},"accepted":{},"action":"a{action}","billable_units":"8"}}"#,
                    !rejected
                )?;
            }
        }
        f.flush()
    };
    if let Err(e) = write() {
        eprintln!("bench-usage: {e}");
        std::process::exit(2);
    }
    let built = std::process::Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--bin", "gencost"])
        .status();
    if !built.is_ok_and(|s| s.success()) {
        eprintln!("bench-usage: cargo build --release failed");
        std::process::exit(2);
    }
    let bin = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/gencost");
    let size = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    let start = Instant::now();
    // /usr/bin/time -f %M gives the peak resident set where it exists.
    let timed = std::path::Path::new("/usr/bin/time").exists();
    let out = if timed {
        std::process::Command::new("/usr/bin/time")
            .args(["-f", "%M"])
            .arg(&bin)
            .arg("usage")
            .arg(&path)
            .output()
    } else {
        std::process::Command::new(&bin)
            .arg("usage")
            .arg(&path)
            .output()
    };
    let secs = start.elapsed().as_secs_f64();
    match out {
        Ok(o) if o.status.success() => {
            let peak = String::from_utf8_lossy(&o.stderr).trim().to_string();
            println!(
                "gencost usage, {lines} lines ({:.0} MB): {secs:.2} s{}   (budget 3 s: {})",
                size as f64 / 1e6,
                if timed {
                    format!(
                        ", peak memory {} MB",
                        peak.parse::<u64>().unwrap_or(0) / 1024
                    )
                } else {
                    String::new()
                },
                if secs <= 3.0 { "within" } else { "OVER" }
            );
        }
        Ok(o) => eprintln!("bench-usage: {}", String::from_utf8_lossy(&o.stderr)),
        Err(e) => eprintln!("bench-usage: {e}"),
    }
    let _ = std::fs::remove_file(&path);
}
