//! A quote of one or more plans as files: JSON (the CLI's `--json`), CSV (RFC 4180) and a
//! Markdown table. The same functions serve the CLI and the page's downloads (no serde_json in
//! the browser: a small writer below).

use rust_decimal::Decimal;

use super::money::{display_usd, exact};
use super::percentiles::{budget, Budget, NoPercentiles, Percentiles, LEVELS};
use super::plans::{Blend, PlansAssessment};
use super::quote::{Generation, Priced, Quote, StepQuote};
use super::Error;

/// A JSON value, written by [`Json::write`]; objects keep their order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Json {
    /// `null`
    Null,
    /// A string.
    Str(String),
    /// A whole number.
    Int(u64),
    /// An array.
    Arr(Vec<Json>),
    /// An object, in order.
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn dec(d: Decimal) -> Json {
        Json::Str(exact(d))
    }

    fn opt(d: Option<Decimal>) -> Json {
        d.map_or(Json::Null, Json::dec)
    }

    fn text(s: &str) -> Json {
        Json::Str(s.to_string())
    }

    /// The value as compact JSON text.
    pub fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Int(n) => out.push_str(&n.to_string()),
            Json::Str(s) => write_str(s, out),
            Json::Arr(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    v.write(out);
                }
                out.push(']');
            }
            Json::Obj(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl std::fmt::Display for Json {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut s = String::new();
        self.write(&mut s);
        f.write_str(&s)
    }
}

fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// One plan, quoted, with its budget percentiles.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanExport {
    /// Its name, when given.
    pub name: Option<String>,
    /// Its share of user actions in percent, when given.
    pub mix: Option<Decimal>,
    /// Its quote.
    pub quote: Quote,
    /// Its percentiles, when every step is priced.
    pub budget: Option<Budget>,
}

/// Every plan of a link, quoted, and their blend.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// One per plan.
    pub plans: Vec<PlanExport>,
    /// The blend, when the plans have a mix.
    pub blended: Option<Blend>,
}

impl Export {
    /// The export of assessed plans without problems.
    ///
    /// # Errors
    /// The first problem, as the CLI refuses a link for.
    pub fn of(a: &PlansAssessment) -> Result<Export, Error> {
        if let Some(e) = a.all_problems().next() {
            return Err(e.clone());
        }
        let mut plans = Vec::with_capacity(a.plans.len());
        for p in &a.plans {
            let b = budget(&p.assessment.steps);
            plans.push(PlanExport {
                name: p.name.clone(),
                mix: p.mix,
                quote: Quote::of(p.assessment.clone())?,
                budget: b,
            });
        }
        Ok(Export {
            plans,
            blended: a.blended.clone().and_then(Result::ok),
        })
    }

    /// The label of plan `i` (0-based): its name, or `plan N`.
    pub fn plan_label(&self, i: usize) -> String {
        self.plans
            .get(i)
            .and_then(|p| p.name.clone())
            .unwrap_or_else(|| format!("plan {}", i.saturating_add(1)))
    }
}

fn percentiles_json(p: Option<&Result<Percentiles, NoPercentiles>>) -> Option<Json> {
    let p = p?.as_ref().ok()?;
    Some(Json::Obj(
        LEVELS
            .iter()
            .zip(p.values)
            .map(|((_, name), v)| (name.to_string(), Json::dec(v)))
            .collect(),
    ))
}

fn label_with_per(label: &str, per: Decimal) -> String {
    if per == Decimal::ONE {
        label.to_string()
    } else {
        format!("{label} (price per {})", exact(per))
    }
}

fn lines_json(g: &Generation, prefix: &str, out: &mut Vec<Json>) {
    for l in &g.lines {
        out.push(Json::Obj(vec![
            (
                "label".into(),
                Json::Str(format!("{prefix}{}", label_with_per(&l.label, l.per))),
            ),
            ("quantity".into(), Json::dec(l.quantity)),
            ("billable_quantity".into(), Json::dec(l.billable_quantity)),
            ("unit_price".into(), Json::dec(l.unit_price)),
            ("amount".into(), Json::dec(l.amount)),
        ]));
    }
}

fn step_json(st: &StepQuote, pct: Option<&Result<Percentiles, NoPercentiles>>) -> Json {
    let costs = st.costs.as_ref().ok();
    let mut m: Vec<(String, Json)> = vec![
        ("model".into(), Json::text(&st.model)),
        (
            "cost_per_generation".into(),
            Json::opt(costs.map(|c| c.cost_per_generation)),
        ),
        ("expected_attempts".into(), Json::dec(st.expected_attempts)),
        (
            "cost_per_accepted_output".into(),
            Json::opt(costs.map(|c| c.cost_per_accepted_output)),
        ),
        (
            "expected_cost_per_action".into(),
            Json::opt(costs.map(|c| c.expected_cost_per_action)),
        ),
        ("p_no_output".into(), Json::dec(st.p_no_output)),
    ];
    let mut lines = Vec::new();
    let with_fallback = st.fallback.is_some();
    if let Priced::Known(g) = &st.primary {
        lines_json(g, if with_fallback { "primary: " } else { "" }, &mut lines);
    }
    if let Some((_, Priced::Known(g))) = &st.fallback {
        lines_json(g, &format!("fallback {}: ", g.model), &mut lines);
    }
    m.push(("lines".into(), Json::Arr(lines)));
    if let Some((share, fb)) = &st.fallback {
        let model = match fb {
            Priced::Known(g) => g.model.clone(),
            Priced::Unknown { model, .. } => model.clone(),
        };
        m.push((
            "fallback".into(),
            Json::Obj(vec![
                ("model".into(), Json::Str(model)),
                ("share".into(), Json::dec(*share)),
                (
                    "primary_cost_per_generation".into(),
                    Json::opt(st.primary.cost()),
                ),
                ("fallback_cost_per_generation".into(), Json::opt(fb.cost())),
            ]),
        ));
    }
    if let Err(reason) = &st.costs {
        m.push(("unknown".into(), Json::text(reason)));
    }
    if let Some(r) = &st.retired {
        m.push(("retired".into(), Json::text(&r.date)));
    }
    if let Some(p) = percentiles_json(pct) {
        m.push(("percentiles".into(), p));
    }
    Json::Obj(m)
}

/// The fields of one quote (the one-plan `--json` shape), with percentiles when given.
pub fn quote_fields(q: &Quote, b: Option<&Budget>) -> Vec<(String, Json)> {
    let mut m: Vec<(String, Json)> = vec![
        ("currency".into(), Json::text(&q.currency)),
        ("cost_per_action".into(), Json::opt(q.cost_per_action)),
        ("actions_per_dollar".into(), Json::opt(q.actions_per_dollar)),
        ("monthly".into(), Json::opt(q.monthly)),
        (
            "steps".into(),
            Json::Arr(
                q.steps
                    .iter()
                    .enumerate()
                    .map(|(i, st)| step_json(st, b.and_then(|b| b.steps.get(i))))
                    .collect(),
            ),
        ),
    ];
    if let Some(reason) = q.unknown_reason() {
        m.push(("unknown".into(), Json::Str(reason)));
    }
    if let Some(p) = percentiles_json(b.map(|b| &b.action)) {
        m.push(("percentiles".into(), p));
    }
    m
}

/// The export as JSON: one plan in the quote's own shape; several as
/// `{"currency","plans":[{"name","mix",...}],"blended":{..}|null}`.
pub fn to_json(e: &Export) -> Json {
    if let [one] = e.plans.as_slice() {
        return Json::Obj(quote_fields(&one.quote, one.budget.as_ref()));
    }
    let currency = e
        .plans
        .first()
        .map_or_else(|| "USD".to_string(), |p| p.quote.currency.clone());
    let plans = e
        .plans
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut m = vec![
                ("name".into(), Json::Str(e.plan_label(i))),
                ("mix".into(), Json::opt(p.mix)),
            ];
            m.extend(quote_fields(&p.quote, p.budget.as_ref()));
            Json::Obj(m)
        })
        .collect();
    let blended = e.blended.as_ref().map_or(Json::Null, |b| {
        Json::Obj(vec![
            ("cost_per_action".into(), Json::dec(b.cost_per_action)),
            ("actions_per_dollar".into(), Json::opt(b.actions_per_dollar)),
            ("monthly".into(), Json::opt(b.monthly)),
        ])
    });
    Json::Obj(vec![
        ("currency".into(), Json::Str(currency)),
        ("plans".into(), Json::Arr(plans)),
        ("blended".into(), blended),
    ])
}

/// One CSV field (RFC 4180): quoted when it holds a comma, quote or line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The header of [`to_csv`].
pub const CSV_HEADER: &str = "plan,step,model,item,quantity,billable_quantity,unit_price,amount";

/// The export as CSV (RFC 4180, CRLF line ends): one row per line item of one generation
/// (a fallback's too), and for each plan a last row `cost per action` with its amount.
///
/// # Examples
/// ```
/// use gencost::engine::{export, plans, Catalog};
/// let catalog = Catalog::embedded()?;
/// let a = plans::assess_plans(&catalog, &plans::read_plans("model=fal-ai/flux/dev&w=1024&h=768", &[]));
/// let csv = export::to_csv(&export::Export::of(&a)?);
/// // 1024 x 768 = 0.75 MP, rounded up to 1 MP x $0.025.
/// assert!(csv.contains("plan 1,1,fal-ai/flux/dev,output megapixels,0.75,1,0.025,0.025\r\n"));
/// assert!(csv.ends_with("plan 1,,,cost per action,,,,0.025\r\n"));
/// # Ok::<(), gencost::engine::Error>(())
/// ```
pub fn to_csv(e: &Export) -> String {
    let mut out = String::from(CSV_HEADER);
    out.push_str("\r\n");
    let mut row = |cells: [&str; 8]| {
        let joined: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
        out.push_str(&joined.join(","));
        out.push_str("\r\n");
    };
    for (i, p) in e.plans.iter().enumerate() {
        let plan = e.plan_label(i);
        for (s, st) in p.quote.steps.iter().enumerate() {
            let step = s.saturating_add(1).to_string();
            let bills = std::iter::once(&st.primary).chain(st.fallback.as_ref().map(|f| &f.1));
            for bill in bills {
                let Priced::Known(g) = bill else { continue };
                for l in &g.lines {
                    row([
                        &plan,
                        &step,
                        &g.model,
                        &label_with_per(&l.label, l.per),
                        &exact(l.quantity),
                        &exact(l.billable_quantity),
                        &exact(l.unit_price),
                        &exact(l.amount),
                    ]);
                }
            }
        }
        let total = p.quote.cost_per_action.map(exact).unwrap_or_default();
        row([&plan, "", "", "cost per action", "", "", "", &total]);
    }
    out
}

fn md_cell(s: &str) -> String {
    super::text::printable(s).replace('|', "\\|")
}

/// The export as a Markdown table a person pastes into a design doc: one row per step, a row
/// per plan's cost per action and budget, and the blend.
pub fn to_markdown(e: &Export) -> String {
    let mut out = String::from(
        "| Plan | Step | Model | Per generation | Expected attempts | Per action | p50 | p90 | p95 | p99 |\n|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    let usd = |d: Option<Decimal>| d.map_or_else(|| "price unknown".to_string(), display_usd);
    let pct = |p: Option<&Result<Percentiles, NoPercentiles>>| -> [String; 4] {
        match p.and_then(|r| r.as_ref().ok()) {
            Some(p) => p.values.map(display_usd),
            None => std::array::from_fn(|_| "–".to_string()),
        }
    };
    for (i, p) in e.plans.iter().enumerate() {
        let plan = md_cell(&e.plan_label(i));
        for (s, st) in p.quote.steps.iter().enumerate() {
            let costs = st.costs.as_ref().ok();
            let [p50, p90, p95, p99] = pct(p.budget.as_ref().and_then(|b| b.steps.get(s)));
            out.push_str(&format!(
                "| {plan} | {} | {} | {} | {} | {} | {p50} | {p90} | {p95} | {p99} |\n",
                s.saturating_add(1),
                md_cell(&st.model),
                usd(costs.map(|c| c.cost_per_generation)),
                exact(st.expected_attempts.round_dp(4).normalize()),
                usd(costs.map(|c| c.expected_cost_per_action)),
            ));
        }
        let [p50, p90, p95, p99] = pct(p.budget.as_ref().map(|b| &b.action));
        let mix = p
            .mix
            .map(|m| format!(" ({} % of actions)", m.normalize()))
            .unwrap_or_default();
        let monthly = p
            .quote
            .monthly
            .map(|m| format!("; {} a month", display_usd(m)))
            .unwrap_or_default();
        out.push_str(&format!(
            "| **{plan}**{mix} | | **cost per action**{monthly} | | | **{}** | {p50} | {p90} | {p95} | {p99} |\n",
            usd(p.quote.cost_per_action),
        ));
    }
    if let Some(b) = &e.blended {
        let monthly = b
            .monthly
            .map(|m| format!("; {} a month", display_usd(m)))
            .unwrap_or_default();
        out.push_str(&format!(
            "| **blended** | | **cost per action**{monthly} | | | **{}** | | | | |\n",
            display_usd(b.cost_per_action)
        ));
    }
    out
}

fn strings(list: impl IntoIterator<Item = String>) -> Json {
    Json::Arr(list.into_iter().map(Json::Str).collect())
}

fn opt_text(s: Option<&String>) -> Json {
    s.map_or(Json::Null, |x| Json::Str(x.clone()))
}

/// Every model of a catalog as JSON (`gencost models --json`, the JS module's `models()`):
/// `[{"id","name","provider","kind","rule","options","source","verified","retired","replacement","history"}]`.
pub fn models_json(catalog: &super::Catalog) -> Json {
    Json::Arr(
        catalog
            .models()
            .iter()
            .map(|m| {
                Json::Obj(vec![
                    ("id".into(), Json::text(&m.id)),
                    ("name".into(), Json::text(&m.name)),
                    ("provider".into(), Json::text(&m.provider)),
                    ("kind".into(), Json::text(m.kind.as_str())),
                    ("rule".into(), Json::text(&m.summary)),
                    (
                        "options".into(),
                        strings(m.options.iter().map(|o| o.name.clone())),
                    ),
                    ("source".into(), Json::text(&m.source)),
                    ("verified".into(), opt_text(m.verified.as_ref())),
                    (
                        "retired".into(),
                        opt_text(m.retired.as_ref().map(|r| &r.date)),
                    ),
                    (
                        "replacement".into(),
                        opt_text(m.retired.as_ref().and_then(|r| r.replacement.as_ref())),
                    ),
                    (
                        "history".into(),
                        Json::Arr(
                            m.history
                                .iter()
                                .map(|h| {
                                    Json::Obj(vec![
                                        ("until".into(), Json::text(&h.until)),
                                        ("was".into(), Json::text(&h.was)),
                                    ])
                                })
                                .collect(),
                        ),
                    ),
                ])
            })
            .collect(),
    )
}

fn options_json(options: &std::collections::BTreeMap<String, String>) -> Json {
    Json::Obj(
        options
            .iter()
            .map(|(k, v)| (k.clone(), Json::Str(v.clone())))
            .collect(),
    )
}

/// A step's alternatives as JSON (`gencost compare --json`, the JS module's `compare()`).
pub fn comparison_json(c: &super::compare::Comparison) -> Json {
    let alternatives = c
        .alternatives
        .iter()
        .map(|a| {
            Json::Obj(vec![
                ("model".into(), Json::text(&a.model)),
                ("name".into(), Json::text(&a.name)),
                ("provider".into(), Json::text(&a.provider)),
                (
                    "cost_per_generation".into(),
                    Json::dec(a.cost_per_generation),
                ),
                (
                    "expected_cost_per_action".into(),
                    Json::dec(a.expected_cost_per_action),
                ),
                ("ratio".into(), Json::opt(a.ratio)),
                ("options".into(), options_json(&a.options)),
                ("adjusted".into(), strings(a.adjusted.iter().cloned())),
            ])
        })
        .collect();
    let incompatible = c
        .incompatible
        .iter()
        .map(|i| {
            Json::Obj(vec![
                ("model".into(), Json::text(&i.model)),
                ("reason".into(), Json::text(&i.reason)),
            ])
        })
        .collect();
    Json::Obj(vec![
        ("step".into(), Json::Int(c.step as u64)),
        ("model".into(), Json::text(&c.model)),
        ("alternatives".into(), Json::Arr(alternatives)),
        ("incompatible".into(), Json::Arr(incompatible)),
    ])
}

/// One generation's bill as JSON (the JS module's `price()`):
/// `{"model","options":{..},"lines":[{"label","quantity","billable_quantity","unit_price","amount"}],"cost"}`.
pub fn generation_json(g: &Generation) -> Json {
    let mut lines = Vec::new();
    lines_json(g, "", &mut lines);
    Json::Obj(vec![
        ("model".into(), Json::text(&g.model)),
        ("options".into(), options_json(&g.options)),
        ("lines".into(), Json::Arr(lines)),
        ("cost".into(), Json::dec(g.cost)),
    ])
}
