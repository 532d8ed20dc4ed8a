//! The timeline as a Mermaid `gantt` chart in a fenced block, which GitHub
//! draws wherever it renders Markdown: issues, pull requests, job
//! summaries. `--format markdown --mermaid` adds it after the tables; the
//! GitHub Actions job summary always has it.
//!
//! ```text
//! gantt
//!     title saywhen compare · 2 pairs · virtual clock
//!     dateFormat x
//!     axisFormat %Q ms
//!     todayMarker off
//!     section serial · wall 3s
//!     1 hello :0, 1000
//!     2 world :1000, 3000
//! ```
//!
//! Times are milliseconds from the run's start (`dateFormat x` reads a
//! number as milliseconds since 1970, so every chart starts at 0), and the
//! axis is labelled with d3's `%Q` (milliseconds) or `%s` (seconds), which
//! are counts, not clock times, so no viewer's time zone shifts them. Each
//! mode is a section and each pair a task; a pair cancelled or interrupted
//! is `crit` (red) and says so, one that never began a milestone where it
//! was cancelled.
//!
//! A message is user text inside Mermaid's syntax: `:` would end a task's
//! name, `#` and `;` start a comment or a new statement, `%%{...}%%` is a
//! directive that reconfigures the chart wherever it appears, a line break
//! starts a new line. Mermaid draws a name as HTML, so `<`, `>` and `&`
//! would be markup (`<script>`, `&amp;`). Control characters are escaped as
//! in the human view, then those seven characters are written as Mermaid's
//! entity codes (`#58;`), which it turns back into the characters, as text,
//! when it draws.

use std::io::{self, Write};
use std::time::Duration;

use crate::escape::escape;
use crate::measure::report::{PairReport, Report, Status};
use crate::render::timeline::MAX_ROWS;
use crate::scenario::units::human;

/// At most this many pairs of each run become tasks: a chart of more is
/// unreadable, and Mermaid refuses text past 50,000 characters.
pub const MAX_TASKS: usize = MAX_ROWS;

/// Writes the chart of `reports` (one section each) as a fenced block,
/// with a note after it when pairs were left out. `title` heads it.
pub fn write(title: &str, reports: &[&Report], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "```mermaid")?;
    write_gantt(title, reports, out)?;
    writeln!(out, "```")?;
    if let Some(most) = reports.iter().map(|r| r.plan.len()).max()
        && most > MAX_TASKS
    {
        writeln!(
            out,
            "\n*The chart shows the first {MAX_TASKS} of {most} pairs of each mode.*"
        )?;
    }
    Ok(())
}

/// The chart itself, without the fence.
pub fn write_gantt(title: &str, reports: &[&Report], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "gantt")?;
    writeln!(out, "    title {}", text(title))?;
    writeln!(out, "    dateFormat x")?;
    let longest = reports.iter().map(|r| r.wall).max().unwrap_or_default();
    writeln!(out, "    axisFormat {}", axis_format(longest))?;
    writeln!(out, "    todayMarker off")?;
    for report in reports {
        let section = format!("{} · wall {}", report.label(), human(report.wall));
        writeln!(out, "    section {}", text(&section))?;
        for pair in report.pairs().take(MAX_TASKS) {
            task(report, &pair, out)?;
        }
    }
    Ok(())
}

/// Milliseconds on a short chart, seconds on a long one.
fn axis_format(longest: Duration) -> &'static str {
    if longest < Duration::from_secs(10) {
        "%Q ms"
    } else {
        "%s s"
    }
}

/// `1 hello :0, 1000`; `2 world (cancelled) :crit, 1000, 1500`.
fn task(report: &Report, pair: &PairReport<'_>, out: &mut dyn Write) -> io::Result<()> {
    let status = pair.status();
    let name = match status {
        Status::Done => format!("{} {}", pair.index + 1, pair.pair.message),
        other => format!(
            "{} {} ({})",
            pair.index + 1,
            pair.pair.message,
            other.name()
        ),
    };
    let end = pair.ended().unwrap_or(report.wall);
    let (tags, begin) = match (status, pair.began()) {
        (Status::Done, Some(began)) => ("", began),
        (_, Some(began)) => ("crit, ", began),
        (_, None) => ("crit, milestone, ", end),
    };
    writeln!(
        out,
        "    {} :{tags}{}, {}",
        text(&name),
        millis(begin),
        millis(end)
    )
}

/// Whole milliseconds, as `dateFormat x` reads them. Finer times round to
/// the nearest: a chart cannot show less.
fn millis(d: Duration) -> u128 {
    (d.as_nanos() + 500_000) / 1_000_000
}

/// User text made safe for a Mermaid line (see the module's docs).
pub fn text(raw: &str) -> String {
    let escaped = escape(raw);
    let mut out = String::with_capacity(escaped.len());
    for c in escaped.chars() {
        match c {
            '#' => out.push_str("#35;"),
            '%' => out.push_str("#37;"),
            ':' => out.push_str("#58;"),
            ';' => out.push_str("#59;"),
            '<' => out.push_str("#60;"),
            '>' => out.push_str("#62;"),
            '&' => out.push_str("#38;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mermaid_syntax_in_messages_becomes_entity_codes() {
        assert_eq!(text("a: b; #c"), "a#58; b#59; #35;c");
        assert_eq!(text("%%{init}%%"), "#37;#37;{init}#37;#37;");
        assert_eq!(text("line\nbreak\x1b"), r"line\nbreak\e");
        // An entity code typed by the user stays text: its `#` is coded.
        assert_eq!(text("#59;"), "#35;59#59;");
    }

    /// Mermaid draws names as HTML: a message is never markup.
    #[test]
    fn html_in_messages_becomes_entity_codes() {
        assert_eq!(text("]]>&amp;<script>"), "]]#62;#38;amp#59;#60;script#62;");
    }

    #[test]
    fn times_are_whole_milliseconds() {
        assert_eq!(millis(Duration::from_micros(1_499)), 1);
        assert_eq!(millis(Duration::from_micros(1_500)), 2);
        assert_eq!(millis(Duration::from_secs(3)), 3000);
    }
}
