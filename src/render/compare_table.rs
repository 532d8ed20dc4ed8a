//! The human view of `saywhen compare`: each mode's live lines under a
//! heading, then one table that makes the lesson obvious at a glance:
//!
//! ```text
//! 2 pairs · virtual clock · 1 run per mode
//! ┌────────┬────────────────────────────┬───────────────┬──────────┬───────────────────┬────────────┐
//! │ mode   ┆ expected wall              ┆ measured wall ┆ overhead ┆ speedup vs serial ┆ vs fastest │
//! ╞════════╪════════════════════════════╪═══════════════╪══════════╪═══════════════════╪════════════╡
//! │ serial ┆ 3s (the sum of the delays) ┆            3s ┆       0s ┆             1.00× ┆      1.50× │
//! │ tasks  ┆ 2s (the longest delay)     ┆            2s ┆       0s ┆             1.50× ┆      1.00× │
//! ...
//! serial takes the sum of the delays (3s); tasks and gather take the longest delay (2s).
//! ```
//!
//! Under it, the timelines of each mode's first run, stacked on one axis.
//! The table's rows are plain text, shared with the Markdown renderer.

use std::io::{self, Write};

use comfy_table::{CellAlignment, Table, presets};

use crate::engine::event::Event;
use crate::measure::Measurement;
use crate::measure::compare::Comparison;
use crate::measure::report::Report;
use crate::output::style::Style;
use crate::render::{Human, Renderer, timeline, wall_stats};
use crate::scenario::plan::Plan;
use crate::scenario::units::{human, human_signed};

/// Renders a comparison for people.
#[derive(Debug, Default)]
pub struct CompareTable {
    live: Human,
    style: Style,
    /// How many modes have started: each gets a heading, the table a gap.
    modes_started: usize,
}

impl CompareTable {
    pub fn new(style: Style) -> CompareTable {
        CompareTable {
            live: Human::new(style.clone()),
            style,
            modes_started: 0,
        }
    }

    /// Our own symbols in the style's alphabet: ASCII gets `x`, `+/-`, `-`.
    fn text(&self, text: String) -> String {
        if self.style.unicode {
            return text;
        }
        self.style
            .text(text)
            .replace('×', "x")
            .replace('±', "+/-")
            .replace('─', "-")
            .replace('σ', "sd")
    }
}

impl Renderer for CompareTable {
    fn event(&mut self, event: &Event, plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
        if let Event::Started {
            mode: Some(mode), ..
        } = event
        {
            if self.modes_started > 0 {
                writeln!(out)?;
            }
            self.modes_started += 1;
            let heading = self.text(format!("── {mode}: {} ──", mode.summary()));
            writeln!(out, "{}", self.style.paint(self.style.bold(), heading))?;
        }
        self.live.event(event, plan, out)
    }

    fn report(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        self.live.report(report, out)
    }

    fn measurement(&mut self, m: &Measurement, out: &mut dyn Write) -> io::Result<()> {
        self.live.measurement(m, out)
    }

    fn comparison(&mut self, c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
        if self.modes_started > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", self.text(context(c)))?;
        writeln!(out, "{}", self.table(c))?;
        writeln!(out, "{}", lesson(c))?;
        if self.style.timeline && !c.modes.is_empty() {
            writeln!(out)?;
            let first_runs: Vec<&Report> = c.modes.iter().map(Measurement::first).collect();
            timeline::render(&first_runs, &self.style, out)?;
        }
        Ok(())
    }
}

impl CompareTable {
    /// Columns 2.. hold numbers: right-aligned, except the expected wall's
    /// rule.
    fn table(&self, c: &Comparison) -> Table {
        let (header, rows) = rows(c);
        let columns = header.len();
        let mut table = Table::new();
        table
            .load_style(if self.style.unicode {
                presets::UTF8_FULL_CONDENSED
            } else {
                presets::ASCII_FULL_CONDENSED
            })
            .set_header(header.into_iter().map(|h| self.text(h)))
            .add_rows(
                rows.into_iter()
                    .map(|row| row.into_iter().map(|cell| self.text(cell))),
            );
        for column in 2..columns {
            if let Some(column) = table.column_mut(column) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        table
    }
}

/// `2 pairs · virtual clock · 5 runs per mode (+1 warmup)`.
pub fn context(c: &Comparison) -> String {
    let pairs = c.plan.len();
    let plural = if pairs == 1 { "" } else { "s" };
    let runs = match c.modes.first() {
        Some(m) => wall_stats::runs_label(m),
        None => "no runs".to_owned(),
    };
    format!("{pairs} pair{plural} · {} clock · {runs} per mode", c.clock)
}

/// The column titles and the rows of the comparison, as plain text.
pub fn rows(c: &Comparison) -> (Vec<String>, Vec<Vec<String>>) {
    let repeated = c.modes.iter().any(|m| m.runs().len() > 1);
    let mut header: Vec<String> = [
        "mode",
        "expected wall",
        if repeated {
            "median wall"
        } else {
            "measured wall"
        },
        "overhead",
        "speedup vs serial",
        "vs fastest",
    ]
    .map(String::from)
    .into();
    if repeated {
        header.extend(["mean ± σ", "min … max"].map(String::from));
    }
    let rows = c
        .modes
        .iter()
        .map(|m| {
            let mut row = vec![
                match m.interrupted() {
                    None => m.label().into_owned(),
                    Some(by) => format!("{} (stopped: {})", m.label(), by.name()),
                },
                format!("{} ({})", human(m.expected()), m.expected_rule()),
                human(m.median()),
                human_signed(m.overhead()),
                times(c.speedup_vs_serial(m)),
                times(c.relative_to_fastest(m)),
            ];
            if repeated {
                let stats = m.wall();
                row.push(wall_stats::mean_and_spread(stats));
                row.push(format!("{} … {}", human(stats.min), human(stats.max)));
            }
            row
        })
        .collect();
    (header, rows)
}

/// `1.50×`, or `-` when there is nothing to compare with.
pub fn times(ratio: Option<f64>) -> String {
    ratio.map_or_else(|| "-".to_owned(), |r| format!("{r:.2}×"))
}

/// The lesson in one sentence, grouping modes that share a rule:
/// `serial takes the sum of the delays (3s); tasks and gather take the
/// longest delay (2s).`
pub fn lesson(c: &Comparison) -> String {
    let mut groups: Vec<(&str, Vec<&Measurement>)> = Vec::new();
    for m in &c.modes {
        let rule = m.expected_rule();
        match groups.iter_mut().find(|(r, _)| *r == rule) {
            Some((_, members)) => members.push(m),
            None => groups.push((rule, vec![m])),
        }
    }
    let clauses: Vec<String> = groups
        .iter()
        .map(|(rule, members)| {
            let names: Vec<String> = members.iter().map(|m| m.label().into_owned()).collect();
            let verb = if names.len() == 1 { "takes" } else { "take" };
            let expected = human(members[0].expected());
            format!(
                "{} {verb} {rule} ({expected})",
                and_list(&names.iter().map(String::as_str).collect::<Vec<_>>())
            )
        })
        .collect();
    format!("{}.", clauses.join("; "))
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
