//! `--format jsonl`: JSON Lines, one object per line, streamed as things
//! happen, for CI logs and for tools that follow a run live:
//!
//! ```text
//! {"event":"started","schema":1,"mode":"serial","clock":"virtual","at":"…","pairs":2,"expected_s":3.0}
//! {"event":"said","schema":1,"mode":"serial","index":0,"message":"hello","at_s":1.0}
//! {"event":"said","schema":1,"mode":"serial","index":1,"message":"world","at_s":3.0}
//! {"event":"finished","schema":1,"mode":"serial","at":"…","wall_s":3.0}
//! {"event":"summary","schema":1,"clock":"virtual","pairs":2,"modes":[…]}
//! ```
//!
//! A run stopped early (Ctrl-C) ends with `interrupted` instead of
//! `finished`; a pair cancelled (a timeout, a lost race) is `cancelled`.
//!
//! Like the human view, only the first counted run of each mode streams its
//! events; the summary covers every run. An export file sees no live events,
//! so it replays the first run's from its report, in the order they
//! happened.

use std::io::{self, Write};

use serde::Serialize;

use super::json::{ModeDocument, SCHEMA, TIMESTAMP};
use crate::engine::event::Event;
use crate::engine::record::End;
use crate::measure::Measurement;
use crate::measure::compare::Comparison;
use crate::measure::report::{Report, scenario_label};
use crate::render::Renderer;
use crate::scenario::plan::Plan;
use crate::scenario::units::seconds;

/// Renders events and the summary as JSON Lines.
#[derive(Debug, Clone)]
pub struct Jsonl {
    /// Write the events at the end, from the reports (for exports).
    replay: bool,
    /// The mode (or scenario) of the run whose events are streaming (from
    /// `started`).
    mode: String,
}

impl Jsonl {
    /// Streams events as they come (stdout).
    pub fn live() -> Jsonl {
        Jsonl {
            replay: false,
            mode: String::new(),
        }
    }

    /// Writes each first run's events from its report at the end (files).
    pub fn replaying() -> Jsonl {
        Jsonl {
            replay: true,
            mode: String::new(),
        }
    }
}

#[derive(Serialize)]
#[serde(tag = "event", rename_all = "lowercase")]
enum Line<'a> {
    Started {
        schema: u32,
        mode: &'a str,
        clock: &'static str,
        at: String,
        pairs: usize,
        expected_s: f64,
    },
    Said {
        schema: u32,
        mode: &'a str,
        index: usize,
        message: &'a str,
        at_s: f64,
    },
    Cancelled {
        schema: u32,
        mode: &'a str,
        index: usize,
        message: &'a str,
        at_s: f64,
    },
    Failed {
        schema: u32,
        mode: &'a str,
        index: usize,
        message: &'a str,
        at_s: f64,
    },
    Skipped {
        schema: u32,
        mode: &'a str,
        index: usize,
        message: &'a str,
        at_s: f64,
    },
    Finished {
        schema: u32,
        mode: &'a str,
        at: String,
        wall_s: f64,
    },
    Interrupted {
        schema: u32,
        mode: &'a str,
        by: &'static str,
        at: String,
        wall_s: f64,
    },
    Summary {
        schema: u32,
        clock: &'static str,
        pairs: usize,
        modes: Vec<ModeDocument>,
    },
}

fn write_line(line: &Line<'_>, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")
}

impl Renderer for Jsonl {
    fn event(&mut self, event: &Event, plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
        if let Event::Started { mode, scenario, .. } = event {
            self.mode = match mode {
                Some(mode) => mode.name().to_owned(),
                None => scenario_label(scenario),
            };
        }
        let mode = self.mode.as_str();
        let line = match event {
            Event::Started {
                clock,
                at,
                pairs,
                expected,
                ..
            } => Line::Started {
                schema: SCHEMA,
                mode,
                clock: clock.name(),
                at: at.strftime(TIMESTAMP).to_string(),
                pairs: *pairs,
                expected_s: seconds(*expected),
            },
            Event::Said { index, at } => Line::Said {
                schema: SCHEMA,
                mode,
                index: *index,
                message: plan.message(*index),
                at_s: seconds(*at),
            },
            Event::Cancelled { index, at } => Line::Cancelled {
                schema: SCHEMA,
                mode,
                index: *index,
                message: plan.message(*index),
                at_s: seconds(*at),
            },
            Event::Failed { index, at } => Line::Failed {
                schema: SCHEMA,
                mode,
                index: *index,
                message: plan.message(*index),
                at_s: seconds(*at),
            },
            Event::Skipped { index, at } => Line::Skipped {
                schema: SCHEMA,
                mode,
                index: *index,
                message: plan.message(*index),
                at_s: seconds(*at),
            },
            Event::Finished { at, wall } => Line::Finished {
                schema: SCHEMA,
                mode,
                at: at.strftime(TIMESTAMP).to_string(),
                wall_s: seconds(*wall),
            },
            Event::Interrupted { by, at, wall } => Line::Interrupted {
                schema: SCHEMA,
                mode,
                by: by.name(),
                at: at.strftime(TIMESTAMP).to_string(),
                wall_s: seconds(*wall),
            },
        };
        write_line(&line, out)
    }

    fn report(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let alone = Measurement::new(report.clone(), Vec::new(), 0);
        self.measurement(&alone, out)
    }

    fn measurement(&mut self, m: &Measurement, out: &mut dyn Write) -> io::Result<()> {
        self.replay_first_run(m, out)?;
        write_line(
            &Line::Summary {
                schema: SCHEMA,
                clock: m.clock().name(),
                pairs: m.first().plan.len(),
                modes: vec![ModeDocument::alone(m)],
            },
            out,
        )
    }

    fn comparison(&mut self, c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
        for m in &c.modes {
            self.replay_first_run(m, out)?;
        }
        write_line(
            &Line::Summary {
                schema: SCHEMA,
                clock: c.clock.name(),
                pairs: c.plan.len(),
                modes: ModeDocument::all(c),
            },
            out,
        )
    }
}

impl Jsonl {
    fn replay_first_run(&mut self, m: &Measurement, out: &mut dyn Write) -> io::Result<()> {
        if !self.replay {
            return Ok(());
        }
        let report = m.first();
        for event in replay(report) {
            self.event(&event, &report.plan, out)?;
        }
        Ok(())
    }
}

/// The events of a finished run, rebuilt from its report: started, each
/// pair's end in the order they happened (equal instants in pair order, as
/// tokio fires them), finished.
fn replay(report: &Report) -> impl Iterator<Item = Event> + '_ {
    let mut ends: Vec<_> = report
        .pairs()
        .filter_map(|p| Some((p.ended()?, p.index, p.timing.end)))
        .collect();
    ends.sort_unstable();
    let started = Event::Started {
        mode: report.mode,
        scenario: report.scenario.clone(),
        clock: report.clock,
        at: report.started_at.clone(),
        pairs: report.plan.len(),
        expected: report.expected,
    };
    let finished = match report.interrupted {
        None => Event::Finished {
            at: report.finished_at.clone(),
            wall: report.wall,
        },
        Some(by) => Event::Interrupted {
            by,
            at: report.finished_at.clone(),
            wall: report.wall,
        },
    };
    let said = ends.into_iter().map(|(at, index, end)| match end {
        End::Done => Event::Said { index, at },
        End::Failed => Event::Failed { index, at },
        End::Skipped => Event::Skipped { index, at },
        End::Cancelled | End::TimedOut => Event::Cancelled { index, at },
    });
    std::iter::once(started)
        .chain(said)
        .chain(std::iter::once(finished))
}
