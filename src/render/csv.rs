//! `--format csv`: one header line, then one row per pair per counted run,
//! for spreadsheets and data tools:
//!
//! ```text
//! mode,run,index,message,delay_s,start_s,finish_s,late_s,status,modelled_states
//! serial,1,0,hello,1,0,1,0,done,sleeping:0:1
//! serial,1,1,world,2,1,3,0,done,waiting:0:1 sleeping:1:3
//! ```
//!
//! Quoting is the `csv` crate's (RFC 4180): a message with a comma, a quote
//! or a line break is quoted, never mangled. Seconds are written in plain
//! decimal, rounded to the microsecond (`0.000002`, never `2e-6`); a time
//! that does not exist (a pair that never finished) is an empty field.
//! `run` counts counted runs from 1; `index` counts pairs from 0, as in JSON.
//!
//! A scenario's CSV has one row per node per counted run instead, in
//! pre-order, with the node's path id, its parent's, its kind, and what
//! the arithmetic expected beside what happened (see [`TREE_HEADER`]); a
//! dry run writes the same columns with the measured ones empty.
//!
//! `modelled_states` is what the event-loop model says the pair (or node)
//! was doing, `state:from_s:to_s` each ([`crate::render::state_spans`]);
//! when the model cannot tell a run's states, a `#` line after the rows
//! says why. A series or a comparison cut short (Ctrl-C) ends with a `#`
//! line that says so.

use std::borrow::Cow;
use std::io::{self, Write};
use std::time::Duration;

use jiff::SignedDuration;
use serde::Serialize;

use crate::engine::arithmetic::UNKNOWN;
use crate::measure::Measurement;
use crate::measure::compare::Comparison;
use crate::measure::report::Report;
use crate::render::nodes::{NodeRecord, Tree};
use crate::render::state_spans::{Model, Spans, csv_cell};
use crate::render::{Renderer, wall_stats};
use crate::scenario::pair::exact_seconds;
use crate::scenario::tree::Scenario;

/// Renders every pair of every run as CSV.
#[derive(Debug, Default, Clone, Copy)]
pub struct Csv;

#[derive(Serialize)]
struct Row<'a> {
    mode: Cow<'static, str>,
    run: usize,
    index: usize,
    message: &'a str,
    delay_s: String,
    start_s: Option<String>,
    finish_s: Option<String>,
    late_s: Option<String>,
    status: &'static str,
    modelled_states: String,
}

impl Renderer for Csv {
    fn report(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        write_rows(std::iter::once((1, Cow::Borrowed(report))), out)
    }

    fn measurement(&mut self, m: &Measurement, out: &mut dyn Write) -> io::Result<()> {
        write_rows(numbered(m), &mut *out)?;
        write_note(wall_stats::series_note(m), out)
    }

    fn comparison(&mut self, c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
        write_rows(c.modes.iter().flat_map(numbered), &mut *out)?;
        write_note(wall_stats::comparison_note(c), out)
    }
}

/// A series or comparison cut short ends with one line saying so, after
/// the rows: `# interrupted by Ctrl-C (SIGINT) after 2 of 5 runs`. No row
/// starts with `#` (the first field is a mode), so readers that skip
/// comment lines (pandas' `comment="#"`) read the rows alone.
fn write_note(note: Option<String>, out: &mut dyn Write) -> io::Result<()> {
    match note {
        Some(note) => writeln!(out, "# {note}"),
        None => Ok(()),
    }
}

/// Each kept counted run with its number, from 1.
fn numbered(m: &Measurement) -> impl Iterator<Item = (usize, Cow<'_, Report>)> {
    (0..m.kept_runs()).filter_map(|i| Some((i + 1, m.run(i)?)))
}

fn write_rows<'a>(
    runs: impl Iterator<Item = (usize, Cow<'a, Report>)>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut runs = runs.peekable();
    let mut models = Models::default();
    if runs.peek().is_some_and(|(_, report)| report.mode.is_none()) {
        write_trees(runs, &mut models, &mut *out)?;
        return models.write_notes(out);
    }
    let mut writer = csv::Writer::from_writer(&mut *out);
    for (run, report) in runs {
        let model = models.of(&report);
        for pair in report.pairs() {
            let states = model
                .states()
                .map_or(Spans(&[]), |states| states.of_pair(pair.index));
            writer
                .serialize(Row {
                    mode: report.label(),
                    run,
                    index: pair.index,
                    message: &pair.pair.message,
                    delay_s: plain(pair.pair.delay),
                    start_s: pair.began().map(plain),
                    finish_s: pair.ended().map(plain),
                    late_s: pair.late().map(plain_signed),
                    status: pair.status().name(),
                    modelled_states: csv_cell(states, plain),
                })
                .map_err(io_error)?;
        }
    }
    writer.flush()?;
    drop(writer);
    models.write_notes(out)
}

/// The model's states of each run, worked out once for runs that share a
/// scenario (every run of one mode does), and why any were left out.
#[derive(Default)]
struct Models {
    last: Option<(*const Scenario, std::rc::Rc<Model>)>,
    omitted: Vec<&'static str>,
}

impl Models {
    fn of(&mut self, report: &Report) -> std::rc::Rc<Model> {
        let scenario = std::sync::Arc::as_ptr(&report.scenario);
        if let Some((last, model)) = &self.last
            && *last == scenario
        {
            return model.clone();
        }
        let model = std::rc::Rc::new(Model::of(report));
        if let Some(why) = model.omitted()
            && !self.omitted.contains(&why)
        {
            self.omitted.push(why);
        }
        self.last = Some((scenario, model.clone()));
        model
    }

    /// A `#` line after the rows for each reason states were left out.
    fn write_notes(&self, out: &mut dyn Write) -> io::Result<()> {
        self.omitted
            .iter()
            .try_for_each(|why| writeln!(out, "# modelled_states left out: {why}"))
    }
}

/// The writer's error as the I/O error it is, so that a closed pipe stays a
/// closed pipe (`saywhen --format csv ... | head`, a quiet end) instead of
/// an error of kind "other" (exit 74).
fn io_error(error: csv::Error) -> io::Error {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => error,
        other => io::Error::other(format!("{other:?}")),
    }
}

/// The columns of a scenario's CSV: one row per node.
pub const TREE_HEADER: [&str; 24] = [
    "mode",
    "run",
    "id",
    "parent",
    "depth",
    "kind",
    "index",
    "message",
    "delay_s",
    "start_s",
    "finish_s",
    "late_s",
    "status",
    "expected_start_s",
    "expected_finish_s",
    "expected_status",
    "formula",
    "formula_s",
    "limit",
    "timeout_s",
    "exit_code",
    "signal",
    "output",
    "modelled_states",
];

/// Every node of every run of scenarios.
fn write_trees<'a>(
    runs: impl Iterator<Item = (usize, Cow<'a, Report>)>,
    models: &mut Models,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(TREE_HEADER).map_err(io_error)?;
    for (run, report) in runs {
        let Some(tree) = Tree::of_report(&report) else {
            continue;
        };
        let model = models.of(&report);
        let mode = report.label();
        for (place, record) in tree.records().enumerate() {
            let states = model.states().map_or(Spans(&[]), |states| states.at(place));
            writer
                .write_record(tree_row(&mode, Some(run), &record, states))
                .map_err(io_error)?;
        }
    }
    writer.flush()
}

/// The dry run of `scenarios`: every node, nothing measured.
pub fn write_planned(scenarios: &[&Scenario], out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(TREE_HEADER).map_err(io_error)?;
    for scenario in scenarios {
        let tree = Tree::planned(scenario);
        let mode = crate::measure::report::scenario_label(scenario);
        for record in tree.records() {
            writer
                .write_record(tree_row(&mode, None, &record, Spans(&[])))
                .map_err(io_error)?;
        }
    }
    writer.flush()
}

/// One node's row, in [`TREE_HEADER`]'s order; what does not apply to it,
/// or was not measured, is an empty field.
fn tree_row(
    mode: &str,
    run: Option<usize>,
    node: &NodeRecord<'_>,
    states: Spans<'_>,
) -> [String; 24] {
    let text = |value: Option<String>| value.unwrap_or_default();
    let measured = node.measured;
    [
        mode.to_owned(),
        text(run.map(|r| r.to_string())),
        node.id.to_string(),
        text(node.parent.map(str::to_owned)),
        node.depth.to_string(),
        node.kind.to_owned(),
        text(node.index.map(|i| i.to_string())),
        text(node.message.map(str::to_owned)),
        text(node.delay.map(plain)),
        text(measured.and_then(|m| m.started).map(plain)),
        text(measured.and_then(|m| m.finished).map(plain)),
        text(measured.and_then(|m| m.late).map(plain_signed)),
        text(measured.map(|m| m.status.name().to_owned())),
        text(node.expected.start.map(plain)),
        text(
            Some(node.expected.end_at)
                .filter(|&d| d < UNKNOWN)
                .map(plain),
        ),
        node.expected_status().name().to_owned(),
        text(node.formula.map(str::to_owned)),
        text(node.formula_total.filter(|&d| d < UNKNOWN).map(plain)),
        text(node.limit.map(|n| n.to_string())),
        text(node.timeout.map(plain)),
        text(node.run.and_then(|r| r.exit.code()).map(|c| c.to_string())),
        text(
            node.run
                .and_then(|r| r.exit.signal())
                .map(|c| c.to_string()),
        ),
        text(node.run.map(|r| r.output.text())),
        csv_cell(states, plain),
    ]
}

/// Seconds in plain decimal, rounded to the microsecond: `1.5`, `0.000002`.
fn plain(d: Duration) -> String {
    let micros = (d.as_nanos() + 500) / 1_000;
    exact_seconds(Duration::from_micros(
        u64::try_from(micros).unwrap_or(u64::MAX),
    ))
}

/// Signed seconds the same way: `-0.003`.
fn plain_signed(d: SignedDuration) -> String {
    let magnitude = plain(d.unsigned_abs());
    if d.is_negative() && magnitude != "0" {
        format!("-{magnitude}")
    } else {
        magnitude
    }
}
