//! The catalog: models, the options they take and their billing rules.
//!
//! - [`load`](Catalog::from_json): the gencost format (documented in `README.md`, "The catalog
//!   format", and published as `www/catalog.schema.json`) and fal pricing-API responses;
//! - `model`: the one validating constructor every loader builds a [`Model`] with;
//! - `summary`: a billing rule in one line for people.
//!
//! Billing shapes are data: a rule is a list of *lines*, each a quantity (taken from the
//! options), an optional rounding, an optional included amount and a price (constant or looked
//! up by option values), plus optional multipliers on the total.

use rust_decimal::Decimal;
use std::collections::BTreeMap;

use super::money::parse_decimal;
use super::Error;

pub mod diff;
mod fal;
pub(crate) mod json;
mod load;
mod model;
mod summary;

pub use fal::{unit_counts, FAL_PRICING_API};
pub use json::too_large;
pub use json::MAX_BYTES;
pub use load::{FORMAT_NAME, FORMAT_VERSION, MAX_PROBLEMS};
pub use model::{is_date as is_calendar_date, is_endpoint_id};

/// The catalog shipped with gencost (`www/catalog.json`, embedded at build time).
pub const DEFAULT_CATALOG_JSON: &str = include_str!("../../../www/catalog.json");

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

    pub(crate) fn parse(s: &str) -> Option<Kind> {
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
    /// When the price was last checked (`YYYY-MM-DD`); `None` when the source gives no date
    /// (a model read from a pricing API's response).
    pub verified: Option<String>,
    /// The price rule in one line for people (`$0.025 per megapixel, rounded up`).
    pub summary: String,
    /// Anything a user should know (third-party figure, approximations).
    pub note: Option<String>,
    /// The sizes the model can make, when the provider limits them.
    pub size: Option<SizeRule>,
    /// When the provider shut the model down, and what replaces it.
    pub retired: Option<Retired>,
    /// Earlier prices, newest first, each with the date it ended.
    pub history: Vec<PriceChange>,
}

/// A model the provider no longer serves. Links that name it still quote, with a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retired {
    /// The date it was shut down (`YYYY-MM-DD`).
    pub date: String,
    /// The catalog id of the model that replaces it.
    pub replacement: Option<String>,
}

/// An earlier price of a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PriceChange {
    /// The last day it applied (`YYYY-MM-DD`).
    pub until: String,
    /// What it was, for people (`$0.224 per second with audio off`).
    pub was: String,
}

/// The sizes a model can make: limits on its width and height options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeRule {
    /// The width option.
    pub w: String,
    /// The height option.
    pub h: String,
    /// The smallest side, in px.
    pub min_side: Option<Decimal>,
    /// The largest side, in px.
    pub max_side: Option<Decimal>,
    /// Each side a multiple of this.
    pub multiple_of: Option<Decimal>,
    /// The most pixels in all (w x h).
    pub max_pixels: Option<Decimal>,
    /// Only these sizes (w, h), when the provider lists them.
    pub sizes: Vec<(Decimal, Decimal)>,
}

impl SizeRule {
    /// Checks a width and height against the limits: `Err` names the side at fault (its option)
    /// and the limit it breaks, for a message.
    pub fn check(&self, w: Decimal, h: Decimal) -> Result<(), (&str, String)> {
        if !self.sizes.is_empty() {
            if self.sizes.contains(&(w, h)) {
                return Ok(());
            }
            let list: Vec<String> = self
                .sizes
                .iter()
                .map(|(a, b)| format!("{}x{}", a.normalize(), b.normalize()))
                .collect();
            return Err((&self.w, format!("one of the sizes {}", list.join(", "))));
        }
        for (name, side) in [(&self.w, w), (&self.h, h)] {
            if self.min_side.is_some_and(|m| side < m) || self.max_side.is_some_and(|m| side > m) {
                return Err((name, self.sides()));
            }
            let off_grid = self
                .multiple_of
                .is_some_and(|m| side.checked_rem(m).is_none_or(|r| !r.is_zero()));
            if off_grid {
                return Err((name, self.sides()));
            }
        }
        if let Some(max) = self.max_pixels {
            if w.checked_mul(h).is_none_or(|px| px > max) {
                return Err((
                    &self.w,
                    format!(
                        "at most {} px in all (w x h)",
                        crate::engine::money::display_number(max, 0)
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The limits on each side, for messages (`256 to 2560 px, a multiple of 16`).
    fn sides(&self) -> String {
        let mut parts = Vec::new();
        match (self.min_side, self.max_side) {
            (Some(a), Some(b)) => parts.push(format!("{} to {} px", a.normalize(), b.normalize())),
            (Some(a), None) => parts.push(format!("at least {} px", a.normalize())),
            (None, Some(b)) => parts.push(format!("at most {} px", b.normalize())),
            (None, None) => {}
        }
        if let Some(m) = self.multiple_of {
            parts.push(format!("a multiple of {}", m.normalize()));
        }
        format!("each side {}", parts.join(", "))
    }
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
        /// The provider rounds the whole bill up to a multiple of this ($0.0001).
        total_round_up_to: Option<Decimal>,
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
    /// The product of options, constants and looked-up numbers, divided by a constant:
    /// Seedance 1.x video tokens = pixels(resolution, aspect) x fps x seconds / 1024.
    Product {
        /// What is multiplied.
        factors: Vec<Factor>,
        /// A divisor (pixels per token).
        divide_by: Option<Decimal>,
    },
}

/// One factor of a [`Quantity::Product`].
#[derive(Debug, Clone)]
pub enum Factor {
    /// An option's value.
    Option(String),
    /// A constant.
    Constant(Decimal),
    /// A number looked up by option values (pixels of a resolution and aspect ratio).
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

/// An accepted value: one of the listed values, or a number of a range.
enum Canonical<'a> {
    Listed(&'a str),
    Number(Decimal),
}

impl OptionSpec {
    /// Checks `value` against the domain and returns it in canonical form (`8.0` -> `8`).
    ///
    /// # Errors
    /// [`Error::InvalidValue`] naming the option and what is allowed.
    pub fn check(&self, value: &str, key: &str, model: &str) -> Result<String, Error> {
        match self.canonical(value) {
            Some(Canonical::Listed(v)) => Ok(v.to_string()),
            Some(Canonical::Number(n)) => Ok(n.normalize().to_string()),
            None => Err(Error::InvalidValue {
                key: key.to_string(),
                value: value.to_string(),
                model: Some(model.to_string()),
                allowed: self.allowed(),
            }),
        }
    }

    /// True when the option takes `value` (what [`OptionSpec::check`] accepts, without
    /// writing anything out).
    pub fn accepts(&self, value: &str) -> bool {
        self.canonical(value).is_some()
    }

    fn canonical<'a>(&'a self, value: &str) -> Option<Canonical<'a>> {
        match &self.domain {
            Domain::Values(values) => {
                let v = value.trim();
                if let Some(hit) = values.iter().find(|a| a.as_str() == v) {
                    return Some(Canonical::Listed(hit));
                }
                let num = parse_decimal(v)?;
                values
                    .iter()
                    .find(|a| parse_decimal(a) == Some(num))
                    .map(|a| Canonical::Listed(a))
            }
            Domain::Range { min, max, step } => {
                let num = parse_decimal(value)?;
                if num < *min || num > *max {
                    return None;
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
                        return None;
                    }
                }
                Some(Canonical::Number(num))
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
        for m in &models {
            let missing = m
                .retired
                .as_ref()
                .and_then(|r| r.replacement.as_deref())
                .filter(|id| !by_id.contains_key(*id) || *id == m.id);
            if let Some(id) = missing {
                errors.push(Error::field(
                    Some(&m.id),
                    "replacement",
                    format!(
                        "{} is not another model of the catalog",
                        crate::engine::text::quoted(id)
                    ),
                ));
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
