//! What changed between two catalogs: per model and line, the old and new price and the change
//! in percent; the models added and removed. `gencost catalog diff` prints it.

use rust_decimal::{Decimal, RoundingStrategy};
use std::collections::BTreeSet;

use super::{Billing, Catalog, LineRule, Model, Price};

/// One price that changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The model's id.
    pub model: String,
    /// What changed: a line's label, with the option values of a table entry
    /// (`video seconds [720p|on]`), a multiplier (`x 4k`), or `billing`.
    pub what: String,
    /// The old price (`None`: there was none, or it was unknown).
    pub old: Option<Decimal>,
    /// The new price.
    pub new: Option<Decimal>,
}

impl Change {
    /// (new - old) / old x 100, rounded to 4 places; `None` without both prices or from 0.
    pub fn change_percent(&self) -> Option<Decimal> {
        let (old, new) = (self.old?, self.new?);
        if old.is_zero() {
            return None;
        }
        new.checked_sub(old)?
            .checked_div(old)?
            .checked_mul(Decimal::ONE_HUNDRED)
            .map(|p| {
                p.round_dp_with_strategy(4, RoundingStrategy::MidpointAwayFromZero)
                    .normalize()
            })
    }
}

/// The differences between two catalogs.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CatalogDiff {
    /// Prices that changed, model by model in the new catalog's order.
    pub changed: Vec<Change>,
    /// Ids only in the new catalog.
    pub added: Vec<String>,
    /// Ids only in the old catalog.
    pub removed: Vec<String>,
}

/// The prices of a rule, by what they price (`label`, `label [key]`, `x label`).
fn prices(model: &Model) -> Vec<(String, Option<Decimal>)> {
    let mut out = Vec::new();
    match &model.billing {
        Billing::Unknown(_) => out.push(("billing".to_string(), None)),
        Billing::Rule {
            lines, multipliers, ..
        } => {
            for l in lines {
                line_prices(l, &mut out);
            }
            for m in multipliers {
                out.push((format!("x {}", m.label), Some(m.factor.normalize())));
            }
        }
    }
    out
}

fn line_prices(l: &LineRule, out: &mut Vec<(String, Option<Decimal>)>) {
    let label = match &l.when {
        w if w.is_empty() => l.label.clone(),
        w => {
            let cond: Vec<String> = w.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("{} when {}", l.label, cond.join(", "))
        }
    };
    match &l.price {
        Price::Fixed(p) => out.push((label, Some(p.normalize()))),
        Price::Table(t) => {
            for (key, p) in &t.values {
                out.push((format!("{label} [{key}]"), Some(p.normalize())));
            }
        }
    }
}

/// What changed from `old` to `new`.
pub fn diff(old: &Catalog, new: &Catalog) -> CatalogDiff {
    let mut d = CatalogDiff::default();
    let old_ids: BTreeSet<&str> = old.models().iter().map(|m| m.id.as_str()).collect();
    for m in new.models() {
        let Ok(before) = old.model(&m.id) else {
            d.added.push(m.id.clone());
            continue;
        };
        let was = prices(before);
        let now = prices(m);
        for (what, price) in &now {
            let earlier = was.iter().find(|(w, _)| w == what).map(|(_, p)| *p);
            if earlier != Some(*price) {
                d.changed.push(Change {
                    model: m.id.clone(),
                    what: what.clone(),
                    old: earlier.flatten(),
                    new: *price,
                });
            }
        }
        for (what, price) in &was {
            if !now.iter().any(|(w, _)| w == what) {
                d.changed.push(Change {
                    model: m.id.clone(),
                    what: what.clone(),
                    old: *price,
                    new: None,
                });
            }
        }
    }
    for id in old_ids {
        if new.model(id).is_err() {
            d.removed.push(id.to_string());
        }
    }
    d
}
