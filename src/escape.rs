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

/// The most characters of a user's text an error message quotes: enough to
/// recognise it, and a megabyte of bad input is not echoed back whole.
pub const QUOTE_CHARS: usize = 80;

/// User text as an error message quotes it: escaped like [`Escaped`], and
/// cut after [`QUOTE_CHARS`] characters, with `…`.
#[derive(Debug, Clone, Copy)]
pub struct Quoted<'a>(pub &'a str);

impl fmt::Display for Quoted<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.char_indices().nth(QUOTE_CHARS) {
            Some((at, _)) => write!(f, "{}…", Escaped(&self.0[..at])),
            None => Escaped(self.0).fmt(f),
        }
    }
}

/// Displays text of several lines with every terminal-controlling
/// character escaped but the line breaks: for a message saywhen composed
/// itself, whose lines are its own. Escaping twice changes nothing.
#[derive(Debug, Clone, Copy)]
pub struct EscapedLines<'a>(pub &'a str);

impl fmt::Display for EscapedLines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines = self.0.split('\n');
        if let Some(first) = lines.next() {
            Escaped(first).fmt(f)?;
        }
        for line in lines {
            writeln!(f)?;
            Escaped(line).fmt(f)?;
        }
        Ok(())
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

/// Whether `c` is shown escaped: a control character or a bidi override.
pub fn is_unsafe(c: char) -> bool {
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
    fn quotes_are_cut_after_80_characters() {
        let long = "é".repeat(100);
        let quoted = Quoted(&long).to_string();
        assert_eq!(quoted, format!("{}…", "é".repeat(80)));
        assert_eq!(Quoted(&"x".repeat(80)).to_string(), "x".repeat(80));
        // Cut first, then escaped: 80 characters of input, not of output.
        let control = "\x1b".repeat(100);
        assert_eq!(
            Quoted(&control).to_string(),
            format!("{}…", "\\e".repeat(80))
        );
    }

    #[test]
    fn lines_keep_their_breaks_and_nothing_else() {
        let text = "error: a\x1b]2;x\x07\n  b\u{202e}\r\n";
        let shown = EscapedLines(text).to_string();
        assert_eq!(shown, "error: a\\e]2;x\\a\n  b\\u{202e}\\r\n");
        assert_eq!(EscapedLines(&shown).to_string(), shown);
    }

    #[test]
    fn ordinary_text_is_untouched() {
        assert!(matches!(
            escape("héllo 世界 👋 a\\b"),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
