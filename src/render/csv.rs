//! `--format csv`: one header line, then one row per pair per counted run,
//! for spreadsheets and data tools:
//!
//! ```text
//! mode,run,index,message,delay_s,start_s,finish_s,late_s,status
//! serial,1,0,hello,1,0,1,0,done
//! serial,1,1,world,2,1,3,0,done
//! ```
//!
//! Quoting is the `csv` crate's (RFC 4180): a message with a comma, a quote
//! or a line break is quoted, never mangled. Seconds are written in plain
//! decimal, rounded to the microsecond (`0.000002`, never `2e-6`); a time
//! that does not exist (a pair that never finished) is an empty field.
//! `run` counts counted runs from 1; `index` counts pairs from 0, as in JSON.

use std::borrow::Cow;
use std::io::{self, Write};
use std::time::Duration;

use jiff::SignedDuration;
use serde::Serialize;

use crate::measure::Measurement;
use crate::measure::compare::Comparison;
use crate::measure::report::Report;
use crate::render::Renderer;
use crate::scenario::pair::exact_seconds;

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
}

impl Renderer for Csv {
    fn report(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        write_rows(std::iter::once((1, report)), out)
    }

    fn measurement(&mut self, m: &Measurement, out: &mut dyn Write) -> io::Result<()> {
        write_rows(numbered(m), out)
    }

    fn comparison(&mut self, c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
        write_rows(c.modes.iter().flat_map(numbered), out)
    }
}

/// Each counted run with its number, from 1.
fn numbered(m: &Measurement) -> impl Iterator<Item = (usize, &Report)> {
    m.runs()
        .iter()
        .enumerate()
        .map(|(i, report)| (i + 1, report))
}

fn write_rows<'a>(
    runs: impl Iterator<Item = (usize, &'a Report)>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    for (run, report) in runs {
        for pair in report.pairs() {
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
                })
                .map_err(io_error)?;
        }
    }
    writer.flush()
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
