//! `--format json`: one document with everything the report knows.
//! Durations are seconds, rounded to the microsecond; offsets are from the
//! start of the run; `index` is 0-based in argument order.

use std::io::{self, Write};

use serde::Serialize;
use serde::ser::Serializer;

use crate::render::Renderer;
use crate::report::{PairReport, Report};
use crate::units::{seconds, seconds_signed};

/// The version of the JSON documents' layout; bumped on breaking changes.
pub const SCHEMA: u32 = 1;

/// Renders the report as one JSON document.
#[derive(Debug, Default, Clone, Copy)]
pub struct Json;

impl Renderer for Json {
    fn report(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, &RunDocument::new(report))?;
        writeln!(out)
    }
}

/// RFC 3339 with a numeric offset and milliseconds, no bracketed zone name:
/// `2026-11-25T04:16:32.123+09:00`.
pub const TIMESTAMP: &str = "%Y-%m-%dT%H:%M:%S%.3f%:z";

#[derive(Serialize)]
struct RunDocument<'a> {
    schema: u32,
    mode: &'static str,
    clock: &'static str,
    started_at: String,
    finished_at: String,
    expected_s: f64,
    wall_s: f64,
    overhead_s: f64,
    /// Present only when the run was stopped early: `SIGINT`, `SIGTERM`.
    #[serde(skip_serializing_if = "Option::is_none")]
    interrupted: Option<&'static str>,
    runtime: &'static str,
    workers: usize,
    timeout_s: Option<f64>,
    limit: Option<usize>,
    deadlines: &'static str,
    /// Serial only: how far the last message said ran behind its ideal time.
    drift_s: Option<f64>,
    /// joinset and race: 0-based indices in the order results were collected.
    completion_order: &'a [usize],
    #[serde(serialize_with = "pairs")]
    pairs: &'a Report,
}

impl<'a> RunDocument<'a> {
    fn new(report: &'a Report) -> Self {
        RunDocument {
            schema: SCHEMA,
            mode: report.mode.name(),
            clock: report.clock.name(),
            started_at: report.started_at.strftime(TIMESTAMP).to_string(),
            finished_at: report.finished_at.strftime(TIMESTAMP).to_string(),
            expected_s: seconds(report.expected),
            wall_s: seconds(report.wall),
            overhead_s: seconds_signed(report.overhead()),
            interrupted: report.interrupted.map(|by| by.name()),
            runtime: report.runtime.flavor.name(),
            workers: report.runtime.workers,
            timeout_s: report.timeout.map(seconds),
            limit: report.limit.map(|n| n.get()),
            deadlines: report.deadlines.name(),
            drift_s: report.drift().map(seconds_signed),
            completion_order: &report.collected,
            pairs: report,
        }
    }
}

/// Streams the pairs, so a million of them need no second copy in memory.
fn pairs<S: Serializer>(report: &&Report, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(report.pairs().map(PairDocument::from))
}

#[derive(Serialize)]
struct PairDocument<'a> {
    index: usize,
    message: &'a str,
    delay_s: f64,
    start_s: Option<f64>,
    finish_s: Option<f64>,
    late_s: Option<f64>,
    status: &'static str,
}

impl<'a> From<PairReport<'a>> for PairDocument<'a> {
    fn from(pair: PairReport<'a>) -> Self {
        PairDocument {
            index: pair.index,
            message: &pair.pair.message,
            delay_s: seconds(pair.pair.delay),
            start_s: pair.began().map(seconds),
            finish_s: pair.ended().map(seconds),
            late_s: pair.late().map(seconds_signed),
            status: pair.status().name(),
        }
    }
}
