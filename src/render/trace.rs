//! `--format trace` and `--export run.trace.json`: the run in the Chrome
//! Trace Event Format, so the tools people already study timelines with
//! (Perfetto, `chrome://tracing`, speedscope, Firefox Profiler) open it.
//!
//! The document is `{"traceEvents": [...], "displayTimeUnit": "ms"}`, one
//! event per line. Times (`ts`, `dur`) are microseconds from the start of
//! the run; in a comparison every mode starts at 0, so the modes line up
//! like the stacked timeline.
//!
//! - Each mode (or scenario) is a process, named with `process_name`
//!   metadata and sorted in the order it ran.
//! - Each pair is a thread of its own, named `1 hello` (its number and its
//!   message), because a viewer draws overlapping complete events on one
//!   thread as a stack, or hides them (Perfetto): one track per pair never
//!   overlaps. Thread 0 is the run itself, one span over its wall.
//! - A pair's sleep is a complete event (`"ph": "X"`); the moment it says
//!   its message is an instant event (`"ph": "i"`). A pair that did not
//!   say it says how it ended in its name (`hello (cancelled)`) and in
//!   `args.status`.
//! - `args` carry what the detail pane should teach: the delay, when the
//!   pair was expected to end (its start plus its delay) and how late it
//!   was, for people (`"1s"`) and in microseconds (`delay_us`).
//!
//! Everything is streamed, one event at a time, so a million pairs need no
//! second copy in memory. A scenario tree is one more loop over the same
//! [`Tracks`]: a track per node, a span per group, flow events for spawns.

use std::borrow::Cow;
use std::io::{self, Write};
use std::time::Duration;

use serde::Serialize;

use crate::measure::Measurement;
use crate::measure::compare::Comparison;
use crate::measure::report::{PairReport, Report, Status};
use crate::render::Renderer;
use crate::scenario::units::{human, human_signed, offset};

/// Renders the first counted run of each mode as one trace document.
#[derive(Debug, Default, Clone, Copy)]
pub struct Trace;

impl Renderer for Trace {
    fn report(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        write(&[report], out)
    }

    fn measurement(&mut self, m: &Measurement, out: &mut dyn Write) -> io::Result<()> {
        write(&[m.first()], out)
    }

    fn comparison(&mut self, c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
        let first_runs: Vec<&Report> = c.modes.iter().map(Measurement::first).collect();
        write(&first_runs, out)
    }
}

/// Writes `reports` as one trace: one process per report, in order.
pub fn write(reports: &[&Report], out: &mut dyn Write) -> io::Result<()> {
    let mut tracks = Tracks::start(out)?;
    for (n, report) in reports.iter().enumerate() {
        run(report, n + 1, &mut tracks)?;
    }
    tracks.finish()
}

/// The thread of a process that holds the run's own span.
const RUN_TID: usize = 0;

/// One run: a process, the run's span on thread 0, a thread per pair.
fn run(report: &Report, pid: usize, tracks: &mut Tracks<'_>) -> io::Result<()> {
    tracks.process(pid, &report.label())?;
    let run = Track { pid, tid: RUN_TID };
    tracks.name(run, "run")?;
    tracks.span(
        run,
        &run_name(report),
        "run",
        Duration::ZERO,
        report.wall,
        &RunArgs::new(report),
    )?;
    for pair in report.pairs() {
        let track = Track {
            pid,
            tid: pair.index + 1,
        };
        tracks.name(track, &format!("{} {}", pair.index + 1, pair.pair.message))?;
        pair_events(report, &pair, track, tracks)?;
    }
    Ok(())
}

/// `serial: wall 3s (expected 3s)`, or `... (interrupted)`.
fn run_name(report: &Report) -> String {
    let mut name = format!(
        "{}: wall {} (expected {})",
        report.label(),
        human(report.wall),
        human(report.expected)
    );
    if report.interrupted.is_some() {
        name.push_str(" (interrupted)");
    }
    name
}

/// A pair's sleep, and the moment it said its message. A pair that ended
/// some other way gets the way in its name; one that never began gets an
/// instant where it ended, so every track shows something.
fn pair_events(
    report: &Report,
    pair: &PairReport<'_>,
    track: Track,
    tracks: &mut Tracks<'_>,
) -> io::Result<()> {
    let status = pair.status();
    let message = pair.pair.message.as_str();
    let name: Cow<'_, str> = match status {
        Status::Done => message.into(),
        other => format!("{message} ({})", other.name()).into(),
    };
    let args = PairArgs::new(pair);
    // An interrupted pair waited until the run was stopped.
    let end = pair.ended().or(match status {
        Status::Interrupted => Some(report.wall),
        _ => None,
    });
    match (pair.began(), end) {
        (Some(began), Some(end)) => tracks.span(track, &name, "sleep", began, end, &args)?,
        (None, Some(end)) => tracks.instant(track, &name, "never began", end, &args)?,
        _ => {}
    }
    if let Some(said) = pair.finished() {
        tracks.instant(track, &format!("said {message}"), "said", said, &args)?;
    }
    Ok(())
}

/// Where an event is drawn: a process and one of its threads.
#[derive(Debug, Clone, Copy)]
struct Track {
    pid: usize,
    tid: usize,
}

/// The event writer: opens the document, writes one event per line with
/// the commas JSON needs between them, and closes the document.
struct Tracks<'a> {
    out: &'a mut dyn Write,
    first: bool,
}

/// One trace event. Every event has `name`, `ph`, `pid`, `tid` and `ts`,
/// metadata included: some importers require all five everywhere.
#[derive(Serialize)]
struct Event<'a, A: Serialize> {
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    cat: &'a str,
    ph: &'static str,
    pid: usize,
    tid: usize,
    ts: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    dur: Option<f64>,
    /// An instant's scope: `t`, its thread.
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<&'static str>,
    args: A,
}

#[derive(Serialize)]
struct NameArgs<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct SortArgs {
    sort_index: usize,
}

impl<'a> Tracks<'a> {
    fn start(out: &'a mut dyn Write) -> io::Result<Tracks<'a>> {
        out.write_all(b"{\"traceEvents\":[")?;
        Ok(Tracks { out, first: true })
    }

    fn finish(self) -> io::Result<()> {
        self.out.write_all(b"\n],\"displayTimeUnit\":\"ms\"}\n")
    }

    fn event<A: Serialize>(&mut self, event: &Event<'_, A>) -> io::Result<()> {
        let separator: &[u8] = if self.first { b"\n" } else { b",\n" };
        self.first = false;
        self.out.write_all(separator)?;
        serde_json::to_writer(&mut *self.out, event)?;
        Ok(())
    }

    fn metadata<A: Serialize>(&mut self, track: Track, name: &str, args: A) -> io::Result<()> {
        self.event(&Event {
            name,
            cat: "",
            ph: "M",
            pid: track.pid,
            tid: track.tid,
            ts: 0.0,
            dur: None,
            s: None,
            args,
        })
    }

    /// Names process `pid` and keeps the processes in the order they ran.
    fn process(&mut self, pid: usize, name: &str) -> io::Result<()> {
        let track = Track { pid, tid: RUN_TID };
        self.metadata(track, "process_name", NameArgs { name })?;
        self.metadata(track, "process_sort_index", SortArgs { sort_index: pid })
    }

    /// Names a thread and keeps the threads in argument order.
    fn name(&mut self, track: Track, name: &str) -> io::Result<()> {
        self.metadata(track, "thread_name", NameArgs { name })?;
        self.metadata(
            track,
            "thread_sort_index",
            SortArgs {
                sort_index: track.tid,
            },
        )
    }

    /// A complete event from `begin` to `end`.
    fn span<A: Serialize>(
        &mut self,
        track: Track,
        name: &str,
        cat: &str,
        begin: Duration,
        end: Duration,
        args: &A,
    ) -> io::Result<()> {
        self.event(&Event {
            name,
            cat,
            ph: "X",
            pid: track.pid,
            tid: track.tid,
            ts: micros(begin),
            dur: Some(micros(end.saturating_sub(begin))),
            s: None,
            args,
        })
    }

    /// An instant event on the track's thread.
    fn instant<A: Serialize>(
        &mut self,
        track: Track,
        name: &str,
        cat: &str,
        at: Duration,
        args: &A,
    ) -> io::Result<()> {
        self.event(&Event {
            name,
            cat,
            ph: "i",
            pid: track.pid,
            tid: track.tid,
            ts: micros(at),
            dur: None,
            s: Some("t"),
            args,
        })
    }
}

/// Microseconds, to the nanosecond.
fn micros(d: Duration) -> f64 {
    d.as_nanos() as f64 / 1e3
}

/// What the detail pane shows for a pair.
#[derive(Serialize)]
struct PairArgs<'a> {
    index: usize,
    message: &'a str,
    status: &'static str,
    delay: String,
    /// When it should have ended: its start plus its delay.
    expected: Option<String>,
    late_by: Option<String>,
    delay_us: f64,
    expected_us: Option<f64>,
    late_by_us: Option<f64>,
}

impl<'a> PairArgs<'a> {
    fn new(pair: &PairReport<'a>) -> PairArgs<'a> {
        let expected = pair.intended_finish();
        let late = pair.late();
        PairArgs {
            index: pair.index,
            message: &pair.pair.message,
            status: pair.status().name(),
            delay: human(pair.pair.delay),
            expected: expected.map(offset),
            late_by: late.map(human_signed),
            delay_us: micros(pair.pair.delay),
            expected_us: expected.map(micros),
            late_by_us: late.map(|l| {
                let magnitude = micros(l.unsigned_abs());
                if l.is_negative() {
                    -magnitude
                } else {
                    magnitude
                }
            }),
        }
    }
}

/// What the detail pane shows for the run's span.
#[derive(Serialize)]
struct RunArgs {
    mode: std::borrow::Cow<'static, str>,
    clock: &'static str,
    expected: String,
    expected_rule: String,
    wall: String,
    overhead: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    interrupted: Option<&'static str>,
    runtime: &'static str,
    pairs: usize,
}

impl RunArgs {
    fn new(report: &Report) -> RunArgs {
        RunArgs {
            mode: report.label(),
            clock: report.clock.name(),
            expected: human(report.expected),
            expected_rule: report.expected_rule.clone(),
            wall: human(report.wall),
            overhead: report.overhead().map(human_signed),
            interrupted: report.interrupted.map(|by| by.name()),
            runtime: report.runtime.flavor.name(),
            pairs: report.plan.len(),
        }
    }
}
