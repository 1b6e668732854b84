//! Alternatives for a step: every model of the same kind that can do the same job, ranked by
//! expected cost per action.
//!
//! "The same job" carries the step's options (as used: defaults filled in) over to each model:
//! - output size: kept when the model can make it; otherwise the nearest size it can make at
//!   the same aspect ratio (by area), and failing that the nearest aspect ratio;
//! - duration (`sec`) and other amounts of work (`chars`, `frames`, `in_sec`): the nearest
//!   allowed value not below the one asked for; a model whose longest is shorter cannot do the
//!   job, nor a video model whose clips have no `sec` option when the step has one;
//! - resolution tier: kept, or the nearest tier not below it of the same family (`720p` ->
//!   `1080p`, `1k` -> `2k`); a model without a tier that high cannot do the job;
//! - audio: a job with audio needs a model that makes audio;
//! - any other option the model shares: kept when allowed, else the model's default;
//! - n, the rejection rate and the cap stay. The fallback is not carried: the ranking compares
//!   the models themselves, each priced as `model=<id>&<options>` with the step's `n`, `retry`
//!   and `max` would quote it.
//!
//! Models of the same kind but another task (an upscaler next to a text-to-image model, an
//! image-to-video model next to a text-to-video one) are listed apart too: the catalog has no
//! task field, so [`task`] reads it from the model's id and name (`upscale`, `edit`,
//! `image-to-video`, `speech`...).
//!
//! Retired models and models without a known price are listed apart with the reason.

use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeMap;

use super::assess::{assess, StepOutcome};
use super::catalog::{Billing, Catalog, Domain, Model, OptionSpec};
use super::draft::Draft;
use super::money::{parse_decimal, Calc};
use super::quote::{price_generation, Priced};
use super::vocabulary::step_prefix;
use super::Error;

/// One model that can do the step's job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alternative {
    /// Its catalog id.
    pub model: String,
    /// Its name for people.
    pub name: String,
    /// Who bills it.
    pub provider: String,
    /// One generation with the options below.
    pub cost_per_generation: Decimal,
    /// n x cost per generation x the step's expected attempts.
    pub expected_cost_per_action: Decimal,
    /// Its expected cost per action over the current model's, to 4 decimal places; `None`
    /// when the current model's is 0 or unknown.
    pub ratio: Option<Decimal>,
    /// Every option of the model as used (canonical values).
    pub options: BTreeMap<String, String>,
    /// The options that had to move from what the step asked.
    pub adjusted: Vec<String>,
    /// True for the step's own model.
    pub current: bool,
}

/// A model of the same kind that cannot do the job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incompatible {
    /// Its catalog id.
    pub model: String,
    /// Why, in a few words.
    pub reason: String,
}

/// The ranking of one step's alternatives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The step, 1-based.
    pub step: usize,
    /// The step's model.
    pub model: String,
    /// The models that can do the job, cheapest expected cost per action first.
    pub alternatives: Vec<Alternative>,
    /// The models of the same kind that cannot, with the reason.
    pub incompatible: Vec<Incompatible>,
}

/// Ranks the alternatives for step `index` (0-based) of a scenario as written.
///
/// # Errors
/// The step's first problem when its model, options, `n`, `retry` or `max` are wrong;
/// [`Error::Missing`] naming the step when the scenario has no such step.
///
/// # Examples
/// ```
/// use gencost::engine::{compare, read_query, Catalog};
/// let catalog = Catalog::embedded()?;
/// let c = compare::compare(&catalog, &read_query("model=fal-ai/flux/dev&w=1024&h=1024", &[]), 0)?;
/// // The current model is in the ranking, at ratio 1.
/// let me = c.alternatives.iter().find(|a| a.current).map(|a| a.ratio);
/// assert_eq!(me.flatten().map(|r| r.to_string()).as_deref(), Some("1"));
/// # Ok::<(), gencost::engine::Error>(())
/// ```
pub fn compare(catalog: &Catalog, draft: &Draft, index: usize) -> Result<Comparison, Error> {
    let a = assess(catalog, draft);
    let step = a
        .steps
        .get(index)
        .ok_or_else(|| Error::Missing(format!("{}model", step_prefix(index))))?;
    alternatives(catalog, step, index)
}

/// Ranks the alternatives of an assessed step (0-based `index`): what the page calls with the
/// assessment it already has. [`candidates`], then [`Candidates::rank`] with the step's `n` and
/// expected attempts.
///
/// # Errors
/// As [`compare`].
pub fn alternatives(
    catalog: &Catalog,
    step: &StepOutcome,
    index: usize,
) -> Result<Comparison, Error> {
    let (Some(n), Some(attempts)) = (step.n, step.attempts) else {
        return Err(step_problem(step, index));
    };
    Ok(candidates(catalog, step, index)?.rank(n, attempts.expected))
}

/// The models that can do a step's job, each with the bill of one generation, and those that
/// cannot. They depend on the step's model and options only: `n`, `retry` and `max` are
/// applied by [`Candidates::rank`], so a page re-ranks an edit of them without pricing every
/// model again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidates {
    step: usize,
    model: String,
    priced: Vec<Candidate>,
    incompatible: Vec<Incompatible>,
}

/// A model that can do the job, priced for one generation.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Candidate {
    model: String,
    name: String,
    provider: String,
    cost_per_generation: Decimal,
    options: BTreeMap<String, String>,
    adjusted: Vec<String>,
    current: bool,
}

/// The step's first problem, or its missing model: why it has no alternatives.
fn step_problem(step: &StepOutcome, index: usize) -> Error {
    step.problems
        .first()
        .cloned()
        .unwrap_or_else(|| Error::Missing(format!("{}model", step_prefix(index))))
}

/// Prices every model of the catalog that can do the job of step `index` (0-based) for one
/// generation, with the step's options carried over.
///
/// # Errors
/// The step's first problem when its model or options are wrong.
pub fn candidates(
    catalog: &Catalog,
    step: &StepOutcome,
    index: usize,
) -> Result<Candidates, Error> {
    let fail = || step_problem(step, index);
    let current = catalog.model(&step.model).map_err(|_| fail())?;
    let job = match &step.primary {
        Some(Priced::Known(g)) => g.options.clone(),
        Some(Priced::Unknown { .. }) => current
            .options
            .iter()
            .map(|o| (o.name.clone(), o.default.clone()))
            .collect(),
        None => return Err(fail()),
    };
    let prefix = step_prefix(index);
    let mut priced = Vec::new();
    let mut incompatible = Vec::new();
    let job_task = task(current);
    for m in catalog.models().iter().filter(|m| m.kind == current.kind) {
        let refuse = |reason: String| Incompatible {
            model: m.id.clone(),
            reason,
        };
        let its_task = task(m);
        if its_task != job_task {
            incompatible.push(refuse(format!("another task ({its_task}, not {job_task})")));
            continue;
        }
        if let Some(r) = &m.retired {
            incompatible.push(refuse(format!("retired on {}", r.date)));
            continue;
        }
        if let Billing::Unknown(why) = &m.billing {
            incompatible.push(refuse(format!("price unknown: {why}")));
            continue;
        }
        let (given, adjusted) = match carry(&job, m) {
            Ok(x) => x,
            Err(reason) => {
                incompatible.push(refuse(reason));
                continue;
            }
        };
        match price_generation(m, &given, &prefix) {
            Ok(Priced::Known(g)) => priced.push(Candidate {
                model: m.id.clone(),
                name: m.name.clone(),
                provider: m.provider.clone(),
                cost_per_generation: g.cost,
                options: g.options,
                adjusted,
                current: m.id == current.id,
            }),
            Ok(Priced::Unknown { reason, .. }) => {
                incompatible.push(refuse(format!("price unknown: {reason}")));
            }
            Err(e) => incompatible.push(refuse(e.to_string())),
        }
    }
    Ok(Candidates {
        step: index.saturating_add(1),
        model: current.id.clone(),
        priced,
        incompatible,
    })
}

impl Candidates {
    /// The ranking for `n` accepted outputs at `expected_attempts` each: every candidate's
    /// expected cost per action, cheapest first, with its ratio to the step's own model. A
    /// candidate whose figure is too large to compute is listed apart, after the others.
    pub fn rank(&self, n: u32, expected_attempts: Decimal) -> Comparison {
        let mut ranked = Vec::with_capacity(self.priced.len());
        let mut incompatible = self.incompatible.clone();
        for c in &self.priced {
            // The order of assess: n x c, then x expected attempts (the figures reproduce exactly).
            let mut calc = Calc::default();
            let per_action = calc
                .mul(Decimal::from(n), c.cost_per_generation, "cost per action")
                .and_then(|nc| calc.mul(nc, expected_attempts, "cost per action"));
            match per_action {
                Ok(v) => ranked.push(Alternative {
                    model: c.model.clone(),
                    name: c.name.clone(),
                    provider: c.provider.clone(),
                    cost_per_generation: c.cost_per_generation,
                    expected_cost_per_action: v,
                    ratio: None,
                    options: c.options.clone(),
                    adjusted: c.adjusted.clone(),
                    current: c.current,
                }),
                Err(e) => incompatible.push(Incompatible {
                    model: c.model.clone(),
                    reason: e.to_string(),
                }),
            }
        }
        ranked.sort_by(|a, b| {
            a.expected_cost_per_action
                .cmp(&b.expected_cost_per_action)
                .then_with(|| a.model.cmp(&b.model))
        });
        let base = ranked
            .iter()
            .find(|a| a.current)
            .map(|a| a.expected_cost_per_action)
            .filter(|c| !c.is_zero());
        if let Some(base) = base {
            for a in &mut ranked {
                a.ratio = a.expected_cost_per_action.checked_div(base).map(|r| {
                    r.round_dp_with_strategy(4, RoundingStrategy::MidpointNearestEven)
                        .normalize()
                });
            }
        }
        Comparison {
            step: self.step,
            model: self.model.clone(),
            alternatives: ranked,
            incompatible,
        }
    }
}

/// What a model does, read from its id and name: models of one kind and one task can stand in
/// for each other.
pub fn task(m: &Model) -> &'static str {
    let text = format!("{} {}", m.id, m.name).to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    match m.kind {
        super::Kind::Image => {
            if has(&["upscal"]) {
                "upscaling"
            } else if has(&["background"]) {
                "background removal"
            } else if has(&["object-removal", "object removal"]) {
                "object removal"
            } else if has(&["vector", "svg"]) {
                "vector graphics"
            } else if has(&["text-to-image"]) {
                "image generation"
            } else if has(&["edit", "kontext", "image-to-image"]) || m.option("in_images").is_some()
            {
                "image editing"
            } else {
                "image generation"
            }
        }
        super::Kind::Video => {
            if has(&["video-to-video", "extend", "upscal"]) {
                "video editing"
            } else if has(&[
                "image-to-video",
                "first-last-frame",
                "reference-to-video",
                "transition",
            ]) {
                "image to video"
            } else {
                "text to video"
            }
        }
        super::Kind::Audio => {
            if has(&["speech-to-speech", "audio-to-audio"]) {
                "audio to audio"
            } else if has(&["speech", "tts", "dialog", "voice"]) {
                "speech"
            } else if has(&["music"]) {
                "music"
            } else {
                "sound"
            }
        }
        super::Kind::Other => {
            if has(&["hardware", "/gpu/"]) {
                "GPU time"
            } else {
                "a tool of its own"
            }
        }
    }
}

/// Options that measure an amount of work: moved up, never down.
const AMOUNTS: [&str; 4] = ["sec", "chars", "frames", "in_sec"];

/// The job's options carried over to `m`: the options to quote it with and the ones adjusted,
/// or why it cannot do the job.
fn carry(
    job: &BTreeMap<String, String>,
    m: &Model,
) -> Result<(BTreeMap<String, String>, Vec<String>), String> {
    let mut given = BTreeMap::new();
    let mut adjusted = Vec::new();
    let (w_name, h_name) = match &m.size {
        Some(rule) => (rule.w.as_str(), rule.h.as_str()),
        None => ("w", "h"),
    };
    for o in &m.options {
        if o.name == w_name || o.name == h_name {
            continue;
        }
        let Some(v) = job.get(&o.name) else {
            continue;
        };
        if o.accepts(v) {
            given.insert(o.name.clone(), v.clone());
            continue;
        }
        let moved = if AMOUNTS.contains(&o.name.as_str()) {
            Some(not_below(o, v).ok_or_else(|| too_much(o, v))?)
        } else if o.name == "resolution" {
            Some(tier_not_below(o, v).ok_or_else(|| format!("makes no {v} or higher"))?)
        } else if o.name == "audio" {
            if v == "off" {
                None
            } else if o.accepts("on") {
                Some("on".to_string())
            } else {
                return Err("makes no audio".to_string());
            }
        } else {
            None
        };
        if let Some(value) = moved {
            given.insert(o.name.clone(), value);
        }
        adjusted.push(o.name.clone());
    }
    if job.get("audio").is_some_and(|v| v != "off") && m.option("audio").is_none() {
        return Err("makes no audio".to_string());
    }
    if job.contains_key("sec") && m.option("sec").is_none() && m.kind == super::Kind::Video {
        return Err("its clips have a fixed length (no `sec` option)".to_string());
    }
    let size = (
        job.get("w").and_then(|v| parse_decimal(v)),
        job.get("h").and_then(|v| parse_decimal(v)),
    );
    if let (Some(w), Some(h), Some(ow), Some(oh)) =
        (size.0, size.1, m.option(w_name), m.option(h_name))
    {
        let (nw, nh) = fit_size(m, ow, oh, w, h)
            .ok_or_else(|| format!("cannot make {}x{}", w.normalize(), h.normalize()))?;
        if nw != w {
            adjusted.push(ow.name.clone());
        }
        if nh != h {
            adjusted.push(oh.name.clone());
        }
        given.insert(ow.name.clone(), nw.normalize().to_string());
        given.insert(oh.name.clone(), nh.normalize().to_string());
    }
    adjusted.sort();
    Ok((given, adjusted))
}

fn too_much(o: &OptionSpec, v: &str) -> String {
    let unit = o
        .unit
        .as_deref()
        .map(|u| format!(" {u}"))
        .unwrap_or_default();
    let most = match &o.domain {
        Domain::Values(vals) => vals
            .iter()
            .filter_map(|x| parse_decimal(x))
            .max()
            .map(|d| d.normalize().to_string()),
        Domain::Range { max, .. } => Some(max.normalize().to_string()),
    };
    match most {
        Some(most) => format!("`{}` is at most {most}{unit}, not {v}{unit}", o.name),
        None => format!("`{}` cannot be {v}", o.name),
    }
}

/// The smallest value `o` allows that is not below `v`.
fn not_below(o: &OptionSpec, v: &str) -> Option<String> {
    let want = parse_decimal(v)?;
    match &o.domain {
        Domain::Values(vals) => vals
            .iter()
            .filter_map(|x| parse_decimal(x).map(|d| (d, x)))
            .filter(|(d, _)| *d >= want)
            .min_by(|a, b| a.0.cmp(&b.0))
            .map(|(_, x)| x.clone()),
        Domain::Range { min, max, step } => {
            if want > *max {
                return None;
            }
            if want <= *min {
                return Some(min.normalize().to_string());
            }
            let value = match step {
                Some(s) if !s.is_zero() => {
                    let k = want.checked_sub(*min)?.checked_div(*s)?.ceil();
                    min.checked_add(k.checked_mul(*s)?)?
                }
                _ => want,
            };
            (value <= *max).then(|| value.normalize().to_string())
        }
    }
}

/// A resolution tier as (family, height-like number): `720p` -> ('p', 720), `2k` -> ('k', 2000).
fn tier(v: &str) -> Option<(char, Decimal)> {
    let family = v.chars().last()?.to_ascii_lowercase();
    if family != 'p' && family != 'k' {
        return None;
    }
    let n = parse_decimal(v.get(..v.len().saturating_sub(1))?)?;
    Some((family, n))
}

/// The lowest tier of `o` of the same family as `v` that is not below it.
fn tier_not_below(o: &OptionSpec, v: &str) -> Option<String> {
    let (family, want) = tier(v)?;
    let Domain::Values(vals) = &o.domain else {
        return None;
    };
    vals.iter()
        .filter_map(|x| tier(x).map(|t| (t, x)))
        .filter(|((f, n), _)| *f == family && *n >= want)
        .min_by(|a, b| a.0 .1.cmp(&b.0 .1))
        .map(|(_, x)| x.clone())
}

/// True when `m` can make `w` x `h`: each side allowed, and its size rule holds.
fn can_make(m: &Model, ow: &OptionSpec, oh: &OptionSpec, w: Decimal, h: Decimal) -> bool {
    let (ws, hs) = (w.normalize().to_string(), h.normalize().to_string());
    ow.accepts(&ws)
        && oh.accepts(&hs)
        && m.size.as_ref().is_none_or(|rule| rule.check(w, h).is_ok())
}

/// The size `m` makes for `w` x `h`: itself, else the nearest by area at the same aspect ratio,
/// else (listed sizes) the nearest aspect ratio.
fn fit_size(
    m: &Model,
    ow: &OptionSpec,
    oh: &OptionSpec,
    w: Decimal,
    h: Decimal,
) -> Option<(Decimal, Decimal)> {
    if can_make(m, ow, oh, w, h) {
        return Some((w, h));
    }
    let area = w.checked_mul(h)?;
    // Sizes the provider lists (or both sides listed): pick among them.
    let listed: Vec<(Decimal, Decimal)> = match (&m.size, &ow.domain, &oh.domain) {
        (Some(rule), _, _) if !rule.sizes.is_empty() => rule.sizes.clone(),
        (_, Domain::Values(a), Domain::Values(b)) => a
            .iter()
            .filter_map(|x| parse_decimal(x))
            .flat_map(|x| {
                b.iter()
                    .filter_map(|y| parse_decimal(y))
                    .map(move |y| (x, y))
            })
            .collect(),
        _ => Vec::new(),
    };
    if !listed.is_empty() {
        let ok: Vec<(Decimal, Decimal)> = listed
            .into_iter()
            .filter(|(a, b)| can_make(m, ow, oh, *a, *b))
            .collect();
        // Same aspect ratio: a x h = b x w.
        let same = ok.iter().filter(|(a, b)| {
            a.checked_mul(h)
                .is_some_and(|x| Some(x) == b.checked_mul(w))
        });
        let by_area = |s: &&(Decimal, Decimal)| {
            s.0.checked_mul(s.1)
                .and_then(|x| x.checked_sub(area))
                .map(|d| d.abs())
                .unwrap_or(Decimal::MAX)
        };
        if let Some(best) = same.min_by_key(by_area) {
            return Some(*best);
        }
        // The nearest aspect ratio, then area.
        let ratio = w.checked_div(h)?;
        return ok
            .iter()
            .min_by_key(|s| {
                let r =
                    s.0.checked_div(s.1)
                        .and_then(|x| x.checked_sub(ratio))
                        .map(|d| d.abs());
                (r.unwrap_or(Decimal::MAX), by_area(s))
            })
            .copied();
    }
    // Ranges: w = a x k, h = b x k with a : b the ratio in lowest terms; the k nearest the
    // asked one (area grows with k^2, so below before above at the same distance).
    let (wi, hi) = (whole(w)?, whole(h)?);
    let g = gcd(wi, hi);
    let (a, b) = (wi.checked_div(g)?, hi.checked_div(g)?);
    let k0 = g;
    let limit = k0.max(20_000u64.checked_div(a.min(b).max(1))?);
    for d in 0..=limit {
        for k in [k0.checked_sub(d), k0.checked_add(d)].into_iter().flatten() {
            if k == 0 {
                continue;
            }
            let (x, y) = (
                Decimal::from(a.checked_mul(k)?),
                Decimal::from(b.checked_mul(k)?),
            );
            if can_make(m, ow, oh, x, y) {
                return Some((x, y));
            }
        }
    }
    None
}

fn whole(d: Decimal) -> Option<u64> {
    use rust_decimal::prelude::ToPrimitive;
    (d.fract().is_zero() && d > Decimal::ZERO)
        .then(|| d.to_u64())
        .flatten()
}

fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        let r = a.checked_rem(b).unwrap_or(0);
        a = b;
        b = r;
    }
    a
}
