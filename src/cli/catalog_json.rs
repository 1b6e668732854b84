//! A model written back in the catalog format (the catalog tools write catalogs). The loader
//! reads what this writes: the test below writes every default model out and reads it again.

use serde_json::{json, Map, Value};

use crate::engine::catalog::{Billing, Domain, Factor, LineRule, Model, Price, Quantity, Table};
use crate::engine::money::exact;

fn table(t: &Table) -> (Value, Value) {
    let values: Map<String, Value> = t
        .values
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(exact(*v))))
        .collect();
    (json!(t.keys), Value::Object(values))
}

fn quantity(q: &Quantity) -> Value {
    match q {
        Quantity::Output => json!("output"),
        Quantity::Option {
            name,
            divide_by,
            times,
        } => {
            let mut o = json!({"option": name});
            if let Some(d) = divide_by {
                o["divide_by"] = json!(exact(*d));
            }
            if let Some(t) = times {
                o["times"] = json!(t);
            }
            o
        }
        Quantity::Megapixels { w, h, px_per_mp } => {
            json!({"megapixels": [w, h], "px_per_mp": exact(*px_per_mp)})
        }
        Quantity::VideoTokens {
            w,
            h,
            sec,
            fps,
            px_per_token,
        } => {
            json!({"video_tokens": [w, h, sec], "fps": exact(*fps), "px_per_token": exact(*px_per_token)})
        }
        Quantity::Lookup(t) => {
            let (keys, values) = table(t);
            json!({"lookup": keys, "values": values})
        }
        Quantity::Product { factors, divide_by } => {
            let list: Vec<Value> = factors
                .iter()
                .map(|f| match f {
                    Factor::Option(n) => json!(n),
                    Factor::Constant(c) => json!({"constant": exact(*c)}),
                    Factor::Lookup(t) => {
                        let (keys, values) = table(t);
                        json!({"lookup": keys, "values": values})
                    }
                })
                .collect();
            let mut o = json!({"product": list});
            if let Some(d) = divide_by {
                o["divide_by"] = json!(exact(*d));
            }
            o
        }
    }
}

fn line(l: &LineRule) -> Value {
    let price = match &l.price {
        Price::Fixed(p) => json!(exact(*p)),
        Price::Table(t) => {
            let (keys, values) = table(t);
            json!({"by": keys, "values": values})
        }
    };
    let mut o = json!({"label": l.label, "quantity": quantity(&l.quantity), "price": price});
    for (k, v) in [
        ("round_up_to", l.round_up_to),
        ("min", l.min),
        ("included", l.included),
    ] {
        if let Some(v) = v {
            o[k] = json!(exact(v));
        }
    }
    if l.per != rust_decimal::Decimal::ONE {
        o["per"] = json!(exact(l.per));
    }
    if !l.when.is_empty() {
        o["when"] = json!(l.when);
    }
    o
}

/// `m` in the catalog format; `verified` stands in for a model whose source gave no date.
pub fn model(m: &Model, verified: &str) -> Value {
    let options: Vec<Value> = m
        .options
        .iter()
        .map(|o| {
            let mut v = match &o.domain {
                Domain::Values(list) => json!({"name": o.name, "values": list}),
                Domain::Range { min, max, step } => {
                    let mut r = json!({"name": o.name, "min": exact(*min), "max": exact(*max)});
                    if let Some(s) = step {
                        r["step"] = json!(exact(*s));
                    }
                    r
                }
            };
            v["default"] = json!(o.default);
            if let Some(u) = &o.unit {
                v["unit"] = json!(u);
            }
            v
        })
        .collect();
    let billing = match &m.billing {
        Billing::Unknown(reason) => json!({"unknown": reason}),
        Billing::Rule {
            lines,
            multipliers,
            total_round_up_to,
        } => {
            let mut b = json!({"lines": lines.iter().map(line).collect::<Vec<_>>()});
            if !multipliers.is_empty() {
                b["multipliers"] = multipliers
                    .iter()
                    .map(|x| json!({"label": x.label, "when": x.when, "factor": exact(x.factor)}))
                    .collect();
            }
            if let Some(t) = total_round_up_to {
                b["total_round_up_to"] = json!(exact(*t));
            }
            b
        }
    };
    let mut o = json!({
        "id": m.id, "name": m.name, "provider": m.provider, "kind": m.kind.as_str(),
        "options": options, "billing": billing, "source": m.source,
        "verified": m.verified.clone().unwrap_or_else(|| verified.to_string()),
    });
    if let Some(n) = &m.note {
        o["note"] = json!(n);
    }
    if let Some(s) = &m.size {
        let mut v = json!({"of": [s.w, s.h]});
        for (k, x) in [
            ("min_side", s.min_side),
            ("max_side", s.max_side),
            ("multiple_of", s.multiple_of),
            ("max_pixels", s.max_pixels),
        ] {
            if let Some(x) = x {
                v[k] = json!(exact(x));
            }
        }
        if !s.sizes.is_empty() {
            v["sizes"] = s
                .sizes
                .iter()
                .map(|(w, h)| json!(format!("{}x{}", exact(*w), exact(*h))))
                .collect();
        }
        o["size"] = v;
    }
    if let Some(r) = &m.retired {
        o["retired"] = json!(r.date);
        if let Some(x) = &r.replacement {
            o["replacement"] = json!(x);
        }
    }
    if !m.history.is_empty() {
        o["history"] = m
            .history
            .iter()
            .map(|h| json!({"until": h.until, "was": h.was}))
            .collect();
    }
    o
}

#[cfg(test)]
mod tests {
    use crate::engine::{quote, Catalog, Scenario, Step};

    #[test]
    fn every_default_model_written_out_reads_back_the_same() {
        let c = Catalog::embedded().expect("embedded catalog");
        let models: Vec<_> = c
            .models()
            .iter()
            .map(|m| super::model(m, "2026-11-23"))
            .collect();
        // premise: there are models to write
        assert!(!models.is_empty());
        let text = serde_json::json!({"format": "gencost-catalog", "version": 1, "models": models})
            .to_string();
        let back = Catalog::from_json(&text).expect("what is written loads");
        for m in c.models() {
            let b = back.model(&m.id).expect("same ids");
            assert_eq!(b.summary, m.summary, "{}", m.id);
            let at_defaults = |cat: &Catalog| {
                quote(cat, &Scenario::single(Step::new(m.id.clone())))
                    .map(|q| q.cost_per_action)
                    .map_err(|e| e.to_string())
            };
            assert_eq!(at_defaults(&back), at_defaults(&c), "{}", m.id);
        }
    }
}
