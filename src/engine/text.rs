//! Text from outside (a link, a catalog, a log) made safe to show: control characters escaped,
//! long values shortened. Every message and every line of text output that carries such text
//! goes through here, so a catalog label cannot hide the rest of a terminal's output (`\e[8m`),
//! write the clipboard (OSC 52) or clear the screen, and a 130 KB value is not echoed whole.

use std::borrow::Cow;
use std::fmt::Write;

/// The most characters of a value a message shows.
pub const SHOWN_CHARS: usize = 80;

/// True for characters that a terminal may act on instead of showing: C0 and C1 controls, DEL,
/// and the bidirectional overrides that can reorder what a reader sees.
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with every control character written as an escape (`\u{1b}`), newlines included.
pub fn printable(text: &str) -> Cow<'_, str> {
    escape(text, is_unsafe)
}

/// `text` with every character `unsafe_char` picks written as an escape.
fn escape(text: &str, unsafe_char: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !text.chars().any(&unsafe_char) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().saturating_add(8));
    for c in text.chars() {
        if unsafe_char(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// [`printable`], and at most [`SHOWN_CHARS`] characters: a longer text ends with
/// `… (N characters)`.
pub fn shown(text: &str) -> String {
    let count = text.chars().count();
    if count <= SHOWN_CHARS {
        return printable(text).into_owned();
    }
    let head: String = text.chars().take(SHOWN_CHARS).collect();
    format!("{}… ({count} characters)", printable(&head))
}

/// [`shown`] in double quotes, as a message quotes a value (`"7"`).
pub fn quoted(text: &str) -> String {
    format!("\"{}\"", shown(text).replace('"', "\\\""))
}

/// Output for a terminal: every control character escaped except line breaks and tabs, which are
/// the output's own layout. The last guard of the CLI; data is escaped where it is written too.
pub fn for_terminal(text: &str) -> Cow<'_, str> {
    escape(text, |c| is_unsafe(c) && c != '\n' && c != '\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_a_terminal_would_act_on() {
        assert_eq!(printable("flux"), "flux");
        assert_eq!(printable("a\u{1b}[8mb"), "a\\u{1b}[8mb");
        assert_eq!(printable("x\ny"), "x\\u{a}y");
        assert_eq!(printable("\u{9b}2J"), "\\u{9b}2J");
        assert_eq!(printable("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(
            for_terminal("line 1\nline\u{7}2\t."),
            "line 1\nline\\u{7}2\t."
        );
    }

    #[test]
    fn shortens_long_values() {
        let long = "9".repeat(130_000);
        let s = shown(&long);
        assert!(s.starts_with(&"9".repeat(SHOWN_CHARS)));
        assert!(s.ends_with("… (130000 characters)"));
        assert_eq!(quoted("a\"b"), "\"a\\\"b\"");
    }
}
