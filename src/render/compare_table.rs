//! The human view of `saywhen compare`: each mode's live lines under a
//! heading, then one table that makes the lesson obvious at a glance, and
//! the lesson in a sentence that gives each expected wall its rule:
//!
//! ```text
//! 2 pairs · virtual clock · 1 run per mode
//! ┌────────┬───────────────┬───────────────┬──────────┬────────────┬────────────┐
//! │ mode   ┆ expected wall ┆ measured wall ┆ overhead ┆ speedup vs ┆ vs fastest │
//! │        ┆               ┆               ┆          ┆     serial ┆            │
//! ╞════════╪═══════════════╪═══════════════╪══════════╪════════════╪════════════╡
//! │ serial ┆            3s ┆            3s ┆       0s ┆      1.00× ┆      1.50× │
//! │ tasks  ┆            2s ┆            2s ┆       0s ┆      1.50× ┆      1.00× │
//! ...
//! serial takes the sum of the delays (3s); tasks and gather take the longest delay
//! (2s).
//! ```
//!
//! With `--runs`, the spread of each mode's walls follows in a table of its
//! own; under it all, the timelines of each mode's first run, stacked on one
//! axis. Everything fits the width ([`fit`]). The Markdown renderer shares
//! the rows, as one wide table with the rules in its cells.

use std::io::{self, Write};

use comfy_table::CellAlignment;

use crate::engine::event::Event;
use crate::measure::Measurement;
use crate::measure::compare::Comparison;
use crate::measure::report::Report;
use crate::render::style::Style;
use crate::render::timeline::Drawn;
use crate::render::{Human, Renderer, fit, timeline, wall_stats};
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
            fit::write_wrapped(out, &heading, &self.style, |line| {
                self.style.paint(self.style.bold(), line).to_string()
            })?;
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
        let style = &self.style;
        fit::write_wrapped(out, &self.text(context(c)), style, str::to_owned)?;
        self.table(c).write(style, out)?;
        if c.modes.iter().any(|m| m.counted() > 1) {
            let walls = c.modes.iter().map(|m| (mode_name(m), m.wall()));
            wall_stats::spread("mode", walls, style).write(style, out)?;
        }
        if let Some(note) = wall_stats::comparison_note(c) {
            fit::write_wrapped(out, &self.text(note), style, str::to_owned)?;
        }
        fit::write_wrapped(out, &self.text(lesson(c)), style, str::to_owned)?;
        if self.style.timeline && !c.modes.is_empty() {
            writeln!(out)?;
            let drawn: Vec<Drawn> = c.modes.iter().map(Drawn::first_of).collect();
            timeline::render_drawn(&drawn, &self.style, out)?;
        }
        Ok(())
    }
}

impl CompareTable {
    /// The comparison: the expected walls' rules are left to the lesson
    /// under it, and the spread of repeated runs to a table of its own, so
    /// that it fits 80 columns; at narrow widths `vs fastest`, `overhead`
    /// and the expected wall give way.
    fn table(&self, c: &Comparison) -> fit::Fitted {
        let header: Vec<String> = HEADER
            .into_iter()
            .enumerate()
            .map(|(column, title)| title_of(c, column, title))
            .map(|title| self.text(title))
            .collect();
        let mut rows: Vec<Vec<String>> = c
            .modes
            .iter()
            .map(|m| {
                let mut row = cells(c, m);
                row[1] = human(m.expected());
                row.into_iter().map(|cell| self.text(cell)).collect()
            })
            .collect();
        let give = fit::Give {
            cut: None,
            optional: vec![5, 3, 1],
            ..fit::Give::default()
        };
        let mut fitted = fit::table(&self.style, &header, &mut rows, &give);
        for column in 1..header.len() {
            if let Some(column) = fitted.table.column_mut(column) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        fitted
    }
}

/// `2 pairs · virtual clock · 5 runs per mode (+1 warmup)`.
pub fn context(c: &Comparison) -> String {
    let pairs = c.plan.len();
    let plural = if pairs == 1 { "" } else { "s" };
    // What was asked: a mode cut short says what it ran in its own row
    // and in the note under the table.
    let runs = match c.modes.first() {
        Some(_) => wall_stats::asked_label(c.repeat),
        None => "no runs".to_owned(),
    };
    format!("{pairs} pair{plural} · {} clock · {runs} per mode", c.clock)
}

/// The comparison's columns, before the spread of repeated runs.
const HEADER: [&str; 6] = [
    "mode",
    "expected wall",
    "measured wall",
    "overhead",
    "speedup vs serial",
    "vs fastest",
];

/// A column's title: the wall's says which statistic; scenarios are
/// compared with the first one given rather than with serial.
fn title_of(c: &Comparison, column: usize, title: &str) -> String {
    let scenarios = c.modes.first().is_some_and(|m| m.mode().is_none());
    match (column, scenarios) {
        (2, _) => wall_title(c).to_owned(),
        (0, true) => "scenario".to_owned(),
        (4, true) => "speedup vs first".to_owned(),
        _ => title.to_owned(),
    }
}

/// `median wall` when some mode ran more than once, else `measured wall`.
fn wall_title(c: &Comparison) -> &'static str {
    match c.modes.iter().any(|m| m.counted() > 1) {
        true => "median wall",
        false => "measured wall",
    }
}

/// `serial`, or `serial (stopped: SIGINT)`.
fn mode_name(m: &Measurement) -> String {
    match m.interrupted() {
        None => m.label().into_owned(),
        Some(by) => format!("{} (stopped: {})", m.label(), by.name()),
    }
}

/// One mode's row under [`HEADER`]; the expected wall with its rule.
fn cells(c: &Comparison, m: &Measurement) -> Vec<String> {
    vec![
        mode_name(m),
        format!("{} ({})", human(m.expected()), m.expected_rule()),
        human(m.median()),
        m.overhead().map_or_else(|| "-".to_owned(), human_signed),
        times(c.speedup_vs_serial(m)),
        times(c.relative_to_fastest(m)),
    ]
}

/// The column titles and the rows of the comparison, as plain text, in
/// one table: the Markdown view, which has no width to fit.
pub fn rows(c: &Comparison) -> (Vec<String>, Vec<Vec<String>>) {
    let repeated = c.modes.iter().any(|m| m.counted() > 1);
    let mut header: Vec<String> = HEADER
        .into_iter()
        .enumerate()
        .map(|(column, title)| title_of(c, column, title))
        .collect();
    if repeated {
        header.extend(["mean ± σ", "min … max"].map(String::from));
    }
    let rows = c
        .modes
        .iter()
        .map(|m| {
            let mut row = cells(c, m);
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
    // The timer's note belongs to the whole sentence, said once at its end.
    let note = format!("; {}", crate::engine::schedule::TIMER_NOTE);
    let mut timed = false;
    for m in &c.modes {
        let rule = m.expected_rule();
        let rule = match rule.strip_suffix(note.as_str()) {
            Some(rule) => {
                timed = true;
                rule
            }
            None => rule,
        };
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
    let mut lesson = clauses.join("; ");
    if timed {
        lesson.push_str(&note);
    }
    lesson.push('.');
    let ranked = c.ranked();
    let unranked: Vec<String> = c
        .modes
        .iter()
        // A mode stopped early is unranked too; the note above says why.
        .filter(|m| !ranked(m) && m.interrupted().is_none())
        .map(|m| {
            format!(
                "{} cancelled {} of {} pairs",
                m.label(),
                m.undone(),
                c.plan.len()
            )
        })
        .collect();
    if !unranked.is_empty() {
        let names: Vec<&str> = unranked.iter().map(String::as_str).collect();
        lesson.push_str(&format!(
            " {}: not ranked against the modes that finished every pair.",
            and_list(&names)
        ));
    }
    lesson
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
