//! The calculator's form and what it shows, without a browser: the state behind the page, its
//! share URL, and everything the page displays, computed by the engine. The Leptos components
//! (`crate::app`) only render this; tests run natively.
//!
//! The form keeps every field exactly as typed (a string), so an invalid value is shown with its
//! message and never lost; the share URL is the form written out, so the two cannot disagree.

use rust_decimal::Decimal;
use std::collections::BTreeMap;

use crate::engine::catalog::{Domain, Kind, Model};
use crate::engine::money::{
    display_number, display_percent, display_usd, equals_number, equals_percent, exact,
};
use crate::engine::quote::{check_step_options, quote_step, shares_percent, Priced, StepQuote};
use crate::engine::report::{arithmetic, Symbols};
use crate::engine::scenario::step_prefix;
use crate::engine::share_url::{
    encode, pairs_as_written, parse_query_lenient, split_step_key, FIRST_OPTIONS, STEP_KEYS,
};
use crate::engine::{Catalog, Error};

pub mod chart;

/// Query keys that belong to the page, not the scenario: kept in the URL, never an error.
pub const PAGE_KEYS: [&str; 2] = ["catalog", "embed"];

/// The model a new calculator starts with.
pub const DEFAULT_MODEL: &str = "fal-ai/flux/dev";

/// fal's `image_size` presets (name, width, height).
pub const SIZE_PRESETS: [(&str, u32, u32); 6] = [
    ("square_hd", 1024, 1024),
    ("square", 512, 512),
    ("portrait_4_3", 768, 1024),
    ("portrait_16_9", 576, 1024),
    ("landscape_4_3", 1024, 768),
    ("landscape_16_9", 1024, 576),
];

/// One step as typed: unprefixed key (`model`, `sec`, `retry`...) -> text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepForm {
    /// A stable id for keyed lists (survives reordering).
    pub id: u64,
    /// The fields by share-URL key, as typed.
    pub values: BTreeMap<String, String>,
}

impl StepForm {
    /// The text of a field, or `""`.
    pub fn get(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }
}

/// The whole form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The steps of the user action.
    pub steps: Vec<StepForm>,
    /// User actions per month, as typed.
    pub actions: String,
    /// Query pairs that are not the scenario's (`catalog`, a host page's own), kept as they came.
    pub passthrough: Vec<(String, String)>,
    /// Keys no model knows, kept in the URL and reported as ignored.
    pub ignored: Vec<String>,
    /// Pairs the engine refuses, kept as they came so nothing typed is lost: a key given twice
    /// (the second `retry`) and a key with a step prefix that cannot be (`s1.`, `s02.`, `s21.`).
    /// Each is an error naming the key until it is edited or removed.
    pub stray: Vec<(String, String)>,
    next_id: u64,
}

impl Form {
    /// The form a first visit shows: one FLUX.1 [dev] image at fal's default size.
    pub fn default_for(catalog: &Catalog) -> Form {
        let model = if catalog.model(DEFAULT_MODEL).is_ok() {
            DEFAULT_MODEL.to_string()
        } else {
            catalog
                .models()
                .first()
                .map(|m| m.id.clone())
                .unwrap_or_default()
        };
        let mut f = Form {
            steps: vec![],
            actions: "10000".into(),
            passthrough: vec![],
            ignored: vec![],
            stray: vec![],
            next_id: 0,
        };
        f.add_step(&model);
        f.set(0, "retry", "20");
        f
    }

    /// The form a URL describes. With no scenario key in it, the default form (keeping the
    /// URL's other pairs). Keys that no model of the catalog knows are kept and listed in
    /// `ignored`; everything else is kept as typed, valid or not.
    pub fn from_query(catalog: &Catalog, query: &str) -> Form {
        let mut form = Form {
            steps: vec![],
            actions: String::new(),
            passthrough: vec![],
            ignored: vec![],
            stray: vec![],
            next_id: 0,
        };
        let mut actions_given = false;
        // Undecodable pairs stay as written, so the user sees them in the message.
        let list = pairs_as_written(query).into_iter().map(|(k, v, _)| (k, v));
        // step index (0-based) -> its fields
        let mut steps: Vec<BTreeMap<String, String>> = Vec::new();
        for (key, value) in list {
            if PAGE_KEYS.contains(&key.as_str()) {
                form.passthrough.push((key, value));
                continue;
            }
            if key == "actions" {
                if actions_given {
                    form.stray.push((key, value));
                } else {
                    form.actions = value;
                    actions_given = true;
                }
                continue;
            }
            // A step prefix that cannot be (`s1.`, `s02.`, `s21.`): the engine names the problem,
            // as it does for the CLI.
            let Some((i, name)) = split_step_key(&key) else {
                form.stray.push((key, value));
                continue;
            };
            let ours = STEP_KEYS.contains(&name)
                || catalog.models().iter().any(|m| m.option(name).is_some());
            if !ours {
                form.ignored.push(key.clone());
                form.passthrough.push((key, value));
                continue;
            }
            if steps.len() <= i {
                steps.resize_with(i.saturating_add(1), BTreeMap::new);
            }
            match steps.get_mut(i) {
                Some(fields) if !fields.contains_key(name) => {
                    fields.insert(name.to_string(), value);
                }
                // The second `retry`: kept, and an error until edited.
                _ => form.stray.push((key, value)),
            }
        }
        if steps.is_empty() {
            let mut d = Form::default_for(catalog);
            d.passthrough = form.passthrough;
            d.ignored = form.ignored;
            d.stray = form.stray;
            if !form.actions.is_empty() {
                d.actions = form.actions;
            }
            return d;
        }
        for values in steps {
            form.steps.push(StepForm {
                id: form.next_id,
                values,
            });
            form.next_id = form.next_id.saturating_add(1);
        }
        form
    }

    /// The pairs of a snippet for another page (see [`embed_code`]): the scenario's fields and
    /// the `catalog` it uses; never the host page's own keys, ignored keys or refused pairs.
    pub fn embed_pairs(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            let p = step_prefix(i);
            for (k, v) in ordered_fields(step) {
                out.push((format!("{p}{k}"), v.to_string()));
            }
        }
        if !self.actions.is_empty() {
            out.push(("actions".to_string(), self.actions.clone()));
        }
        let catalogs: Vec<&String> = self
            .passthrough
            .iter()
            .filter(|(k, _)| k == "catalog")
            .map(|(_, v)| v)
            .collect();
        if let [url] = catalogs.as_slice() {
            if crate::engine::url::check_catalog_url(url).is_ok() {
                out.push(("catalog".to_string(), (*url).clone()));
            }
        }
        out
    }

    /// Removes a refused pair (`s21.model`, a second `retry`) from the form and its URL.
    pub fn drop_stray(&mut self, key: &str) {
        self.stray.retain(|(k, _)| k != key);
    }

    /// The share query of the form (without `?`): the scenario's keys in a fixed order, then the
    /// page's other pairs. Empty fields are left out.
    pub fn to_query(&self) -> String {
        self.write_query(|_| true)
    }

    /// The query a share link or embed code carries: [`Form::to_query`] without `embed`.
    pub fn share_query(&self) -> String {
        self.write_query(|k| k != "embed")
    }

    /// The scenario's keys, then the page's pairs whose key `keep` accepts.
    fn write_query(&self, keep: impl Fn(&str) -> bool) -> String {
        let mut parts: Vec<String> = Vec::new();
        for (i, step) in self.steps.iter().enumerate() {
            let p = step_prefix(i);
            for (k, v) in ordered_fields(step) {
                parts.push(format!("{}{}={}", encode(&p), encode(k), encode(v)));
            }
        }
        if !self.actions.is_empty() {
            parts.push(format!("actions={}", encode(&self.actions)));
        }
        for (k, v) in &self.stray {
            parts.push(format!("{}={}", encode(k), encode(v)));
        }
        for (k, v) in self.passthrough.iter().filter(|(k, _)| keep(k)) {
            parts.push(format!("{}={}", encode(k), encode(v)));
        }
        parts.join("&")
    }

    /// The same query without the page's own pairs: what the engine parses.
    fn scenario_query(&self) -> String {
        self.write_query(|_| false)
    }

    /// Sets a field of step `index` (unprefixed key) to what was typed. What is typed replaces
    /// every value the link gave that key (a duplicate is resolved by editing the field).
    pub fn set(&mut self, index: usize, key: &str, value: &str) {
        let full = format!("{}{key}", step_prefix(index));
        self.drop_stray(&full);
        if let Some(step) = self.steps.get_mut(index) {
            if value.is_empty() && key != "model" {
                step.values.remove(key);
            } else {
                step.values.insert(key.to_string(), value.to_string());
            }
        }
    }

    /// Switches step `index` to `model`, keeping the options the new model also takes.
    pub fn set_model(&mut self, catalog: &Catalog, index: usize, model: &str) {
        let Some(step) = self.steps.get_mut(index) else {
            return;
        };
        let fallback = step.get("fallback").to_string();
        let new = catalog.model(model).ok();
        let fb = catalog.model(&fallback).ok();
        step.values.retain(|k, _| {
            STEP_KEYS.contains(&k.as_str())
                || new.is_some_and(|m| m.option(k).is_some())
                || fb.is_some_and(|m| m.option(k).is_some())
        });
        step.values.insert("model".into(), model.to_string());
    }

    /// Sets or clears the fallback of step `index`.
    pub fn set_fallback(&mut self, index: usize, model: &str) {
        if model.is_empty() {
            if let Some(step) = self.steps.get_mut(index) {
                step.values.remove("fallback");
                step.values.remove("failover");
            }
        } else {
            self.set(index, "fallback", model);
            if self
                .steps
                .get(index)
                .is_some_and(|s| s.get("failover").is_empty())
            {
                self.set(index, "failover", "10");
            }
        }
    }

    /// Adds a step of `model` at the end.
    pub fn add_step(&mut self, model: &str) {
        let mut values = BTreeMap::new();
        values.insert("model".to_string(), model.to_string());
        self.steps.push(StepForm {
            id: self.next_id,
            values,
        });
        self.next_id = self.next_id.saturating_add(1);
    }

    /// Sets the user actions per month as typed (resolving a duplicate `actions`).
    pub fn set_actions(&mut self, value: &str) {
        self.drop_stray("actions");
        self.actions = value.to_string();
    }

    /// Removes step `index` (the last step stays).
    pub fn remove_step(&mut self, index: usize) {
        if self.steps.len() > 1 && index < self.steps.len() {
            self.steps.remove(index);
        }
    }

    /// Moves step `index` one place up (`-1`) or down (`+1`).
    pub fn move_step(&mut self, index: usize, up: bool) {
        let to = if up {
            index.checked_sub(1)
        } else {
            index.checked_add(1)
        };
        if let Some(to) = to.filter(|t| *t < self.steps.len()) {
            if index < self.steps.len() {
                self.steps.swap(index, to);
            }
        }
    }
}

/// A step's fields in the engine's order (`share_url::to_query`): model, w, h, sec, other
/// options, then the step's own keys; empty fields left out.
fn ordered_fields(step: &StepForm) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    for k in std::iter::once("model").chain(FIRST_OPTIONS) {
        out.push((k, step.get(k)));
    }
    for (k, v) in &step.values {
        if !FIRST_OPTIONS.contains(&k.as_str()) && !STEP_KEYS.contains(&k.as_str()) {
            out.push((k.as_str(), v.as_str()));
        }
    }
    for k in &STEP_KEYS[1..] {
        out.push((k, step.get(k)));
    }
    out.retain(|(_, v)| !v.is_empty());
    out
}

/// The step (0-based) a prefixed key belongs to; `None` for `actions` and unprefixable keys.
fn step_of_key(key: &str) -> Option<usize> {
    if key == "actions" || key.is_empty() {
        return None;
    }
    split_step_key(key).map(|(i, _)| i)
}

// ---------------------------------------------------------------------------------------------
// What the page shows.

/// A field's problem, by its share-URL key (`s2.sec`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The prefixed key, or `""` when the problem is not one field's.
    pub key: String,
    /// The message, as the engine words it.
    pub message: String,
}

/// How an option is edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Control {
    /// Pick one of these.
    Select(Vec<String>),
    /// Type a number; the hint says what is allowed.
    Number {
        /// `17 to 161`.
        hint: String,
    },
}

/// One option of the step's model, ready to render.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionView {
    /// Its share-URL key without prefix (`sec`).
    pub name: String,
    /// A label for people (`Duration`).
    pub label: String,
    /// Its unit (`s`).
    pub unit: String,
    /// How to edit it.
    pub control: Control,
    /// The value shown: as typed, or the model's default.
    pub value: String,
    /// The problem with it, if any.
    pub error: Option<String>,
}

/// A line item with its arithmetic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineView {
    /// `fal-ai/flux/dev: output megapixels`.
    pub label: String,
    /// `0.75 -> 1 x $0.025 = $0.025`.
    pub arithmetic: String,
}

/// A step's figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFigures {
    /// One billed attempt that yields one output.
    pub cost_per_generation: String,
    /// Cost per generation / (1 - r).
    pub cost_per_accepted_output: String,
    /// n x cost per generation x expected attempts.
    pub cost_per_action: String,
    /// `1.25`.
    pub expected_attempts: String,
    /// `12.5 %` when attempts are capped.
    pub p_no_output: Option<String>,
    /// The exact expected cost per action, for the split bar.
    pub exact_cost_per_action: Decimal,
    /// The exact cost per generation, for the chart.
    pub exact_cost_per_generation: Decimal,
    /// The exact cost per accepted output.
    pub exact_cost_per_accepted_output: Decimal,
}

/// Facts about a model for the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFacts {
    /// Its id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Its rule in one line.
    pub summary: String,
    /// Where the price comes from.
    pub source: String,
    /// When it was checked.
    pub verified: String,
    /// A caveat, if any.
    pub note: Option<String>,
}

impl ModelFacts {
    fn of(m: &Model) -> ModelFacts {
        ModelFacts {
            id: m.id.clone(),
            name: m.name.clone(),
            summary: m.summary.clone(),
            source: m.source.clone(),
            verified: m.verified.clone(),
            note: m.note.clone(),
        }
    }
}

/// What one step shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepView {
    /// The step's stable id.
    pub id: u64,
    /// 0-based position.
    pub index: usize,
    /// Its share-URL prefix (`""`, `s2.`).
    pub prefix: String,
    /// The model, when the id is in the catalog.
    pub model: Option<ModelFacts>,
    /// The fallback model, when set and known.
    pub fallback: Option<ModelFacts>,
    /// The options of the model (and the fallback's extra ones).
    pub options: Vec<OptionView>,
    /// The figures, when the price is known and the step valid.
    pub figures: Option<StepFigures>,
    /// Why there are no figures: price unknown, or fields to fix.
    pub no_figures: Option<String>,
    /// The bill, line by line.
    pub lines: Vec<LineView>,
    /// How the retry, cap and failover maths go, line by line.
    pub maths: Vec<String>,
    /// Problems of this step's fields, by key.
    pub errors: Vec<FieldError>,
}

impl StepView {
    /// The message for field `key` (unprefixed), if any.
    pub fn error_for(&self, key: &str) -> Option<String> {
        let full = format!("{}{key}", self.prefix);
        self.errors
            .iter()
            .find(|e| e.key == full)
            .map(|e| e.message.clone())
    }
}

/// One step's share of the cost per action, for the split bar (x and width in percent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitPart {
    /// The step's number (1-based).
    pub step: usize,
    /// Its model's id.
    pub model: String,
    /// Its share for people (`99.2`).
    pub percent: String,
    /// Where its segment starts, 0-100.
    pub x: String,
    /// Its segment's width, 0-100.
    pub width: String,
}

/// Everything the page shows for a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// One view per step.
    pub steps: Vec<StepView>,
    /// Summed over steps: one generation of each.
    pub cost_per_generation: Option<String>,
    /// Summed over steps: one accepted output of each.
    pub cost_per_accepted_output: Option<String>,
    /// The expected cost of one user action.
    pub cost_per_action: Option<String>,
    /// Its exact value.
    pub exact_cost_per_action: Option<Decimal>,
    /// How many actions $1 buys.
    pub actions_per_dollar: Option<String>,
    /// Monthly spend, when actions per month is set and valid.
    pub monthly: Option<String>,
    /// Why the totals are missing.
    pub no_total: Option<String>,
    /// Every problem, for the error list.
    pub errors: Vec<FieldError>,
    /// The share of each step in the cost per action: (step number, model id, percent text).
    pub split: Vec<SplitPart>,
    /// The retry curve of the first step with a price.
    pub chart: Option<chart::Chart>,
}

fn label_of(name: &str) -> String {
    match name {
        "w" => "Width",
        "h" => "Height",
        "sec" => "Duration",
        "audio" => "Audio",
        "resolution" => "Resolution",
        "quality" => "Quality",
        "frames" => "Frames",
        "chars" => "Characters",
        "gpu_s" => "Expected GPU seconds",
        "gpus" => "GPUs",
        "in_w" => "Input image width",
        "in_h" => "Input image height",
        other => return other.replace('_', " "),
    }
    .to_string()
}

fn with_usd(d: Decimal) -> String {
    format!("{} USD", display_usd(d))
}

fn option_views(
    step: &StepForm,
    models: &[&Model],
    errors: &[FieldError],
    prefix: &str,
) -> Vec<OptionView> {
    let mut out: Vec<OptionView> = Vec::new();
    for m in models {
        for spec in &m.options {
            if out.iter().any(|o| o.name == spec.name) {
                continue;
            }
            let value = step
                .values
                .get(&spec.name)
                .cloned()
                .unwrap_or_else(|| spec.default.clone());
            let control = match &spec.domain {
                Domain::Values(v) => {
                    // A value the model does not allow (from a URL) stays visible, next to its message.
                    let mut v = v.clone();
                    if spec.check(&value, "", "").is_err() {
                        v.push(value.clone());
                    }
                    Control::Select(v)
                }
                Domain::Range { .. } => Control::Number {
                    hint: spec.allowed(),
                },
            };
            let key = format!("{prefix}{}", spec.name);
            out.push(OptionView {
                name: spec.name.clone(),
                label: label_of(&spec.name),
                unit: spec.unit.clone().unwrap_or_default(),
                control,
                value,
                error: errors
                    .iter()
                    .find(|e| e.key == key)
                    .map(|e| e.message.clone()),
            });
        }
    }
    out
}

fn line_views(priced: &Priced, prefix: &str, out: &mut Vec<LineView>) {
    if let Priced::Known(g) = priced {
        for l in &g.lines {
            out.push(LineView {
                label: format!("{prefix}{}", l.label),
                arithmetic: arithmetic(l, Symbols::Typographic),
            });
        }
    }
}

fn maths(q: &StepQuote) -> Vec<String> {
    let r = exact(q.rejection_rate);
    let mut out = Vec::new();
    if let Some((share, fb)) = &q.fallback {
        if let (Some(p), Some(f)) = (q.primary.cost(), fb.cost()) {
            out.push(format!(
                "cost per generation = (1 − {s}) × ${} + {s} × ${} = ${}",
                exact(p),
                exact(f),
                q.costs
                    .as_ref()
                    .map(|c| exact(c.cost_per_generation))
                    .unwrap_or_default(),
                s = exact(*share)
            ));
        }
    }
    out.push(match q.max_attempts {
        Some(k) => format!(
            "expected attempts per output = (1 − {r}^{k}) / (1 − {r}) {}; no accepted output after {k} attempts: {r}^{k} {}",
            equals_number(q.expected_attempts, 6, q.exact, "≈"),
            equals_percent(q.p_no_output)
        ),
        None => format!(
            "expected attempts per output = 1 / (1 − {r}) {}",
            equals_number(q.expected_attempts, 6, q.exact, "≈")
        ),
    });
    if let Ok(c) = &q.costs {
        out.push(format!(
            "cost per accepted output = ${} / (1 − {r}) {}",
            exact(c.cost_per_generation),
            usd_equals(c.cost_per_accepted_output, q.exact)
        ));
        out.push(format!(
            "expected cost per action = {} × ${} × {} {}",
            q.n,
            exact(c.cost_per_generation),
            crate::engine::money::approx_number(q.expected_attempts, 6, q.exact, "≈"),
            usd_equals(c.expected_cost_per_action, q.exact)
        ));
    }
    out
}

/// `= $0.03125`, or `≈ $0.0251256…` when the figure is shown rounded.
fn usd_equals(d: Decimal, exact: bool) -> String {
    let shown = equals_number(d, 10, exact, "≈");
    match shown.split_once(' ') {
        Some((sign, n)) if !n.starts_with(['<', '>']) => format!("{sign} ${n}"),
        _ => format!("≈ {}", display_usd(d)),
    }
}

fn keyed(e: &Error) -> FieldError {
    FieldError {
        key: e.key().unwrap_or("").to_string(),
        message: e.to_string(),
    }
}

/// Everything the page shows for `form`, computed by the engine.
pub fn evaluate(catalog: &Catalog, form: &Form) -> Evaluation {
    let parsed = parse_query_lenient(&form.scenario_query(), &[]);
    let all_errors: Vec<FieldError> = parsed.errors.iter().map(keyed).collect();
    let mut steps = Vec::new();
    let mut errors = Vec::new();
    // errors not tied to a step: `actions`, and keys no step can have (`s21.model`)
    errors.extend(
        all_errors
            .iter()
            .filter(|e| step_of_key(&e.key).is_none_or(|i| i >= form.steps.len()))
            .cloned(),
    );

    for (i, (step_form, step)) in form.steps.iter().zip(&parsed.scenario.steps).enumerate() {
        let prefix = step_prefix(i);
        let belongs = |e: &&FieldError| step_of_key(&e.key) == Some(i);
        let mut step_errors: Vec<FieldError> = all_errors.iter().filter(belongs).cloned().collect();
        let model = catalog.model(&step.model).ok();
        let fallback = step
            .fallback
            .as_ref()
            .and_then(|f| catalog.model(&f.model).ok());
        let mut view = StepView {
            id: step_form.id,
            index: i,
            prefix: prefix.clone(),
            model: model.map(ModelFacts::of),
            fallback: fallback.map(ModelFacts::of),
            options: vec![],
            figures: None,
            no_figures: None,
            lines: vec![],
            maths: vec![],
            errors: vec![],
        };
        for e in check_step_options(catalog, step, &prefix) {
            let e = keyed(&e);
            if !step_errors.iter().any(|x| x.key == e.key) {
                step_errors.push(e);
            }
        }
        if step_errors.is_empty() {
            match quote_step(catalog, step, &prefix) {
                Ok(q) => {
                    let with_fb = q.fallback.is_some();
                    line_views(
                        &q.primary,
                        if with_fb { "primary: " } else { "" },
                        &mut view.lines,
                    );
                    if let Some((_, fb)) = &q.fallback {
                        let label = match fb {
                            Priced::Known(g) => format!("fallback {}: ", g.model),
                            Priced::Unknown { model, .. } => format!("fallback {model}: "),
                        };
                        line_views(fb, &label, &mut view.lines);
                    }
                    view.maths = maths(&q);
                    match &q.costs {
                        Ok(c) => {
                            view.figures = Some(StepFigures {
                                cost_per_generation: with_usd(c.cost_per_generation),
                                cost_per_accepted_output: with_usd(c.cost_per_accepted_output),
                                cost_per_action: with_usd(c.expected_cost_per_action),
                                expected_attempts: display_number(q.expected_attempts, 4),
                                p_no_output: q
                                    .max_attempts
                                    .map(|_| display_percent(q.p_no_output)),
                                exact_cost_per_action: c.expected_cost_per_action,
                                exact_cost_per_generation: c.cost_per_generation,
                                exact_cost_per_accepted_output: c.cost_per_accepted_output,
                            })
                        }
                        Err(reason) => view.no_figures = Some(format!("Price unknown: {reason}")),
                    }
                }
                Err(e) => step_errors.push(keyed(&e)),
            }
        }
        if !step_errors.is_empty() && view.no_figures.is_none() {
            view.no_figures = Some("Fix the marked fields to see this step's cost.".to_string());
        }
        let models: Vec<&Model> = model.into_iter().chain(fallback).collect();
        view.options = option_views(step_form, &models, &step_errors, &prefix);
        errors.extend(step_errors.iter().cloned());
        view.errors = step_errors;
        steps.push(view);
    }

    let mut eval = Evaluation {
        steps,
        cost_per_generation: None,
        cost_per_accepted_output: None,
        cost_per_action: None,
        exact_cost_per_action: None,
        actions_per_dollar: None,
        monthly: None,
        no_total: None,
        errors,
        split: vec![],
        chart: None,
    };
    totals(&mut eval, &parsed.scenario.actions_per_month, form);
    eval
}

fn totals(eval: &mut Evaluation, actions: &Option<Decimal>, form: &Form) {
    let figures: Vec<&StepFigures> = eval
        .steps
        .iter()
        .filter_map(|s| s.figures.as_ref())
        .collect();
    eval.chart = eval.steps.iter().find_map(|s| {
        let f = s.figures.as_ref()?;
        let r = crate::engine::money::parse_decimal(form.steps.get(s.index)?.get("retry"))
            .unwrap_or(Decimal::ZERO);
        chart::Chart::retry_curve(f.exact_cost_per_generation, r, s.index + 1)
    });
    if figures.len() != eval.steps.len() {
        // Fields to fix come first; only a valid scenario can say which price is unknown.
        let unknown = eval.steps.iter().find_map(|s| {
            s.no_figures
                .as_ref()
                .filter(|m| m.starts_with("Price unknown"))
                .map(|m| format!("Step {}: {m}", s.index + 1))
        });
        eval.no_total = Some(match unknown {
            Some(u) if eval.errors.is_empty() => u,
            _ => "Fix the marked fields to see the total.".to_string(),
        });
        return;
    }
    // Sums of at most 20 validated figures, checked all the same.
    let sum = |pick: fn(&StepFigures) -> Decimal| {
        eval.steps
            .iter()
            .filter_map(|s| s.figures.as_ref())
            .try_fold(Decimal::ZERO, |acc, f| acc.checked_add(pick(f)))
    };
    let (Some(per_gen), Some(per_acc), Some(per_action)) = (
        sum(|f| f.exact_cost_per_generation),
        sum(|f| f.exact_cost_per_accepted_output),
        sum(|f| f.exact_cost_per_action),
    ) else {
        eval.no_total = Some(Error::Overflow("the total".to_string()).to_string());
        return;
    };
    eval.cost_per_generation = Some(with_usd(per_gen));
    eval.cost_per_accepted_output = Some(with_usd(per_acc));
    eval.cost_per_action = Some(with_usd(per_action));
    eval.exact_cost_per_action = Some(per_action);
    eval.actions_per_dollar = if per_action > Decimal::ZERO {
        Decimal::ONE
            .checked_div(per_action)
            .map(|a| display_number(a, 2))
    } else {
        Some("unlimited".to_string())
    };
    if let Some(a) = actions {
        match a.checked_mul(per_action) {
            Some(m) => eval.monthly = Some(with_usd(m)),
            // Said next to the field, as the CLI says it: never a bare dash.
            None => eval.errors.push(FieldError {
                key: "actions".to_string(),
                message: Error::Overflow("monthly spend".to_string()).to_string(),
            }),
        }
    }
    let parts: Vec<Decimal> = eval
        .steps
        .iter()
        .filter_map(|s| s.figures.as_ref().map(|f| f.exact_cost_per_action))
        .collect();
    if per_action > Decimal::ZERO {
        let Ok(shares) = shares_percent(&parts) else {
            return;
        };
        let mut start = Decimal::ZERO;
        let priced = eval.steps.iter().filter(|s| s.figures.is_some());
        for (s, pct) in priced.zip(shares) {
            let id = s.model.as_ref().map(|m| m.id.clone()).unwrap_or_default();
            eval.split.push(SplitPart {
                step: s.index.saturating_add(1),
                model: id,
                percent: display_number(pct, 1),
                x: display_number(start, 3),
                width: display_number(pct, 3),
            });
            // shares of one total: at most 100 together
            start = start.checked_add(pct).unwrap_or(Decimal::ONE_HUNDRED);
        }
    }
}

/// Models grouped by kind, filtered by a search over id, name and provider (all words must
/// match, any case).
pub fn model_groups<'a>(catalog: &'a Catalog, search: &str) -> Vec<(Kind, Vec<&'a Model>)> {
    model_groups_with(catalog, search, str::to_lowercase)
}

/// [`model_groups`] with the lowercasing given: the browser passes its own `toLowerCase` (the
/// same Unicode mapping), so the wasm carries no case tables.
pub fn model_groups_with<'a>(
    catalog: &'a Catalog,
    search: &str,
    lowercase: fn(&str) -> String,
) -> Vec<(Kind, Vec<&'a Model>)> {
    let words: Vec<String> = search.split_whitespace().map(lowercase).collect();
    let mut groups: Vec<(Kind, Vec<&Model>)> = Vec::new();
    for kind in [Kind::Image, Kind::Video, Kind::Audio, Kind::Other] {
        let list: Vec<&Model> = catalog
            .models()
            .iter()
            .filter(|m| m.kind == kind)
            .filter(|m| {
                // No search (the usual case on every keystroke elsewhere): nothing to lowercase.
                words.is_empty() || {
                    let hay = lowercase(&format!("{} {} {}", m.id, m.name, m.provider));
                    words.iter().all(|w| hay.contains(w))
                }
            })
            .collect();
        if !list.is_empty() {
            groups.push((kind, list));
        }
    }
    groups
}

/// The two ways to put the current scenario on another page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmbedCode {
    /// `<script type="module" src=".../embed.js">` and a `<gencost-calculator>` element.
    pub element: String,
    /// An `<iframe>` of the compact calculator and the optional sizing script.
    pub iframe: String,
}

fn html_attr(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('"', "&quot;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The attributes `<gencost-calculator>` documents for one step (README, "Embed the calculator");
/// any other option of a model goes into its `query` attribute.
pub const ELEMENT_ATTRIBUTES: [&str; 20] = [
    "model", "w", "h", "sec", "n", "retry", "max", "fallback", "failover", "actions", "catalog",
    "audio", "resolution", "quality", "frames", "chars", "gpu_s", "gpus", "in_w", "in_h",
];

/// The embed snippets for the scenario `pairs` ([`Form::embed_pairs`]), served from `app_url`
/// (the calculator's address, ending in `/`). One step becomes attributes with the documented
/// names; a workflow, and any other option, goes into the `query` attribute. No other attribute
/// is ever written, whatever a link holds.
pub fn embed_code(app_url: &str, pairs: &[(String, String)]) -> EmbedCode {
    let multi = pairs.iter().any(|(k, _)| split_step_key(k).is_some_and(|(i, _)| i > 0));
    let as_attribute = |k: &str| !multi && ELEMENT_ATTRIBUTES.contains(&k);
    let mut attrs = String::new();
    let mut rest = Vec::new();
    for (k, v) in pairs {
        if as_attribute(k) {
            attrs.push_str(&format!(" {k}=\"{}\"", html_attr(v)));
        } else {
            rest.push(format!("{}={}", encode(k), encode(v)));
        }
    }
    if !rest.is_empty() {
        attrs = format!(" query=\"{}\"{attrs}", html_attr(&rest.join("&")));
    }
    let q: Vec<String> = pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let sep = if q.is_empty() { "" } else { "&amp;" };
    EmbedCode {
        element: format!(
            "<script type=\"module\" src=\"{app}embed.js\"></script>\n<gencost-calculator{attrs}></gencost-calculator>",
            app = html_attr(app_url)
        ),
        iframe: format!(
            "<iframe src=\"{app}?embed=1{sep}{q}\" title=\"gencost cost calculator\" width=\"100%\" height=\"640\" style=\"border:0\" loading=\"lazy\"></iframe>\n<script src=\"{app}embed-host.js\" async></script>",
            app = html_attr(app_url),
            q = html_attr(&q.join("&"))
        ),
    }
}
