//! Real usage: a log of generations priced by the catalog and reconciled with what was billed,
//! and the scenario that reproduces it.
//!
//! A log is JSON Lines or CSV, one generation a line (the first line that is not blank decides:
//! a CSV header has a `model` column; anything else is read as JSON Lines). A line gives `model` (a catalog id), its
//! options under their share-URL names (an `options` object in JSON Lines, further columns in
//! CSV), `accepted` (true or false; true when absent), `action` (the user action it served),
//! `cost` (what the provider billed, USD), `billable_units` (fal's `x-fal-billable-units`,
//! priced at the catalog's unit price) and `time` (RFC 3339); every field but `model` may be
//! left out, and other fields of a JSON line (a request id) are not read. A line that cannot be
//! read is skipped with its number and reason; the rest still counts.
//!
//! [`UsageLog`] takes the lines one by one (the CLI streams a file through it; memory grows with
//! the models, option sets and user actions seen, not with the lines), [`UsageLog::finish`]
//! gives the [`UsageReport`].
//!
//! # Design
//! Amounts are exact decimals. The rejection rate's 95 % interval (Wilson) needs a square
//! root, so its two bounds are floats written to six places: a rate, never an amount.

use rust_decimal::{Decimal, RoundingStrategy};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use super::catalog::json::{self, Value};
use super::catalog::Catalog;
use super::export::Json;
use super::money::{exact, parse_decimal, Calc};
use super::scenario::{Scenario, Step};
use super::share_url::to_query;

/// The longest line read (64 KiB); a longer one is skipped.
pub const MAX_LINE: usize = 64 * 1024;
/// The most skipped lines listed (the rest are counted).
pub const MAX_SKIPPED_LISTED: usize = 1000;

/// A line that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// Its number, from 1.
    pub line: u64,
    /// Why, in a few words.
    pub reason: String,
}

/// What the log says of one model.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelUsage {
    /// Its catalog id.
    pub model: String,
    /// Generations logged.
    pub generations: u64,
    /// Of which accepted.
    pub accepted: u64,
    /// rejected / generations (exact).
    pub rejection_rate: Decimal,
    /// The Wilson 95 % interval of the rejection rate.
    pub rejection_rate_95: (f64, f64),
    /// The catalog's price of every logged generation.
    pub catalog_cost: Decimal,
    /// What the provider billed, where lines say (`cost`, or `billable_units` x unit price).
    pub billed_cost: Option<Decimal>,
    /// (billed - catalog) / catalog x 100 over the lines with a bill, to 4 places.
    pub drift_percent: Option<Decimal>,
    /// catalog cost / accepted; `None` when none was accepted.
    pub cost_per_accepted_output: Option<Decimal>,
    /// The options most of its generations used.
    pub common_options: BTreeMap<String, String>,
}

/// The observed cost of user actions (nearest-rank percentiles).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionUsage {
    /// User actions seen.
    pub count: u64,
    /// Mean catalog cost of an action.
    pub mean: Decimal,
    /// The costs that 50, 90, 95 and 99 % of actions stayed within.
    pub percentiles: [Decimal; 4],
}

impl ActionUsage {
    /// The line people read: `200 user actions: mean $0.10; p50 $0.10, p90 ..., p95 ..., p99 ...`.
    pub fn summary(&self) -> String {
        let [p50, p90, p95, p99] = self.percentiles.map(super::money::display_usd);
        format!(
            "{} user actions: mean {}; p50 {p50}, p90 {p90}, p95 {p95}, p99 {p99}",
            self.count,
            super::money::display_usd(self.mean)
        )
    }
}

/// The report of a log.
#[derive(Debug, Clone, PartialEq)]
pub struct UsageReport {
    /// Lines read (blank lines and the CSV header not counted).
    pub lines: u64,
    /// Lines skipped, at most [`MAX_SKIPPED_LISTED`] listed.
    pub skipped: Vec<Skipped>,
    /// Every skipped line, listed or not.
    pub skipped_total: u64,
    /// Per model, in order of first appearance.
    pub models: Vec<ModelUsage>,
    /// Per user action, when lines name them.
    pub actions: Option<ActionUsage>,
    /// The share query of the scenario that reproduces the log.
    pub scenario: String,
}

impl UsageReport {
    /// True when no line could be read (what the CLI exits 2 for).
    pub fn nothing_read(&self) -> bool {
        self.lines == self.skipped_total
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    JsonLines,
    Csv,
}

#[derive(Debug, Default)]
struct Tally {
    model: String,
    generations: u64,
    accepted: u64,
    catalog: Decimal,
    billed: Decimal,
    billed_catalog: Decimal,
    billed_lines: u64,
    /// option set (as a query) -> (options, count)
    option_sets: HashMap<String, (BTreeMap<String, String>, u64)>,
    /// The smallest position in an action it was seen at, and the first line.
    first_position: usize,
    first_line: u64,
}

#[derive(Debug, Default)]
struct ActionTally {
    cost: Decimal,
    /// accepted outputs per model index, and generations seen so far
    accepted: Vec<(usize, u64)>,
    seen: usize,
}

/// A generation's catalog cost and its bill's one unit price (price, per), or why not.
type LinePrice = Result<(Decimal, Option<(Decimal, Decimal)>), String>;

/// One generation as read from a line.
struct Generation {
    model: String,
    options: BTreeMap<String, String>,
    accepted: bool,
    action: Option<String>,
    cost: Option<Decimal>,
    units: Option<Decimal>,
    time: Option<i64>,
}

/// A log being read, line by line.
pub struct UsageLog<'c> {
    catalog: &'c Catalog,
    format: Option<Format>,
    header: Vec<String>,
    pending_csv: String,
    pending_from: u64,
    lines: u64,
    skipped: Vec<Skipped>,
    skipped_total: u64,
    tallies: Vec<Tally>,
    by_model: HashMap<String, usize>,
    actions: HashMap<String, ActionTally>,
    /// (model, options) -> its catalog cost per generation and its one line's unit price
    /// (price, per) when the bill has one line, or why there is no price.
    prices: HashMap<String, LinePrice>,
    /// A reused buffer for cache keys (no allocation per line once seen).
    key: String,
    first_time: Option<i64>,
    last_time: Option<i64>,
    calc: Calc,
}

impl<'c> UsageLog<'c> {
    /// A log read against `catalog`.
    pub fn new(catalog: &'c Catalog) -> UsageLog<'c> {
        UsageLog {
            catalog,
            format: None,
            header: Vec::new(),
            pending_csv: String::new(),
            pending_from: 0,
            lines: 0,
            skipped: Vec::new(),
            skipped_total: 0,
            tallies: Vec::new(),
            by_model: HashMap::new(),
            actions: HashMap::new(),
            prices: HashMap::new(),
            key: String::new(),
            first_time: None,
            last_time: None,
            calc: Calc::default(),
        }
    }

    fn skip(&mut self, line: u64, reason: impl Into<String>) {
        self.skipped_total = self.skipped_total.saturating_add(1);
        if self.skipped.len() < MAX_SKIPPED_LISTED {
            self.skipped.push(Skipped {
                line,
                reason: super::text::shown(&reason.into()),
            });
        }
    }

    /// Counts line `number` as read and skipped for `reason` (a reader's: not UTF-8, too long).
    pub fn refuse(&mut self, number: u64, reason: &str) {
        self.lines = self.lines.saturating_add(1);
        self.skip(number, reason);
    }

    /// Reads line `number` (from 1), without its line end.
    pub fn line(&mut self, number: u64, text: &str) {
        let text = text.strip_suffix('\r').unwrap_or(text);
        if !self.pending_csv.is_empty() {
            // A quoted CSV field that holds a line break: the record goes on.
            self.pending_csv.push('\n');
            self.pending_csv.push_str(text);
            if quotes_balanced(&self.pending_csv) || self.pending_csv.len() > MAX_LINE {
                let record = std::mem::take(&mut self.pending_csv);
                let from = self.pending_from;
                self.record(from, &record);
            }
            return;
        }
        if text.trim().is_empty() {
            return;
        }
        let format = match self.format {
            Some(f) => f,
            None => {
                // A CSV header names a `model` column; anything else is read as JSON Lines.
                let header: Vec<String> = split_csv(text)
                    .into_iter()
                    .map(|h| h.trim().to_string())
                    .collect();
                if !text.trim_start().starts_with('{') && header.iter().any(|h| h == "model") {
                    self.format = Some(Format::Csv);
                    self.header = header;
                    return;
                }
                self.format = Some(Format::JsonLines);
                Format::JsonLines
            }
        };
        if format == Format::Csv && !quotes_balanced(text) && text.len() <= MAX_LINE {
            self.pending_csv = text.to_string();
            self.pending_from = number;
            return;
        }
        self.record(number, text);
    }

    fn record(&mut self, number: u64, text: &str) {
        self.lines = self.lines.saturating_add(1);
        if text.len() > MAX_LINE {
            return self.skip(number, format!("longer than {MAX_LINE} bytes"));
        }
        let read = match self.format {
            Some(Format::Csv) => self.read_csv(text),
            _ => read_json_line(text),
        };
        match read.and_then(|g| self.count(g)) {
            Ok(()) => {}
            Err(why) => self.skip(number, why),
        }
    }

    fn read_csv(&self, text: &str) -> Result<Generation, String> {
        let cells = split_csv(text);
        if cells.len() != self.header.len() {
            return Err(format!(
                "{} fields where the header has {}",
                cells.len(),
                self.header.len()
            ));
        }
        let mut fields: Vec<(Cow<'_, str>, Value<'_>)> = Vec::new();
        let mut options = BTreeMap::new();
        for (name, cell) in self.header.iter().zip(cells) {
            if cell.is_empty() {
                continue;
            }
            match name.as_str() {
                "model" | "action" | "time" => {
                    fields.push((Cow::Borrowed(name), Value::String(Cow::Owned(cell))))
                }
                "accepted" => fields.push((Cow::Borrowed(name), parse_bool(&cell)?)),
                "cost" | "billable_units" => {
                    fields.push((Cow::Borrowed(name), Value::Number(Cow::Owned(cell))))
                }
                _ => {
                    options.insert(name.clone(), cell);
                }
            }
        }
        generation(fields, options)
    }

    fn price(&mut self, g: &Generation) -> LinePrice {
        self.key.clear();
        self.key.push_str(&g.model);
        for (k, v) in &g.options {
            // Separators no id or option text holds (control characters are refused there).
            self.key.push('\u{1}');
            self.key.push_str(k);
            self.key.push('\u{2}');
            self.key.push_str(v);
        }
        if let Some(p) = self.prices.get(self.key.as_str()) {
            return p.clone();
        }
        let p = match super::quote::price(self.catalog, &g.model, &g.options) {
            Ok(bill) => {
                let unit = match bill.lines.as_slice() {
                    [one] => Some((one.unit_price, one.per)),
                    _ => None,
                };
                Ok((bill.cost, unit))
            }
            Err(e) => Err(e.to_string()),
        };
        self.prices.insert(self.key.clone(), p.clone());
        p
    }

    fn count(&mut self, g: Generation) -> Result<(), String> {
        let (cost, unit) = self.price(&g)?;
        let billed = match (g.cost, g.units) {
            (Some(c), _) => Some(c),
            // fal's billable units at the catalog's unit price of the bill's one line.
            (None, Some(u)) => {
                let (price, per) = unit.ok_or_else(|| {
                    format!(
                        "`billable_units`: {} is billed in several lines, not one unit price",
                        g.model
                    )
                })?;
                let mut calc = Calc::default();
                Some(
                    calc.mul(u, price, "billable units")
                        .and_then(|x| calc.div(x, per, "billable units"))
                        .map_err(|e| e.to_string())?,
                )
            }
            (None, None) => None,
        };
        if let Some(t) = g.time {
            self.first_time = Some(self.first_time.map_or(t, |f| f.min(t)));
            self.last_time = Some(self.last_time.map_or(t, |l| l.max(t)));
        }
        let what = "usage";
        let index = match self.by_model.get(&g.model) {
            Some(i) => *i,
            None => {
                let i = self.tallies.len();
                self.tallies.push(Tally {
                    model: g.model.clone(),
                    first_position: usize::MAX,
                    first_line: self.lines,
                    ..Tally::default()
                });
                self.by_model.insert(g.model.clone(), i);
                i
            }
        };
        let calc = &mut self.calc;
        let Some(t) = self.tallies.get_mut(index) else {
            return Err("internal: no tally".to_string());
        };
        t.generations = t.generations.saturating_add(1);
        if g.accepted {
            t.accepted = t.accepted.saturating_add(1);
        }
        t.catalog = calc.add(t.catalog, cost, what).map_err(|e| e.to_string())?;
        if let Some(b) = billed {
            t.billed = calc.add(t.billed, b, what).map_err(|e| e.to_string())?;
            t.billed_catalog = calc
                .add(t.billed_catalog, cost, what)
                .map_err(|e| e.to_string())?;
            t.billed_lines = t.billed_lines.saturating_add(1);
        }
        // The cache key minus the model: the option set.
        let set_key = self.key.get(g.model.len()..).unwrap_or_default();
        match t.option_sets.get_mut(set_key) {
            Some(set) => set.1 = set.1.saturating_add(1),
            None => {
                t.option_sets
                    .insert(set_key.to_string(), (g.options.clone(), 1));
            }
        }
        if let Some(action) = g.action {
            if !self.actions.contains_key(action.as_str()) {
                self.actions.insert(action.clone(), ActionTally::default());
            }
            let Some(a) = self.actions.get_mut(action.as_str()) else {
                return Err("internal: no action".to_string());
            };
            t.first_position = t.first_position.min(a.seen);
            a.seen = a.seen.saturating_add(1);
            a.cost = calc.add(a.cost, cost, what).map_err(|e| e.to_string())?;
            if g.accepted {
                match a.accepted.iter_mut().find(|(m, _)| *m == index) {
                    Some(x) => x.1 = x.1.saturating_add(1),
                    None => a.accepted.push((index, 1)),
                }
            }
        }
        Ok(())
    }

    /// The report of every line read.
    pub fn finish(mut self) -> UsageReport {
        if !self.pending_csv.is_empty() {
            self.pending_csv.clear();
            let from = self.pending_from;
            self.refuse(from, "a quoted field is never closed");
        }
        let models: Vec<ModelUsage> = self.tallies.iter().map(model_usage).collect();
        let actions = action_usage(&self.actions);
        let scenario = scenario(
            &self.tallies,
            &self.actions,
            self.first_time,
            self.last_time,
        );
        UsageReport {
            lines: self.lines,
            skipped: self.skipped,
            skipped_total: self.skipped_total,
            models,
            actions,
            scenario,
        }
    }
}

/// Reads a whole log (the page's file, a test's text).
pub fn read(catalog: &Catalog, text: &str) -> UsageReport {
    let mut log = UsageLog::new(catalog);
    for (i, line) in text.split('\n').enumerate() {
        log.line(u64::try_from(i).unwrap_or(u64::MAX).saturating_add(1), line);
    }
    log.finish()
}

fn parse_bool(s: &str) -> Result<Value<'static>, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(Value::Bool(true)),
        "false" | "0" | "no" => Ok(Value::Bool(false)),
        _ => Err(format!(
            "`accepted` is {}, not true or false",
            super::text::quoted(s)
        )),
    }
}

fn read_json_line(text: &str) -> Result<Generation, String> {
    let v = json::parse(text).map_err(|e| format!("not JSON: {e}"))?;
    let Value::Object(obj) = v else {
        return Err("not a JSON object".to_string());
    };
    let mut fields = obj.into_pairs();
    let options = match take(&mut fields, "options") {
        None | Some(Value::Null) => BTreeMap::new(),
        Some(v) => options_of_value(v)?,
    };
    generation(fields, options)
}

/// Takes the value of `key` out of the fields (the values are moved, never copied).
fn take<'a>(fields: &mut Vec<(Cow<'a, str>, Value<'a>)>, key: &str) -> Option<Value<'a>> {
    let i = fields.iter().position(|(k, _)| k == key)?;
    Some(fields.swap_remove(i).1)
}

/// Options from a JSON object: strings and numbers as written, booleans as `on`/`off`.
fn options_of_value(v: Value<'_>) -> Result<BTreeMap<String, String>, String> {
    let kind = v.kind();
    let Value::Object(o) = v else {
        return Err(format!("`options` is {kind}, not an object"));
    };
    let mut options = BTreeMap::new();
    for (k, v) in o.into_pairs() {
        let text = match v {
            Value::String(s) | Value::Number(s) => s.into_owned(),
            Value::Bool(b) => if b { "on" } else { "off" }.to_string(),
            other => return Err(format!("option `{k}` is {}", other.kind())),
        };
        options.insert(k.into_owned(), text);
    }
    Ok(options)
}

/// Options from JSON text (the JS module's `price(model, options)`).
///
/// # Errors
/// A message when the text is not a JSON object of strings, numbers and booleans.
pub fn options_of_json(text: &str) -> Result<BTreeMap<String, String>, String> {
    options_of_value(json::parse(text)?)
}

/// A generation from its fields (JSON values; CSV cells as strings and numbers), taken.
fn generation<'a>(
    mut fields: Vec<(Cow<'a, str>, Value<'a>)>,
    options: BTreeMap<String, String>,
) -> Result<Generation, String> {
    let model = match take(&mut fields, "model") {
        Some(Value::String(s)) if !s.trim().is_empty() => {
            if s.trim().len() == s.len() {
                s.into_owned()
            } else {
                s.trim().to_string()
            }
        }
        Some(other) => return Err(format!("`model` is {}, not a catalog id", other.kind())),
        None => return Err("no `model`".to_string()),
    };
    let accepted = match take(&mut fields, "accepted") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => b,
        Some(other) => return Err(format!("`accepted` is {}, not true or false", other.kind())),
    };
    let action = match take(&mut fields, "action") {
        None | Some(Value::Null) => None,
        Some(Value::String(s) | Value::Number(s)) => Some(s.into_owned()),
        Some(other) => return Err(format!("`action` is {}", other.kind())),
    };
    let mut amount = |name: &str| -> Result<Option<Decimal>, String> {
        match take(&mut fields, name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(s) | Value::String(s)) => parse_decimal(&s)
                .filter(|d| !d.is_sign_negative())
                .map(Some)
                .ok_or_else(|| format!("`{name}` is {}, not an amount", super::text::quoted(&s))),
            Some(other) => Err(format!("`{name}` is {}, not an amount", other.kind())),
        }
    };
    let cost = amount("cost")?;
    let units = amount("billable_units")?;
    let time = match take(&mut fields, "time") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(
            rfc3339_seconds(&s)
                .ok_or_else(|| format!("`time` is {}, not RFC 3339", super::text::quoted(&s)))?,
        ),
        Some(other) => return Err(format!("`time` is {}, not RFC 3339", other.kind())),
    };
    Ok(Generation {
        model,
        options,
        accepted,
        action,
        cost,
        units,
        time,
    })
}

/// Seconds since 1970 of an RFC 3339 date-time (`2026-11-23T10:00:00Z`, `...+01:00`, fractions
/// ignored).
// Every number here is at most four digits read from the text: no sum or product comes near
// i64::MAX, and indexes stay within a line of at most MAX_LINE bytes.
#[allow(clippy::arithmetic_side_effects)]
pub fn rfc3339_seconds(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = s.get(from..from.checked_add(len)?)?;
        if part.bytes().all(|c| c.is_ascii_digit()) {
            part.parse().ok()
        } else {
            None
        }
    };
    let (y, mo, d) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't' | b' '))
    {
        return None;
    }
    let (h, mi, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    if b.get(13) != Some(&b':') || b.get(16) != Some(&b':') {
        return None;
    }
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    let offset = match b.get(i) {
        Some(b'Z' | b'z') if i + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if i + 6 == b.len() && b.get(i + 3) == Some(&b':') => {
            let m = num(i + 1, 2)? * 60 + num(i + 4, 2)?;
            if *sign == b'+' {
                m
            } else {
                -m
            }
        }
        _ => return None,
    };
    // Days from civil (Howard Hinnant).
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + h * 3600 + mi * 60 + sec - offset * 60)
}

/// The fields of a CSV record (RFC 4180: quoted fields, `""` for a quote).
fn split_csv(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if cur.is_empty() => quoted = true,
            (',', false) => out.push(std::mem::take(&mut cur)),
            (c, _) => cur.push(c),
        }
    }
    out.push(cur);
    out
}

fn quotes_balanced(text: &str) -> bool {
    text.bytes().filter(|b| *b == b'"').count() % 2 == 0
}

/// A number from 0 to 1000 written with `places` decimals (`0.071479`), by integer formatting:
/// the wasm carries no float formatting code.
pub fn fixed(f: f64, places: u32) -> String {
    let scale = 10u64.pow(places.min(9));
    // In range by the clamp: at most 1e12, far below u64::MAX.
    let units = (f.clamp(0.0, 1000.0) * scale as f64).round() as u64;
    let whole = units.checked_div(scale).unwrap_or(0);
    let frac = units.checked_rem(scale).unwrap_or(0);
    if places == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{frac:0width$}", width = places as usize)
    }
}

/// The Wilson score interval of k successes in n at 95 %.
fn wilson(k: u64, n: u64) -> (f64, f64) {
    if n == 0 {
        return (0.0, 1.0);
    }
    let (k, n) = (k as f64, n as f64);
    let z = 1.959_963_984_540_054_f64;
    let p = k / n;
    let z2n = z * z / n;
    let centre = (p + z2n / 2.0) / (1.0 + z2n);
    let half = z * (p * (1.0 - p) / n + z2n / (4.0 * n)).sqrt() / (1.0 + z2n);
    ((centre - half).max(0.0), (centre + half).min(1.0))
}

fn model_usage(t: &Tally) -> ModelUsage {
    let rejected = t.generations.saturating_sub(t.accepted);
    let rate = Decimal::from(rejected)
        .checked_div(Decimal::from(t.generations.max(1)))
        .unwrap_or_default()
        .normalize();
    let drift = (t.billed_lines > 0 && !t.billed_catalog.is_zero()).then(|| {
        t.billed
            .checked_sub(t.billed_catalog)
            .and_then(|d| d.checked_div(t.billed_catalog))
            .and_then(|f| f.checked_mul(Decimal::ONE_HUNDRED))
            .map(|p| {
                p.round_dp_with_strategy(4, RoundingStrategy::MidpointNearestEven)
                    .normalize()
            })
    });
    let common = t
        .option_sets
        .values()
        .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
        .map(|(o, _)| o.clone())
        .unwrap_or_default();
    ModelUsage {
        model: t.model.clone(),
        generations: t.generations,
        accepted: t.accepted,
        rejection_rate: rate,
        rejection_rate_95: wilson(rejected, t.generations),
        catalog_cost: t.catalog.normalize(),
        billed_cost: (t.billed_lines > 0).then(|| t.billed.normalize()),
        drift_percent: drift.flatten(),
        cost_per_accepted_output: (t.accepted > 0)
            .then(|| t.catalog.checked_div(Decimal::from(t.accepted)))
            .flatten()
            .map(|d| d.normalize()),
        common_options: common,
    }
}

fn action_usage(actions: &HashMap<String, ActionTally>) -> Option<ActionUsage> {
    if actions.is_empty() {
        return None;
    }
    let mut costs: Vec<Decimal> = actions.values().map(|a| a.cost).collect();
    costs.sort_unstable();
    let count = costs.len();
    let total = costs
        .iter()
        .try_fold(Decimal::ZERO, |acc, c| acc.checked_add(*c))?;
    let mean = total.checked_div(Decimal::from(count as u64))?.normalize();
    // Nearest rank: the ceil(q x count)-th cost.
    let at = |q: usize| -> Decimal {
        let rank = (q.saturating_mul(count)).div_ceil(100).max(1);
        costs
            .get(rank.saturating_sub(1))
            .copied()
            .unwrap_or_default()
            .normalize()
    };
    Some(ActionUsage {
        count: count as u64,
        mean,
        percentiles: [at(50), at(90), at(95), at(99)],
    })
}

/// The share query that reproduces the log: per model (in the order they come within actions),
/// its most common options, its observed rejection rate and its accepted outputs per action; the
/// actions a month when times span at least a day.
fn scenario(
    tallies: &[Tally],
    actions: &HashMap<String, ActionTally>,
    first: Option<i64>,
    last: Option<i64>,
) -> String {
    let mut order: Vec<usize> = (0..tallies.len()).collect();
    order.sort_by_key(|i| {
        tallies
            .get(*i)
            .map_or((usize::MAX, u64::MAX), |t| (t.first_position, t.first_line))
    });
    let action_count = actions.len() as u64;
    let mut out = Scenario::default();
    for i in order.iter().take(super::vocabulary::MAX_STEPS) {
        let Some(t) = tallies.get(*i) else { continue };
        // Accepted outputs per action, rounded to a whole number of at least 1.
        let n = if action_count > 0 {
            let accepted: u64 = actions
                .values()
                .flat_map(|a| a.accepted.iter())
                .filter(|(m, _)| m == i)
                .map(|(_, k)| *k)
                .sum();
            Decimal::from(accepted)
                .checked_div(Decimal::from(action_count))
                .map(|x| x.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero))
                .and_then(|x| u32::try_from(x.mantissa()).ok())
                .unwrap_or(1)
                .clamp(1, super::vocabulary::MAX_N)
        } else {
            1
        };
        // The share URL takes a percentage below 100: to 2 places, at most 99.99.
        let rejected = t.generations.saturating_sub(t.accepted);
        let retry = Decimal::from(rejected)
            .checked_mul(Decimal::ONE_HUNDRED)
            .and_then(|x| x.checked_div(Decimal::from(t.generations.max(1))))
            .map(|x| x.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven))
            .unwrap_or_default()
            .min(Decimal::new(9999, 2));
        out.steps.push(Step {
            model: t.model.clone(),
            options: model_usage(t).common_options,
            n,
            retry_percent: retry,
            max_attempts: None,
            fallback: None,
        });
    }
    if let (Some(f), Some(l)) = (first, last) {
        let span = l.saturating_sub(f);
        if span >= 86_400 && action_count > 0 {
            // Actions a month (30 days) at the observed pace.
            out.actions_per_month = Decimal::from(action_count)
                .checked_mul(Decimal::from(30 * 86_400))
                .and_then(|x| x.checked_div(Decimal::from(span)))
                .map(|x| x.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero))
                .map(|x| x.min(Decimal::from(super::vocabulary::MAX_ACTIONS)));
        }
    }
    to_query(&out)
}

/// The report as JSON (the CLI's `--json`; rates as fractions, amounts as decimal strings).
pub fn to_json(r: &UsageReport) -> Json {
    let six = |f: f64| Json::Str(fixed(f, 6));
    let models = r
        .models
        .iter()
        .map(|m| {
            Json::Obj(vec![
                ("model".into(), Json::Str(m.model.clone())),
                ("generations".into(), Json::Int(m.generations)),
                ("accepted".into(), Json::Int(m.accepted)),
                ("rejection_rate".into(), Json::Str(exact(m.rejection_rate))),
                (
                    "rejection_rate_95".into(),
                    Json::Arr(vec![six(m.rejection_rate_95.0), six(m.rejection_rate_95.1)]),
                ),
                ("catalog_cost".into(), Json::Str(exact(m.catalog_cost))),
                (
                    "billed_cost".into(),
                    m.billed_cost.map_or(Json::Null, |d| Json::Str(exact(d))),
                ),
                (
                    "drift_percent".into(),
                    m.drift_percent.map_or(Json::Null, |d| Json::Str(exact(d))),
                ),
                (
                    "cost_per_accepted_output".into(),
                    m.cost_per_accepted_output
                        .map_or(Json::Null, |d| Json::Str(exact(d))),
                ),
            ])
        })
        .collect();
    let actions = r.actions.as_ref().map_or(Json::Null, |a| {
        let mut f = vec![
            ("count".into(), Json::Int(a.count)),
            ("mean".into(), Json::Str(exact(a.mean))),
        ];
        for ((_, name), v) in super::percentiles::LEVELS.iter().zip(a.percentiles) {
            f.push((name.to_string(), Json::Str(exact(v))));
        }
        Json::Obj(f)
    });
    Json::Obj(vec![
        ("lines".into(), Json::Int(r.lines)),
        (
            "skipped".into(),
            Json::Arr(
                r.skipped
                    .iter()
                    .map(|s| {
                        Json::Obj(vec![
                            ("line".into(), Json::Int(s.line)),
                            ("reason".into(), Json::Str(s.reason.clone())),
                        ])
                    })
                    .collect(),
            ),
        ),
        ("skipped_total".into(), Json::Int(r.skipped_total)),
        ("models".into(), Json::Arr(models)),
        ("actions".into(), actions),
        ("scenario".into(), Json::Str(r.scenario.clone())),
    ])
}
