//! Style: how the human view looks on this stdout, decided once, at the
//! edge. Whether to colour, whether the terminal can show Unicode, how wide
//! to draw: `Style::detect` asks the environment (the flags, `NO_COLOR`,
//! `CLICOLOR_FORCE`, `TERM`, the locale, the terminal's size) one time, and
//! renderers only ever ask the `Style` they were given. Tests build a
//! `Style` by hand and get the same output on every machine.

use std::fmt;
use std::io::IsTerminal;
use std::time::Duration;

use anstyle::{AnsiColor, Color};
use jiff::SignedDuration;

use crate::measure::check::Tolerance;
use crate::measure::report::PairReport;

/// `--color`: when to colour the human view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorWhen {
    /// Colour when stdout is a terminal, unless NO_COLOR is set or TERM=dumb
    /// (CLICOLOR_FORCE forces it on)
    #[default]
    Auto,
    /// Always colour, even into a pipe or a file
    Always,
    /// Never colour
    Never,
}

/// Width used when stdout is not a terminal (a pipe, a file, a CI log).
pub const DEFAULT_WIDTH: usize = 80;

/// Narrowest drawing we accept: below this, labels and axis no longer fit.
pub const MIN_WIDTH: usize = 30;

/// Lateness highlighted when no `--tolerance` is given: a real sleep ends
/// 1–1.5 ms late, up to ~4 ms on a busy machine; later than this is worth a
/// look.
pub const DEFAULT_LATE_TOLERANCE: Duration = Duration::from_millis(5);

/// [`DEFAULT_LATE_TOLERANCE`] as a [`Tolerance`].
pub fn default_late_tolerance() -> Tolerance {
    Tolerance::absolute(DEFAULT_LATE_TOLERANCE)
}

/// How the human view is drawn.
#[derive(Debug, Clone, PartialEq)]
pub struct Style {
    /// Emit ANSI colours.
    pub color: bool,
    /// Use Unicode (box drawing, blocks, `µs`); `false` is plain ASCII.
    pub unicode: bool,
    /// Columns available to the timeline.
    pub width: usize,
    /// Draw the timeline after the tables.
    pub timeline: bool,
    /// A pair later than this is highlighted; a share (`10%`) is of the
    /// pair's own delay.
    pub late_tolerance: Tolerance,
    /// Markdown ends with the timeline as a Mermaid chart (`--mermaid`).
    pub mermaid: bool,
}

/// What the user asked for; `Style::detect` fills in the rest.
#[derive(Debug, Clone, Default)]
pub struct StyleRequest {
    pub color: ColorWhen,
    pub ascii: bool,
    pub width: Option<usize>,
    pub no_timeline: bool,
    /// `--tolerance`, when given.
    pub late_tolerance: Option<Tolerance>,
    pub mermaid: bool,
}

impl Default for Style {
    /// Plain Unicode at 80 columns, no colour: what a pipe gets.
    fn default() -> Style {
        Style {
            color: false,
            unicode: true,
            width: DEFAULT_WIDTH,
            timeline: true,
            late_tolerance: default_late_tolerance(),
            mermaid: false,
        }
    }
}

impl Style {
    /// Decides the style for stdout from the request and the environment.
    pub fn detect(request: &StyleRequest) -> Style {
        let stdout = std::io::stdout();
        let terminal = stdout.is_terminal();
        let color = match request.color {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            // anstream applies the conventions: NO_COLOR, CLICOLOR(_FORCE),
            // TERM=dumb, and whether the stream is a terminal at all.
            ColorWhen::Auto => {
                anstream::AutoStream::choice(&stdout) != anstream::ColorChoice::Never
            }
        };
        let width = request
            .width
            .or_else(|| terminal_width(&stdout).filter(|_| terminal))
            .unwrap_or(DEFAULT_WIDTH)
            .max(MIN_WIDTH);
        Style {
            color,
            // A pipe or a file gets UTF-8 like any Rust program's text; only
            // a terminal can be one that shows nothing else.
            unicode: !request.ascii && (!terminal || locale_is_utf8()),
            width,
            timeline: !request.no_timeline,
            late_tolerance: request
                .late_tolerance
                .unwrap_or_else(default_late_tolerance),
            mermaid: request.mermaid,
        }
    }

    /// The colour of pair `index`: the same in the lines, the table and the
    /// timeline, so the eye can follow one pair. Red is kept for lateness.
    pub fn pair(&self, index: usize) -> anstyle::Style {
        const PALETTE: [AnsiColor; 6] = [
            AnsiColor::Cyan,
            AnsiColor::Magenta,
            AnsiColor::Green,
            AnsiColor::Yellow,
            AnsiColor::Blue,
            AnsiColor::BrightCyan,
        ];
        anstyle::Style::new().fg_color(Some(Color::Ansi(PALETTE[index % PALETTE.len()])))
    }

    /// How late `pair` spoke, when that is beyond the tolerance.
    pub fn lateness(&self, pair: &PairReport<'_>) -> Option<SignedDuration> {
        pair.late_beyond(self.late_tolerance.allowance(pair.pair.delay))
    }

    /// How lateness beyond the tolerance is shown.
    pub fn late(&self) -> anstyle::Style {
        anstyle::Style::new()
            .fg_color(Some(Color::Ansi(AnsiColor::Red)))
            .bold()
    }

    /// Headings and the axis: quiet.
    pub fn dim(&self) -> anstyle::Style {
        anstyle::Style::new().dimmed()
    }

    pub fn bold(&self) -> anstyle::Style {
        anstyle::Style::new().bold()
    }

    /// `text` in `style` when colouring, as is otherwise.
    pub fn paint<T: fmt::Display>(&self, style: anstyle::Style, text: T) -> Painted<T> {
        Painted {
            style: if self.color {
                style
            } else {
                anstyle::Style::new()
            },
            text,
        }
    }

    /// Text written by saywhen itself (units, arrows) in this style's
    /// alphabet: `µs` becomes `us`, `→` becomes `->` in ASCII.
    pub fn text(&self, text: String) -> String {
        if self.unicode || text.is_ascii() {
            return text;
        }
        text.replace('µ', "u")
            .replace('→', "->")
            .replace('·', "-")
            .replace('…', "...")
    }

    pub fn ellipsis(&self) -> &'static str {
        if self.unicode { "…" } else { "..." }
    }

    pub fn arrow(&self) -> &'static str {
        if self.unicode { "→" } else { "->" }
    }

    pub fn dot(&self) -> &'static str {
        if self.unicode { "·" } else { "-" }
    }
}

/// Text with a style around it; plain when the style is empty.
#[derive(Debug, Clone, Copy)]
pub struct Painted<T> {
    style: anstyle::Style,
    text: T,
}

impl<T> Painted<T> {
    /// Whether it is shown without any colour: the text as it is.
    pub fn is_plain(&self) -> bool {
        self.style == anstyle::Style::new()
    }
}

impl<T: fmt::Display> fmt::Display for Painted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.style == anstyle::Style::new() {
            return self.text.fmt(f);
        }
        // Honour width and alignment (`{:>8}`) on the text, inside the
        // colour, so padding is measured without the escape codes; and
        // leave nothing at all when there is nothing to colour.
        if f.width().is_none() && f.align().is_none() {
            let text = self.text.to_string();
            if text.is_empty() {
                return Ok(());
            }
            return write!(
                f,
                "{}{text}{}",
                self.style.render(),
                self.style.render_reset()
            );
        }
        write!(f, "{}", self.style.render())?;
        self.text.fmt(f)?;
        write!(f, "{}", self.style.render_reset())
    }
}

fn terminal_width(stdout: &std::io::Stdout) -> Option<usize> {
    terminal_size::terminal_size_of(stdout).map(|(width, _)| usize::from(width.0))
}

/// Whether the locale says UTF-8. POSIX: the first of LC_ALL, LC_CTYPE,
/// LANG that is set decides; none set is taken as UTF-8, today's default.
fn locale_is_utf8() -> bool {
    ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .filter_map(std::env::var_os)
        .find(|value| !value.is_empty())
        .is_none_or(|value| {
            let value = value.to_string_lossy().to_ascii_lowercase();
            value.contains("utf-8") || value.contains("utf8")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn painting_is_a_no_op_without_colour() {
        let plain = Style::default();
        assert_eq!(plain.paint(plain.late(), "late").to_string(), "late");
        let coloured = Style {
            color: true,
            ..Style::default()
        };
        let text = coloured.paint(coloured.late(), "late").to_string();
        assert!(text.starts_with('\x1b') && text.contains("late") && text.ends_with('m'));
    }

    #[test]
    fn ascii_replaces_our_own_symbols() {
        let ascii = Style {
            unicode: false,
            ..Style::default()
        };
        assert_eq!(ascii.text("312.5µs → 1s".into()), "312.5us -> 1s");
        assert_eq!(Style::default().text("312.5µs".into()), "312.5µs");
    }
}
