//! Reading a catalog from JSON text: the gencost format, or a fal pricing-API response.
//! Raw shapes first (the JSON's fields), then the sense of each, every problem naming its model
//! and field; every model is built by [`Model::new`](super::Model::new).

use rust_decimal::Decimal;
use std::collections::BTreeMap;

use super::json::{each, Fields, Map as JsonMap, Value};
use super::{
    Billing, Catalog, Domain, Factor, Kind, LineRule, Model, Multiplier, OptionSpec, Price,
    PriceChange, Quantity, Retired, SizeRule, Table,
};
use crate::engine::money::{decimal_field, parse_decimal};
use crate::engine::{text, Error};

/// The catalog format version this engine reads.
pub const FORMAT_VERSION: u32 = 1;

/// The most problems a catalog's check lists one by one; the rest are counted.
pub const MAX_PROBLEMS: usize = 100;

/// The value of a catalog's `format` field.
pub const FORMAT_NAME: &str = "gencost-catalog";

/// A JSON value as a message shows it: a string quoted, anything else by its kind and text.
fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => text::quoted(s),
        Value::Number(n) => format!("the number {}", text::shown(n)),
        other => other.kind().to_string(),
    }
}

impl Catalog {
    /// Loads a catalog from JSON text: the gencost format, or a fal pricing-API response
    /// (`{"prices":[...]}`), told apart by their top-level keys.
    ///
    /// # Errors
    /// [`Error::CatalogJson`] when the text is not JSON; [`Error::Catalog`] listing every problem
    /// found, each naming the model and the field.
    ///
    /// # Examples
    /// ```
    /// use gencost::engine::Catalog;
    /// let catalog = Catalog::from_json(r#"{"prices":[{"endpoint_id":"fal-ai/flux/dev",
    ///     "unit_price":0.025,"unit":"megapixels","currency":"USD"}]}"#)?;
    /// assert_eq!(catalog.models().len(), 1);
    /// # Ok::<(), gencost::engine::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Catalog, Error> {
        if text.len() > super::json::MAX_BYTES {
            return Err(Error::TooLarge {
                what: "catalog".to_string(),
                bytes: text.len(),
                limit: super::json::MAX_BYTES,
            });
        }
        let value: Value = super::json::parse(text).map_err(Error::CatalogJson)?;
        if value.get("prices").is_some() && value.get("models").is_none() {
            return super::fal::from_fal_pricing(&value);
        }
        Catalog::from_value(&value)
    }

    fn from_value(value: &Value) -> Result<Catalog, Error> {
        let mut errors = Vec::new();
        let obj = value
            .as_object()
            .ok_or_else(|| Error::field(None, "(top level)", "must be an object"))?;
        let unknown: Vec<&str> = obj
            .keys()
            .filter(|k| !["$schema", "format", "version", "currency", "models", "note"].contains(k))
            .collect();
        for key in unknown.iter().take(MAX_PROBLEMS) {
            errors.push(Error::field(None, key, "unknown field"));
        }
        if unknown.len() > MAX_PROBLEMS {
            errors.push(Error::field(
                None,
                "(top level)",
                format!(
                    "and {} more problems",
                    unknown.len().saturating_sub(MAX_PROBLEMS)
                ),
            ));
        }
        match obj.get("format") {
            Some(Value::String(f)) if f == FORMAT_NAME => {}
            Some(other) => errors.push(Error::field(
                None,
                "format",
                format!(
                    "{} is not a gencost catalog; use \"{FORMAT_NAME}\"",
                    describe(other)
                ),
            )),
            None => errors.push(Error::field(
                None,
                "format",
                format!("missing; use \"{FORMAT_NAME}\""),
            )),
        }
        match obj.get("version") {
            Some(Value::Number(v)) if v == "1" => {}
            Some(Value::Number(v)) => errors.push(Error::field(
                None,
                "version",
                format!(
                    "version {} is not supported (this gencost reads {FORMAT_VERSION})",
                    text::shown(v)
                ),
            )),
            Some(other) => errors.push(Error::field(
                None,
                "version",
                format!(
                    "{} is not a version; use the number {FORMAT_VERSION}",
                    describe(other)
                ),
            )),
            None => errors.push(Error::field(
                None,
                "version",
                format!("missing; use {FORMAT_VERSION}"),
            )),
        }
        let currency = match obj.get("currency") {
            Some(Value::String(c)) if c == "USD" => "USD".to_string(),
            Some(other) => {
                errors.push(Error::field(
                    None,
                    "currency",
                    format!("{} is not supported; use \"USD\"", describe(other)),
                ));
                "USD".to_string()
            }
            None => "USD".to_string(),
        };
        for key in ["note", "$schema"] {
            if let Some(v) = obj.get(key).filter(|v| v.as_str().is_none()) {
                errors.push(Error::field(
                    None,
                    key,
                    format!("{} must be a string", describe(v)),
                ));
            }
        }
        let mut models = Vec::new();
        match obj.get("models").and_then(Value::as_array) {
            Some(list) => {
                let mut unlisted = 0usize;
                for (i, raw) in list.iter().enumerate() {
                    match parse_model(raw, i) {
                        Ok(m) => models.push(m),
                        // A list of problems is for people: past a hundred, count the rest
                        // (a hostile catalog of a million broken models is not a million messages).
                        Err(errs) if errors.len() >= MAX_PROBLEMS => {
                            unlisted = unlisted.saturating_add(errs.len())
                        }
                        Err(mut errs) => errors.append(&mut errs),
                    }
                }
                if unlisted > 0 {
                    errors.push(Error::field(
                        None,
                        "models",
                        format!("and {unlisted} more problems"),
                    ));
                }
            }
            None => errors.push(Error::field(None, "models", "missing: a list of models")),
        }
        match Catalog::new(currency, models) {
            Ok(c) if errors.is_empty() => Ok(c),
            Ok(_) => Err(Error::Catalog(errors)),
            Err(Error::Catalog(mut more)) => {
                errors.append(&mut more);
                Err(Error::Catalog(errors))
            }
            Err(e) => {
                errors.push(e);
                Err(Error::Catalog(errors))
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing one model. Raw serde structs first (shape), then checks that name the field (sense).

struct RawModel<'a> {
    id: String,
    name: String,
    provider: String,
    kind: String,
    options: Vec<RawOption>,
    billing: RawBilling<'a>,
    source: String,
    verified: String,
    summary: Option<String>,
    note: Option<String>,
    size: Option<&'a Value<'a>>,
    retired: Option<String>,
    replacement: Option<String>,
    history: Option<&'a Vec<Value<'a>>>,
}

struct RawOption {
    name: String,
    values: Option<Vec<String>>,
    min: Option<String>,
    max: Option<String>,
    step: Option<String>,
    default: String,
    unit: Option<String>,
}

struct RawBilling<'a> {
    lines: Option<Vec<RawLine<'a>>>,
    multipliers: Vec<RawMultiplier>,
    unknown: Option<String>,
    total_round_up_to: Option<String>,
}

struct RawLine<'a> {
    label: String,
    quantity: &'a Value<'a>,
    round_up_to: Option<String>,
    min: Option<String>,
    included: Option<String>,
    price: &'a Value<'a>,
    per: Option<String>,
    when: BTreeMap<String, String>,
}

struct RawMultiplier {
    label: String,
    when: BTreeMap<String, String>,
    factor: String,
}

impl<'a> RawModel<'a> {
    fn from_value(v: &'a Value<'a>) -> Result<RawModel<'a>, String> {
        let f = Fields::new(
            v,
            &[
                "id",
                "name",
                "provider",
                "kind",
                "options",
                "billing",
                "source",
                "verified",
                "summary",
                "note",
                "size",
                "retired",
                "replacement",
                "history",
            ],
        )?;
        let options = match f.opt_list("options")? {
            None => Vec::new(),
            Some(a) => each(a, RawOption::from_value)?,
        };
        Ok(RawModel {
            id: f.req_str("id")?,
            name: f.req_str("name")?,
            provider: f.req_str("provider")?,
            kind: f.req_str("kind")?,
            options,
            billing: RawBilling::from_value(f.req_value("billing")?)?,
            source: f.req_str("source")?,
            verified: f.req_str("verified")?,
            summary: f.opt_str("summary")?,
            note: f.opt_str("note")?,
            size: f.0.get("size"),
            retired: f.opt_str("retired")?,
            replacement: f.opt_str("replacement")?,
            history: f.opt_list("history")?,
        })
    }
}

impl RawOption {
    fn from_value(v: &Value) -> Result<RawOption, String> {
        let f = Fields::new(
            v,
            &["name", "values", "min", "max", "step", "default", "unit"],
        )?;
        Ok(RawOption {
            name: f.req_str("name")?,
            values: f.opt_str_list("values")?,
            min: f.opt_str("min")?,
            max: f.opt_str("max")?,
            step: f.opt_str("step")?,
            default: f.req_str("default")?,
            unit: f.opt_str("unit")?,
        })
    }
}

impl<'a> RawBilling<'a> {
    fn from_value(v: &'a Value<'a>) -> Result<RawBilling<'a>, String> {
        let f = Fields::new(v, &["lines", "multipliers", "unknown", "total_round_up_to"])?;
        let lines = match f.opt_list("lines")? {
            None => None,
            Some(a) => Some(each(a, RawLine::from_value)?),
        };
        let multipliers = match f.opt_list("multipliers")? {
            None => Vec::new(),
            Some(a) => each(a, RawMultiplier::from_value)?,
        };
        Ok(RawBilling {
            lines,
            multipliers,
            unknown: f.opt_str("unknown")?,
            total_round_up_to: f.opt_str("total_round_up_to")?,
        })
    }
}

impl<'a> RawLine<'a> {
    fn from_value(v: &'a Value<'a>) -> Result<RawLine<'a>, String> {
        let f = Fields::new(
            v,
            &[
                "label",
                "quantity",
                "round_up_to",
                "min",
                "included",
                "price",
                "per",
                "when",
            ],
        )?;
        Ok(RawLine {
            label: f.req_str("label")?,
            quantity: f.req_value("quantity")?,
            round_up_to: f.opt_str("round_up_to")?,
            min: f.opt_str("min")?,
            included: f.opt_str("included")?,
            price: f.req_value("price")?,
            per: f.opt_str("per")?,
            when: f.str_map("when", false)?,
        })
    }
}

impl RawMultiplier {
    fn from_value(v: &Value) -> Result<RawMultiplier, String> {
        let f = Fields::new(v, &["label", "when", "factor"])?;
        Ok(RawMultiplier {
            label: f.req_str("label")?,
            when: f.str_map("when", true)?,
            factor: f.req_str("factor")?,
        })
    }
}

fn parse_model(raw: &Value, index: usize) -> Result<Model, Vec<Error>> {
    let id_hint = raw
        .get("id")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("#{}", index.saturating_add(1)));
    let r =
        RawModel::from_value(raw).map_err(|e| vec![Error::field(Some(&id_hint), "(shape)", e)])?;
    let mut errors: Vec<(String, String)> = Vec::new();
    let kind = Kind::parse(&r.kind);
    if kind.is_none() {
        errors.push((
            "kind".into(),
            format!(
                "{} is not one of image, video, audio, other",
                text::quoted(&r.kind)
            ),
        ));
    }
    let mut options: Vec<OptionSpec> = Vec::new();
    for (i, o) in r.options.iter().enumerate() {
        match parse_option(o) {
            Ok(spec) => options.push(spec),
            Err((spec, msg)) => {
                errors.push((format!("options[{i}] ({})", o.name), msg));
                // Still known by name, so the billing lines that use it are not reported too.
                options.extend(spec.map(|b| *b));
            }
        }
    }
    let size = match &r.size {
        Some(v) => match parse_size(v, &options) {
            Ok(rule) => Some(rule),
            Err(m) => {
                errors.push(("size".into(), m));
                None
            }
        },
        None => None,
    };
    let retired = match (&r.retired, &r.replacement) {
        (Some(date), replacement) => Some(Retired {
            date: date.clone(),
            replacement: replacement.clone(),
        }),
        (None, Some(_)) => {
            errors.push((
                "replacement".into(),
                "goes with `retired` (the date the model was shut down)".into(),
            ));
            None
        }
        (None, None) => None,
    };
    let mut history = Vec::new();
    for (i, h) in r.history.into_iter().flatten().enumerate() {
        match parse_change(h) {
            Ok(c) => history.push(c),
            Err(m) => errors.push((format!("history[{i}]"), m)),
        }
    }
    let billing = match parse_billing(&r.billing, &options) {
        Ok(b) => Some(b),
        Err(list) => {
            errors.extend(list);
            None
        }
    };
    let as_errors = |list: Vec<(String, String)>| -> Vec<Error> {
        list.into_iter()
            .map(|(f, m)| Error::field(Some(&id_hint), f, m))
            .collect()
    };
    let (Some(kind), Some(billing), true) = (kind, billing, errors.is_empty()) else {
        // What could not be read is said; the identity is checked all the same.
        errors.extend(super::model::identity_problems(
            &r.id,
            &r.name,
            &r.provider,
            &r.source,
            Some(&r.verified),
        ));
        return Err(as_errors(errors));
    };
    Model::new(Model {
        id: r.id,
        name: r.name,
        provider: r.provider,
        kind,
        options,
        billing,
        source: r.source,
        verified: Some(r.verified),
        summary: r.summary.unwrap_or_default(),
        note: r.note,
        size,
        retired,
        history,
    })
    .map_err(as_errors)
}

/// A model's size limits: `{"of": ["w","h"], "min_side", "max_side", "multiple_of",
/// "max_pixels", "sizes": ["1024x1024", ...]}`.
fn parse_size(v: &Value, options: &[OptionSpec]) -> Result<SizeRule, String> {
    let obj = v.as_object().ok_or("must be an object")?;
    only_keys(
        obj,
        &[
            "of",
            "min_side",
            "max_side",
            "multiple_of",
            "max_pixels",
            "sizes",
        ],
    )?;
    let names = match obj.get("of") {
        Some(of) => pair(of, "of", 2)?,
        None => vec!["w".to_string(), "h".to_string()],
    };
    for n in &names {
        option_exists(n, options, true)?;
    }
    let mut sizes = Vec::new();
    if let Some(list) = obj.get("sizes") {
        let list = list
            .as_array()
            .ok_or("`sizes` must list sizes such as \"1024x1024\"")?;
        for item in list {
            let text = item.as_str().unwrap_or_default();
            let parsed = text
                .split_once('x')
                .and_then(|(w, h)| Some((decimal_field(w).ok()?, decimal_field(h).ok()?)));
            match parsed {
                Some(wh) => sizes.push(wh),
                None => {
                    return Err(format!(
                        "{} is not a size such as \"1024x1024\"",
                        text::quoted(text)
                    ))
                }
            }
        }
    }
    Ok(SizeRule {
        w: names[0].clone(),
        h: names[1].clone(),
        min_side: opt_decimal(obj, "min_side", None)?,
        max_side: opt_decimal(obj, "max_side", None)?,
        multiple_of: opt_decimal(obj, "multiple_of", None)?,
        max_pixels: opt_decimal(obj, "max_pixels", None)?,
        sizes,
    })
}

/// An earlier price: `{"until": "2026-03-10", "was": "$0.224 per second with audio off"}`.
fn parse_change(v: &Value) -> Result<PriceChange, String> {
    let f = Fields::new(v, &["until", "was"])?;
    Ok(PriceChange {
        until: f.req_str("until")?,
        was: f.req_str("was")?,
    })
}

/// An option, or the problem with it (and the option itself when only its default is wrong).
fn parse_option(o: &RawOption) -> Result<OptionSpec, (Option<Box<OptionSpec>>, String)> {
    let mut spec = parse_domain(o).map_err(|m| (None, m))?;
    if let Domain::Range { .. } = spec.domain {
        if let Err(m) = decimal_field(&o.default) {
            spec.default = o.default.clone();
            return Err((None, format!("default: {m}")));
        }
    }
    match spec.check(&o.default, "default", "") {
        Ok(d) => {
            spec.default = d;
            Ok(spec)
        }
        Err(_) => {
            let msg = format!(
                "default {} is not allowed ({})",
                text::quoted(&o.default),
                spec.allowed()
            );
            spec.default = match &spec.domain {
                Domain::Values(v) => v.first().cloned().unwrap_or_default(),
                Domain::Range { min, .. } => min.to_string(),
            };
            Err((Some(Box::new(spec)), msg))
        }
    }
}

/// The option's name and domain (its default is checked by [`parse_option`]).
fn parse_domain(o: &RawOption) -> Result<OptionSpec, String> {
    super::model::check_option_name(&o.name)?;
    let domain = match (&o.values, &o.min, &o.max) {
        (Some(values), None, None) => {
            if values.is_empty() {
                return Err("values must not be empty".into());
            }
            let list: Vec<String> = values.iter().map(|v| v.trim().to_string()).collect();
            for (i, v) in list.iter().enumerate() {
                let same = |w: &String| {
                    w == v || (parse_decimal(w).is_some() && parse_decimal(w) == parse_decimal(v))
                };
                if let Some(first) = list.iter().take(i).find(|w| same(w)) {
                    return Err(format!(
                        "values {} and {} are the same value",
                        text::quoted(first),
                        text::quoted(v)
                    ));
                }
            }
            Domain::Values(list)
        }
        (None, Some(min), Some(max)) => {
            let min = decimal_field(min).map_err(|m| format!("min: {m}"))?;
            let max = decimal_field(max).map_err(|m| format!("max: {m}"))?;
            if min > max {
                return Err(format!("min {min} is above max {max}"));
            }
            let step = match &o.step {
                Some(s) => {
                    let s = decimal_field(s).map_err(|m| format!("step: {m}"))?;
                    if s <= Decimal::ZERO {
                        return Err("step must be above 0".into());
                    }
                    Some(s)
                }
                None => None,
            };
            Domain::Range { min, max, step }
        }
        _ => return Err("give either `values` or both `min` and `max`".into()),
    };
    Ok(OptionSpec {
        name: o.name.clone(),
        domain,
        default: String::new(),
        unit: o.unit.clone(),
    })
}

type FieldErrors = Vec<(String, String)>;

fn parse_billing(b: &RawBilling, options: &[OptionSpec]) -> Result<Billing, FieldErrors> {
    let mut errors: FieldErrors = Vec::new();
    match (&b.unknown, &b.lines) {
        (Some(reason), None) => {
            if reason.trim().is_empty() {
                errors.push((
                    "billing.unknown".into(),
                    "give the reason the price is unknown".into(),
                ));
                return Err(errors);
            }
            if !b.multipliers.is_empty() {
                errors.push((
                    "billing.multipliers".into(),
                    "makes no sense with an unknown price".into(),
                ));
                return Err(errors);
            }
            Ok(Billing::Unknown(reason.clone()))
        }
        (None, Some(lines)) if !lines.is_empty() => {
            let mut out = Vec::new();
            for (i, l) in lines.iter().enumerate() {
                match parse_line(l, options) {
                    Ok(line) => out.push(line),
                    Err(list) => {
                        for (f, m) in list {
                            errors.push((format!("billing.lines[{i}].{f}"), m));
                        }
                    }
                }
            }
            let total_round_up_to = match &b.total_round_up_to {
                Some(t) => match decimal_field(t) {
                    Ok(d) if d > Decimal::ZERO => Some(d),
                    Ok(_) => {
                        errors.push(("billing.total_round_up_to".into(), "must be above 0".into()));
                        None
                    }
                    Err(m) => {
                        errors.push(("billing.total_round_up_to".into(), m));
                        None
                    }
                },
                None => None,
            };
            let mut multipliers = Vec::new();
            for (i, m) in b.multipliers.iter().enumerate() {
                let field = format!("billing.multipliers[{i}]");
                let when = check_when(&m.when, options).unwrap_or_else(|msg| {
                    errors.push((format!("{field}.when"), msg));
                    BTreeMap::new()
                });
                match decimal_field(&m.factor) {
                    Ok(f) if f >= Decimal::ZERO => multipliers.push(Multiplier {
                        label: m.label.clone(),
                        when,
                        factor: f,
                    }),
                    Ok(_) => {
                        errors.push((format!("{field}.factor"), "must not be negative".into()))
                    }
                    Err(msg) => errors.push((format!("{field}.factor"), msg)),
                }
            }
            if errors.is_empty() {
                Ok(Billing::Rule {
                    lines: out,
                    multipliers,
                    total_round_up_to,
                })
            } else {
                Err(errors)
            }
        }
        _ => {
            errors.push((
                "billing".into(),
                "give either `lines` (a non-empty list) or `unknown` (a reason)".into(),
            ));
            Err(errors)
        }
    }
}

fn option_exists(name: &str, options: &[OptionSpec], numeric: bool) -> Result<(), String> {
    match options.iter().find(|o| o.name == name) {
        None => Err(format!("option `{name}` is not among the model's options")),
        Some(o) if numeric && !o.is_numeric() => Err(format!("option `{name}` is not numeric")),
        Some(_) => Ok(()),
    }
}

/// Checks a `when` condition and returns it with canonical values (`"8.0"` -> `"8"`).
fn check_when(
    when: &BTreeMap<String, String>,
    options: &[OptionSpec],
) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (k, v) in when {
        option_exists(k, options, false)?;
        if let Some(o) = options.iter().find(|o| &o.name == k) {
            let c = o.check(v, k, "").map_err(|_| {
                format!("{k}={} can never match ({})", text::quoted(v), o.allowed())
            })?;
            out.insert(k.clone(), c);
        }
    }
    Ok(out)
}

fn parse_line(l: &RawLine, options: &[OptionSpec]) -> Result<LineRule, FieldErrors> {
    let mut errors: FieldErrors = Vec::new();
    let mut dec = |field: &str, v: &Option<String>, positive: bool| -> Option<Decimal> {
        let text = v.as_ref()?;
        match decimal_field(text) {
            Ok(d) if positive && d <= Decimal::ZERO => {
                errors.push((field.into(), "must be above 0".into()));
                None
            }
            Ok(d) if d < Decimal::ZERO => {
                errors.push((field.into(), "must not be negative".into()));
                None
            }
            Ok(d) => Some(d),
            Err(m) => {
                errors.push((field.into(), m));
                None
            }
        }
    };
    let round_up_to = dec("round_up_to", &l.round_up_to, true);
    let min = dec("min", &l.min, false);
    let included = dec("included", &l.included, false);
    let per = dec("per", &l.per, true).unwrap_or(Decimal::ONE);
    let when = check_when(&l.when, options).unwrap_or_else(|m| {
        errors.push(("when".into(), m));
        BTreeMap::new()
    });
    let quantity = parse_quantity(l.quantity, options).map_err(|m| ("quantity".to_string(), m));
    let price = parse_price(l.price, options).map_err(|m| ("price".to_string(), m));
    match (quantity, price) {
        (Ok(quantity), Ok(price)) if errors.is_empty() => Ok(LineRule {
            label: l.label.clone(),
            quantity,
            round_up_to,
            min,
            included,
            price,
            per,
            when,
        }),
        (q, p) => {
            if let Err(e) = q {
                errors.push(e);
            }
            if let Err(e) = p {
                errors.push(e);
            }
            Err(errors)
        }
    }
}

fn str_field<'a>(obj: &'a JsonMap, key: &str) -> Result<&'a str, String> {
    obj.get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("`{key}` must be a string"))
}

fn opt_decimal(
    obj: &JsonMap,
    key: &str,
    default: Option<Decimal>,
) -> Result<Option<Decimal>, String> {
    match obj.get(key) {
        None => Ok(default),
        Some(Value::String(s)) => match decimal_field(s) {
            Ok(d) if d > Decimal::ZERO => Ok(Some(d)),
            Ok(_) => Err(format!("`{key}` must be above 0")),
            Err(m) => Err(format!("`{key}`: {m}")),
        },
        Some(_) => Err(format!("`{key}` must be a decimal string")),
    }
}

fn only_keys(obj: &JsonMap, allowed: &[&str]) -> Result<(), String> {
    match obj.keys().find(|k| !allowed.contains(k)) {
        Some(k) => Err(format!(
            "unknown field `{k}` (allowed: {})",
            allowed.join(", ")
        )),
        None => Ok(()),
    }
}

fn pair(v: &Value, what: &str, n: usize) -> Result<Vec<String>, String> {
    let list = v
        .as_array()
        .filter(|a| a.len() == n)
        .ok_or_else(|| format!("`{what}` must list {n} option names"))?;
    each(list, |x| {
        x.as_str()
            .map(str::to_string)
            .ok_or_else(|| format!("`{what}` must list option names"))
    })
}

fn parse_quantity(v: &Value, options: &[OptionSpec]) -> Result<Quantity, String> {
    if v.as_str() == Some("output") {
        return Ok(Quantity::Output);
    }
    let obj = v.as_object().ok_or_else(|| {
        "must be \"output\" or an object with `option`, `megapixels`, `video_tokens`, `lookup` or `product`".to_string()
    })?;
    if obj.contains_key("option") {
        only_keys(obj, &["option", "divide_by", "times"])?;
        let name = str_field(obj, "option")?.to_string();
        option_exists(&name, options, true)?;
        let times = match obj.get("times") {
            Some(t) => {
                let t = t
                    .as_str()
                    .ok_or("`times` must be an option name")?
                    .to_string();
                option_exists(&t, options, true)?;
                Some(t)
            }
            None => None,
        };
        let divide_by = opt_decimal(obj, "divide_by", None)?;
        return Ok(Quantity::Option {
            name,
            divide_by,
            times,
        });
    }
    if let Some(wh) = obj.get("megapixels") {
        only_keys(obj, &["megapixels", "px_per_mp"])?;
        let names = pair(wh, "megapixels", 2)?;
        for n in &names {
            option_exists(n, options, true)?;
        }
        let px = opt_decimal(obj, "px_per_mp", Some(Decimal::from(1_048_576u32)))?
            .unwrap_or(Decimal::ONE);
        return Ok(Quantity::Megapixels {
            w: names[0].clone(),
            h: names[1].clone(),
            px_per_mp: px,
        });
    }
    if let Some(whs) = obj.get("video_tokens") {
        only_keys(obj, &["video_tokens", "fps", "px_per_token"])?;
        let names = pair(whs, "video_tokens", 3)?;
        for n in &names {
            option_exists(n, options, true)?;
        }
        let fps = opt_decimal(obj, "fps", Some(Decimal::from(24u32)))?.unwrap_or(Decimal::ONE);
        let px_per_token =
            opt_decimal(obj, "px_per_token", Some(Decimal::from(1024u32)))?.unwrap_or(Decimal::ONE);
        return Ok(Quantity::VideoTokens {
            w: names[0].clone(),
            h: names[1].clone(),
            sec: names[2].clone(),
            fps,
            px_per_token,
        });
    }
    if obj.contains_key("lookup") {
        only_keys(obj, &["lookup", "values"])?;
        return parse_table(obj.get("lookup"), obj.get("values"), options).map(Quantity::Lookup);
    }
    if let Some(list) = obj.get("product") {
        only_keys(obj, &["product", "divide_by"])?;
        let list = list
            .as_array()
            .filter(|l| !l.is_empty())
            .ok_or("`product` must list factors: option names, {\"constant\"} or {\"lookup\"}")?;
        let mut factors = Vec::new();
        for f in list {
            factors.push(match f {
                Value::String(name) => {
                    option_exists(name, options, true)?;
                    Factor::Option(name.to_string())
                }
                Value::Object(o) if o.contains_key("constant") => {
                    only_keys(o, &["constant"])?;
                    Factor::Constant(decimal_field(str_field(o, "constant")?)?)
                }
                Value::Object(o) if o.contains_key("lookup") => {
                    only_keys(o, &["lookup", "values"])?;
                    Factor::Lookup(parse_table(o.get("lookup"), o.get("values"), options)?)
                }
                _ => {
                    return Err(
                        "a factor is an option name, {\"constant\": \"24\"} or {\"lookup\": [...], \"values\": {...}}"
                            .into(),
                    )
                }
            });
        }
        let divide_by = opt_decimal(obj, "divide_by", None)?;
        return Ok(Quantity::Product { factors, divide_by });
    }
    Err(
        "must be \"output\" or an object with `option`, `megapixels`, `video_tokens`, `lookup` or `product`"
            .into(),
    )
}

fn parse_price(v: &Value, options: &[OptionSpec]) -> Result<Price, String> {
    match v {
        Value::String(s) => {
            let d = decimal_field(s)?;
            if d < Decimal::ZERO {
                return Err("must not be negative".into());
            }
            Ok(Price::Fixed(d))
        }
        Value::Object(obj) => {
            only_keys(obj, &["by", "values"])?;
            parse_table(obj.get("by"), obj.get("values"), options).map(Price::Table)
        }
        _ => Err(
            "must be a decimal string (\"0.025\") or {\"by\": [options], \"values\": {...}}".into(),
        ),
    }
}

fn parse_table(
    keys: Option<&Value>,
    values: Option<&Value>,
    options: &[OptionSpec],
) -> Result<Table, String> {
    let keys: Vec<String> = match keys {
        Some(Value::String(s)) => vec![s.to_string()],
        Some(Value::Array(a)) if !a.is_empty() => each(a, |x| {
            x.as_str()
                .map(str::to_string)
                .ok_or_else(|| "keys must be option names".to_string())
        })?,
        _ => return Err("the table's keys must be an option name or a list of them".into()),
    };
    for k in &keys {
        option_exists(k, options, false)?;
    }
    let obj = values
        .and_then(Value::as_object)
        .filter(|o| !o.is_empty())
        .ok_or("`values` must be a non-empty object of decimal strings")?;
    let mut out = BTreeMap::new();
    // canonical key -> the key as written, to name both of two keys that collide (`8`, `8.0`)
    let mut written: BTreeMap<String, String> = BTreeMap::new();
    for (combo, v) in obj {
        let parts: Vec<&str> = combo.split('|').collect();
        if parts.len() != keys.len() {
            return Err(format!(
                "key {} must have {} part(s) joined by |",
                text::quoted(combo),
                keys.len()
            ));
        }
        let mut canonical = Vec::new();
        for (name, part) in keys.iter().zip(&parts) {
            let Some(o) = options.iter().find(|o| &o.name == name) else {
                continue;
            };
            let c = o.check(part, name, "").map_err(|_| {
                format!(
                    "key {}: {name}={} is not allowed ({})",
                    text::quoted(combo),
                    text::quoted(part),
                    o.allowed()
                )
            })?;
            canonical.push(c);
        }
        let text = v
            .as_str()
            .ok_or_else(|| format!("value of {} must be a decimal string", text::quoted(combo)))?;
        let d =
            decimal_field(text).map_err(|m| format!("value of {}: {m}", text::quoted(combo)))?;
        if d < Decimal::ZERO {
            return Err(format!(
                "value of {} must not be negative",
                text::quoted(combo)
            ));
        }
        let key = canonical.join("|");
        if let Some(first) = written.get(&key) {
            return Err(format!(
                "keys {} and {} name the same options",
                text::quoted(first),
                text::quoted(combo)
            ));
        }
        written.insert(key.clone(), combo.to_string());
        out.insert(key, d);
    }
    Ok(Table { keys, values: out })
}
