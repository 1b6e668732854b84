//! `gencost catalog fal` against a loopback server that replays fal's pricing API: its response
//! shape, pagination (`next_cursor` / `has_more`), batches of 50 ids, the key, 401, 429 with
//! Retry-After, and 5xx retried three times.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

type Handler = dyn Fn(&str, &str) -> (u16, String, String) + Send + Sync;

/// Serves `handler(path_and_query, authorization) -> (status, extra headers, body)` on
/// 127.0.0.1, one request per connection; returns the base URL and the request log.
fn serve(handler: Box<Handler>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    let log = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&log);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut first = String::new();
            if reader.read_line(&mut first).is_err() {
                continue;
            }
            let target = first.split_whitespace().nth(1).unwrap_or("").to_string();
            let mut auth = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if line.to_ascii_lowercase().starts_with("authorization:") {
                    // the value as sent (the key keeps its case)
                    auth = line["authorization:".len()..].trim().to_string();
                }
            }
            seen.lock().expect("log").push(target.clone());
            let (status, headers, body) = handler(&target, &auth);
            let mut s = stream;
            let _ = write!(
                s,
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n{headers}\r\n{body}",
                body.len()
            );
        }
    });
    (url, log)
}

fn gencost(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gencost"))
        .args(args)
        .env_remove("FAL_KEY")
        .output()
        .expect("gencost runs")
}

fn temp_file(name: &str, text: &str) -> String {
    let path = std::env::temp_dir().join(format!("gencost-fal-{}-{name}", std::process::id()));
    std::fs::write(&path, text).expect("write");
    path.to_string_lossy().into_owned()
}

fn row(id: &str, price: &str, unit: &str) -> String {
    format!(r#"{{"endpoint_id":"{id}","unit_price":{price},"unit":"{unit}","currency":"USD"}}"#)
}

#[test]
fn pages_batches_and_known_rules_with_new_prices() {
    let (api, log) = serve(Box::new(|target: &str, auth: &str| {
        if auth != "Key test-key" {
            return (401, String::new(), r#"{"detail":"bad key"}"#.into());
        }
        let body = if target.contains("cursor=page2") {
            format!(
                r#"{{"prices":[{}],"next_cursor":null,"has_more":false}}"#,
                row("fal-ai/brand-new", "0.05", "images")
            )
        } else if target.contains("fal-ai/flux/dev") {
            format!(
                r#"{{"prices":[{},{}],"next_cursor":"page2","has_more":true}}"#,
                row("fal-ai/flux/dev", "0.03", "megapixels"),
                row("fal-ai/veo3", "0.5", "seconds")
            )
        } else {
            r#"{"prices":[],"next_cursor":null,"has_more":false}"#.to_string()
        };
        (200, String::new(), body)
    }));
    let out = gencost(&[
        "catalog",
        "fal",
        "--key",
        "test-key",
        "--api",
        &api,
        "fal-ai/flux/dev",
        "fal-ai/veo3",
        "fal-ai/brand-new",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // two pages of one batch
    let requests = log.lock().expect("log").clone();
    assert_eq!(requests.len(), 2, "{requests:?}");
    assert!(requests[0].starts_with("/v1/models/pricing?endpoint_id=fal-ai/flux/dev&endpoint_id=fal-ai/veo3&endpoint_id=fal-ai/brand-new"), "{requests:?}");
    assert!(requests[1].ends_with("&cursor=page2"), "{requests:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    // veo3's rule is a table by audio: fal's one unit price is reported, not guessed
    assert!(
        stderr.contains("fal-ai/veo3: fal's unit \"seconds\" at 0.5 does not match its rule"),
        "{stderr}"
    );
    assert!(
        stderr.contains("fal-ai/flux/dev: 0.025 -> 0.03"),
        "{stderr}"
    );
    let catalog = temp_file("fal-out.json", &String::from_utf8_lossy(&out.stdout));
    let quote = |q: &str| {
        let o = gencost(&["quote", "--json", "--catalog", &catalog, q]);
        assert!(
            o.status.success(),
            "{q}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("json");
        v["cost_per_action"].as_str().unwrap_or("").to_string()
    };
    // flux/dev keeps its rule (per MP, rounded up) at the new price: 1920x1080 -> 2 MP x $0.03
    assert_eq!(quote("model=fal-ai/flux/dev&w=1920&h=1080"), "0.06");
    // veo3 kept as it was: 8 s with audio x $0.40
    assert_eq!(quote("model=fal-ai/veo3&sec=8&audio=on"), "3.2");
    // a model the catalog does not know: fal's unit mapped, $0.05 per image
    assert_eq!(quote("model=fal-ai/brand-new"), "0.05");
}

#[test]
fn at_most_50_ids_a_request() {
    let (api, log) = serve(Box::new(|_: &str, _: &str| {
        (
            200,
            String::new(),
            r#"{"prices":[],"next_cursor":null,"has_more":false}"#.to_string(),
        )
    }));
    let ids: Vec<String> = (0..51).map(|i| format!("fal-ai/m{i}")).collect();
    let mut args = vec!["catalog", "fal", "--key", "k", "--api", api.as_str()];
    args.extend(ids.iter().map(String::as_str));
    let out = gencost(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let requests = log.lock().expect("log").clone();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].matches("endpoint_id=").count(), 50);
    assert_eq!(requests[1].matches("endpoint_id=").count(), 1);
}

#[test]
fn a_refused_key_and_a_missing_one() {
    let (api, _) = serve(Box::new(|_: &str, _: &str| {
        (403, String::new(), "{}".into())
    }));
    let out = gencost(&[
        "catalog",
        "fal",
        "--key",
        "nope",
        "--api",
        &api,
        "fal-ai/flux/dev",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "gencost: fal refused the key"
    );
    let out = gencost(&["catalog", "fal", "fal-ai/flux/dev"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("catalog fal needs --key KEY or FAL_KEY"));
}

#[test]
fn rate_limits_are_retried_and_server_errors_give_up_after_three_tries() {
    let calls = Arc::new(Mutex::new(0u32));
    let c = Arc::clone(&calls);
    let (api, _) = serve(Box::new(move |_: &str, _: &str| {
        let mut n = c.lock().expect("count");
        *n += 1;
        if *n == 1 {
            (429, "retry-after: 0\r\n".into(), "{}".into())
        } else {
            (
                200,
                String::new(),
                format!(
                    r#"{{"prices":[{}],"has_more":false}}"#,
                    row("fal-ai/flux/dev", "0.025", "megapixels")
                ),
            )
        }
    }));
    let out = gencost(&[
        "catalog",
        "fal",
        "--key",
        "k",
        "--api",
        &api,
        "fal-ai/flux/dev",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(*calls.lock().expect("count"), 2);
    let (api, log) = serve(Box::new(|_: &str, _: &str| {
        (503, "retry-after: 0\r\n".into(), "{}".into())
    }));
    let out = gencost(&[
        "catalog",
        "fal",
        "--key",
        "k",
        "--api",
        &api,
        "fal-ai/flux/dev",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "gencost: fal answered HTTP 503 after 3 tries"
    );
    assert_eq!(log.lock().expect("log").len(), 3);
}
