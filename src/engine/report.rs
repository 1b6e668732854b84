//! A quote as JSON (full precision, decimal strings) and as text with its arithmetic.

use rust_decimal::Decimal;

use super::assess::StepOutcome;
use super::money::{
    approx_number, display_number, display_percent, display_usd, equals_number, equals_percent,
    exact,
};
use super::quote::{Generation, LineItem, Priced, Quote};
use super::text::printable;

#[cfg(not(target_arch = "wasm32"))]
/// The quote as the CLI's `--json` shape: every amount a decimal string at full precision.
///
/// # Examples
/// ```
/// use gencost::engine::{parse_query, quote, report, Catalog};
/// let q = quote(&Catalog::embedded()?, &parse_query("model=fal-ai/veo3&sec=8&audio=on")?)?;
/// // 8 s x $0.40 per second with audio
/// assert_eq!(report::to_json(&q)["cost_per_action"], "3.2");
/// # Ok::<(), gencost::engine::Error>(())
/// ```
pub fn to_json(q: &Quote) -> serde_json::Value {
    let text = super::export::Json::Obj(super::export::quote_fields(q, None)).to_string();
    // The writer's own output: always valid JSON.
    serde_json::from_str(&text).unwrap_or(serde_json::Value::Null)
}

/// How [`arithmetic`] and [`explain`] write their operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Symbols {
    /// `0.75 -> 1 x $0.025 = $0.025`, `1 / (1 - 0.2)`, `~1.005`: for terminals.
    Ascii,
    /// `0.75 → 1 × $0.025 = $0.025`, `1 / (1 − 0.2)`, `≈1.005`: for the page.
    Typographic,
}

struct Signs {
    arrow: &'static str,
    times: &'static str,
    minus: &'static str,
    approx: &'static str,
}

impl Symbols {
    fn signs(self) -> Signs {
        match self {
            Symbols::Ascii => Signs {
                arrow: "->",
                times: "x",
                minus: "-",
                approx: "~",
            },
            Symbols::Typographic => Signs {
                arrow: "→",
                times: "×",
                minus: "−",
                approx: "≈",
            },
        }
    }
}

/// A line item's arithmetic: quantity (and billable quantity after rounding), unit price, the
/// number of units the price is for, and the amount, every figure exact.
pub fn arithmetic(l: &LineItem, symbols: Symbols) -> String {
    let Signs { arrow, times, .. } = symbols.signs();
    let qty = if l.quantity == l.billable_quantity {
        exact(l.quantity)
    } else {
        format!(
            "{} {arrow} {}",
            exact(l.quantity),
            exact(l.billable_quantity)
        )
    };
    let per = if l.per == Decimal::ONE {
        String::new()
    } else {
        format!(" / {}", exact(l.per))
    };
    format!(
        "{qty} {times} ${}{per} = ${}",
        exact(l.unit_price),
        exact(l.amount)
    )
}

/// How a step's figures follow from its bill, one line each (`label: formula`): the retry
/// maths, the failover blend, the cost per accepted output and per action. As far as the step's
/// right fields allow: a step with a wrong `n` still explains its attempts. The CLI prints these
/// lines with [`Symbols::Ascii`], the page with [`Symbols::Typographic`].
pub fn explain(s: &StepOutcome, symbols: Symbols) -> Vec<String> {
    let Signs {
        times,
        minus,
        approx,
        ..
    } = symbols.signs();
    let mut out = Vec::new();
    if let Some(a) = &s.attempts {
        let r = exact(a.rejection_rate);
        let formula = match a.max_attempts {
            Some(k) => format!(
                "(1 {minus} {r}^{k}) / (1 {minus} {r}) {}; chance of no accepted output r^{k} {}",
                equals_number(a.expected, 6, s.exact, approx),
                equals_percent(a.p_no_output),
            ),
            None => format!(
                "1 / (1 {minus} {r}) {}",
                equals_number(a.expected, 6, s.exact, approx)
            ),
        };
        out.push(format!(
            "rejection rate {}: expected attempts per output {formula}",
            display_percent(a.rejection_rate)
        ));
    }
    match &s.cost_per_generation {
        Some(Ok(c)) => {
            match (&s.primary, &s.fallback) {
                (Some(p), Some((share, fb))) => {
                    if let (Some(pc), Some(fc)) = (p.cost(), fb.cost()) {
                        out.push(format!(
                            "cost per generation: (1 {minus} {sh}) {times} ${} + {sh} {times} ${} = {}",
                            exact(pc),
                            exact(fc),
                            display_usd(*c),
                            sh = exact(*share)
                        ));
                    }
                }
                _ => out.push(format!("cost per generation: {}", display_usd(*c))),
            }
            if let (Some(a), Some(acc)) = (&s.attempts, s.cost_per_accepted_output) {
                out.push(format!(
                    "cost per accepted output: ${} / (1 {minus} {}) = {}",
                    exact(*c),
                    exact(a.rejection_rate),
                    display_usd(acc)
                ));
            }
            if let (Some(a), Some(n), Some(action)) = (&s.attempts, s.n, s.expected_cost_per_action)
            {
                out.push(format!(
                    "expected cost per action: {n} {times} ${} {times} {} = {}",
                    exact(*c),
                    approx_number(a.expected, 6, s.exact, approx),
                    display_usd(action)
                ));
            }
        }
        Some(Err(reason)) => out.push(format!("cost: price unknown ({})", printable(reason))),
        None => {}
    }
    out
}

fn generation_text(g: &Generation, indent: &str, out: &mut String) {
    if !g.options.is_empty() {
        let opts: Vec<String> = g
            .options
            .iter()
            .map(|(k, v)| format!("{k}={}", printable(v)))
            .collect();
        out.push_str(&format!("{indent}options: {}\n", opts.join(" ")));
    }
    for l in &g.lines {
        out.push_str(&format!(
            "{indent}{}: {}\n",
            printable(&l.label),
            arithmetic(l, Symbols::Ascii)
        ));
    }
}

/// The quote for people, with the arithmetic of every figure.
///
/// # Examples
/// ```
/// use gencost::engine::{parse_query, quote, report, Catalog};
/// let q = quote(&Catalog::embedded()?, &parse_query("model=fal-ai/flux/dev&retry=20")?)?;
/// let text = report::to_text(&q);
/// assert!(text.contains("expected attempts per output 1 / (1 - 0.2) = 1.25"));
/// assert!(text.contains("cost per action: $0.03125 (exact 0.03125)"));
/// # Ok::<(), gencost::engine::Error>(())
/// ```
pub fn to_text(q: &Quote) -> String {
    let mut out = String::new();
    for (i, st) in q.steps.iter().enumerate() {
        out.push_str(&format!(
            "step {}: {}\n",
            i.saturating_add(1),
            printable(&st.model)
        ));
        match &st.primary {
            Priced::Known(g) => generation_text(g, "  ", &mut out),
            Priced::Unknown { reason, .. } => {
                out.push_str(&format!("  price unknown: {}\n", printable(reason)))
            }
        }
        if let Some((share, fb)) = &st.fallback {
            match fb {
                Priced::Known(g) => {
                    out.push_str(&format!(
                        "  fallback {} serves {} of generations:\n",
                        printable(&g.model),
                        display_percent(*share)
                    ));
                    generation_text(g, "    ", &mut out);
                }
                Priced::Unknown { model, reason } => {
                    out.push_str(&format!(
                        "  fallback {}: price unknown: {}\n",
                        printable(model),
                        printable(reason)
                    ));
                }
            }
        }
        for line in explain(&st.outcome(), Symbols::Ascii) {
            out.push_str(&format!("  {line}\n"));
        }
    }
    match q.cost_per_action {
        Some(total) => {
            if q.exact {
                out.push_str(&format!(
                    "cost per action: {} (exact {})\n",
                    display_usd(total),
                    exact(total)
                ));
            } else {
                out.push_str(&format!(
                    "cost per action: {} (~{}, a quotient rounded at 28 significant digits on the way)\n",
                    display_usd(total),
                    exact(total)
                ));
            }
            match q.actions_per_dollar {
                Some(a) => out.push_str(&format!("actions per $1: {}\n", display_number(a, 2))),
                None => out.push_str("actions per $1: unlimited (the action costs nothing)\n"),
            }
            if let (Some(m), Some(a)) = (q.monthly, q.actions_per_month) {
                out.push_str(&format!(
                    "monthly: {} actions x {} = {}\n",
                    display_number(a, 2),
                    display_usd(total),
                    display_usd(m)
                ));
            }
        }
        None => out.push_str(&format!(
            "cost per action: price unknown ({})\n",
            printable(&q.unknown_reason().unwrap_or_default())
        )),
    }
    out
}

/// The budget percentiles as text, with the sentence that says what to budget.
pub fn budget_text(b: &crate::engine::percentiles::Budget, mean: Decimal) -> String {
    match &b.action {
        Ok(p) => {
            let mut out = format!(
                "budget: p50 {}, p90 {}, p95 {}, p99 {} per action\n",
                display_usd(p.values[0]),
                display_usd(p.values[1]),
                display_usd(p.values[2]),
                display_usd(p.values[3]),
            );
            out.push_str(&budget_sentence(p, mean));
            out.push('\n');
            out
        }
        Err(why) => format!("budget: {why}\n"),
    }
}

/// What to budget, in one sentence: the expected cost, and what covers 95 % and 99 % of
/// actions (with the cut or merge said when there was one).
pub fn budget_sentence(p: &crate::engine::percentiles::Percentiles, mean: Decimal) -> String {
    let mut s = format!(
        "Expect {} per action on average; budget {} to cover 95 % of user actions and {} for 99 %.",
        display_usd(mean),
        display_usd(p.values[2]),
        display_usd(p.values[3]),
    );
    if p.merged {
        s.push_str(" (Neighbouring costs were merged upward: the percentiles may be a little high, never low.)");
    } else if p.cut > 0.0 {
        s.push_str(" (Outcomes rarer than 1 in 10^12 in all were left out.)");
    }
    s
}
