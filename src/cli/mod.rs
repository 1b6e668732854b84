//! The `gencost` command-line tool: a thin face over the engine.
//!
//! Bad input gives exit status 2 and one line on stderr; never a panic.

use std::io::Write;

use crate::engine::vocabulary::{Key, PAGE_KEYS};
use crate::engine::{self, report, Catalog, Error};

mod catalog_json;
mod fal;
mod help;
mod litellm;

pub use help::Command;

/// What went wrong while running a command: a message for stderr.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliError {
    /// The command line itself is wrong; the message points at the help of `command`.
    #[error("{message} (see gencost help{})", .command.map(|c| format!(" {}", c.name())).unwrap_or_default())]
    Usage {
        /// What is wrong.
        message: String,
        /// The command whose help to read, if one was named.
        command: Option<Command>,
    },
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
    /// A catalog with problems (check-catalog prints them all), or a request the CLI cannot serve.
    #[error("{0}")]
    Refused(String),
}

fn usage(message: impl Into<String>, command: Option<Command>) -> CliError {
    CliError::Usage {
        message: message.into(),
        command,
    }
}

/// Runs the CLI with `args` (without the program name), writing to `out` and warnings (a
/// retired model) to stderr.
///
/// # Errors
/// A [`CliError`] whose message is the line for stderr.
pub fn run(args: &[String], out: &mut dyn Write) -> Result<(), CliError> {
    run_with(args, out, &mut std::io::stderr())
}

/// [`run`], with warnings written to `warn`.
///
/// # Errors
/// As [`run`].
pub fn run_with(
    args: &[String],
    out: &mut dyn Write,
    warn: &mut dyn Write,
) -> Result<(), CliError> {
    let mut catalog_path: Option<String> = None;
    let mut json = false;
    let mut format: Option<Format> = None;
    let mut step: Option<usize> = None;
    let mut wants_help = false;
    let mut fal_key: Option<String> = None;
    let mut fal_api: Option<String> = None;
    let mut positional: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--catalog" => match it.next() {
                Some(_) if catalog_path.is_some() => {
                    return Err(usage("--catalog is given twice", None))
                }
                Some(p) => catalog_path = Some(p.clone()),
                None => return Err(usage("--catalog needs a file", None)),
            },
            "--json" => json = true,
            "--format" => {
                let Some(v) = it.next() else {
                    return Err(usage("--format needs text, json, csv or markdown", None));
                };
                if format.is_some() {
                    return Err(usage("--format is given twice", None));
                }
                format = Some(Format::parse(v).ok_or_else(|| {
                    usage(
                        format!(
                            "--format takes text, json, csv or markdown, not {}",
                            crate::engine::text::quoted(v)
                        ),
                        Some(Command::Quote),
                    )
                })?);
            }
            "--step" => {
                let Some(v) = it.next() else {
                    return Err(usage("--step needs a step number", Some(Command::Compare)));
                };
                if step.is_some() {
                    return Err(usage("--step is given twice", Some(Command::Compare)));
                }
                let n = v
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=crate::engine::vocabulary::MAX_STEPS).contains(n))
                    .ok_or_else(|| {
                        usage(
                            format!(
                                "--step takes a step number from 1 to {}, not {}",
                                crate::engine::vocabulary::MAX_STEPS,
                                crate::engine::text::quoted(v)
                            ),
                            Some(Command::Compare),
                        )
                    })?;
                step = Some(n);
            }
            "--key" | "--api" => {
                let Some(v) = it.next() else {
                    return Err(usage(format!("{a} needs a value"), None));
                };
                let slot = if a == "--key" {
                    &mut fal_key
                } else {
                    &mut fal_api
                };
                if slot.is_some() {
                    return Err(usage(format!("{a} is given twice"), None));
                }
                *slot = Some(v.clone());
            }
            "-h" | "--help" => wants_help = true,
            "-V" | "--version" => {
                return write(out, &format!("gencost {}", env!("CARGO_PKG_VERSION")));
            }
            s if s.starts_with("--") => {
                return Err(usage(
                    format!("unknown flag {}", crate::engine::text::shown(s)),
                    None,
                ))
            }
            _ => positional.push(a.clone()),
        }
    }
    // `catalog check` and `catalog diff` are two words.
    if positional.first().map(String::as_str) == Some("catalog") {
        match positional.get(1).map(String::as_str) {
            Some(sub @ ("check" | "diff" | "litellm" | "fal")) => {
                let joined = format!("catalog {sub}");
                positional.splice(0..2, [joined]);
            }
            Some(other) => {
                return Err(usage(
                    format!(
                        "unknown catalog command {}",
                        crate::engine::text::quoted(other)
                    ),
                    None,
                ))
            }
            None => return Err(usage("catalog takes check, diff, litellm or fal", None)),
        }
    }
    let (name, rest) = match positional.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None if wants_help => return write(out, &help::general()),
        None => return Err(usage("no command given", None)),
    };
    if name == "help" {
        if rest.is_empty() {
            return write(out, &help::general());
        }
        let topic = rest.join(" ");
        return match Command::parse(&topic) {
            Some(c) => write(out, &c.help()),
            None => Err(usage(
                format!("no help for {}", crate::engine::text::quoted(&topic)),
                None,
            )),
        };
    }
    let Some(command) = Command::parse(name) else {
        return Err(usage(
            format!("unknown command {}", crate::engine::text::quoted(name)),
            None,
        ));
    };
    if wants_help {
        return write(out, &command.help());
    }
    if command != Command::CatalogFal && (fal_key.is_some() || fal_api.is_some()) {
        return Err(usage("--key and --api go with catalog fal", Some(command)));
    }
    if command != Command::Quote && format.is_some() {
        return Err(usage("--format goes with quote", Some(command)));
    }
    if command != Command::Compare && step.is_some() {
        return Err(usage("--step goes with compare", Some(command)));
    }
    let format = match (format, json) {
        (Some(f), true) if f != Format::Json => {
            return Err(usage(
                "--json and --format disagree: give one",
                Some(command),
            ))
        }
        (Some(f), _) => f,
        (None, true) => Format::Json,
        (None, false) => Format::Text,
    };
    match command {
        Command::Quote => {
            let [query] = rest else {
                return Err(usage(
                    "quote takes one share URL or query string, in quotes",
                    Some(command),
                ));
            };
            let catalog = catalog_for_link(query, catalog_path.as_deref())?;
            let page_keys = PAGE_KEYS.map(Key::name);
            let plans = engine::plans::read_plans(query, &page_keys);
            let assessed = engine::plans::assess_plans(&catalog, &plans);
            let export = engine::export::Export::of(&assessed)?;
            for (p, plan) in export.plans.iter().enumerate() {
                let which = if export.plans.len() > 1 {
                    format!("{}: ", export.plan_label(p))
                } else {
                    String::new()
                };
                warn_retired(&plan.quote, &which, warn);
            }
            let text = match format {
                Format::Json => engine::export::to_json(&export).to_string(),
                Format::Csv => engine::export::to_csv(&export),
                Format::Markdown => engine::export::to_markdown(&export),
                Format::Text => plans_text(&export),
            };
            if format == Format::Csv {
                // CSV keeps its CRLF line ends; what is between them is escaped as any output.
                let rows: Vec<String> = text
                    .split("\r\n")
                    .map(|r| crate::engine::text::for_terminal(r).into_owned())
                    .collect();
                let _ = out.write_all(rows.join("\r\n").as_bytes());
                return Ok(());
            }
            write(out, text.trim_end())
        }
        Command::Compare => {
            let [query] = rest else {
                return Err(usage(
                    "compare takes one share URL or query string, in quotes",
                    Some(command),
                ));
            };
            let catalog = catalog_for_link(query, catalog_path.as_deref())?;
            let page_keys = PAGE_KEYS.map(Key::name);
            let plans = engine::plans::read_plans(query, &page_keys);
            if let Some(e) = plans.problems.first() {
                return Err(e.clone().into());
            }
            let draft = plans
                .plans
                .first()
                .map(|p| p.draft.clone())
                .unwrap_or_default();
            let index = step.unwrap_or(1).saturating_sub(1);
            if index >= draft.steps.len() {
                return Err(usage(
                    format!(
                        "--step {}: the scenario has {} step(s)",
                        index.saturating_add(1),
                        draft.steps.len()
                    ),
                    Some(command),
                ));
            }
            let c = engine::compare::compare(&catalog, &draft, index)?;
            let text = if format == Format::Json {
                compare_json(&c)
            } else {
                compare_text(&c)
            };
            write(out, text.trim_end())
        }
        Command::Usage => {
            let [path] = rest else {
                return Err(usage(
                    "usage takes one log FILE (JSON Lines or CSV)",
                    Some(command),
                ));
            };
            let catalog = load(catalog_path.as_deref())?;
            let report = read_usage(&catalog, path)?;
            if report.nothing_read() {
                let why = report
                    .skipped
                    .first()
                    .map(|s| format!(": line {}: {}", s.line, s.reason))
                    .unwrap_or_else(|| ": it has no lines".to_string());
                return Err(CliError::Refused(format!(
                    "{}: no line could be read{why}",
                    crate::engine::text::shown(path)
                )));
            }
            let text = if format == Format::Json {
                engine::usage::to_json(&report).to_string()
            } else {
                usage_text(&report)
            };
            write(out, text.trim_end())
        }
        Command::Models => {
            if !rest.is_empty() {
                return Err(usage("models takes no arguments", Some(command)));
            }
            let catalog = load(catalog_path.as_deref())?;
            write(out, &models(&catalog, json))
        }
        Command::CatalogFal => {
            let key = fal_key
                .or_else(|| std::env::var("FAL_KEY").ok())
                .filter(|k| !k.trim().is_empty())
                .ok_or_else(|| usage("catalog fal needs --key KEY or FAL_KEY", Some(command)))?;
            let api = fal_api.unwrap_or_else(|| fal::DEFAULT_API.to_string());
            let (catalog, notes) =
                fal::run(&api, &key, rest, &std::thread::sleep).map_err(|e| {
                    CliError::Refused(match e {
                        fal::FalError::Refused => "fal refused the key".to_string(),
                        fal::FalError::Failed(why) => why,
                    })
                })?;
            for n in notes {
                let _ = writeln!(
                    warn,
                    "{}",
                    crate::engine::text::for_terminal(&format!("gencost: {n}"))
                );
            }
            write(out, &catalog)
        }
        Command::CatalogLitellm => {
            let [path] = rest else {
                return Err(usage("catalog litellm takes one FILE", Some(command)));
            };
            let text = read_bounded(path, LITELLM_LIMIT)?;
            let imported = litellm::import(&text, &today_utc()).map_err(|e| {
                CliError::Refused(format!("{}: {e}", crate::engine::text::shown(path)))
            })?;
            for (key, why) in &imported.skipped {
                let line = format!("gencost: skipped {key}: {why}");
                let _ = writeln!(warn, "{}", crate::engine::text::for_terminal(&line));
            }
            write(out, &imported.catalog)
        }
        Command::CatalogDiff => {
            let [old, new] = rest else {
                return Err(usage("catalog diff takes OLD and NEW", Some(command)));
            };
            let (old, new) = (load(Some(old))?, load(Some(new))?);
            let d = crate::engine::catalog::diff::diff(&old, &new);
            write(out, &diff_text(&d, json))
        }
        Command::CheckCatalog => {
            let [path] = rest else {
                return Err(usage("catalog check takes one FILE", Some(command)));
            };
            let text = read(path)?;
            match Catalog::from_json(&text) {
                Ok(c) => write(out, &format!("ok: {} models", c.models().len())),
                Err(e) => {
                    let problems: Vec<String> =
                        e.problems().iter().map(|p| p.to_string()).collect();
                    Err(CliError::Refused(format!(
                        "{}: {} problem(s)\n{}",
                        crate::engine::text::shown(path),
                        problems.len(),
                        problems.join("\n")
                    )))
                }
            }
        }
    }
}

/// Streams a log file through the engine, line by line: memory stays flat whatever its length
/// (a line longer than the engine reads is skipped, never held).
fn read_usage(catalog: &Catalog, path: &str) -> Result<engine::usage::UsageReport, CliError> {
    use std::io::BufRead;
    let failed = |e: std::io::Error| CliError::Read {
        path: path.to_string(),
        reason: e.to_string().to_lowercase(),
    };
    let file = std::fs::File::open(path).map_err(failed)?;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file);
    let mut log = engine::usage::UsageLog::new(catalog);
    let limit = engine::usage::MAX_LINE;
    let mut line: Vec<u8> = Vec::with_capacity(1024);
    let mut too_long = false;
    let mut number: u64 = 0;
    loop {
        let chunk = reader.fill_buf().map_err(failed)?;
        if chunk.is_empty() {
            break;
        }
        let (part, ends) = match chunk.iter().position(|b| *b == b'\n') {
            Some(i) => (&chunk[..i], true),
            None => (chunk, false),
        };
        if line.len().saturating_add(part.len()) > limit {
            too_long = true;
        } else {
            line.extend_from_slice(part);
        }
        let used = part.len().saturating_add(usize::from(ends));
        reader.consume(used);
        if ends {
            number = number.saturating_add(1);
            feed(&mut log, number, &line, too_long);
            line.clear();
            too_long = false;
        }
    }
    if !line.is_empty() || too_long {
        number = number.saturating_add(1);
        feed(&mut log, number, &line, too_long);
    }
    Ok(log.finish())
}

fn feed(log: &mut engine::usage::UsageLog, number: u64, bytes: &[u8], too_long: bool) {
    match (too_long, std::str::from_utf8(bytes)) {
        (true, _) => log.refuse(
            number,
            &format!("longer than {} bytes", engine::usage::MAX_LINE),
        ),
        (false, Ok(text)) => log.line(number, text),
        (false, Err(_)) => log.refuse(number, "not UTF-8 text"),
    }
}

fn usage_text(r: &engine::usage::UsageReport) -> String {
    use crate::engine::money::{display_percent, display_usd};
    let mut out = format!("lines: {} read, {} skipped\n", r.lines, r.skipped_total);
    // The first ten here; `--json` lists up to 1,000.
    for s in r.skipped.iter().take(10) {
        out.push_str(&format!("  line {}: {}\n", s.line, s.reason));
    }
    if r.skipped_total > 10 {
        out.push_str(&format!(
            "  ... and {} more\n",
            r.skipped_total.saturating_sub(10)
        ));
    }
    for m in &r.models {
        out.push_str(&format!(
            "{}: {} generations, {} accepted; rejected {} (95 %: {:.1} % to {:.1} %)\n",
            m.model,
            m.generations,
            m.accepted,
            display_percent(m.rejection_rate),
            m.rejection_rate_95.0 * 100.0,
            m.rejection_rate_95.1 * 100.0,
        ));
        out.push_str(&format!("  catalog cost {}", display_usd(m.catalog_cost)));
        if let Some(b) = m.billed_cost {
            out.push_str(&format!(", billed {}", display_usd(b)));
        }
        if let Some(d) = m.drift_percent {
            let sign = if d.is_sign_negative() { "" } else { "+" };
            out.push_str(&format!(" ({sign}{} % against the catalog)", d.normalize()));
        }
        if let Some(c) = m.cost_per_accepted_output {
            out.push_str(&format!("; {} per accepted output", display_usd(c)));
        }
        out.push('\n');
    }
    if let Some(a) = &r.actions {
        out.push_str(&a.summary());
        out.push('\n');
    }
    out.push_str(&format!("scenario: {}\n", r.scenario));
    out
}

/// How `quote` writes its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    Csv,
    Markdown,
}

impl Format {
    fn parse(s: &str) -> Option<Format> {
        match s {
            "text" => Some(Format::Text),
            "json" => Some(Format::Json),
            "csv" => Some(Format::Csv),
            "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }
}

/// The catalog a link is quoted against: `--catalog FILE` or the built-in one. A link from the
/// browser may name its catalog by URL; the CLI never fetches.
fn catalog_for_link(query: &str, path: Option<&str>) -> Result<Catalog, CliError> {
    let pairs = engine::share_url::pairs(query)?;
    if let (Some((_, url)), None) = (pairs.iter().find(|(k, _)| k == Key::Catalog.name()), path) {
        return Err(CliError::Refused(format!(
            "this link uses the catalog at {}: download it and pass --catalog FILE",
            crate::engine::text::shown(url)
        )));
    }
    load(path)
}

/// A warning on stderr for each step whose model was retired.
fn warn_retired(q: &engine::Quote, plan: &str, warn: &mut dyn Write) {
    for (i, st) in q.steps.iter().enumerate() {
        if let Some(r) = &st.retired {
            let use_instead = r
                .replacement
                .as_deref()
                .map(|id| format!("; use {id}"))
                .unwrap_or_default();
            let line = format!(
                "gencost: warning: {plan}step {}: {} was retired on {}{use_instead}",
                i.saturating_add(1),
                st.model,
                r.date
            );
            let _ = writeln!(warn, "{}", crate::engine::text::for_terminal(&line));
        }
    }
}

/// Every plan's text (one plan: the quote's text as it always was), its budget, and the blend.
fn plans_text(e: &engine::export::Export) -> String {
    use crate::engine::money::display_usd;
    let several = e.plans.len() > 1;
    let mut out = String::new();
    for (i, p) in e.plans.iter().enumerate() {
        if several {
            let mix = p
                .mix
                .map(|m| format!(" ({} % of user actions)", m.normalize()))
                .unwrap_or_default();
            out.push_str(&format!(
                "== {}{mix} ==\n",
                crate::engine::text::printable(&e.plan_label(i))
            ));
        }
        out.push_str(&report::to_text(&p.quote));
        if let (Some(b), Some(mean)) = (&p.budget, p.quote.cost_per_action) {
            out.push_str(&report::budget_text(b, mean));
        }
    }
    if let Some(b) = &e.blended {
        out.push_str(&format!(
            "blended cost per action: {}\n",
            display_usd(b.cost_per_action)
        ));
        if let Some(m) = b.monthly {
            out.push_str(&format!("blended monthly: {}\n", display_usd(m)));
        }
    }
    out
}

fn compare_json(c: &engine::compare::Comparison) -> String {
    engine::export::comparison_json(c).to_string()
}

fn compare_text(c: &engine::compare::Comparison) -> String {
    use crate::engine::money::{display_usd, exact};
    let mut lines = vec![format!(
        "step {}: {} and the models that can do the same job, cheapest first",
        c.step, c.model
    )];
    let width = c
        .alternatives
        .iter()
        .map(|a| a.model.len())
        .max()
        .unwrap_or(0);
    for a in &c.alternatives {
        let ratio = a
            .ratio
            .map(|r| format!("x{}", exact(r)))
            .unwrap_or_else(|| "-".to_string());
        let mark = if a.current { "  (current)" } else { "" };
        let moved = if a.adjusted.is_empty() {
            String::new()
        } else {
            let list: Vec<String> = a
                .adjusted
                .iter()
                .map(|k| format!("{k}={}", a.options.get(k).map_or("", String::as_str)))
                .collect();
            format!("  adjusted: {}", list.join(", "))
        };
        lines.push(format!(
            "  {:<width$}  {:>12} per action  {:>9}{mark}{moved}",
            a.model,
            display_usd(a.expected_cost_per_action),
            ratio
        ));
    }
    if !c.incompatible.is_empty() {
        lines.push("cannot do the same job:".to_string());
        for i in &c.incompatible {
            lines.push(format!("  {}: {}", i.model, i.reason));
        }
    }
    lines.join("\n")
}

fn write(out: &mut dyn Write, text: &str) -> Result<(), CliError> {
    // A closed pipe (`gencost models | head`) is not an error worth a message. Control
    // characters that data may still carry are escaped: the terminal shows, never obeys.
    let _ = writeln!(out, "{}", crate::engine::text::for_terminal(text));
    Ok(())
}

/// The most of LiteLLM's cost map read (it is 3 MB today).
const LITELLM_LIMIT: usize = 32 * 1024 * 1024;

/// Reads a file of at most [`crate::engine::catalog::MAX_BYTES`], never more (`/dev/zero` ends
/// with a message, not with the memory).
fn read(path: &str) -> Result<String, CliError> {
    read_bounded(path, crate::engine::catalog::MAX_BYTES)
}

/// Reads a file of at most `limit` bytes.
fn read_bounded(path: &str, limit: usize) -> Result<String, CliError> {
    use std::io::Read;
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
                CliError::Refused(format!("{}: {first}{more}", crate::engine::text::shown(p)))
            })
        }
    }
}

fn diff_text(d: &crate::engine::catalog::diff::CatalogDiff, json: bool) -> String {
    use crate::engine::money::exact;
    let num = |x: Option<rust_decimal::Decimal>| x.map(exact);
    if json {
        let changed: Vec<serde_json::Value> = d
            .changed
            .iter()
            .map(|c| {
                serde_json::json!({
                    "model": c.model, "what": c.what, "old": num(c.old), "new": num(c.new),
                    "change_percent": num(c.change_percent()),
                })
            })
            .collect();
        return serde_json::json!({"changed": changed, "added": d.added, "removed": d.removed})
            .to_string();
    }
    let mut lines = Vec::new();
    for c in &d.changed {
        let show =
            |x: Option<rust_decimal::Decimal>| x.map(exact).unwrap_or_else(|| "none".to_string());
        let pct = c
            .change_percent()
            .map(|p| {
                format!(
                    " ({}{} %)",
                    if p.is_sign_positive() { "+" } else { "" },
                    exact(p)
                )
            })
            .unwrap_or_default();
        lines.push(format!(
            "changed  {}  {}: {} -> {}{pct}",
            c.model,
            c.what,
            show(c.old),
            show(c.new)
        ));
    }
    lines.extend(d.added.iter().map(|id| format!("added    {id}")));
    lines.extend(d.removed.iter().map(|id| format!("removed  {id}")));
    if lines.is_empty() {
        lines.push("no price changed, no model added or removed".to_string());
    }
    lines.join("\n")
}

fn models(catalog: &Catalog, json: bool) -> String {
    if json {
        return engine::export::models_json(catalog).to_string();
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

/// Today's date (UTC), `YYYY-MM-DD`, from the system clock: the date the prices were read.
pub(crate) fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let days = i64::try_from(secs / 86_400).unwrap_or(0);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}
