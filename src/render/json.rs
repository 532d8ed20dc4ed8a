//! `--format json`: one document with everything the report knows.
//! Durations are seconds, rounded to the microsecond; offsets are from the
//! start of the run; `index` is 0-based in argument order. `docs/FORMATS.md`
//! describes every field, with examples.
//!
//! Three documents: one run; repeated runs of one mode (the first counted
//! run, plus `runs`, `warmup` and `wall_stats`); and a comparison. A
//! scenario's documents also carry its tree (`scenario`, `arithmetic`,
//! `nodes`); a flat mode's keep the pairs alone. A fourth document is the
//! tree before anything runs (`saywhen run --dry-run`).

use std::borrow::Cow;
use std::io::{self, Write};

use serde::Serialize;
use serde::ser::Serializer;

use crate::measure::Measurement;
use crate::measure::compare::Comparison;
use crate::measure::concurrency::{Concurrency, Room};
use crate::measure::report::{PairReport, Report};
use crate::measure::stats::Stats;
use crate::render::Renderer;
use crate::render::nodes::{NodeRecord, Tree};
use crate::render::state_spans::{Model, ModelDocument, Spans, States, to_writer_pretty};
use crate::scenario::tree::Scenario;
use crate::scenario::units::{seconds, seconds_signed};

/// The version of the JSON documents' layout; bumped on breaking changes.
pub const SCHEMA: u32 = 1;

/// Renders the report as one JSON document.
#[derive(Debug, Default, Clone, Copy)]
pub struct Json;

impl Renderer for Json {
    fn report(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        to_writer_pretty(&mut *out, &RunDocument::new(report))?;
        writeln!(out)
    }

    fn measurement(&mut self, m: &Measurement, out: &mut dyn Write) -> io::Result<()> {
        let mut document = RunDocument::new(m.first());
        // The series' stop, which may have come after this first run.
        document.interrupted = m.interrupted().map(|by| by.name());
        if m.is_repeated() {
            document.repeated = Some(Repeated {
                runs: m.counted(),
                warmup: m.warmup(),
                asked: Asked::of(m),
                wall_stats: WallStats::from(m.wall()),
                leaf_medians: LeafMedians::of(m),
            });
        }
        to_writer_pretty(&mut *out, &document)?;
        writeln!(out)
    }

    fn comparison(&mut self, c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
        to_writer_pretty(&mut *out, &CompareDocument::new(c))?;
        writeln!(out)
    }
}

/// RFC 3339 with a numeric offset and milliseconds, no bracketed zone name:
/// `2026-11-25T04:16:32.123+09:00`.
pub const TIMESTAMP: &str = "%Y-%m-%dT%H:%M:%S%.3f%:z";

#[derive(Serialize)]
struct RunDocument<'a> {
    schema: u32,
    mode: Cow<'static, str>,
    /// A scenario: as written, and its arithmetic in one line.
    #[serde(skip_serializing_if = "Option::is_none")]
    scenario: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    arithmetic: Option<String>,
    clock: &'static str,
    started_at: String,
    finished_at: String,
    expected_s: Option<f64>,
    /// Present only where tokio's work stealing decides (multi-thread):
    /// the earliest and latest wall.
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_earliest_ns: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_latest_ns: Option<u64>,
    wall_s: f64,
    overhead_s: Option<f64>,
    /// Present only when the run was stopped early: `SIGINT`, `SIGTERM`,
    /// `SIGHUP`, `output-closed`.
    #[serde(skip_serializing_if = "Option::is_none")]
    interrupted: Option<&'static str>,
    /// `None` for threads: no tokio runtime ran its pairs.
    runtime: Option<&'static str>,
    workers: Option<usize>,
    timeout_s: Option<f64>,
    limit: Option<usize>,
    deadlines: &'static str,
    /// Serial only: how far the last message said ran behind its ideal time.
    drift_s: Option<f64>,
    /// joinset and race: 0-based indices in the order results were collected.
    completion_order: &'a [usize],
    /// The model's states: `states_are` and `threads`, or why not.
    #[serde(flatten)]
    model: ModelDocument,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    repeated: Option<Repeated>,
    /// Pairs in flight, the thread's busy share, the critical path.
    figures: FiguresDocument,
    pairs: PairsDocument<'a>,
    /// A scenario: every node, in pre-order.
    #[serde(skip_serializing_if = "Option::is_none")]
    nodes: Option<NodesDocument<'a>>,
}

/// The run's concurrency figures (see [`Concurrency`]).
#[derive(Serialize)]
struct FiguresDocument {
    in_flight_peak: usize,
    in_flight_mean: f64,
    thread_busy: f64,
    critical_path_s: f64,
    critical_path: Vec<PartDocument>,
    /// Whether each node's `slack_s` was worked out.
    slack: &'static str,
}

/// One part of the critical path.
#[derive(Serialize)]
struct PartDocument {
    /// A scenario's node id; a flat mode's pairs have their `index`.
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    index: Option<usize>,
    how: &'static str,
    start_s: f64,
    end_s: f64,
    /// What the timer's 1 ms step added to the delay.
    timer_s: f64,
}

impl FiguresDocument {
    fn new(report: &Report, c: &Concurrency, tree: Option<&Tree<'_>>) -> Self {
        use crate::scenario::tree::Node;
        let critical_path = c
            .path
            .iter()
            .map(|part| PartDocument {
                id: tree.map(|t| t.ids.node(&report.scenario, part.node).into_owned()),
                index: match part.node {
                    Node::Pair { index, .. } => Some(index as usize),
                    Node::Group(_) => None,
                },
                how: part.how.name(),
                start_s: seconds(part.from),
                end_s: seconds(part.to),
                timer_s: seconds(part.timer),
            })
            .collect();
        let root = report.scenario.root();
        FiguresDocument {
            in_flight_peak: c.in_flight.peak,
            in_flight_mean: (c.in_flight.mean * 1000.0).round() / 1000.0,
            thread_busy: (c.busy * 1000.0).round() / 1000.0,
            critical_path_s: seconds(c.length()),
            critical_path,
            slack: match c.slack(root, Some(&report.timings)) {
                Room::Unknown => "not worked out",
                _ => "worked out",
            },
        }
    }
}

/// A node's or pair's `slack_s`: seconds, or `null` where no amount would
/// move the wall; left out where it was not worked out.
fn slack_s(room: Room) -> Option<Option<f64>> {
    match room {
        Room::By(by) => Some(Some(seconds(by))),
        Room::Unbounded => Some(None),
        Room::Unknown => None,
    }
}

/// What a single-mode document gains with `--runs` or `--warmup`.
#[derive(Serialize)]
struct Repeated {
    runs: u32,
    warmup: u32,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    asked: Option<Asked>,
    wall_stats: WallStats,
    /// A scenario's command leaves: each one's median over the runs, and
    /// the arithmetic worked out from them.
    #[serde(skip_serializing_if = "Option::is_none")]
    leaf_medians: Option<LeafMedians>,
}

#[derive(Serialize)]
struct LeafMedians {
    arithmetic: String,
    expected_s: Option<f64>,
    leaves: Vec<LeafMedian>,
}

/// One command leaf over the counted runs it ran to its end in.
#[derive(Serialize)]
struct LeafMedian {
    id: String,
    message: String,
    runs: usize,
    median_s: f64,
    min_s: f64,
    max_s: f64,
}

impl LeafMedians {
    fn of(m: &Measurement) -> Option<LeafMedians> {
        let (scenario, schedule) = m.median_schedule()?;
        let ids = crate::render::nodes::Ids::of(&scenario);
        let leaves = scenario
            .commands()
            .iter()
            .zip(m.leaf_stats())
            .filter_map(|(command, stats)| {
                let stats = stats?;
                Some(LeafMedian {
                    id: ids.pair(&scenario, command.pair as usize),
                    message: command.label(),
                    runs: stats.count,
                    median_s: seconds(stats.median),
                    min_s: seconds(stats.min),
                    max_s: seconds(stats.max),
                })
            })
            .collect();
        Some(LeafMedians {
            arithmetic: schedule.summary(&scenario),
            expected_s: known(schedule.wall(&scenario)),
            leaves,
        })
    }
}

/// How many runs a series cut short was asked for (`runs` and `warmup`
/// say how many were made); present only when it was cut.
#[derive(Serialize)]
struct Asked {
    runs_asked: u32,
    warmup_asked: u32,
}

impl Asked {
    fn of(m: &Measurement) -> Option<Asked> {
        m.interrupted().map(|_| Asked {
            runs_asked: m.asked().runs,
            warmup_asked: m.asked().warmup,
        })
    }
}

impl<'a> RunDocument<'a> {
    fn new(report: &'a Report) -> Self {
        let tree = Tree::of_report(report);
        let concurrency = report.concurrency();
        let model = Model::of(report);
        let head = ModelDocument::of(&model, tree.as_ref().map(|tree| tree.scenario));
        // A scenario's states are on its nodes; a flat mode's, on its pairs.
        let states = model.into_states();
        let (pair_states, node_states) = match tree {
            Some(_) => (None, states),
            None => (states, None),
        };
        RunDocument {
            figures: FiguresDocument::new(report, concurrency, tree.as_ref()),
            schema: SCHEMA,
            mode: report.label(),
            scenario: tree.as_ref().map(Tree::text),
            arithmetic: tree.as_ref().map(Tree::arithmetic),
            clock: report.clock.name(),
            started_at: report.started_at.strftime(TIMESTAMP).to_string(),
            finished_at: report.finished_at.strftime(TIMESTAMP).to_string(),
            expected_s: known(report.expected),
            expected_earliest_ns: wall_bounds(report).map(|r| nanos(r.earliest)),
            expected_latest_ns: wall_bounds(report).map(|r| nanos(r.latest)),
            wall_s: seconds(report.wall),
            overhead_s: report.overhead().map(seconds_signed),
            interrupted: report.interrupted.map(|by| by.name()),
            runtime: report.pairs_runtime().map(|runtime| runtime.flavor.name()),
            workers: report.pairs_runtime().map(|runtime| runtime.workers),
            timeout_s: report.timeout.map(seconds),
            limit: report.limit.map(|n| n.get()),
            deadlines: report.deadlines.name(),
            drift_s: report.drift().map(seconds_signed),
            completion_order: &report.collected,
            model: head,
            repeated: None,
            pairs: PairsDocument {
                report,
                concurrency,
                states: pair_states,
            },
            nodes: tree.map(|tree| NodesDocument {
                tree,
                states: node_states,
                concurrency: Some(concurrency),
            }),
        }
    }
}

/// A run's pairs, marked on or off the critical path, with a flat mode's
/// states.
struct PairsDocument<'a> {
    report: &'a Report,
    concurrency: &'a Concurrency,
    states: Option<States>,
}

/// Streams the pairs, so a million of them need no second copy in memory.
impl Serialize for PairsDocument<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (report, c) = (self.report, self.concurrency);
        serializer.collect_seq(report.pairs().map(|pair| {
            let index = pair.index;
            let node = crate::scenario::tree::Node::Pair {
                index: index as u32,
                action: report.scenario.action_of(index),
            };
            let mut document = PairDocument::from(pair);
            document.critical = c.critical(node, Some(&report.timings));
            document.slack_s = slack_s(c.slack(node, Some(&report.timings)));
            document.states = self.states.as_ref().map(|states| states.of_pair(index));
            document
        }))
    }
}

/// A tree's nodes, with the model's states when it has them; a run's
/// (`--format json`) each marked on or off the critical path, with its
/// slack.
pub(super) struct NodesDocument<'a> {
    pub(super) tree: Tree<'a>,
    pub(super) states: Option<States>,
    pub(super) concurrency: Option<&'a Concurrency>,
}

/// Streams a tree's nodes, one record at a time.
impl Serialize for NodesDocument<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.documents())
    }
}

impl NodesDocument<'_> {
    /// Each node's document, in pre-order.
    pub(super) fn documents(&self) -> impl Iterator<Item = NodeDocument<'_>> + '_ {
        let tree = &self.tree;
        tree.records().enumerate().map(|(place, record)| {
            let node = record.node;
            let mut document = NodeDocument::from(record);
            if let Some(c) = self.concurrency {
                document.critical =
                    Some(c.critical(node, tree.report.map(|r| r.timings.as_slice())));
                document.slack_s =
                    slack_s(c.slack(node, tree.report.map(|r| r.timings.as_slice())));
            }
            document.states = self.states.as_ref().map(|states| states.at(place));
            document
        })
    }
}

/// One node of a scenario. Keys that do not apply to it (a group's
/// `message`, a pair's `formula`) are `null`, so every node has them all.
#[derive(Serialize)]
pub(super) struct NodeDocument<'a> {
    id: Cow<'a, str>,
    parent: Option<&'a str>,
    depth: usize,
    kind: &'static str,
    index: Option<usize>,
    message: Option<&'a str>,
    delay_s: Option<f64>,
    /// Left out of a dry run, which measures nothing.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    measured: Option<MeasuredDocument>,
    expected_start_s: Option<f64>,
    /// `null` when it waits on a command not yet measured.
    expected_finish_s: Option<f64>,
    /// Present only where tokio's work stealing decides (multi-thread):
    /// the earliest and latest end.
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_earliest_ns: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expected_latest_ns: Option<u64>,
    expected_status: &'static str,
    formula: Option<&'a str>,
    formula_s: Option<f64>,
    limit: Option<usize>,
    timeout_s: Option<f64>,
    /// A command leaf: what it runs and, once it has, how it ended.
    #[serde(skip_serializing_if = "Option::is_none")]
    command: Option<CommandNodeDocument<'a>>,
    /// On the critical path (`--format json` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    critical: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    slack_s: Option<Option<f64>>,
    /// The model's states, `[state, from_s, to_s]` each.
    #[serde(skip_serializing_if = "Option::is_none")]
    states: Option<Spans<'a>>,
}

/// A command leaf's node: what it runs, and what it left.
#[derive(Serialize)]
struct CommandNodeDocument<'a> {
    /// `sh` or `exec`.
    program: &'static str,
    /// The program and its arguments as run (`sh -c TEXT` for sh).
    argv: Vec<&'a str>,
    name: Option<&'a str>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    run: Option<CommandDocument>,
}

#[derive(Serialize)]
struct MeasuredDocument {
    start_s: Option<f64>,
    finish_s: Option<f64>,
    late_s: Option<f64>,
    status: &'static str,
}

impl<'a> From<NodeRecord<'a>> for NodeDocument<'a> {
    fn from(node: NodeRecord<'a>) -> Self {
        let expected_status = node.expected_status().name();
        NodeDocument {
            id: node.id,
            parent: node.parent,
            depth: node.depth,
            kind: node.kind,
            index: node.index,
            message: node.message,
            delay_s: node.delay.map(seconds),
            measured: node.measured.map(|m| MeasuredDocument {
                start_s: m.started.map(seconds),
                finish_s: m.finished.map(seconds),
                late_s: m.late.map(seconds_signed),
                status: m.status.name(),
            }),
            expected_start_s: node.expected.start.map(seconds),
            expected_finish_s: known(node.expected.end_at),
            expected_earliest_ns: node.expected_bounds.map(|r| nanos(r.earliest)),
            expected_latest_ns: node.expected_bounds.map(|r| nanos(r.latest)),
            expected_status,
            formula: node.formula,
            formula_s: node.formula_total.and_then(known),
            limit: node.limit,
            timeout_s: node.timeout.map(seconds),
            command: node.command.map(|command| CommandNodeDocument {
                program: match command.program {
                    crate::scenario::command::Program::Shell(_) => "sh",
                    crate::scenario::command::Program::Exec(_) => "exec",
                },
                argv: command.argv(),
                name: command.name.as_deref(),
                run: node.run.map(CommandDocument::of),
            }),
            critical: None,
            slack_s: None,
            states: None,
        }
    }
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
    critical: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    slack_s: Option<Option<f64>>,
    /// A flat mode's: the model's states, `[state, from_s, to_s]` each.
    #[serde(skip_serializing_if = "Option::is_none")]
    states: Option<Spans<'a>>,
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
            critical: false,
            slack_s: None,
            states: None,
        }
    }
}

/// Wall-time statistics in seconds; `stddev` is `null` for a single run.
#[derive(Serialize)]
pub(super) struct WallStats {
    min: f64,
    median: f64,
    mean: f64,
    stddev: Option<f64>,
    max: f64,
}

impl From<&Stats> for WallStats {
    fn from(stats: &Stats) -> Self {
        WallStats {
            min: seconds(stats.min),
            median: seconds(stats.median),
            mean: seconds(stats.mean),
            stddev: stats.stddev.map(seconds),
            max: seconds(stats.max),
        }
    }
}

#[derive(Serialize)]
struct CompareDocument<'a> {
    schema: u32,
    clock: &'static str,
    #[serde(flatten)]
    stopped: Stopped,
    #[serde(serialize_with = "plan_pairs")]
    pairs: &'a Comparison,
    modes: Vec<CompareMode<'a>>,
}

/// One mode of a comparison; a scenario's also carries its tree, as its
/// first counted run saw it.
#[derive(Serialize)]
struct CompareMode<'a> {
    #[serde(flatten)]
    mode: ModeDocument,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    tree: Option<TreeDocument<'a>>,
}

impl<'a> CompareDocument<'a> {
    fn new(c: &'a Comparison) -> Self {
        let modes = ModeDocument::all(c)
            .into_iter()
            .zip(&c.modes)
            .map(|(mode, m)| CompareMode {
                mode,
                tree: Tree::of_report(m.first())
                    .map(|tree| TreeDocument::new(tree, Model::of(m.first()))),
            })
            .collect();
        CompareDocument {
            schema: SCHEMA,
            clock: c.clock.name(),
            stopped: Stopped::of(c),
            pairs: c,
            modes,
        }
    }
}

/// A scenario's tree: as written, its arithmetic, its nodes.
#[derive(Serialize)]
struct TreeDocument<'a> {
    scenario: String,
    arithmetic: String,
    #[serde(flatten)]
    model: ModelDocument,
    nodes: NodesDocument<'a>,
}

impl<'a> TreeDocument<'a> {
    fn new(tree: Tree<'a>, model: Model) -> Self {
        TreeDocument {
            scenario: tree.text(),
            arithmetic: tree.arithmetic(),
            model: ModelDocument::of(&model, Some(tree.scenario)),
            nodes: NodesDocument {
                tree,
                states: model.into_states(),
                concurrency: None,
            },
        }
    }
}

/// What a comparison cut short gains (also its JSON Lines summary): why,
/// and the modes that did not run at all.
#[derive(Serialize)]
pub(super) struct Stopped {
    #[serde(skip_serializing_if = "Option::is_none")]
    interrupted: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    not_run: Vec<String>,
}

impl Stopped {
    pub(super) fn of(c: &Comparison) -> Stopped {
        Stopped {
            interrupted: c.interrupted().map(|by| by.name()),
            not_run: c.not_run.clone(),
        }
    }

    /// A single mode's: no mode is left out.
    pub(super) fn alone(m: &Measurement) -> Stopped {
        Stopped {
            interrupted: m.interrupted().map(|by| by.name()),
            not_run: Vec::new(),
        }
    }
}

/// `saywhen run --dry-run --format json`: the tree and its expected times,
/// nothing measured.
#[derive(Serialize)]
struct PlannedDocument<'a> {
    schema: u32,
    dry_run: bool,
    #[serde(flatten)]
    scenario: PlannedScenario<'a>,
}

/// Several scenarios' dry runs in one document.
#[derive(Serialize)]
struct PlannedScenarios<'a> {
    schema: u32,
    dry_run: bool,
    scenarios: Vec<PlannedScenario<'a>>,
}

#[derive(Serialize)]
struct PlannedScenario<'a> {
    scenario: String,
    arithmetic: String,
    expected_s: Option<f64>,
    nodes: NodesDocument<'a>,
}

impl<'a> PlannedScenario<'a> {
    fn new(scenario: &'a Scenario) -> Self {
        let tree = Tree::planned(scenario);
        PlannedScenario {
            scenario: tree.text(),
            arithmetic: tree.arithmetic(),
            expected_s: known(tree.expected_wall()),
            nodes: NodesDocument {
                tree,
                states: None,
                concurrency: None,
            },
        }
    }
}

/// The dry run of `scenarios` as one JSON document: the tree itself for
/// one scenario, `{"scenarios": [...]}` for several (as a comparison holds
/// its `modes`).
pub fn write_planned(scenarios: &[&Scenario], out: &mut dyn Write) -> io::Result<()> {
    match scenarios {
        [scenario] => serde_json::to_writer_pretty(
            &mut *out,
            &PlannedDocument {
                schema: SCHEMA,
                dry_run: true,
                scenario: PlannedScenario::new(scenario),
            },
        )?,
        _ => serde_json::to_writer_pretty(
            &mut *out,
            &PlannedScenarios {
                schema: SCHEMA,
                dry_run: true,
                scenarios: scenarios.iter().map(|s| PlannedScenario::new(s)).collect(),
            },
        )?,
    }
    writeln!(out)
}

/// The plan's pairs (what was asked, not when each ran), streamed.
fn plan_pairs<S: Serializer>(c: &&Comparison, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(c.plan.pairs().iter().enumerate().map(|(index, pair)| {
        PlanPairDocument {
            index,
            message: &pair.message,
            delay_s: seconds(pair.delay),
        }
    }))
}

#[derive(Serialize)]
struct PlanPairDocument<'a> {
    index: usize,
    message: &'a str,
    delay_s: f64,
}

/// One mode of a comparison (also the `modes` of a JSON Lines summary).
#[derive(Serialize)]
pub(super) struct ModeDocument {
    mode: Cow<'static, str>,
    runs: u32,
    warmup: u32,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    asked: Option<Asked>,
    expected_s: Option<f64>,
    expected_rule: String,
    wall_s: WallStats,
    /// Median wall minus expected wall; `None` for a mode stopped early.
    overhead_s: Option<f64>,
    speedup_vs_serial: Option<f64>,
    relative_to_fastest: Option<f64>,
    /// Present only when a run of this mode was stopped early.
    #[serde(skip_serializing_if = "Option::is_none")]
    interrupted: Option<&'static str>,
}

impl ModeDocument {
    /// A mode measured on its own: nothing to compare it with.
    pub(super) fn alone(m: &Measurement) -> ModeDocument {
        ModeDocument::new(m, None, None)
    }

    fn new(m: &Measurement, speedup: Option<f64>, relative: Option<f64>) -> ModeDocument {
        ModeDocument {
            mode: m.label(),
            runs: m.counted(),
            warmup: m.warmup(),
            asked: Asked::of(m),
            expected_s: known(m.expected()),
            expected_rule: m.expected_rule().to_owned(),
            wall_s: WallStats::from(m.wall()),
            overhead_s: m.overhead().map(seconds_signed),
            speedup_vs_serial: speedup.map(ratio),
            relative_to_fastest: relative.map(ratio),
            interrupted: m.interrupted().map(|by| by.name()),
        }
    }

    pub(super) fn all(c: &Comparison) -> Vec<ModeDocument> {
        c.modes
            .iter()
            .map(|m| ModeDocument::new(m, c.speedup_vs_serial(m), c.relative_to_fastest(m)))
            .collect()
    }
}

/// A ratio rounded to four decimals: `1.5`, not `1.4999999999999998`.
fn ratio(r: f64) -> f64 {
    (r * 1e4).round() / 1e4
}

/// Seconds of the arithmetic; `None` for a time that waits on a command
/// not yet measured.
pub fn known(d: std::time::Duration) -> Option<f64> {
    (d < crate::engine::arithmetic::UNKNOWN).then(|| seconds(d))
}

/// What a command leaf left, in every machine format: how it ended, how
/// long it ran, and the end of its output (the last
/// [`OUTPUT_CAP`](crate::engine::command_run::OUTPUT_CAP) bytes).
#[derive(Debug, Clone, Serialize)]
pub struct CommandDocument {
    /// `exited`, `signalled`, `not started` or `cancelled`.
    pub exit: &'static str,
    /// Its exit status, when it exited.
    pub exit_code: Option<i32>,
    /// The signal that killed it, when one did.
    pub signal: Option<i32>,
    /// Why it never started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// From its start to its exit (or to when it was cut off).
    pub duration_s: f64,
    /// The last bytes of its stdout and stderr, interleaved as they came.
    pub output: String,
    /// How many bytes it printed in all.
    pub output_bytes: u64,
    /// Whether `output` is only the end of it.
    pub output_truncated: bool,
}

impl CommandDocument {
    pub fn of(run: &crate::engine::command_run::CommandRun) -> CommandDocument {
        use crate::engine::command_run::Exit;
        let (exit, error) = match &run.exit {
            Exit::Code(_) => ("exited", None),
            Exit::Signal(_) => ("signalled", None),
            Exit::NotStarted(why) => ("not started", Some(why.clone())),
            Exit::Cancelled => ("cancelled", None),
        };
        CommandDocument {
            exit,
            exit_code: run.exit.code(),
            signal: run.exit.signal(),
            error,
            duration_s: seconds(run.took),
            output: run.output.text(),
            output_bytes: run.output.total(),
            output_truncated: run.output.dropped() > 0,
        }
    }
}

/// The bounds of a run's expected wall, where work stealing decides.
fn wall_bounds(report: &Report) -> Option<crate::simulate::bounds::Range> {
    report.schedule.as_ref()?.wall_bounds()
}

/// `d` in whole nanoseconds (saturating: `u64` holds 584 years).
fn nanos(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}
