//! The `gencost` command-line tool: a thin face over the engine.
//!
//! Bad input gives exit status 2 and one line on stderr; never a panic.

use std::io::Write;

use crate::engine::vocabulary::{Key, PAGE_KEYS};
use crate::engine::{self, report, Catalog, Error};

/// What went wrong while running a command: a message for stderr.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The command line itself is wrong.
    #[error("{0} (see gencost --help)")]
    Usage(String),
    /// A file could not be read.
    #[error("cannot read {}: {reason}", crate::engine::text::shown(.path))]
    Read {
        /// The path given.
        path: String,
        /// Why.
        reason: String,
    },
    /// The engine refused the input.
    #[error("{0}")]
    Engine(#[from] Error),
    /// A catalog with problems (check-catalog prints them all).
    #[error("{0}")]
    Catalog(String),
}

/// The help text.
pub const HELP: &str = "gencost: what will this cost us? Exact costs of image, video and audio model APIs.

usage:
  gencost quote [--catalog FILE] [--json] <share URL or query string>
  gencost models [--catalog FILE] [--json]
  gencost check-catalog FILE

examples:
  gencost quote 'model=fal-ai/flux/dev&w=1024&h=768&retry=20'
  gencost quote --json 'model=fal-ai/veo3&sec=8&audio=on&n=1&s2.model=fal-ai/flux/schnell&s2.n=4&actions=10000'

--catalog takes a gencost catalog (www/catalog.schema.json) or a fal pricing-API response.
Exit status: 0 ok, 2 bad input (one line on stderr).";

/// Runs the CLI with `args` (without the program name), writing to `out`.
///
/// # Errors
/// A [`CliError`] whose message is the line for stderr.
pub fn run(args: &[String], out: &mut dyn Write) -> Result<(), CliError> {
    let mut catalog_path: Option<String> = None;
    let mut json = false;
    let mut positional: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--catalog" => match it.next() {
                Some(_) if catalog_path.is_some() => {
                    return Err(CliError::Usage("--catalog is given twice".into()))
                }
                Some(p) => catalog_path = Some(p.clone()),
                None => return Err(CliError::Usage("--catalog needs a file".into())),
            },
            "--json" => json = true,
            "-h" | "--help" | "help" => {
                let _ = writeln!(out, "{HELP}");
                return Ok(());
            }
            s if s.starts_with("--") => {
                return Err(CliError::Usage(format!(
                    "unknown flag {}",
                    crate::engine::text::shown(s)
                )))
            }
            _ => positional.push(a.clone()),
        }
    }
    let (command, rest) = match positional.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => return Err(CliError::Usage("no command given".into())),
    };
    match command {
        "quote" => {
            let [query] = rest else {
                return Err(CliError::Usage(
                    "quote takes one share URL or query string (quote it in the shell)".into(),
                ));
            };
            // A link from the browser may name its catalog by URL; the CLI never fetches.
            let page_keys = engine::share_url::pairs(query)?;
            if let (Some((_, url)), None) = (
                page_keys.iter().find(|(k, _)| k == Key::Catalog.name()),
                &catalog_path,
            ) {
                return Err(CliError::Usage(format!(
                    "this link uses the catalog at {}: download it and pass --catalog FILE",
                    crate::engine::text::shown(url)
                )));
            }
            let catalog = load(catalog_path.as_deref())?;
            let page_keys = PAGE_KEYS.map(Key::name);
            let assessment = engine::assess(&catalog, &engine::read_query(query, &page_keys));
            let q = engine::Quote::of(assessment)?;
            let text = if json {
                report::to_json(&q).to_string()
            } else {
                report::to_text(&q)
            };
            write(out, text.trim_end())
        }
        "models" => {
            if !rest.is_empty() {
                return Err(CliError::Usage("models takes no arguments".into()));
            }
            let catalog = load(catalog_path.as_deref())?;
            write(out, &models(&catalog, json))
        }
        "check-catalog" => {
            let [path] = rest else {
                return Err(CliError::Usage("check-catalog takes one FILE".into()));
            };
            let text = read(path)?;
            match Catalog::from_json(&text) {
                Ok(c) => write(out, &format!("ok: {} models", c.models().len())),
                Err(e) => {
                    let problems: Vec<String> =
                        e.problems().iter().map(|p| p.to_string()).collect();
                    Err(CliError::Catalog(format!(
                        "{}: {} problem(s)\n{}",
                        crate::engine::text::shown(path),
                        problems.len(),
                        problems.join("\n")
                    )))
                }
            }
        }
        other => Err(CliError::Usage(format!(
            "unknown command {}",
            crate::engine::text::quoted(other)
        ))),
    }
}

fn write(out: &mut dyn Write, text: &str) -> Result<(), CliError> {
    // A closed pipe (`gencost models | head`) is not an error worth a message. Control
    // characters that data may still carry are escaped: the terminal shows, never obeys.
    let _ = writeln!(out, "{}", crate::engine::text::for_terminal(text));
    Ok(())
}

/// Reads a file of at most [`crate::engine::json::MAX_BYTES`], never more (`/dev/zero` ends
/// with a message, not with the memory).
fn read(path: &str) -> Result<String, CliError> {
    use std::io::Read;
    let limit = crate::engine::json::MAX_BYTES;
    let failed = |e: std::io::Error| CliError::Read {
        path: path.to_string(),
        reason: e.to_string().to_lowercase(),
    };
    let file = std::fs::File::open(path).map_err(failed)?;
    let mut bytes = Vec::new();
    file.take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(failed)?;
    if bytes.len() > limit {
        return Err(CliError::Engine(Error::TooLarge {
            what: crate::engine::text::shown(path),
            bytes: bytes.len(),
            limit,
        }));
    }
    String::from_utf8(bytes).map_err(|_| CliError::Read {
        path: path.to_string(),
        reason: "it is not UTF-8 text".to_string(),
    })
}

fn load(path: Option<&str>) -> Result<Catalog, CliError> {
    match path {
        None => Ok(Catalog::embedded()?),
        Some(p) => {
            let text = read(p)?;
            Catalog::from_json(&text).map_err(|e| {
                let problems = e.problems();
                let more = if problems.len() > 1 {
                    format!(
                        " (and {} more: gencost check-catalog {})",
                        problems.len().saturating_sub(1),
                        crate::engine::text::shown(p)
                    )
                } else {
                    String::new()
                };
                let first = problems.first().map(|x| x.to_string()).unwrap_or_default();
                CliError::Catalog(format!(
                    "{}: {first}{more}",
                    crate::engine::text::shown(p)
                ))
            })
        }
    }
}

fn models(catalog: &Catalog, json: bool) -> String {
    if json {
        let list: Vec<serde_json::Value> = catalog
            .models()
            .iter()
            .map(|m| {
                serde_json::json!({
                    "id": m.id, "name": m.name, "provider": m.provider, "kind": m.kind.as_str(),
                    "rule": m.summary, "options": m.options.iter().map(|o| o.name.clone()).collect::<Vec<_>>(),
                    "source": m.source, "verified": m.verified,
                })
            })
            .collect();
        return serde_json::Value::Array(list).to_string();
    }
    let width = catalog
        .models()
        .iter()
        .map(|m| m.id.len())
        .max()
        .unwrap_or(0);
    catalog
        .models()
        .iter()
        .map(|m| {
            format!(
                "{:<width$}  {:<5}  {}",
                m.id,
                m.kind.as_str(),
                crate::engine::text::printable(&m.summary)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
