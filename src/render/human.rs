//! The human view: the tutorial's lines, live, then a summary table.
//!
//! ```text
//! started at 10:15:00
//!  +1.001s  hello
//!  +2.002s  world
//! finished at 10:15:02
//! ```

use std::io::{self, Write};

use comfy_table::{CellAlignment, Table, presets};

use crate::clock::Clock;
use crate::escape::Escaped;
use crate::event::Event;
use crate::plan::Plan;
use crate::render::Renderer;
use crate::report::{Report, Status};
use crate::units::{human, human_signed, offset};

/// Renders for people.
#[derive(Debug, Default)]
pub struct Human;

/// Offsets are right-aligned to this width so live lines line up: it fits
/// every offset below a minute (`+999.9ms`, `+59.999s`).
const OFFSET_WIDTH: usize = 8;

/// `HH:MM:SS`, the tutorial's `%X`.
const CLOCK_TIME: &str = "%H:%M:%S";

impl Renderer for Human {
    fn event(&mut self, event: &Event, plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
        match event {
            Event::Started { clock, at, .. } => {
                let note = match clock {
                    Clock::Real => "",
                    Clock::Virtual => " (virtual clock: times are simulated)",
                };
                writeln!(out, "started at {}{note}", at.strftime(CLOCK_TIME))
            }
            Event::Said { index, at } => writeln!(
                out,
                "{:>width$}  {}",
                offset(*at),
                Escaped(plan.message(*index)),
                width = OFFSET_WIDTH
            ),
            Event::Cancelled { index, at } => writeln!(
                out,
                "{:>width$}  {} (cancelled)",
                offset(*at),
                Escaped(plan.message(*index)),
                width = OFFSET_WIDTH
            ),
            Event::Finished { at, .. } => {
                writeln!(out, "finished at {}", at.strftime(CLOCK_TIME))
            }
            Event::Interrupted { by, at, .. } => {
                writeln!(out, "interrupted at {} by {by}", at.strftime(CLOCK_TIME))
            }
        }
    }

    fn report(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out)?;
        writeln!(out, "{}", pairs_table(report))?;
        writeln!(out, "{}", totals_table(report))
    }
}

fn pairs_table(report: &Report) -> Table {
    let mut table = Table::new();
    table
        .load_style(presets::UTF8_FULL_CONDENSED)
        .set_header(["#", "message", "delay", "started", "finished", "late by"]);
    for pair in report.pairs() {
        table.add_row([
            (pair.index + 1).to_string(),
            Escaped(&pair.pair.message).to_string(),
            human(pair.pair.delay),
            pair.began().map_or_else(|| "-".into(), offset),
            match (pair.status(), pair.ended()) {
                (Status::Done, Some(at)) => offset(at),
                (status, Some(at)) => format!("{} {}", status.name(), offset(at)),
                (status, None) => status.name().to_owned(),
            },
            pair.late().map_or_else(|| "-".into(), human_signed),
        ]);
    }
    for column in [0, 2, 3, 4, 5] {
        if let Some(column) = table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}

fn totals_table(report: &Report) -> Table {
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED).add_rows([
        [
            "mode".to_owned(),
            format!("{} ({})", report.mode, report.mode.summary()),
        ],
        ["clock".to_owned(), report.clock.to_string()],
        [
            "expected wall".to_owned(),
            format!(
                "{} ({})",
                human(report.expected),
                report.mode.expected_rule()
            ),
        ],
        [
            "measured wall".to_owned(),
            match report.interrupted {
                None => human(report.wall),
                Some(by) => format!("{} (interrupted by {by})", human(report.wall)),
            },
        ],
        [
            "overhead".to_owned(),
            match report.interrupted {
                // Measured against a run that never ended, it means nothing.
                None => human_signed(report.overhead()),
                Some(_) => "- (the run was cut short)".to_owned(),
            },
        ],
    ]);
    table
}
