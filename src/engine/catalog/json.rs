//! A small JSON reader for catalogs, private to the catalog loader: numbers keep their exact
//! text, objects keep key order, and a key given twice in one object is an error (a catalog where
//! the last `"price"` silently wins is a catalog nobody can review). No floats anywhere.
//!
//! # Design
//! Why not serde: `serde_json` with derived `Deserialize` for the catalog's shapes cost 29 KB of
//! brotli-compressed wasm more than this reader and the hand-written field readers (measured when
//! it was replaced), and brings float parsing into the page. Outside `catalog`, nothing reads
//! JSON with it; the CLI writes JSON with `serde_json` natively.
//!
//! Objects are vectors of pairs (catalog objects are small, and order matters for messages);
//! repeated keys are found with a sorted set once an object grows past a few keys, so a hostile
//! object of 200,000 keys parses in O(n log n), not O(n^2). Text longer than [`MAX_BYTES`] is
//! refused before parsing, so memory stays proportional to a bounded input.

// Index arithmetic on a text of at most MAX_BYTES and a depth of at most 128: no sum here can
// reach usize::MAX, and a slice index past the end is a `get` that returns None. No amounts flow
// through this module (numbers stay text).
#![allow(clippy::arithmetic_side_effects)]

use std::borrow::Cow;
use std::collections::BTreeSet;

/// The largest JSON text the engine reads (4 MiB): a catalog of every model of every provider
/// fits many times over; anything larger is refused with a message, never read into memory whole.
pub const MAX_BYTES: usize = 4 * 1024 * 1024;

/// A JSON value. Its text borrows from the JSON text where it can (a string without escapes, a
/// number, a key): reading a catalog then allocates for lists and objects, not for every word.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    Null,
    Bool(bool),
    /// The number exactly as written.
    Number(Cow<'a, str>),
    String(Cow<'a, str>),
    Array(Vec<Value<'a>>),
    Object(Map<'a>),
}

/// An object, in key order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Map<'a>(Vec<(Cow<'a, str>, Value<'a>)>);

impl<'a> Map<'a> {
    pub fn get(&self, k: &str) -> Option<&Value<'a>> {
        self.0.iter().find(|(x, _)| x == k).map(|(_, v)| v)
    }
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_ref())
    }
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value<'a>)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn contains_key(&self, k: &str) -> bool {
        self.get(k).is_some()
    }
    pub fn len(&self) -> usize {
        self.0.len()
    }
    /// The pairs, taken (no copy of a key or value).
    pub fn into_pairs(self) -> Vec<(Cow<'a, str>, Value<'a>)> {
        self.0
    }
}

impl<'a> Value<'a> {
    pub fn get(&self, k: &str) -> Option<&Value<'a>> {
        self.as_object().and_then(|o| o.get(k))
    }
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_array(&self) -> Option<&Vec<Value<'a>>> {
        match self {
            Value::Array(a) => Some(a),
            _ => None,
        }
    }
    pub fn as_object(&self) -> Option<&Map<'a>> {
        match self {
            Value::Object(o) => Some(o),
            _ => None,
        }
    }
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::Number(n) => n.parse().ok(),
            _ => None,
        }
    }
    /// What it is, for messages (`a string`, `a number`...).
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "a list",
            Value::Object(_) => "an object",
        }
    }
}

/// Parses JSON text; the error names the line and column.
///
/// # Errors
/// A message for text that is not JSON, holds a key twice in one object, nests deeper than 128
/// levels, or is longer than [`MAX_BYTES`].
pub fn parse(text: &str) -> Result<Value<'_>, String> {
    if text.len() > MAX_BYTES {
        return Err(too_large(text.len()));
    }
    let mut p = P {
        s: text,
        b: text.as_bytes(),
        i: 0,
        depth: 0,
    };
    p.ws();
    let v = p.value()?;
    p.ws();
    if p.i < p.b.len() {
        return Err(p.err("trailing characters"));
    }
    Ok(v)
}

/// The message for a text of `len` bytes, over [`MAX_BYTES`].
pub fn too_large(len: usize) -> String {
    format!(
        "{} bytes is more than the {} MiB gencost reads",
        len,
        MAX_BYTES / (1024 * 1024)
    )
}

struct P<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    depth: u32,
}

impl<'a> P<'a> {
    fn err(&self, what: &str) -> String {
        let upto = &self.b[..self.i.min(self.b.len())];
        let line = upto.iter().filter(|&&c| c == b'\n').count() + 1;
        let col = upto.iter().rev().take_while(|&&c| c != b'\n').count() + 1;
        format!("{what} at line {line} column {col}")
    }
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.b.get(self.i) {
            self.i += 1;
        }
    }
    fn eat(&mut self, c: u8) -> bool {
        if self.b.get(self.i) == Some(&c) {
            self.i += 1;
            true
        } else {
            false
        }
    }
    fn lit(&mut self, s: &str, v: Value<'a>) -> Result<Value<'a>, String> {
        if self.b[self.i..].starts_with(s.as_bytes()) {
            self.i += s.len();
            Ok(v)
        } else {
            Err(self.err("expected value"))
        }
    }
    fn value(&mut self) -> Result<Value<'a>, String> {
        match self.b.get(self.i) {
            None => Err(self.err("EOF while parsing a value")),
            Some(b'n') => self.lit("null", Value::Null),
            Some(b't') => self.lit("true", Value::Bool(true)),
            Some(b'f') => self.lit("false", Value::Bool(false)),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b'[') => {
                self.nest()?;
                let mut a = Vec::new();
                self.ws();
                if !self.eat(b']') {
                    loop {
                        self.ws();
                        a.push(self.value()?);
                        self.ws();
                        if self.eat(b']') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.err("expected `,` or `]`"));
                        }
                    }
                }
                self.depth -= 1;
                Ok(Value::Array(a))
            }
            Some(b'{') => {
                self.nest()?;
                let mut m: Vec<(Cow<'a, str>, Value<'a>)> = Vec::new();
                // Keys seen, once the object is large enough for a linear scan to matter.
                let mut seen: Option<BTreeSet<Cow<'a, str>>> = None;
                self.ws();
                if !self.eat(b'}') {
                    loop {
                        self.ws();
                        if self.b.get(self.i) != Some(&b'"') {
                            return Err(self.err("key must be a string"));
                        }
                        let at = self.i;
                        let k = self.string()?;
                        let repeated = match &mut seen {
                            Some(set) => !set.insert(k.clone()),
                            None => m.iter().any(|(x, _)| *x == k),
                        };
                        if repeated {
                            self.i = at;
                            return Err(self.err(&format!(
                                "key {} appears twice in one object",
                                crate::engine::text::quoted(&k)
                            )));
                        }
                        if seen.is_none() && m.len() >= 16 {
                            // inserted one by one: collecting into a set would pull a sort into the wasm
                            let mut set = BTreeSet::new();
                            for (x, _) in &m {
                                set.insert(x.clone());
                            }
                            set.insert(k.clone());
                            seen = Some(set);
                        }
                        self.ws();
                        if !self.eat(b':') {
                            return Err(self.err("expected `:`"));
                        }
                        self.ws();
                        let v = self.value()?;
                        m.push((k, v));
                        self.ws();
                        if self.eat(b'}') {
                            break;
                        }
                        if !self.eat(b',') {
                            return Err(self.err("expected `,` or `}`"));
                        }
                    }
                }
                self.depth -= 1;
                Ok(Value::Object(Map(m)))
            }
            Some(_) => Err(self.err("expected value")),
        }
    }
    fn nest(&mut self) -> Result<(), String> {
        self.i += 1;
        self.depth += 1;
        if self.depth > 128 {
            return Err(self.err("recursion limit exceeded"));
        }
        Ok(())
    }
    fn digits(&mut self) -> usize {
        let s = self.i;
        while let Some(b'0'..=b'9') = self.b.get(self.i) {
            self.i += 1;
        }
        self.i - s
    }
    fn number(&mut self) -> Result<Value<'a>, String> {
        let s = self.i;
        self.eat(b'-');
        if self.eat(b'0') {
        } else if self.digits() == 0 {
            return Err(self.err("invalid number"));
        }
        if self.eat(b'.') && self.digits() == 0 {
            return Err(self.err("invalid number"));
        }
        if matches!(self.b.get(self.i), Some(b'e' | b'E')) {
            self.i += 1;
            if !self.eat(b'+') {
                self.eat(b'-');
            }
            if self.digits() == 0 {
                return Err(self.err("invalid number"));
            }
        }
        // ASCII only, so always a slice of the &str.
        match self.s.get(s..self.i) {
            Some(n) => Ok(Value::Number(Cow::Borrowed(n))),
            None => Err(self.err("invalid number")),
        }
    }
    fn hex4(&mut self) -> Result<u32, String> {
        let h = self
            .b
            .get(self.i..self.i + 4)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u32::from_str_radix(h, 16).ok());
        match h {
            Some(v) => {
                self.i += 4;
                Ok(v)
            }
            None => Err(self.err("invalid escape")),
        }
    }
    fn string(&mut self) -> Result<Cow<'a, str>, String> {
        self.i += 1;
        // The common case, a string without escapes: the text between the quotes, borrowed
        // (ASCII quotes are char boundaries of the &str).
        let start = self.i;
        let plain = self.b[start..]
            .iter()
            .position(|&c| c == b'"' || c == b'\\' || c < 0x20);
        if let Some(n) = plain {
            if self.b[start + n] == b'"' {
                self.i = start + n + 1;
                if let Some(text) = self.s.get(start..start + n) {
                    return Ok(Cow::Borrowed(text));
                }
                self.i = start;
            }
        }
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(&c) = self.b.get(self.i) else {
                return Err(self.err("EOF while parsing a string"));
            };
            self.i += 1;
            match c {
                b'"' => break,
                b'\\' => {
                    let Some(&e) = self.b.get(self.i) else {
                        return Err(self.err("EOF while parsing a string"));
                    };
                    self.i += 1;
                    let ch = match e {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let mut u = self.hex4()?;
                            if (0xD800..0xDC00).contains(&u) {
                                if !(self.eat(b'\\') && self.eat(b'u')) {
                                    return Err(self.err("lone leading surrogate in hex escape"));
                                }
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return Err(self.err("invalid unicode code point"));
                                }
                                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                            }
                            char::from_u32(u)
                                .ok_or_else(|| self.err("invalid unicode code point"))?
                        }
                        _ => return Err(self.err("invalid escape")),
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(ch.encode_utf8(&mut buf).as_bytes());
                }
                0..=0x1f => {
                    return Err(self
                        .err("control character (\\u0000-\\u001F) found while parsing a string"))
                }
                _ => out.push(c),
            }
        }
        // The input is a &str and escapes write valid UTF-8.
        String::from_utf8(out)
            .map(Cow::Owned)
            .map_err(|_| self.err("invalid unicode"))
    }
}

/// Reads every element of a list, or the first problem. A loop rather than
/// `collect::<Result<_, _>>()`, whose adapter costs more wasm per element type.
pub(crate) fn each<'r, 'a, T>(
    list: &'r [Value<'a>],
    read: impl Fn(&'r Value<'a>) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    let mut out = Vec::with_capacity(list.len());
    for v in list {
        out.push(read(v)?);
    }
    Ok(out)
}

/// Reads an object's fields by hand (replaces `#[derive(Deserialize)]` with
/// `deny_unknown_fields`): `Fields::new(v, &[...])?` then `req_str`/`opt_str`/...
pub struct Fields<'a, 'j>(pub &'a Map<'j>);

impl<'a, 'j> Fields<'a, 'j> {
    pub fn new(v: &'a Value<'j>, allowed: &[&str]) -> Result<Fields<'a, 'j>, String> {
        let m = v
            .as_object()
            .ok_or_else(|| format!("invalid type: {}, expected an object", v.kind()))?;
        if let Some(k) = m.keys().find(|k| !allowed.contains(k)) {
            let list: Vec<String> = allowed.iter().map(|a| format!("`{a}`")).collect();
            return Err(format!(
                "unknown field `{k}`, expected one of {}",
                list.join(", ")
            ));
        }
        Ok(Fields(m))
    }
    pub fn opt_str(&self, k: &str) -> Result<Option<String>, String> {
        match self.0.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.to_string())),
            Some(v) => Err(format!(
                "invalid type: {}, expected a string (field `{k}`)",
                v.kind()
            )),
        }
    }
    pub fn req_str(&self, k: &str) -> Result<String, String> {
        match self.0.get(k) {
            None => Err(format!("missing field `{k}`")),
            Some(Value::String(s)) => Ok(s.to_string()),
            Some(v) => Err(format!(
                "invalid type: {}, expected a string (field `{k}`)",
                v.kind()
            )),
        }
    }
    pub fn opt_list(&self, k: &str) -> Result<Option<&'a Vec<Value<'j>>>, String> {
        match self.0.get(k) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(v) => Err(format!(
                "invalid type: {}, expected a sequence (field `{k}`)",
                v.kind()
            )),
        }
    }
    pub fn opt_str_list(&self, k: &str) -> Result<Option<Vec<String>>, String> {
        match self.opt_list(k)? {
            None => Ok(None),
            Some(a) => each(a, |x| {
                x.as_str().map(str::to_string).ok_or_else(|| {
                    format!(
                        "invalid type: {}, expected a string (field `{k}`)",
                        x.kind()
                    )
                })
            })
            .map(Some),
        }
    }
    pub fn str_map(
        &self,
        k: &str,
        required: bool,
    ) -> Result<std::collections::BTreeMap<String, String>, String> {
        match self.0.get(k) {
            None if !required => Ok(Default::default()),
            None => Err(format!("missing field `{k}`")),
            Some(Value::Object(m)) => {
                // inserted one by one: collecting into a map would pull a sort into the wasm
                let mut out = std::collections::BTreeMap::new();
                for (a, b) in m {
                    let s = b.as_str().ok_or_else(|| {
                        format!(
                            "invalid type: {}, expected a string (field `{k}`)",
                            b.kind()
                        )
                    })?;
                    out.insert(a.to_string(), s.to_string());
                }
                Ok(out)
            }
            Some(v) => Err(format!(
                "invalid type: {}, expected a map (field `{k}`)",
                v.kind()
            )),
        }
    }
    pub fn req_value(&self, k: &str) -> Result<&'a Value<'j>, String> {
        self.0.get(k).ok_or_else(|| format!("missing field `{k}`"))
    }
}

impl<'a, 'j> IntoIterator for &'a Map<'j> {
    type Item = (&'a str, &'a Value<'j>);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (Cow<'j, str>, Value<'j>)>,
        fn(&'a (Cow<'j, str>, Value<'j>)) -> (&'a str, &'a Value<'j>),
    >;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod agrees_with_serde_json {
    //! The reader accepts exactly what serde_json accepts, less objects that give a key twice.
    use super::parse;
    use proptest::prelude::*;

    // ----- the engine's own JSON reader agrees with serde_json ----------------------------------

    fn json_text() -> impl Strategy<Value = String> {
        let leaf = prop_oneof![
            Just("null".to_string()),
            Just("true".to_string()),
            Just("false".to_string()),
            "-?(0|[1-9][0-9]{0,5})(\\.[0-9]{1,6})?([eE][-+]?[0-9]{1,3})?",
            "\"([a-z0-9 ]|\\\\n|\\\\\"|\\\\u00e9|é){0,8}\"",
        ];
        leaf.prop_recursive(4, 40, 5, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..5)
                    .prop_map(|v| format!("[{}]", v.join(","))),
                prop::collection::vec(("[a-z]{1,4}", inner), 0..5).prop_map(|v| format!(
                    "{{{}}}",
                    v.iter()
                        .map(|(k, x)| format!("\"{k}\": {x}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            ]
        })
    }

    /// serde_json, refusing a key given twice in one object (as the engine's reader does): a
    /// `Value` that checks its objects' keys while it is built.
    struct Strict;

    impl<'de> serde::de::Visitor<'de> for Strict {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("JSON without repeated keys")
        }
        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            Ok(())
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            Ok(())
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            Ok(())
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            Ok(())
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            Ok(())
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            Ok(())
        }
        fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            // With arbitrary_precision a number arrives as a one-key map: read keys as text.
            let mut seen = std::collections::BTreeSet::new();
            while let Some(k) = map.next_key::<String>()? {
                if !seen.insert(k.clone()) {
                    return Err(serde::de::Error::custom(format!("duplicate key {k}")));
                }
                map.next_value_seed(StrictSeed)?;
            }
            Ok(())
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
            while seq.next_element_seed(StrictSeed)?.is_some() {}
            Ok(())
        }
    }

    struct StrictSeed;

    impl<'de> serde::de::DeserializeSeed<'de> for StrictSeed {
        type Value = ();
        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(Strict)
        }
    }

    fn serde_json_strict_accepts(text: &str) -> bool {
        use serde::de::DeserializeSeed;
        let mut de = serde_json::Deserializer::from_str(text);
        StrictSeed.deserialize(&mut de).is_ok() && de.end().is_ok()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]

        #[test]
        fn json_reader_accepts_what_serde_json_accepts(text in json_text()) {
            // premise: the generated text is JSON without repeated keys
            prop_assume!(serde_json_strict_accepts(&text));
            let ours = parse(&text);
            prop_assert!(ours.is_ok(), "{text}: {:?}", ours.err());
        }

        #[test]
        fn json_reader_rejects_what_serde_json_rejects(text in json_text(), cut in 0usize..200, junk in "[\\[\\]{}\",:a-z0-9 .-]{0,2}") {
            let mut broken = text.clone();
            let at = (cut % (broken.len() + 1)).min(broken.len());
            let at = (0..=at).rev().find(|i| broken.is_char_boundary(*i)).unwrap_or(0);
            broken.insert_str(at, &junk);
            let ours = parse(&broken).is_ok();
            prop_assert_eq!(ours, serde_json_strict_accepts(&broken), "{}", broken);
        }
    }
}
