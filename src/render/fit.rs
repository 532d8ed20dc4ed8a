//! Fitting the human view to the width ([`Style::width`]): how many columns
//! a text takes on a terminal, cutting a text to a width, wrapping prose on
//! words, and tables that are never wider than the width. Every line of the
//! human view goes through one of these, so a view added later fits too by
//! using them.
//!
//! Width is counted by grapheme cluster (unicode-segmentation), each one
//! measured as a terminal draws it (unicode-width): `👨‍👩‍👧` is one cluster
//! two columns wide, not three emoji of two, and a cut never parts a letter
//! from its accent or a family from its members.
//!
//! User text is escaped as it is cut ([`escape`]), so what is measured is
//! what is shown; and cutting reads only as much of a text as it shows, so
//! a 20 MB message costs the human view what a short one does.

use std::borrow::Cow;
use std::io::{self, Write};

use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use crate::escape::escape;
use crate::render::style::Style;

/// Columns `text` takes on a terminal. For text that is shown as it is:
/// saywhen's own, or what [`cut`] returned.
pub fn width(text: &str) -> usize {
    if plain(text) {
        return text.len();
    }
    text.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// Whether `text` is printable ASCII only (spaces included): shown as it
/// is, a column a byte.
///
/// Note: eight bytes at a time (every live line asks it of its message).
/// In a word whose bytes are all below 0x80, a byte below 0x20 sets its
/// top bit when 0x20 is taken from each byte, and 0x7F alone sets it when
/// 1 is added; no borrow or carry crosses a byte that passes.
fn plain(text: &str) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const TOP: u64 = ONES * 0x80;
    let fails =
        |word: u64| (word | word.wrapping_sub(ONES * 0x20) | word.wrapping_add(ONES)) & TOP != 0;
    let word = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8]));
    let bytes = text.as_bytes();
    let Some(last) = bytes.len().checked_sub(8) else {
        return bytes.iter().all(|b| matches!(b, b' '..=b'~'));
    };
    // Whole words, then the last eight bytes (which may overlap them).
    !bytes.chunks_exact(8).any(|w| fails(word(w))) && !fails(word(&bytes[last..]))
}

/// `text` as the human view shows it: escaped, and cut to at most `max`
/// columns, ending with the style's ellipsis (`…`, `...` in ASCII) when
/// something was cut.
pub fn cut(text: &str, max: usize, style: &Style) -> String {
    cut_borrowed(text, max, style).into_owned()
}

/// [`cut`], borrowing `text` when it is shown as it is (plain ASCII that
/// fits): what a live line needs, a million times in a burst.
pub fn cut_borrowed<'t>(text: &'t str, max: usize, style: &Style) -> Cow<'t, str> {
    if text.len() <= max && plain(text) {
        return Cow::Borrowed(text);
    }
    let ellipsis = Some(style.ellipsis())
        .filter(|e| width(e) <= max)
        .unwrap_or_default();
    let room = max - width(ellipsis);
    let mut shown = String::new();
    let (mut used, mut within_room) = (0, 0);
    for grapheme in text.graphemes(true) {
        let grapheme = escape(grapheme);
        let columns = grapheme.width();
        if used + columns > max {
            shown.truncate(within_room);
            shown.push_str(ellipsis);
            return Cow::Owned(shown);
        }
        shown.push_str(&grapheme);
        used += columns;
        if used <= room {
            within_room = shown.len();
        }
    }
    Cow::Owned(shown)
}

/// `text` cut (as by [`cut`]) or padded with spaces to exactly `columns`.
pub fn pad(text: &str, columns: usize, style: &Style) -> String {
    let mut shown = cut(text, columns, style);
    let used = width(&shown);
    shown.extend(std::iter::repeat_n(' ', columns.saturating_sub(used)));
    shown
}

/// saywhen's own prose broken into lines of at most `columns`, at spaces;
/// a word longer than a line is broken between two graphemes.
pub fn wrap(text: &str, columns: usize) -> Vec<String> {
    let columns = columns.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut used = 0;
    for word in text.split(' ').filter(|word| !word.is_empty()) {
        let word_width = width(word);
        if used > 0 && used + 1 + word_width <= columns {
            line.push(' ');
            line.push_str(word);
            used += 1 + word_width;
            continue;
        }
        if used > 0 {
            lines.push(std::mem::take(&mut line));
            used = 0;
        }
        for grapheme in word.graphemes(true) {
            let grapheme_width = grapheme.width();
            if used > 0 && used + grapheme_width > columns {
                lines.push(std::mem::take(&mut line));
                used = 0;
            }
            line.push_str(grapheme);
            used += grapheme_width;
        }
    }
    if used > 0 || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// Writes `text` wrapped (see [`wrap`]) to the style's width, each line
/// through `paint` (which may colour it, but must not change its width).
pub fn write_wrapped(
    out: &mut dyn Write,
    text: &str,
    style: &Style,
    paint: impl Fn(&str) -> String,
) -> io::Result<()> {
    for line in wrap(text, style.width) {
        writeln!(out, "{}", paint(&line))?;
    }
    Ok(())
}

/// How a table's columns give way when it is wider than the width. Cells
/// wrap on words first (comfy-table's dynamic arrangement); then these.
#[derive(Debug, Clone, Default)]
pub struct Give {
    /// A column of user text, whose cells are cut to one line (with an
    /// ellipsis) rather than wrapped: as wide as the other columns leave
    /// it, and no narrower than [`SHORTEST_CUT`].
    pub cut: Option<usize>,
    /// Columns that may be left out, the first first, when the table
    /// cannot fit otherwise.
    pub optional: Vec<usize>,
    /// Columns whose cells never wrap: values such as `2s ± 0s`, which
    /// read wrong across two lines.
    pub whole: Vec<usize>,
}

/// A column of user text is never cut narrower than this (unless all of it
/// is narrower): fewer columns than this say too little of a message.
pub const SHORTEST_CUT: usize = 8;

/// A laid-out table no wider than the style's width, with the titles of
/// the columns it had to leave out.
#[derive(Debug)]
pub struct Fitted {
    pub table: Table,
    left_out: Vec<String>,
    width: usize,
    padding: usize,
}

impl Fitted {
    /// Spaces between a cell's text and its borders, on each side.
    pub fn padding(&self) -> usize {
        self.padding
    }

    /// Writes the table, then the note saying which columns were left out.
    pub fn write(&self, style: &Style, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{}", self.table)?;
        self.write_note(style, out)
    }

    /// Writes which columns were left out to fit, if any.
    pub fn write_note(&self, style: &Style, out: &mut dyn Write) -> io::Result<()> {
        if self.left_out.is_empty() {
            return Ok(());
        }
        let note = format!(
            "({} left out to fit {} columns)",
            self.left_out.join(", "),
            self.width
        );
        write_wrapped(out, &note, style, |line| {
            style.paint(style.dim(), line).to_string()
        })
    }
}

/// Padding inside each column, left and right.
const PADDING: usize = 2;

/// Lays `header` and `rows` (plain text in the style's alphabet) out as a
/// table no wider than the style's width, giving way as `give` says: the
/// widths are decided here, comfy-table wraps each cell to its column's
/// (on words: no column is narrower than its longest word). The
/// cells of a cut column are replaced, in `rows`, by what the table shows.
/// An empty `header` draws none.
pub fn table(style: &Style, header: &[String], rows: &mut [Vec<String>], give: &Give) -> Fitted {
    let columns = rows
        .iter()
        .map(Vec::len)
        .chain([header.len()])
        .max()
        .unwrap_or(0);
    if let Some(column) = give.cut {
        // First cut to the whole width: from here on, a cell of any length
        // costs what a line does.
        for row in rows.iter_mut() {
            if let Some(cell) = row.get_mut(column) {
                *cell = cut(cell, style.width, style);
            }
        }
    }
    let cells = |column: usize| {
        header
            .get(column)
            .into_iter()
            .chain(rows.iter().filter_map(move |row| row.get(column)))
            .flat_map(|cell| cell.lines())
    };
    let natural: Vec<usize> = (0..columns)
        .map(|c| cells(c).map(width).max().unwrap_or(0))
        .collect();
    let header_width = |c: usize| header.get(c).map_or(0, |title| width(title));
    let longest_word = |c: usize| {
        cells(c)
            .flat_map(|line| line.split(' '))
            .map(width)
            .max()
            .unwrap_or(0)
    };
    let shortest: Vec<usize> = (0..columns)
        .map(|c| match give.cut {
            Some(cut) if cut == c => natural[c].min(SHORTEST_CUT.max(header_width(c))),
            _ if give.whole.contains(&c) => natural[c],
            _ => longest_word(c),
        })
        .collect();
    // Borders: one left of each shown column, and the right edge.
    let table_width = |shown: &[bool], widths: &[usize], padding: usize| {
        let shown: Vec<usize> = (0..columns).filter(|&c| shown[c]).collect();
        1 + shown
            .iter()
            .map(|&c| widths[c] + padding + 1)
            .sum::<usize>()
    };
    let mut shown = vec![true; columns];
    let mut left_out = Vec::new();
    for &column in &give.optional {
        if table_width(&shown, &shortest, PADDING) <= style.width {
            break;
        }
        if let Some(show) = shown.get_mut(column) {
            *show = false;
            left_out.push(header.get(column).cloned().unwrap_or_default());
        }
    }
    // The last resort: no padding, rather than a table wider than the width.
    let padding = match table_width(&shown, &shortest, PADDING) <= style.width {
        true => PADDING,
        false => 0,
    };
    // The cut column gives way first (a cut costs no lines), a column at
    // a time; then the widest, wrapping its cells on words one column
    // narrower, so it takes only what its wrapped lines need. No column
    // goes below its longest word (prose wraps before a number would), a
    // whole one below its widest cell; only when that cannot fit do whole
    // columns wrap on words, and, at the very last, words break.
    let mut widths = natural.clone();
    let words: Vec<usize> = (0..columns)
        .map(|c| shortest[c].min(longest_word(c).max(1)))
        .collect();
    for floor in [shortest.clone(), words, vec![1; columns]] {
        while table_width(&shown, &widths, padding) > style.width {
            let widest = (0..columns)
                .filter(|&c| shown[c] && widths[c] > floor[c])
                .max_by_key(|&c| (give.cut == Some(c), widths[c], std::cmp::Reverse(c)));
            let Some(c) = widest else { break };
            widths[c] = match give.cut == Some(c) {
                true => widths[c] - 1,
                false => cells(c)
                    .flat_map(|line| wrap(line, widths[c] - 1))
                    .map(|line| width(&line))
                    .max()
                    .unwrap_or(0)
                    .max(floor[c]),
            };
        }
    }
    if let Some(column) = give.cut.filter(|&c| c < columns) {
        for row in rows.iter_mut() {
            if let Some(cell) = row.get_mut(column) {
                *cell = cut(cell, widths[column], style);
            }
        }
    }

    let mut table = Table::new();
    table
        .load_style(if style.unicode {
            presets::UTF8_FULL_CONDENSED
        } else {
            presets::ASCII_FULL_CONDENSED
        })
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(style.width).unwrap_or(u16::MAX));
    if !header.is_empty() {
        table.set_header(header.to_vec());
    }
    table.add_rows(rows.iter().cloned());
    for (c, column) in table.column_iter_mut().enumerate() {
        let half = u16::try_from(padding / 2).unwrap_or(0);
        column.set_padding((half, half));
        if give.whole.contains(&c) && widths[c] >= natural[c] {
            // comfy-table wraps at its delimiter; one that never occurs
            // keeps each cell whole.
            column.set_delimiter('\0');
        }
        column.set_constraint(match shown[c] {
            true => {
                let width = u16::try_from(widths[c] + padding).unwrap_or(u16::MAX);
                ColumnConstraint::Absolute(Width::Fixed(width))
            }
            false => ColumnConstraint::Hidden,
        });
    }
    Fitted {
        table,
        left_out,
        width: style.width,
        padding: padding / 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascii() -> Style {
        Style {
            unicode: false,
            ..Style::default()
        }
    }

    #[test]
    fn plain_is_printable_ascii_and_space() {
        for b in 0..=255u8 {
            let text = [b'a', b, b'z'];
            let Ok(text) = std::str::from_utf8(&text) else {
                continue;
            };
            assert_eq!(plain(text), b.is_ascii_graphic() || b == b' ', "{b}");
        }
        assert!(plain(""));
        assert!(!plain("caf\u{e9}"));
    }

    proptest::proptest! {
        #[test]
        fn plain_reads_every_byte_of_any_length(
            text in proptest::collection::vec(
                proptest::prop_oneof![0x20u8..0x7f, proptest::strategy::Just(0x1f), proptest::strategy::Just(0x7f), 0u8..=255],
                0..40,
            ),
        ) {
            let text = String::from_utf8_lossy(&text);
            let expected = text.bytes().all(|b| b.is_ascii_graphic() || b == b' ');
            proptest::prop_assert_eq!(plain(&text), expected);
        }
    }

    #[test]
    fn width_counts_grapheme_clusters() {
        assert_eq!(width("hello"), 5);
        assert_eq!(width("世界"), 4);
        // A family: three emoji joined by zero-width joiners, one cluster.
        assert_eq!(width("👨‍👩‍👧"), 2);
        // e + combining acute accent.
        assert_eq!(width("e\u{301}te\u{301}"), 3);
    }

    #[test]
    fn cutting_keeps_clusters_whole_and_ends_with_an_ellipsis() {
        let style = Style::default();
        assert_eq!(cut("hello", 5, &style), "hello");
        assert_eq!(cut("hello world", 7, &style), "hello …");
        assert_eq!(cut("hello world", 7, &ascii()), "hell...");
        assert_eq!(cut("👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧", 5, &style), "👨‍👩‍👧👨‍👩‍👧…");
        assert_eq!(cut("👨‍👩‍👧👨‍👩‍👧👨‍👩‍👧", 4, &style), "👨‍👩‍👧…");
        assert_eq!(cut("e\u{301}e\u{301}e\u{301}", 2, &style), "e\u{301}…");
        assert_eq!(cut("世界世界世", 6, &style), "世界…");
        // What is cut is what is shown: escaped.
        assert_eq!(cut("a\x1b[2Jb", 80, &style), "a\\e[2Jb");
        assert_eq!(cut("a\x1b[2Jb", 4, &style), "a\\e…");
    }

    #[test]
    fn padding_fills_to_the_exact_width() {
        let style = Style::default();
        assert_eq!(pad("hello", 7, &style), "hello  ");
        assert_eq!(pad("世界世界世", 6, &style), "世界… ");
        assert_eq!(pad("👨‍👩‍👧", 3, &style), "👨‍👩‍👧 ");
    }

    #[test]
    fn prose_wraps_on_words() {
        assert_eq!(
            wrap("serial takes the sum of the delays (3s)", 16),
            ["serial takes the", "sum of the", "delays (3s)"]
        );
        assert_eq!(wrap("short", 80), ["short"]);
        assert_eq!(wrap("abcdefgh ij", 3), ["abc", "def", "gh", "ij"]);
        assert_eq!(wrap("", 10), [""]);
    }

    fn fitted(width: usize, header: &[&str], rows: &[&[&str]], give: &Give) -> Vec<String> {
        let style = Style {
            width,
            ..Style::default()
        };
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        let mut rows: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.iter().map(|c| c.to_string()).collect())
            .collect();
        let mut out = Vec::new();
        table(&style, &header, &mut rows, give)
            .write(&style, &mut out)
            .unwrap();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(String::from)
            .collect()
    }

    #[test]
    fn a_table_cuts_its_message_column_to_the_room_left() {
        let message = "a message far too long for the room the numbers leave it";
        let lines = fitted(
            40,
            &["#", "message", "finished"],
            &[&["1", message, "+1.001s"]],
            &Give {
                cut: Some(1),
                ..Give::default()
            },
        );
        assert!(lines.iter().all(|l| width(l) <= 40), "{lines:#?}");
        assert_eq!(lines[3], "│ 1 ┆ a message far too lo… ┆ +1.001s  │");
    }

    #[test]
    fn a_table_leaves_out_optional_columns_and_says_so() {
        let lines = fitted(
            30,
            &["#", "message", "delay", "started", "finished", "late by"],
            &[&["1", "hello", "1s", "+19.08µs", "+1.001s", "+1.349ms"]],
            &Give {
                cut: Some(1),
                optional: vec![2, 3],
                ..Give::default()
            },
        );
        assert!(lines.iter().all(|l| width(l) <= 30), "{lines:#?}");
        // Even without padding, the last resort, only four columns fit.
        assert_eq!(lines[3], "│1┆hello  ┆+1.001s ┆+1.349ms│");
        assert_eq!(
            lines[5..],
            ["(delay, started left out to", "fit 30 columns)"]
        );
    }

    #[test]
    fn cells_wrap_on_words_never_inside_a_number() {
        let lines = fitted(
            30,
            &["mode", "expected wall"],
            &[&["serial", "3s (the sum of the delays)"]],
            &Give::default(),
        );
        assert!(lines.iter().all(|l| width(l) <= 30), "{lines:#?}");
        assert_eq!(
            lines[3..5],
            ["│ serial ┆ 3s (the sum of │", "│        ┆ the delays)    │"]
        );
    }
}
