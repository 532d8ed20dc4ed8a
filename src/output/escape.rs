//! Terminal safety: a message is user data, and user data must never drive
//! the terminal. Control characters (ESC, CR, BEL, backspace, ...) and the
//! invisible bidirectional overrides are shown escaped (`\e`, `\r`,
//! `\u{202e}`) in every human view; machine formats keep the exact text.

use std::fmt;

/// Displays a string with every terminal-controlling character escaped.
#[derive(Debug, Clone, Copy)]
pub struct Escaped<'a>(pub &'a str);

impl fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(is_unsafe) {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            write_escape(f, c)?;
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// The text with unsafe characters escaped; borrowed when nothing needed it.
pub fn escape(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains(is_unsafe) {
        Escaped(text).to_string().into()
    } else {
        text.into()
    }
}

fn is_unsafe(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Characters that reorder text invisibly ("Trojan Source").
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

fn write_escape(f: &mut fmt::Formatter<'_>, c: char) -> fmt::Result {
    match c {
        '\x1b' => f.write_str("\\e"),
        '\r' => f.write_str("\\r"),
        '\n' => f.write_str("\\n"),
        '\t' => f.write_str("\\t"),
        '\x07' => f.write_str("\\a"),
        '\x08' => f.write_str("\\b"),
        '\0' => f.write_str("\\0"),
        c if (c as u32) < 0x100 => write!(f, "\\x{:02x}", c as u32),
        c => write!(f, "\\u{{{:x}}}", c as u32),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("a\x1b[31mred"), "a\\e[31mred");
        assert_eq!(escape("over\rwrite\x07\x08"), "over\\rwrite\\a\\b");
        assert_eq!(escape("two\nlines\ttab"), "two\\nlines\\ttab");
        assert_eq!(escape("\x7f\u{9b}"), "\\x7f\\x9b");
        assert_eq!(escape("abc\u{202e}cba"), "abc\\u{202e}cba");
    }

    #[test]
    fn ordinary_text_is_untouched() {
        assert!(matches!(
            escape("héllo 世界 👋 a\\b"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
