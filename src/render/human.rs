//! The human view: the tutorial's lines, live, then a summary table and
//! the timeline. How it looks (colour, ASCII, width) comes from the
//! [`Style`] it is given; it never asks the terminal itself.
//!
//! ```text
//! started at 10:15:00
//!  +1.001s  hello
//!  +2.002s  world
//! finished at 10:15:02
//! ```

use std::collections::HashMap;
use std::io::{self, Write};
use std::sync::Arc;
use std::time::Duration;

use comfy_table::CellAlignment;

use crate::engine::clock::Clock;
use crate::engine::command_run::{CommandRun, Exit};
use crate::engine::event::{Event, PairEnd, PairEvent};
use crate::escape::escape;
use crate::measure::Measurement;
use crate::measure::concurrency::{Concurrency, Room};
use crate::measure::report::{PairReport, Report, Status};
use crate::render::style::Style;
use crate::render::timeline::Drawn;
use crate::render::{Renderer, fit, summary, timeline};
use crate::scenario::mode::Deadlines;
use crate::scenario::plan::Plan;
use crate::scenario::tree::{Node, Scenario};
use crate::scenario::units::{human, human_signed, offset, shown_as, write_offset};

/// Renders for people.
#[derive(Debug, Default)]
pub struct Human {
    style: Style,
    /// The scenario running, when it is deeper than one level: its live
    /// lines carry their path (`gather › serial › a`).
    tree: Option<Arc<Scenario>>,
    /// Whether live lines came first: the tables then keep a blank line
    /// from them (with `--quiet` there are none, and nothing to keep).
    live_lines: bool,
    /// Where each live line is built before it is written.
    line: String,
    /// The last live line's offset, as written.
    offset: LastOffset,
    /// Commands that have exited, until their line is written.
    exited: HashMap<usize, Arc<CommandRun>>,
}

impl Human {
    pub fn new(style: Style) -> Human {
        Human {
            style,
            tree: None,
            live_lines: false,
            line: String::new(),
            offset: LastOffset::default(),
            exited: HashMap::new(),
        }
    }

    /// The path of pair `index` in a tree (`gather › serial › `).
    fn path(&self, index: usize) -> String {
        let Some(tree) = &self.tree else {
            return String::new();
        };
        let separator = if self.style.unicode { " › " } else { " > " };
        let mut path: Vec<&str> = tree
            .ancestors_of_pair(index)
            .map(|g| g.kind.name())
            .collect();
        path.reverse();
        let mut text = path.join(separator);
        text.push_str(separator);
        text
    }

    /// A failed command's line, then the output it left under it, each
    /// line cut to the width.
    fn failed_command(
        &mut self,
        plan: &Plan,
        index: usize,
        at: Duration,
        run: &CommandRun,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let indent = " ".repeat(OFFSET_WIDTH + 2);
        let room = self.style.width.saturating_sub(OFFSET_WIDTH + 2 + 2);
        match &run.exit {
            // Why it never started is a sentence: a line of its own.
            Exit::NotStarted(why) => {
                self.live_line(plan, index, at, " (failed: cannot start)", out)?;
                let why = fit::cut(&escape(why), room + 2, &self.style);
                writeln!(out, "{indent}{why}")?;
            }
            exit => {
                let note = format!(" (failed: {exit})");
                self.live_line(plan, index, at, &note, out)?;
            }
        }
        let style = &self.style;
        let bar = if style.unicode { "│ " } else { "| " };
        if run.output.dropped() > 0 {
            let note = format!(
                "… {} earlier bytes of output not kept (the last {} are)",
                run.output.dropped(),
                run.output.bytes().len()
            );
            writeln!(
                out,
                "{indent}{}",
                style.paint(style.dim(), fit::cut(&note, room + 2, style))
            )?;
        }
        for line in run.output.text().lines() {
            let line = escape(line.trim_end_matches('\r'));
            writeln!(
                out,
                "{indent}{}{}",
                style.paint(style.dim(), bar),
                fit::cut(&line, room, style)
            )?;
        }
        Ok(())
    }

    /// `--show-output`: a line a command printed, after its node.
    fn output_line(
        &self,
        plan: &Plan,
        index: usize,
        line: &str,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let style = &self.style;
        let bar = if style.unicode { " │ " } else { " | " };
        let node = format!("{}{}", self.path(index), plan.message(index));
        let room = style.width.saturating_sub(OFFSET_WIDTH + 2);
        let node = fit::cut(&node, room / 2, style);
        let line = escape(line.trim_end_matches('\r'));
        let line = fit::cut(&line, room.saturating_sub(fit::width(&node) + 3), style);
        writeln!(
            out,
            "{:OFFSET_WIDTH$}  {}{}{line}",
            "",
            style.paint(style.pair(index), node),
            style.paint(style.dim(), bar),
        )
    }

    /// One live line: the offset, the message (after its path in a tree),
    /// and how it ended when it did not say its message; the path and the
    /// message are cut to what the width leaves after the offset and note.
    /// Built in one reused buffer and written at once: a burst is a
    /// million of these, and the printer must keep up with the run.
    fn live_line(
        &mut self,
        plan: &Plan,
        index: usize,
        at: Duration,
        note: &str,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let style = &self.style;
        // A flat run's lines have no path: nothing to build or measure.
        let path = self.tree.as_ref().map(|_| self.path(index));
        // A burst says a million lines within a few milliseconds: most
        // show the offset the line before showed, which is written once.
        let shown = shown_as(at);
        if self.offset.shown != Some(shown) {
            let text = &mut self.offset.text;
            text.clear();
            write_offset(text, at);
            if !style.unicode && !text.is_ascii() {
                *text = style.text(std::mem::take(text));
            }
            self.offset.width = fit::width(text);
            // Right-aligned: the padding goes in front.
            let padding = OFFSET_WIDTH.saturating_sub(self.offset.width);
            text.insert_str(0, &"        "[..padding]);
            self.offset.shown = Some(shown);
        }
        let line = &mut self.line;
        line.clear();
        line.push_str(&self.offset.text);
        let used = self.offset.width.max(OFFSET_WIDTH) + 2 + note.len();
        let room = style.width.saturating_sub(used);
        line.push_str("  ");
        let room = match &path {
            Some(path) => {
                let path = fit::cut_borrowed(path, room, style);
                line.push_str(&path);
                room - fit::width(&path)
            }
            None => room,
        };
        let message = fit::cut_borrowed(plan.message(index), room, style);
        match style.color {
            true => {
                use std::fmt::Write as _;
                let _ = write!(line, "{}", style.paint(style.pair(index), &*message));
            }
            false => line.push_str(&message),
        }
        line.push_str(note);
        line.push('\n');
        out.write_all(line.as_bytes())
    }
}

/// A live line's offset, padded to [`OFFSET_WIDTH`], and what it shows.
#[derive(Debug, Default)]
struct LastOffset {
    text: String,
    /// Its columns before the padding.
    width: usize,
    shown: Option<u128>,
}

/// Offsets are right-aligned to this width so live lines line up: it fits
/// every offset below a minute (`+999.9ms`, `+59.999s`).
const OFFSET_WIDTH: usize = 8;

/// `HH:MM:SS`, the tutorial's `%X`.
const CLOCK_TIME: &str = "%H:%M:%S";

impl Renderer for Human {
    fn event(&mut self, event: &Event, plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
        self.live_lines = true;
        match event {
            Event::Started {
                clock,
                at,
                scenario,
                ..
            } => {
                self.tree = (scenario.depth() > 1).then(|| scenario.clone());
                let note = match clock {
                    Clock::Real => "",
                    Clock::Virtual if scenario.blocks() => {
                        " (virtual clock: the event-loop model plays the blocking calls)"
                    }
                    Clock::Virtual => " (virtual clock: times are simulated)",
                };
                let line = format!("started at {}{note}", at.strftime(CLOCK_TIME));
                fit::write_wrapped(out, &line, &self.style, str::to_owned)
            }
            Event::Said { index, at } => self.live_line(plan, *index, *at, "", out),
            Event::Cancelled { index, at } => {
                self.live_line(plan, *index, *at, " (cancelled)", out)
            }
            Event::Failed { index, at } => match self.exited.remove(index) {
                Some(run) => self.failed_command(plan, *index, *at, &run, out),
                None => self.live_line(plan, *index, *at, " (failed)", out),
            },
            Event::Exited { index, run } => {
                if run.failed() {
                    self.exited.insert(*index, run.clone());
                }
                Ok(())
            }
            Event::Output { index, line, .. } => self.output_line(plan, *index, line, out),
            Event::Skipped { index, at } => self.live_line(plan, *index, *at, " (skipped)", out),
            Event::Finished { at, .. } => {
                writeln!(out, "finished at {}", at.strftime(CLOCK_TIME))
            }
            Event::Interrupted { by, at, .. } => {
                let line = format!("interrupted at {} by {by}", at.strftime(CLOCK_TIME));
                fit::write_wrapped(out, &line, &self.style, str::to_owned)
            }
        }
    }

    /// A live line straight from the compact event (a failure may need
    /// its command's output, which the full event path handles).
    fn pair_event(&mut self, pair: PairEnd, plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
        let note = match pair.kind() {
            PairEvent::Said => "",
            PairEvent::Cancelled => " (cancelled)",
            PairEvent::Skipped => " (skipped)",
            PairEvent::Failed => return self.event(&pair.event(), plan, out),
        };
        self.live_lines = true;
        self.live_line(plan, pair.index(), pair.at(), note, out)
    }

    fn report(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        self.tables(report, None, out)?;
        self.timeline(Drawn::run(report), out)
    }

    /// The first counted run's tables, the wall times of all runs, then the
    /// first run's timeline.
    fn measurement(&mut self, m: &Measurement, out: &mut dyn Write) -> io::Result<()> {
        self.tables(m.first(), Some(m), out)?;
        if m.is_repeated() {
            super::wall_stats::table(m, &self.style).write(&self.style, out)?;
        }
        if let Some((scenario, schedule)) = m.median_schedule() {
            // Each command's median, added up as the tree adds them.
            let line = format!(
                "leaf medians over {} runs: {}",
                m.counted(),
                schedule.summary(&scenario)
            );
            let style = &self.style;
            fit::write_wrapped(out, &style.text(line), style, str::to_owned)?;
        }
        if let Some(note) = super::wall_stats::series_note(m) {
            let style = &self.style;
            fit::write_wrapped(out, &style.text(note), style, str::to_owned)?;
        }
        self.timeline(Drawn::first_of(m), out)
    }
}

impl Human {
    /// The pairs table (or its summary) and the totals; for a scenario,
    /// the tree and its arithmetic.
    fn tables(
        &self,
        report: &Report,
        repeated: Option<&Measurement>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let style = &self.style;
        if self.live_lines {
            writeln!(out)?;
        }
        if report.mode.is_none() {
            return super::tree::write_report(report, style, out);
        }
        let concurrency = report.concurrency();
        if summary::too_many_rows(report) {
            summary::write_summary(report, style, out)?;
        } else {
            write_pairs_table(report, concurrency, style, out)?;
        }
        totals_table(report, repeated, style).write(style, out)?;
        for line in concurrency.lines(&report.scenario) {
            writeln!(out, "{}", style.text(super::tree::fit(&line, style)))?;
        }
        Ok(())
    }

    fn timeline(&self, drawn: Drawn<'_>, out: &mut dyn Write) -> io::Result<()> {
        if self.style.timeline {
            writeln!(out)?;
            timeline::render_drawn(&[drawn], &self.style, out)?;
        }
        Ok(())
    }
}

/// Columns of the pairs table: the message is cut to one line; at narrow
/// widths the delay (which the user typed) and the start go first.
const PAIRS_HEADER: [&str; 7] = [
    "#", "message", "delay", "started", "finished", "slack", "late by",
];
const MESSAGE: usize = 1;

/// The pairs table, each pair's number and message in its colour and
/// lateness beyond the tolerance highlighted.
fn write_pairs_table(
    report: &Report,
    concurrency: &Concurrency,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (fitted, messages) = pairs_table(report, concurrency, style);
    let pairs: Vec<PairReport<'_>> = report.pairs().collect();
    for line in fitted.table.lines() {
        // A row's first line holds its pair's number; a line a cell
        // wrapped onto, the border or the header do not.
        let pair = first_cell(&line, style)
            .and_then(|cell| cell.trim().parse::<usize>().ok())
            .and_then(|number| pairs.get(number.checked_sub(1)?))
            .filter(|_| style.color);
        match pair {
            Some(pair) => {
                let shown = &messages[pair.index];
                let line = paint_row(&line, pair, shown, fitted.padding(), style);
                writeln!(out, "{line}")?;
            }
            None => writeln!(out, "{line}")?,
        }
    }
    fitted.write_note(style, out)
}

fn separator(style: &Style) -> char {
    if style.unicode { '┆' } else { '|' }
}

/// The first cell of a table line, between the left border and the first
/// separator: it holds only digits, so no user text can hide a separator
/// before it.
fn first_cell<'l>(line: &'l str, style: &Style) -> Option<&'l str> {
    let border = line.chars().next().map_or(0, char::len_utf8);
    let rest = line.get(border..)?;
    rest.find(separator(style)).map(|at| &rest[..at])
}

/// Colours one table row. comfy-table measures cells by their text, so
/// colour goes in after layout: the message is the second cell, `shown`
/// as the table cut it, the lateness the last.
fn paint_row(
    line: &str,
    pair: &PairReport<'_>,
    shown: &str,
    padding: usize,
    style: &Style,
) -> String {
    let Some(first) = first_cell(line, style) else {
        return line.to_owned();
    };
    let border = line.chars().next().map_or(0, char::len_utf8);
    let message_at = border + first.len() + separator(style).len_utf8() + padding;
    let Some((head, rest)) = line.split_at_checked(message_at) else {
        return line.to_owned();
    };
    let Some(after) = rest.strip_prefix(shown) else {
        return line.to_owned();
    };
    let after = match style.lateness(pair) {
        Some(late) => {
            let late = style.text(human_signed(late));
            match after.rfind(late.as_str()) {
                Some(at) => format!(
                    "{}{}{}",
                    &after[..at],
                    style.paint(style.late(), &late),
                    &after[at + late.len()..]
                ),
                None => after.to_owned(),
            }
        }
        None => after.to_owned(),
    };
    format!(
        "{head}{}{after}",
        style.paint(style.pair(pair.index), shown)
    )
}

/// The pairs table, and each pair's message as the table shows it.
fn pairs_table(
    report: &Report,
    concurrency: &Concurrency,
    style: &Style,
) -> (fit::Fitted, Vec<String>) {
    let offset = |d| style.text(offset(d));
    let header = PAIRS_HEADER.map(String::from);
    let mut rows: Vec<Vec<String>> = report
        .pairs()
        .map(|pair| {
            vec![
                (pair.index + 1).to_string(),
                fit::cut(&pair.pair.message, style.width, style),
                style.text(human(pair.pair.delay)),
                pair.began().map_or_else(|| "-".into(), offset),
                match (pair.status(), pair.ended()) {
                    (Status::Done, Some(at)) => offset(at),
                    (status, Some(at)) => format!("{} {}", status.name(), offset(at)),
                    (status, None) => status.name().to_owned(),
                },
                slack_cell(report, concurrency, pair.index, style),
                pair.late()
                    .map_or_else(|| "-".into(), |late| style.text(human_signed(late))),
            ]
        })
        .collect();
    let give = fit::Give {
        cut: Some(MESSAGE),
        optional: vec![5, 2, 3],
        ..fit::Give::default()
    };
    let mut fitted = fit::table(style, &header, &mut rows, &give);
    for column in [0, 2, 3, 4, 5, 6] {
        if let Some(column) = fitted.table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    let messages = rows
        .into_iter()
        .map(|mut row| std::mem::take(&mut row[MESSAGE]))
        .collect();
    (fitted, messages)
}

/// A pair's slack cell: `◆ 0s` on the critical path, else how much longer
/// it could take (`∞`: any amount, it was cut off; `-`: not worked out).
fn slack_cell(report: &Report, c: &Concurrency, index: usize, style: &Style) -> String {
    let node = Node::Pair {
        index: index as u32,
        action: report.scenario.action_of(index),
    };
    let room = match c.slack(node, Some(&report.timings)) {
        Room::By(by) => style.text(human(by)),
        Room::Unbounded if style.unicode => "∞".to_owned(),
        Room::Unbounded => "inf".to_owned(),
        Room::Unknown => "-".to_owned(),
    };
    match c.critical(node, Some(&report.timings)) {
        true => format!("{} {room}", super::tree::critical_mark(style)),
        false => room,
    }
}

/// The totals: every cell is saywhen's own text (no message), so all of
/// it goes through [`Style::text`] on the way out, and a row added later
/// cannot leak a `µs` or an arrow into an ASCII view.
/// The totals of `report`; with several runs of it (`repeated`), the wall
/// and overhead are the median's, as in every other view of the runs.
fn totals_table(report: &Report, repeated: Option<&Measurement>, style: &Style) -> fit::Fitted {
    let mut rows: Vec<[String; 2]> = Vec::new();
    rows.extend([
        [
            "mode".to_owned(),
            format!("{} ({})", report.label(), report.summary()),
        ],
        ["clock".to_owned(), report.clock_label()],
        [
            "runtime".to_owned(),
            match report.pairs_runtime() {
                Some(runtime) => runtime.to_string(),
                None => "none: one OS thread per pair".to_owned(),
            },
        ],
    ]);
    rows.extend(lesson_rows(report, style));
    rows.extend([[
        "expected wall".to_owned(),
        style.text(format!(
            "{} ({})",
            human(report.expected),
            report.expected_rule
        )),
    ]]);
    match repeated.filter(|m| m.counted() > 1 && m.interrupted().is_none()) {
        Some(m) => rows.extend([
            [
                "median wall".to_owned(),
                format!(
                    "{} of {} runs (run 1 above: {})",
                    human(m.median()),
                    m.counted(),
                    human(report.wall)
                ),
            ],
            [
                "overhead".to_owned(),
                m.overhead().map_or_else(|| "-".to_owned(), human_signed),
            ],
        ]),
        None => rows.extend([
            [
                "measured wall".to_owned(),
                match report.interrupted {
                    None => human(report.wall),
                    Some(by) => format!("{} (interrupted by {by})", human(report.wall)),
                },
            ],
            [
                "overhead".to_owned(),
                match report.overhead() {
                    Some(overhead) => human_signed(overhead),
                    None => "- (the run was cut short)".to_owned(),
                },
            ],
        ]),
    }
    let mut rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| row.map(|cell| style.text(cell)).into())
        .collect();
    fit::table(style, &[], &mut rows, &fit::Give::default())
}

/// The pairs in the order their results were collected (`#2 #3 #1`); past
/// a dozen, the first dozen and a count, so the row stays one line.
fn completion_order(report: &Report) -> String {
    const SHOWN: usize = 12;
    let collected = &report.collected;
    let mut order: Vec<String> = collected
        .iter()
        .take(SHOWN)
        .map(|&index| format!("#{}", index + 1))
        .collect();
    if collected.len() > SHOWN {
        order.push(format!(
            "… ({} in all; --format json lists every one)",
            collected.len()
        ));
    }
    order.join(" ")
}

/// The rows only some runs have: their options, and what those show.
fn lesson_rows(report: &Report, style: &Style) -> Vec<[String; 2]> {
    let mut rows = Vec::new();
    if let Some(timeout) = report.timeout {
        let cancelled = report
            .pairs()
            .filter(|p| p.status() == Status::Cancelled)
            .count();
        rows.push([
            "timeout".to_owned(),
            style.text(format!("{} ({cancelled} cancelled)", human(timeout))),
        ]);
    }
    if let Some(limit) = report.limit {
        rows.push(["limit".to_owned(), format!("{limit} at a time")]);
    }
    if let Some(drift) = report.drift() {
        let how = match report.deadlines {
            Deadlines::Relative => "relative deadlines: lateness adds up",
            Deadlines::Absolute => "absolute deadlines: lateness does not add up",
        };
        rows.push([
            "drift".to_owned(),
            format!("{} ({how})", human_signed(drift)),
        ]);
    }
    if !report.collected.is_empty() {
        rows.push([
            "completion order".to_owned(),
            style.text(completion_order(report)),
        ]);
    }
    rows
}
