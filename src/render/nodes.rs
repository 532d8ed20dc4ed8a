//! A scenario's tree as the machine formats carry it: one record per node,
//! in pre-order, with its path id (`0.1`), its parent's, what it is, when
//! it ran and when the arithmetic says it should have. JSON, JSON Lines,
//! CSV and Markdown all write these records, each in its own syntax, so
//! they never disagree on a value.
//!
//! A flat mode's report has no such records: its formats keep the pairs
//! alone, as they always have.

use std::borrow::Cow;
use std::time::Duration;

use jiff::SignedDuration;

use crate::engine::arithmetic::{Expected, Schedule};
use crate::engine::command_run::CommandRun;
use crate::measure::report::{PairReport, Report, Status};
use crate::scenario::command::Command;
use crate::scenario::tree::{Action, GroupKind, Node, Scenario};

pub use crate::scenario::ids::Ids;

/// The word a format uses for what a node is: a group's kind (`limit`,
/// without its parameter), or what a pair does (`pair`, `fail`, `block`,
/// `spawn_blocking`).
pub fn kind(scenario: &Scenario, node: Node) -> &'static str {
    match node {
        Node::Group(g) => scenario.group(g).kind.name(),
        Node::Pair { action, .. } => match action {
            Action::Say => "pair",
            Action::Fail => "fail",
            Action::Block => "block",
            Action::SpawnBlocking => "spawn_blocking",
            Action::Command => "command",
        },
    }
}

/// What happened to a node in a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Measured {
    pub started: Option<Duration>,
    /// When it ended, however it ended (for a skipped node: when it was
    /// skipped); `None` if it had not when the run stopped.
    pub finished: Option<Duration>,
    pub status: Status,
    /// Pairs that said their message or failed: how much later than start
    /// plus delay.
    pub late: Option<SignedDuration>,
}

/// One node of a scenario, with everything the formats write about it.
#[derive(Debug, Clone)]
pub struct NodeRecord<'a> {
    pub node: Node,
    pub id: Cow<'a, str>,
    /// `None` for the root.
    pub parent: Option<&'a str>,
    /// 0 for the root.
    pub depth: usize,
    pub kind: &'static str,
    /// Pairs: their index in the plan (and in the `pairs` of JSON).
    pub index: Option<usize>,
    pub message: Option<&'a str>,
    pub delay: Option<Duration>,
    /// `None` in a dry run: nothing ran.
    pub measured: Option<Measured>,
    pub expected: Expected,
    /// The earliest and latest end, where tokio's work stealing decides
    /// (a multi-thread runtime).
    pub expected_bounds: Option<crate::simulate::bounds::Range>,
    /// Groups: how their time follows from their children's.
    pub formula: Option<&'a str>,
    /// Groups: what the formula adds up to, the time the group takes if
    /// nothing cuts it short.
    pub formula_total: Option<Duration>,
    /// `limit(N, ...)`: N.
    pub limit: Option<usize>,
    /// `timeout(D, ...)`: D.
    pub timeout: Option<Duration>,
    /// A command leaf: what it runs.
    pub command: Option<&'a Command>,
    /// A command leaf that started: how it ended, and its output.
    pub run: Option<&'a CommandRun>,
}

impl NodeRecord<'_> {
    pub fn expected_status(&self) -> Status {
        Status::from(self.expected.end)
    }
}

/// A scenario's tree, ready to be written: the scenario, its arithmetic,
/// its ids and, for a run, the report.
pub struct Tree<'a> {
    pub scenario: &'a Scenario,
    pub schedule: Cow<'a, Schedule>,
    pub ids: Ids,
    pub report: Option<&'a Report>,
}

impl<'a> Tree<'a> {
    /// The tree of a scenario's run; `None` for a flat mode, whose formats
    /// stay as they were.
    pub fn of_report(report: &'a Report) -> Option<Tree<'a>> {
        report.mode.is_none().then(|| Tree {
            scenario: &report.scenario,
            schedule: match &report.schedule {
                Some(schedule) => Cow::Borrowed(schedule.as_ref()),
                None => Cow::Owned(Schedule::of(&report.scenario)),
            },
            ids: Ids::of(&report.scenario),
            report: Some(report),
        })
    }

    /// The tree of a scenario before it runs (`--dry-run`).
    pub fn planned(scenario: &'a Scenario) -> Tree<'a> {
        Tree {
            scenario,
            schedule: Cow::Owned(Schedule::of(scenario)),
            ids: Ids::of(scenario),
            report: None,
        }
    }

    /// The scenario as written, on one line.
    pub fn text(&self) -> String {
        self.scenario.text()
    }

    /// The whole arithmetic in one line: `expected 3s = max(...)`.
    pub fn arithmetic(&self) -> String {
        self.schedule.summary(self.scenario)
    }

    /// The expected wall.
    pub fn expected_wall(&self) -> Duration {
        self.schedule.wall(self.scenario)
    }

    /// Every node, in pre-order.
    pub fn records(&self) -> impl Iterator<Item = NodeRecord<'_>> + '_ {
        self.scenario
            .walk()
            .map(move |(node, depth)| self.record(node, depth))
    }

    fn record(&self, node: Node, depth: usize) -> NodeRecord<'_> {
        let scenario = self.scenario;
        let parent = scenario.parent(node).map(|p| self.ids.group(p));
        let mut record = NodeRecord {
            node,
            id: self.ids.node(scenario, node),
            parent,
            depth,
            kind: kind(scenario, node),
            index: None,
            message: None,
            delay: None,
            measured: None,
            expected: self.schedule.of_node(node),
            expected_bounds: self.schedule.bounds_of(node),
            formula: None,
            formula_total: None,
            limit: None,
            timeout: None,
            command: None,
            run: None,
        };
        match node {
            Node::Pair { index, .. } => {
                let index = index as usize;
                let pair = &scenario.plan().pairs()[index];
                record.index = Some(index);
                record.message = Some(&pair.message);
                record.delay = scenario.delay(index);
                record.command = scenario.command(index);
                record.run = self.report.and_then(|report| report.command_run(index));
                let is_command = record.command.is_some();
                record.measured = self.report.map(|report| {
                    let pair = PairReport {
                        index,
                        pair,
                        timing: report.timings.get(index).copied().unwrap_or_default(),
                    };
                    Measured {
                        started: pair.began(),
                        finished: pair.ended(),
                        status: pair.status(),
                        late: pair.late().filter(|_| !is_command),
                    }
                });
            }
            Node::Group(g) => {
                let i = g as usize;
                record.formula = Some(&self.schedule.formulas[i]);
                record.formula_total = Some(self.schedule.natural[i]);
                match scenario.group(g).kind {
                    GroupKind::Limit(n) => record.limit = Some(n.get()),
                    GroupKind::Timeout(d) => record.timeout = Some(d),
                    _ => {}
                }
                record.measured = self.report.map(|report| {
                    let timing = report.groups.get(i).copied().unwrap_or_default();
                    Measured {
                        started: timing.began(),
                        finished: timing.ended(),
                        status: Status::of(timing),
                        late: None,
                    }
                });
            }
        }
        record
    }
}
