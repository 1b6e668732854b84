//! The catalog: models, the options they take and their billing rules, loaded from JSON text.
//!
//! The format is documented in `README.md` ("The catalog format") and published as a JSON Schema
//! in `www/catalog.schema.json`. Billing shapes are data: a rule is a list of *lines*, each a
//! quantity (taken from the options), an optional rounding, an optional included amount and a
//! price (constant or looked up by option values), plus optional multipliers on the total.

use super::json::{Fields, Map as JsonMap, Value};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

use super::money::{decimal_field, parse_decimal};
use super::Error;

/// The catalog format version this engine reads.
pub const FORMAT_VERSION: u32 = 1;

/// The most problems a catalog's check lists one by one; the rest are counted.
pub const MAX_PROBLEMS: usize = 100;

/// The value of a catalog's `format` field.
pub const FORMAT_NAME: &str = "gencost-catalog";

/// A JSON value as a message shows it: a string quoted, anything else by its kind and text.
fn describe(v: &Value) -> String {
    match v {
        Value::String(s) => super::text::quoted(s),
        Value::Number(n) => format!("the number {}", super::text::shown(n)),
        other => other.kind().to_string(),
    }
}

/// True for a provider's endpoint id as gencost accepts it: letters, digits and `. _ : + @ ~ -`
/// in `/`-separated parts, starting with a letter or digit (`fal-ai/flux/dev`, `gpt-image-1`).
/// No spaces or control characters, so an id is safe in a terminal, a URL and a message.
pub fn is_endpoint_id(id: &str) -> bool {
    let part_ok = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._:+@~-".contains(&b))
    };
    id.len() <= 200
        && id.bytes().next().is_some_and(|b| b.is_ascii_alphanumeric())
        && id.split('/').all(part_ok)
}

/// The catalog shipped with gencost (`www/catalog.json`, embedded at build time).
pub const DEFAULT_CATALOG_JSON: &str = include_str!("../../www/catalog.json");

/// A validated set of models.
#[derive(Debug, Clone)]
pub struct Catalog {
    currency: String,
    models: Vec<Model>,
    by_id: BTreeMap<String, usize>,
}

/// What a model makes: the picker groups models by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Still images.
    Image,
    /// Video clips.
    Video,
    /// Audio: speech, music, sound.
    Audio,
    /// Anything else: compute time, tokens.
    Other,
}

impl Kind {
    /// The catalog's name of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Image => "image",
            Kind::Video => "video",
            Kind::Audio => "audio",
            Kind::Other => "other",
        }
    }

    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "image" => Kind::Image,
            "video" => Kind::Video,
            "audio" => Kind::Audio,
            "other" => Kind::Other,
            _ => return None,
        })
    }
}

/// One model of the catalog.
#[derive(Debug, Clone)]
pub struct Model {
    /// The provider's endpoint id (`fal-ai/flux/dev`).
    pub id: String,
    /// A name for people.
    pub name: String,
    /// Who bills it (`fal`, `replicate`, `openai`).
    pub provider: String,
    /// What it makes.
    pub kind: Kind,
    /// The options it takes, in display order.
    pub options: Vec<OptionSpec>,
    /// How a generation is billed.
    pub billing: Billing,
    /// Where the price was read.
    pub source: String,
    /// When the price was last checked (`YYYY-MM-DD`).
    pub verified: String,
    /// The price rule in one line for people (`$0.025 per megapixel, rounded up`).
    pub summary: String,
    /// Anything a user should know (third-party figure, approximations).
    pub note: Option<String>,
}

/// An option a model takes (`sec`, `resolution`, `w`...).
#[derive(Debug, Clone)]
pub struct OptionSpec {
    /// Its name, which is also its share-URL key.
    pub name: String,
    /// The values it accepts.
    pub domain: Domain,
    /// The value used when a scenario does not set it.
    pub default: String,
    /// Its unit for people (`s`, `px`, `frames`).
    pub unit: Option<String>,
}

/// The values an option accepts.
#[derive(Debug, Clone)]
pub enum Domain {
    /// One of these (numbers compare by value: `8` and `8.0` are the same).
    Values(Vec<String>),
    /// A number from `min` to `max` inclusive, in steps of `step` from `min` when given.
    Range {
        /// Smallest allowed value.
        min: Decimal,
        /// Largest allowed value.
        max: Decimal,
        /// Allowed increments from `min` (`1` for whole numbers).
        step: Option<Decimal>,
    },
}

/// How a model is billed.
#[derive(Debug, Clone)]
pub enum Billing {
    /// The sum of the lines, times the multipliers that apply.
    Rule {
        /// The parts of the bill.
        lines: Vec<LineRule>,
        /// Factors on the whole amount when options match (audio on x1.5).
        multipliers: Vec<Multiplier>,
    },
    /// The price is not known; the reason says why. Never quoted as $0.
    Unknown(String),
}

/// One part of a bill.
#[derive(Debug, Clone)]
pub struct LineRule {
    /// What the line bills, for people (`output megapixels`).
    pub label: String,
    /// What is counted.
    pub quantity: Quantity,
    /// Round the quantity up to a multiple of this (a provider's rounding).
    pub round_up_to: Option<Decimal>,
    /// The smallest billed quantity when anything is billed at all.
    pub min: Option<Decimal>,
    /// A quantity covered elsewhere (a base price's first seconds), subtracted after rounding.
    pub included: Option<Decimal>,
    /// The price per `per` units.
    pub price: Price,
    /// The number of units the price is for (1000 characters); 1 when absent.
    pub per: Decimal,
    /// The line applies only when every listed option has the listed value.
    pub when: BTreeMap<String, String>,
}

/// What a line counts.
#[derive(Debug, Clone)]
pub enum Quantity {
    /// One per generation: a flat price per image, clip, file or request.
    Output,
    /// The value of an option, optionally divided by a constant (`frames / 16 fps`) and
    /// multiplied by another option (`gpu seconds x gpus`).
    Option {
        /// The option read.
        name: String,
        /// A divisor (frames per second).
        divide_by: Option<Decimal>,
        /// Another option to multiply by.
        times: Option<String>,
    },
    /// Width x height options divided by pixels per megapixel; 0 when either is 0.
    Megapixels {
        /// The width option.
        w: String,
        /// The height option.
        h: String,
        /// Pixels in one megapixel (1,048,576 unless the provider says otherwise).
        px_per_mp: Decimal,
    },
    /// Video tokens: w x h x (fps x seconds + 1) / px_per_token.
    VideoTokens {
        /// The width option.
        w: String,
        /// The height option.
        h: String,
        /// The seconds option.
        sec: String,
        /// Frames per second (24).
        fps: Decimal,
        /// Pixels per token (1024).
        px_per_token: Decimal,
    },
    /// A quantity looked up by option values (output tokens per quality and size).
    Lookup(Table),
}

/// A price per unit.
#[derive(Debug, Clone)]
pub enum Price {
    /// The same price whatever the options.
    Fixed(Decimal),
    /// A price per combination of option values.
    Table(Table),
}

/// Values keyed by a combination of option values, joined with `|` in the catalog
/// (`"720p|on"` for keys `["resolution","audio"]`).
#[derive(Debug, Clone)]
pub struct Table {
    /// The options whose values form the key.
    pub keys: Vec<String>,
    /// The values by joined key.
    pub values: BTreeMap<String, Decimal>,
}

/// A factor on the whole amount when options match.
#[derive(Debug, Clone)]
pub struct Multiplier {
    /// Why, for people (`audio on`).
    pub label: String,
    /// Options that must match.
    pub when: BTreeMap<String, String>,
    /// The factor (1.5).
    pub factor: Decimal,
}

impl OptionSpec {
    /// Checks `value` against the domain and returns it in canonical form (`8.0` -> `8`).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the option and what is allowed.
    pub fn check(&self, value: &str, key: &str, model: &str) -> Result<String, Error> {
        let invalid = || Error::InvalidValue {
            key: key.to_string(),
            value: value.to_string(),
            model: Some(model.to_string()),
            allowed: self.allowed(),
        };
        match &self.domain {
            Domain::Values(values) => {
                let v = value.trim();
                if let Some(hit) = values.iter().find(|a| a.as_str() == v) {
                    return Ok(hit.clone());
                }
                let num = parse_decimal(v).ok_or_else(invalid)?;
                values
                    .iter()
                    .find(|a| parse_decimal(a) == Some(num))
                    .cloned()
                    .ok_or_else(invalid)
            }
            Domain::Range { min, max, step } => {
                let num = parse_decimal(value).ok_or_else(invalid)?;
                if num < *min || num > *max {
                    return Err(invalid());
                }
                if let Some(step) = step {
                    // num = min + k x step: (num - min) % step, or, where num - min does not
                    // fit, the same congruence from the two remainders (each below step).
                    let on_step = match num.checked_sub(*min) {
                        Some(off) => off.checked_rem(*step).is_some_and(|r| r.is_zero()),
                        None => match (num.checked_rem(*step), min.checked_rem(*step)) {
                            (Some(a), Some(b)) => a
                                .checked_sub(b)
                                .and_then(|d| d.checked_rem(*step))
                                .is_some_and(|r| r.is_zero()),
                            _ => false,
                        },
                    };
                    if !on_step {
                        return Err(invalid());
                    }
                }
                Ok(num.normalize().to_string())
            }
        }
    }

    /// What the option allows, for messages (`one of 4, 6, 8`, `17 to 161 in steps of 1`).
    pub fn allowed(&self) -> String {
        match &self.domain {
            Domain::Values(v) => format!("one of {}", v.join(", ")),
            Domain::Range { min, max, step } => match step {
                Some(s) if *s == Decimal::ONE => format!("a whole number from {min} to {max}"),
                Some(s) => format!("{min} to {max} in steps of {s}"),
                None => format!("a number from {min} to {max}"),
            },
        }
    }

    /// True when the option takes numbers.
    pub fn is_numeric(&self) -> bool {
        match &self.domain {
            Domain::Values(v) => v.iter().all(|x| parse_decimal(x).is_some()),
            Domain::Range { .. } => true,
        }
    }
}

impl Model {
    /// The option called `name`, if the model takes it.
    pub fn option(&self, name: &str) -> Option<&OptionSpec> {
        self.options.iter().find(|o| o.name == name)
    }

    /// The names of the options, comma separated, for messages.
    pub fn option_names(&self) -> String {
        let names: Vec<&str> = self.options.iter().map(|o| o.name.as_str()).collect();
        if names.is_empty() {
            "no options".to_string()
        } else {
            names.join(", ")
        }
    }

    /// True when the price is unknown.
    pub fn is_unknown(&self) -> bool {
        matches!(self.billing, Billing::Unknown(_))
    }
}

impl Catalog {
    /// The catalog embedded in gencost.
    ///
    /// # Errors
    /// Only if the embedded file is broken, which the test suite rules out.
    pub fn embedded() -> Result<Catalog, Error> {
        Catalog::from_json(DEFAULT_CATALOG_JSON)
    }

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
            return super::fal_import::from_fal_pricing(&value);
        }
        Catalog::from_value(&value)
    }

    fn from_value(value: &Value) -> Result<Catalog, Error> {
        let mut errors = Vec::new();
        let obj = value
            .as_object()
            .ok_or_else(|| Error::field(None, "(top level)", "must be an object"))?;
        for key in obj.keys() {
            if !["$schema", "format", "version", "currency", "models", "note"]
                .contains(&key.as_str())
            {
                errors.push(Error::field(None, key, "unknown field"));
            }
        }
        match obj.get("format") {
            Some(Value::String(f)) if f == FORMAT_NAME => {}
            Some(other) => errors.push(Error::field(
                None,
                "format",
                format!("{} is not a gencost catalog; use \"{FORMAT_NAME}\"", describe(other)),
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
                    super::text::shown(v)
                ),
            )),
            Some(other) => errors.push(Error::field(
                None,
                "version",
                format!("{} is not a version; use the number {FORMAT_VERSION}", describe(other)),
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

    /// A catalog without models (what the app falls back to if even the embedded one fails).
    pub fn empty() -> Catalog {
        Catalog {
            currency: "USD".to_string(),
            models: Vec::new(),
            by_id: BTreeMap::new(),
        }
    }

    /// A catalog from models already built; ids must be unique.
    ///
    /// # Errors
    /// [`Error::Catalog`] naming each duplicated id.
    pub fn new(currency: String, models: Vec<Model>) -> Result<Catalog, Error> {
        let mut by_id = BTreeMap::new();
        let mut errors = Vec::new();
        for (i, m) in models.iter().enumerate() {
            if by_id.insert(m.id.clone(), i).is_some() {
                errors.push(Error::field(Some(&m.id), "id", "appears more than once"));
            }
        }
        if errors.is_empty() {
            Ok(Catalog {
                currency,
                models,
                by_id,
            })
        } else {
            Err(Error::Catalog(errors))
        }
    }

    /// Every model, in catalog order.
    pub fn models(&self) -> &[Model] {
        &self.models
    }

    /// The model with this id.
    ///
    /// # Errors
    /// [`Error::UnknownModel`].
    pub fn model(&self, id: &str) -> Result<&Model, Error> {
        self.by_id
            .get(id)
            .map(|&i| &self.models[i])
            .ok_or_else(|| Error::UnknownModel(id.to_string()))
    }

    /// The currency every price is in.
    pub fn currency(&self) -> &str {
        &self.currency
    }
}

// ---------------------------------------------------------------------------------------------
// Parsing one model. Raw serde structs first (shape), then checks that name the field (sense).

struct RawModel {
    id: String,
    name: String,
    provider: String,
    kind: String,
    options: Vec<RawOption>,
    billing: RawBilling,
    source: String,
    verified: String,
    summary: Option<String>,
    note: Option<String>,
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

struct RawBilling {
    lines: Option<Vec<RawLine>>,
    multipliers: Vec<RawMultiplier>,
    unknown: Option<String>,
}

struct RawLine {
    label: String,
    quantity: Value,
    round_up_to: Option<String>,
    min: Option<String>,
    included: Option<String>,
    price: Value,
    per: Option<String>,
    when: BTreeMap<String, String>,
}

struct RawMultiplier {
    label: String,
    when: BTreeMap<String, String>,
    factor: String,
}

impl RawModel {
    fn from_value(v: &Value) -> Result<RawModel, String> {
        let f = Fields::new(
            v,
            &[
                "id", "name", "provider", "kind", "options", "billing", "source", "verified",
                "summary", "note",
            ],
        )?;
        let options = match f.opt_list("options")? {
            None => Vec::new(),
            Some(a) => a
                .iter()
                .map(RawOption::from_value)
                .collect::<Result<_, _>>()?,
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

impl RawBilling {
    fn from_value(v: &Value) -> Result<RawBilling, String> {
        let f = Fields::new(v, &["lines", "multipliers", "unknown"])?;
        let lines = match f.opt_list("lines")? {
            None => None,
            Some(a) => Some(
                a.iter()
                    .map(RawLine::from_value)
                    .collect::<Result<_, _>>()?,
            ),
        };
        let multipliers = match f.opt_list("multipliers")? {
            None => Vec::new(),
            Some(a) => a
                .iter()
                .map(RawMultiplier::from_value)
                .collect::<Result<_, _>>()?,
        };
        Ok(RawBilling {
            lines,
            multipliers,
            unknown: f.opt_str("unknown")?,
        })
    }
}

impl RawLine {
    fn from_value(v: &Value) -> Result<RawLine, String> {
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
            quantity: f.req_value("quantity")?.clone(),
            round_up_to: f.opt_str("round_up_to")?,
            min: f.opt_str("min")?,
            included: f.opt_str("included")?,
            price: f.req_value("price")?.clone(),
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
        .unwrap_or_else(|| format!("#{}", index + 1));
    let r =
        RawModel::from_value(raw).map_err(|e| vec![Error::field(Some(&id_hint), "(shape)", e)])?;
    let id = r.id.clone();
    let mut errors = Vec::new();
    let mut err = |field: &str, msg: String| errors.push(Error::field(Some(&id_hint), field, msg));
    if !is_endpoint_id(&id) {
        err(
            "id",
            format!(
                "{} is not an endpoint id (letters, digits and . _ : + @ ~ - in /-separated parts)",
                super::text::quoted(&id)
            ),
        );
    }
    for (field, text) in [
        ("name", &r.name),
        ("provider", &r.provider),
        ("source", &r.source),
    ] {
        if text.trim().is_empty() {
            err(field, "must not be empty".into());
        }
    }
    if !super::url::is_web_page(&r.source) {
        err(
            "source",
            format!(
                "{} is not an http:// or https:// URL",
                super::text::quoted(&r.source)
            ),
        );
    }
    if !is_date(&r.verified) {
        err(
            "verified",
            format!(
                "{} is not a date (YYYY-MM-DD)",
                super::text::quoted(&r.verified)
            ),
        );
    }
    let kind = Kind::parse(&r.kind);
    if kind.is_none() {
        err(
            "kind",
            format!("{:?} is not one of image, video, audio, other", r.kind),
        );
    }

    let mut options: Vec<OptionSpec> = Vec::new();
    for (i, o) in r.options.iter().enumerate() {
        let field = format!("options[{i}]");
        match parse_option(o) {
            Ok(spec) => {
                if options.iter().any(|x| x.name == spec.name) {
                    err(&field, format!("option `{}` appears twice", spec.name));
                }
                options.push(spec);
            }
            Err((spec, msg)) => {
                err(&format!("{field} ({})", o.name), msg);
                // Still known by name, so the billing lines that use it are not reported too.
                options.extend(spec);
            }
        }
    }

    let billing = parse_billing(&r.billing, &options);
    let billing = match billing {
        Ok(b) => Some(b),
        Err(list) => {
            for (field, msg) in list {
                err(&field, msg);
            }
            None
        }
    };
    if !errors.is_empty() {
        return Err(errors);
    }
    let (Some(kind), Some(billing)) = (kind, billing) else {
        return Err(errors);
    };
    let mut model = Model {
        id,
        name: r.name,
        provider: r.provider,
        kind,
        options,
        billing,
        source: r.source,
        verified: r.verified,
        summary: String::new(),
        note: r.note,
    };
    model.summary = r
        .summary
        .unwrap_or_else(|| super::describe::summary(&model));
    Ok(model)
}

/// A real calendar date written `YYYY-MM-DD` (`2026-02-29` is not one).
pub(crate) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    let shape = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    if !shape {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|t| t.parse::<u32>().ok());
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// An option, or the problem with it (and the option itself when only its default is wrong).
fn parse_option(o: &RawOption) -> Result<OptionSpec, (Option<OptionSpec>, String)> {
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
                "default {:?} is not allowed ({})",
                o.default,
                spec.allowed()
            );
            spec.default = match &spec.domain {
                Domain::Values(v) => v.first().cloned().unwrap_or_default(),
                Domain::Range { min, .. } => min.to_string(),
            };
            Err((Some(spec), msg))
        }
    }
}

/// The option's name and domain (its default is checked by [`parse_option`]).
fn parse_domain(o: &RawOption) -> Result<OptionSpec, String> {
    if o.name.is_empty()
        || !o
            .name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        return Err(format!(
            "name {:?} must be lowercase letters, digits or _",
            o.name
        ));
    }
    if super::vocabulary::is_reserved(&o.name) {
        return Err(format!("name `{}` is reserved for the scenario", o.name));
    }
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
                        super::text::quoted(first),
                        super::text::quoted(v)
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
            return Ok(Billing::Unknown(reason.clone()));
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
            let c = o
                .check(v, k, "")
                .map_err(|_| format!("{k}={v:?} can never match ({})", o.allowed()))?;
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
    let quantity = parse_quantity(&l.quantity, options).map_err(|m| ("quantity".to_string(), m));
    let price = parse_price(&l.price, options).map_err(|m| ("price".to_string(), m));
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
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
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
    list.iter()
        .map(|x| {
            x.as_str()
                .map(str::to_string)
                .ok_or_else(|| format!("`{what}` must list option names"))
        })
        .collect()
}

fn parse_quantity(v: &Value, options: &[OptionSpec]) -> Result<Quantity, String> {
    if v.as_str() == Some("output") {
        return Ok(Quantity::Output);
    }
    let obj = v.as_object().ok_or_else(|| {
        "must be \"output\" or an object with `option`, `megapixels`, `video_tokens` or `lookup`".to_string()
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
    Err(
        "must be \"output\" or an object with `option`, `megapixels`, `video_tokens` or `lookup`"
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
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) if !a.is_empty() => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .ok_or("keys must be option names".to_string())
            })
            .collect::<Result<_, _>>()?,
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
                "key {combo:?} must have {} part(s) joined by |",
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
                    "key {combo:?}: {name}={part:?} is not allowed ({})",
                    o.allowed()
                )
            })?;
            canonical.push(c);
        }
        let text = v
            .as_str()
            .ok_or_else(|| format!("value of {combo:?} must be a decimal string"))?;
        let d = decimal_field(text).map_err(|m| format!("value of {combo:?}: {m}"))?;
        if d < Decimal::ZERO {
            return Err(format!("value of {combo:?} must not be negative"));
        }
        let key = canonical.join("|");
        if let Some(first) = written.get(&key) {
            return Err(format!(
                "keys {} and {} name the same options",
                super::text::quoted(first),
                super::text::quoted(combo)
            ));
        }
        written.insert(key.clone(), combo.clone());
        out.insert(key, d);
    }
    Ok(Table { keys, values: out })
}
