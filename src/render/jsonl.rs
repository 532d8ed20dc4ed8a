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
//! A scenario's pair events also name the pair's node (`"id":"0.1.0"`), and
//! once the run is over its tree follows: a `tree` line (the scenario as
//! written and its arithmetic), then one `node` line per node, in
//! pre-order, as the JSON document's `nodes`. `saywhen run --dry-run` writes
//! the tree and node lines alone.
//!
//! Like the human view, only the first counted run of each mode streams its
//! events; the summary covers every run. An export file sees no live events,
//! so it replays the first run's from its report, in the order they
//! happened.

use std::io::{self, Write};

use serde::Serialize;

use std::sync::Arc;

use super::json::{ModeDocument, NodeDocument, NodesDocument, SCHEMA, Stopped, TIMESTAMP};
use super::state_spans::{Model, ModelDocument, Spans, States};
use crate::engine::event::Event;
use crate::engine::record::End;
use crate::measure::Measurement;
use crate::measure::compare::Comparison;
use crate::measure::report::{Report, scenario_label};
use crate::render::Renderer;
use crate::render::nodes::{Ids, Tree};
use crate::scenario::plan::Plan;
use crate::scenario::tree::Scenario;
use crate::scenario::units::seconds;

/// Renders events and the summary as JSON Lines.
#[derive(Debug, Clone)]
pub struct Jsonl {
    /// Write the events at the end, from the reports (for exports).
    replay: bool,
    /// The mode (or scenario) of the run whose events are streaming (from
    /// `started`).
    mode: String,
    /// A scenario's node ids, to name the pair of each event; `None` for
    /// a flat mode.
    ids: Option<(Arc<Scenario>, Ids)>,
}

impl Jsonl {
    /// Streams events as they come (stdout).
    pub fn live() -> Jsonl {
        Jsonl {
            replay: false,
            mode: String::new(),
            ids: None,
        }
    }

    /// Writes each first run's events from its report at the end (files).
    pub fn replaying() -> Jsonl {
        Jsonl {
            replay: true,
            mode: String::new(),
            ids: None,
        }
    }
}

/// One pair's event: said, cancelled, failed or skipped.
#[derive(Serialize)]
struct PairLine<'a> {
    schema: u32,
    mode: &'a str,
    index: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    message: &'a str,
    at_s: f64,
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
        expected_s: Option<f64>,
    },
    Said(PairLine<'a>),
    /// A command leaf's end, just before its said or failed line.
    Exited {
        #[serde(flatten)]
        pair: PairLine<'a>,
        #[serde(flatten)]
        run: super::json::CommandDocument,
    },
    /// A line a command printed (`--show-output`).
    Output {
        schema: u32,
        mode: &'a str,
        index: usize,
        #[serde(skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        line: &'a str,
    },
    Cancelled(PairLine<'a>),
    Failed(PairLine<'a>),
    Skipped(PairLine<'a>),
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
    Tree {
        schema: u32,
        mode: &'a str,
        scenario: String,
        arithmetic: String,
        expected_s: Option<f64>,
        nodes: usize,
    },
    Summary {
        schema: u32,
        clock: &'static str,
        #[serde(flatten)]
        stopped: Stopped,
        pairs: usize,
        modes: Vec<ModeDocument>,
    },
}

/// One node of a scenario's tree, after the run (or in a dry run).
#[derive(Serialize)]
struct NodeLine<'a> {
    event: &'static str,
    schema: u32,
    mode: &'a str,
    #[serde(flatten)]
    node: NodeDocument<'a>,
}

/// What the model says of a run's states (`states_are`, `threads`), or
/// why it says nothing.
#[derive(Serialize)]
struct ModelLine<'a> {
    event: &'static str,
    schema: u32,
    mode: &'a str,
    #[serde(flatten)]
    model: ModelDocument,
}

/// A flat mode's pair: its modelled states.
#[derive(Serialize)]
struct StatesLine<'a> {
    event: &'static str,
    schema: u32,
    mode: &'a str,
    index: usize,
    states: Spans<'a>,
}

fn write_line(line: &impl Serialize, out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer(&mut *out, line)?;
    out.write_all(b"\n")
}

/// A scenario's tree: the `tree` line, then a `node` line per node, with
/// its states when the model has them.
fn write_tree(tree: Tree<'_>, states: Option<States>, out: &mut dyn Write) -> io::Result<()> {
    let mode = scenario_label(tree.scenario);
    write_line(
        &Line::Tree {
            schema: SCHEMA,
            mode: &mode,
            scenario: tree.text(),
            arithmetic: tree.arithmetic(),
            expected_s: super::json::known(tree.expected_wall()),
            nodes: tree.scenario.node_count(),
        },
        out,
    )?;
    let nodes = NodesDocument {
        tree,
        states,
        concurrency: None,
    };
    for node in nodes.documents() {
        write_line(
            &NodeLine {
                event: "node",
                schema: SCHEMA,
                mode: &mode,
                node,
            },
            out,
        )?;
    }
    Ok(())
}

/// The dry run of `scenarios`: each one's tree and node lines.
pub fn write_planned(scenarios: &[&Scenario], out: &mut dyn Write) -> io::Result<()> {
    scenarios
        .iter()
        .try_for_each(|scenario| write_tree(Tree::planned(scenario), None, out))
}

/// What the model says of a measurement's first counted run (the `model`
/// line), then its tree if it is a scenario's, or a flat mode's `states`
/// lines.
fn write_tree_of(m: &Measurement, out: &mut dyn Write) -> io::Result<()> {
    let report = m.first();
    let model = Model::of(report);
    let tree = Tree::of_report(report);
    let mode = report.label();
    write_line(
        &ModelLine {
            event: "model",
            schema: SCHEMA,
            mode: &mode,
            model: ModelDocument::of(&model, tree.as_ref().map(|tree| tree.scenario)),
        },
        out,
    )?;
    match (tree, model.into_states()) {
        (Some(tree), states) => write_tree(tree, states, out),
        (None, Some(states)) => (0..report.plan.len()).try_for_each(|index| {
            write_line(
                &StatesLine {
                    event: "states",
                    schema: SCHEMA,
                    mode: &mode,
                    index,
                    states: states.of_pair(index),
                },
                out,
            )
        }),
        (None, None) => Ok(()),
    }
}

impl Renderer for Jsonl {
    fn event(&mut self, event: &Event, plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
        if let Event::Started { mode, scenario, .. } = event {
            self.mode = match mode {
                Some(mode) => mode.name().to_owned(),
                None => scenario_label(scenario),
            };
            self.ids = mode
                .is_none()
                .then(|| (scenario.clone(), Ids::of(scenario)));
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
                expected_s: super::json::known(*expected),
            },
            Event::Said { index, at }
            | Event::Cancelled { index, at }
            | Event::Failed { index, at }
            | Event::Skipped { index, at } => {
                let pair = PairLine {
                    schema: SCHEMA,
                    mode,
                    index: *index,
                    id: self.id(*index),
                    message: plan.message(*index),
                    at_s: seconds(*at),
                };
                match event {
                    Event::Said { .. } => Line::Said(pair),
                    Event::Cancelled { .. } => Line::Cancelled(pair),
                    Event::Failed { .. } => Line::Failed(pair),
                    _ => Line::Skipped(pair),
                }
            }
            Event::Exited { index, run } => Line::Exited {
                pair: PairLine {
                    schema: SCHEMA,
                    mode,
                    index: *index,
                    id: self.id(*index),
                    message: plan.message(*index),
                    at_s: seconds(run.took),
                },
                run: super::json::CommandDocument::of(run),
            },
            Event::Output { index, line } => Line::Output {
                schema: SCHEMA,
                mode,
                index: *index,
                id: self.id(*index),
                line,
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
        write_tree_of(m, out)?;
        write_line(
            &Line::Summary {
                schema: SCHEMA,
                clock: m.clock().name(),
                stopped: Stopped::alone(m),
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
        for m in &c.modes {
            write_tree_of(m, out)?;
        }
        write_line(
            &Line::Summary {
                schema: SCHEMA,
                clock: c.clock.name(),
                stopped: Stopped::of(c),
                pairs: c.plan.len(),
                modes: ModeDocument::all(c),
            },
            out,
        )
    }
}

impl Jsonl {
    /// The node id of pair `index`, for a scenario.
    fn id(&self, index: usize) -> Option<String> {
        let (scenario, ids) = self.ids.as_ref()?;
        Some(ids.pair(scenario, index))
    }

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
        .filter_map(|p| Some((p.ended()?, p.index, p.timing.end())))
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
