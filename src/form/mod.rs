#![deny(clippy::arithmetic_side_effects)]
//! The calculator's form and what it shows, without a browser: the state behind the page, its
//! share URL, and everything the page displays, computed by the engine. The Leptos components
//! (`crate::app`) only render this; tests run natively.
//!
//! The form keeps every field exactly as typed (a string), so an invalid value is shown with its
//! message and never lost; the share URL is the form written out, so the two cannot disagree.

use std::collections::BTreeMap;

use crate::engine::plans::{plan_key, refused_plan_pair, PlanDraft, PlansDraft};
use crate::engine::share_url::{encode, pairs_as_written, refused_pair};
use crate::engine::vocabulary::{
    plan_prefix, split_step_key, step_prefix, Key, FIRST_OPTIONS, MAX_PLANS, STEP_KEYS,
};
use crate::engine::{Catalog, Draft};

mod compare_view;
mod embed;
mod picker;

pub use crate::engine::chart;
mod view;

pub use compare_view::{
    alternatives_view, files, usage_view, AltRow, AlternativesView, BlendView, BudgetView, Files,
    PlanColumn, Ranking, StepPercentiles, UsageView,
};
pub use embed::{embed_code, EmbedCode};
pub use picker::{picker_html, picker_text, Listing};
pub use view::{
    evaluate, model_groups, model_groups_with, retired_notice, Control, Evaluation, ExactFigures,
    FieldError, LineView, ModelFacts, OptionView, SplitPart, StepFigures, StepView,
};

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

/// One plan as typed: its name, its share of user actions and its steps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanForm {
    /// A stable id for keyed lists.
    pub id: u64,
    /// Its name as typed (`Free`); empty when none.
    pub name: String,
    /// Its percent of user actions as typed; empty when none.
    pub mix: String,
    /// The steps of its user action.
    pub steps: Vec<StepForm>,
}

/// The whole form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// The plans (at least one); plan 1 is the link's unprefixed keys.
    pub plans: Vec<PlanForm>,
    /// The plan the step editor shows (0-based).
    pub active: usize,
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
            plans: vec![],
            active: 0,
            actions: "10000".into(),
            passthrough: vec![],
            ignored: vec![],
            stray: vec![],
            next_id: 0,
        };
        f.add_plan_with(Vec::new());
        f.add_step(&model);
        f.set(0, "retry", "20");
        f
    }

    /// The steps of the plan the editor shows.
    pub fn steps(&self) -> &[StepForm] {
        self.plans
            .get(self.active)
            .map_or(&[][..], |p| p.steps.as_slice())
    }

    fn steps_mut(&mut self) -> Option<&mut Vec<StepForm>> {
        self.plans.get_mut(self.active).map(|p| &mut p.steps)
    }

    fn take_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id = self.next_id.saturating_add(1);
        id
    }

    fn add_plan_with(&mut self, steps: Vec<StepForm>) {
        let id = self.take_id();
        self.plans.push(PlanForm {
            id,
            name: String::new(),
            mix: String::new(),
            steps,
        });
    }

    /// Adds a plan (up to 4), a copy of the plan shown, and shows it.
    pub fn add_plan(&mut self) {
        if self.plans.len() >= MAX_PLANS {
            return;
        }
        let mut steps = self.steps().to_vec();
        for s in &mut steps {
            s.id = self.take_id();
        }
        self.add_plan_with(steps);
        self.active = self.plans.len().saturating_sub(1);
    }

    /// Removes plan `index` (the last plan stays).
    pub fn remove_plan(&mut self, index: usize) {
        if self.plans.len() > 1 && index < self.plans.len() {
            self.plans.remove(index);
            self.active = self.active.min(self.plans.len().saturating_sub(1));
            if index == 0 {
                // The new plan 1's keys lose their prefix: nothing refers to the old ones.
                self.stray.clear();
            }
        }
    }

    /// Shows plan `index` in the step editor.
    pub fn select_plan(&mut self, index: usize) {
        if index < self.plans.len() {
            self.active = index;
        }
    }

    /// Sets the name of plan `index` as typed.
    pub fn set_plan_name(&mut self, index: usize, value: &str) {
        self.drop_stray(&format!("{}{}", plan_prefix(index), Key::Name.name()));
        if let Some(p) = self.plans.get_mut(index) {
            p.name = value.to_string();
        }
    }

    /// Sets the mix of plan `index` (percent of user actions) as typed.
    pub fn set_plan_mix(&mut self, index: usize, value: &str) {
        self.drop_stray(&format!("{}{}", plan_prefix(index), Key::Mix.name()));
        if let Some(p) = self.plans.get_mut(index) {
            p.mix = value.to_string();
        }
    }

    /// The form a URL describes. With no scenario key in it, the default form (keeping the
    /// URL's other pairs). Keys that no model of the catalog knows are kept and listed in
    /// `ignored`; everything else is kept as typed, valid or not.
    pub fn from_query(catalog: &Catalog, query: &str) -> Form {
        let mut form = Form {
            plans: vec![],
            active: 0,
            actions: String::new(),
            passthrough: vec![],
            ignored: vec![],
            stray: vec![],
            next_id: 0,
        };
        let mut actions_given = false;
        // Undecodable pairs stay as written, so the user sees them in the message.
        let list = pairs_as_written(query).into_iter().map(|(k, v, _)| (k, v));
        // plan -> (name, mix, step index (0-based) -> its fields)
        type Fields = BTreeMap<String, String>;
        let mut plans: Vec<(Option<String>, Option<String>, Vec<Fields>)> = Vec::new();
        for (key, value) in list {
            if Key::of_page(&key).is_some() {
                form.passthrough.push((key, value));
                continue;
            }
            if key == Key::Actions.name() {
                if actions_given {
                    form.stray.push((key, value));
                } else {
                    form.actions = value;
                    actions_given = true;
                }
                continue;
            }
            // A plan or step prefix that cannot be (`p5.`, `s1.`, `s02.`), `p2.actions`: the
            // engine names the problem, as it does for the CLI.
            let Some((p, rest)) = plan_key(&key) else {
                form.stray.push((key, value));
                continue;
            };
            if plans.len() <= p {
                plans.resize_with(p.saturating_add(1), || (None, None, Vec::new()));
            }
            let Some(plan) = plans.get_mut(p) else {
                continue;
            };
            if rest == Key::Name.name() || rest == Key::Mix.name() {
                let slot = if rest == Key::Name.name() {
                    &mut plan.0
                } else {
                    &mut plan.1
                };
                if slot.is_some() {
                    form.stray.push((key, value));
                } else {
                    *slot = Some(value);
                }
                continue;
            }
            let Some((i, name)) = split_step_key(rest).filter(|_| rest != Key::Actions.name())
            else {
                form.stray.push((key, value));
                continue;
            };
            let ours = Key::of_step(name).is_some()
                || catalog.models().iter().any(|m| m.option(name).is_some());
            if !ours {
                form.ignored.push(key.clone());
                form.passthrough.push((key, value));
                continue;
            }
            let steps = &mut plan.2;
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
        if plans.iter().all(|p| p.2.is_empty()) && plans.len() <= 1 {
            let mut d = Form::default_for(catalog);
            d.passthrough = form.passthrough;
            d.ignored = form.ignored;
            d.stray = form.stray;
            if let (Some(p), Some((name, mix, _))) = (d.plans.first_mut(), plans.into_iter().next())
            {
                p.name = name.unwrap_or_default();
                p.mix = mix.unwrap_or_default();
            }
            if !form.actions.is_empty() {
                d.actions = form.actions;
            }
            return d;
        }
        for (name, mix, steps) in plans {
            let mut list = Vec::new();
            for values in steps {
                list.push(StepForm {
                    id: form.take_id(),
                    values,
                });
            }
            form.add_plan_with(list);
            if let Some(p) = form.plans.last_mut() {
                p.name = name.unwrap_or_default();
                p.mix = mix.unwrap_or_default();
            }
        }
        form
    }

    /// The pairs of a snippet for another page (see [`embed_code`]): the scenario's fields and
    /// the `catalog` it uses; never the host page's own keys, ignored keys or refused pairs.
    /// The element shows one plan: the one the editor shows.
    pub fn embed_pairs(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, step) in self.steps().iter().enumerate() {
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
        for (n, plan) in self.plans.iter().enumerate() {
            let pp = plan_prefix(n);
            for (i, step) in plan.steps.iter().enumerate() {
                let p = format!("{pp}{}", step_prefix(i));
                for (k, v) in ordered_fields(step) {
                    parts.push(format!("{}{}={}", encode(&p), encode(k), encode(v)));
                }
            }
            for (k, v) in [(Key::Name, &plan.name), (Key::Mix, &plan.mix)] {
                if !v.is_empty() {
                    parts.push(format!("{}{}={}", encode(&pp), k.name(), encode(v)));
                }
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

    /// The form's fields as the engine reads them: no query string written and parsed again.
    /// A refused pair is the problem of the plan its key names (or of the link).
    pub fn plans_draft(&self) -> PlansDraft {
        let mut out = PlansDraft {
            plans: self
                .plans
                .iter()
                .map(|p| PlanDraft {
                    name: Some(p.name.trim().to_string()).filter(|n| !n.is_empty()),
                    mix: (!p.mix.is_empty()).then(|| p.mix.clone()),
                    draft: Draft {
                        steps: p.steps.iter().map(|s| s.values.clone()).collect(),
                        actions: None,
                        problems: Vec::new(),
                    },
                })
                .collect(),
            problems: Vec::new(),
        };
        if let Some(first) = out.plans.first_mut() {
            first.draft.actions = (!self.actions.is_empty()).then(|| self.actions.clone());
        }
        // A refused pair is its plan's problem (so the field it names waits), else the link's.
        for (k, _) in &self.stray {
            match plan_key(k).and_then(|(p, rest)| Some((out.plans.get_mut(p)?, rest))) {
                Some((plan, rest)) => plan.draft.problems.push(refused_pair(rest)),
                None => out.problems.push(refused_plan_pair(k)),
            }
        }
        out
    }

    /// Sets a field of step `index` (unprefixed key) to what was typed. What is typed replaces
    /// every value the link gave that key (a duplicate is resolved by editing the field).
    pub fn set(&mut self, index: usize, key: &str, value: &str) {
        let full = format!("{}{}{key}", plan_prefix(self.active), step_prefix(index));
        self.drop_stray(&full);
        if let Some(step) = self.steps_mut().and_then(|s| s.get_mut(index)) {
            if value.is_empty() && key != "model" {
                step.values.remove(key);
            } else {
                step.values.insert(key.to_string(), value.to_string());
            }
        }
    }

    /// Switches step `index` to `model`, keeping the options the new model also takes.
    pub fn set_model(&mut self, catalog: &Catalog, index: usize, model: &str) {
        let Some(step) = self.steps_mut().and_then(|s| s.get_mut(index)) else {
            return;
        };
        let fallback = step.get("fallback").to_string();
        let new = catalog.model(model).ok();
        let fb = catalog.model(&fallback).ok();
        step.values.retain(|k, _| {
            Key::of_step(k).is_some()
                || new.is_some_and(|m| m.option(k).is_some())
                || fb.is_some_and(|m| m.option(k).is_some())
        });
        step.values.insert("model".into(), model.to_string());
    }

    /// Switches step `index` to an alternative: its model and the options it is ranked with
    /// (`n`, `retry`, `max` and the fallback stay).
    pub fn use_alternative(
        &mut self,
        catalog: &Catalog,
        index: usize,
        model: &str,
        options: &[(String, String)],
    ) {
        self.set_model(catalog, index, model);
        for (k, v) in options {
            self.set(index, k, v);
        }
    }

    /// Sets or clears the fallback of step `index`.
    pub fn set_fallback(&mut self, index: usize, model: &str) {
        if model.is_empty() {
            if let Some(step) = self.steps_mut().and_then(|s| s.get_mut(index)) {
                step.values.remove("fallback");
                step.values.remove("failover");
            }
        } else {
            self.set(index, "fallback", model);
            if self
                .steps()
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
        let id = self.take_id();
        if let Some(steps) = self.steps_mut() {
            steps.push(StepForm { id, values });
        }
    }

    /// Sets the user actions per month as typed (resolving a duplicate `actions`).
    pub fn set_actions(&mut self, value: &str) {
        self.drop_stray("actions");
        self.actions = value.to_string();
    }

    /// Removes step `index` (the last step stays).
    pub fn remove_step(&mut self, index: usize) {
        if let Some(steps) = self.steps_mut() {
            if steps.len() > 1 && index < steps.len() {
                steps.remove(index);
            }
        }
    }

    /// Moves step `index` one place up (`-1`) or down (`+1`).
    pub fn move_step(&mut self, index: usize, up: bool) {
        let to = if up {
            index.checked_sub(1)
        } else {
            index.checked_add(1)
        };
        if let Some(steps) = self.steps_mut() {
            if let Some(to) = to.filter(|t| *t < steps.len()) {
                if index < steps.len() {
                    steps.swap(index, to);
                }
            }
        }
    }
}

/// A step's fields in the engine's order (`share_url::to_query`): model, w, h, sec, other
/// options, then the step's own keys; empty fields left out.
fn ordered_fields(step: &StepForm) -> Vec<(&str, &str)> {
    let mut out = Vec::new();
    for k in std::iter::once(Key::Model.name()).chain(FIRST_OPTIONS) {
        out.push((k, step.get(k)));
    }
    for (k, v) in &step.values {
        if !FIRST_OPTIONS.contains(&k.as_str()) && Key::of_step(k).is_none() {
            out.push((k.as_str(), v.as_str()));
        }
    }
    for k in &STEP_KEYS[1..] {
        out.push((k.name(), step.get(k.name())));
    }
    out.retain(|(_, v)| !v.is_empty());
    out
}
