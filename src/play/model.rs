//! What `saywhen play` plays: a scenario's steps (the shared
//! [`Playback`]), each node's label, depth and life, the groups'
//! arithmetic, and the emitted asyncio and tokio programs with the line
//! each node starts on ([`emit::lines`](crate::emit::lines), as the lesson
//! page marks them).

use std::time::Duration;

use crate::emit::{self, Emit};
use crate::engine::arithmetic::{Schedule, human_or_unknown};
use crate::escape::escape;
use crate::render::playback::Playback;
use crate::render::style::Style;
use crate::render::tree::label;
use crate::scenario::tree::{Node, Scenario};
use crate::scenario::units::human;
use crate::simulate::{self, Change, Phase, State};

/// One node as the player shows it.
#[derive(Debug, Clone)]
pub struct NodeView {
    pub node: Node,
    pub id: String,
    pub label: String,
    pub depth: usize,
    /// Groups: `serial: a 1s + b 2s = 3s`.
    pub arithmetic: Option<String>,
    /// The line its code starts on in each program.
    pub python: usize,
    pub rust: usize,
}

/// A run, ready to play.
#[derive(Debug, Clone)]
pub struct Model {
    pub title: String,
    /// Which clock the steps come from, in words.
    pub source: String,
    pub wall: Duration,
    pub playback: Playback,
    pub nodes: Vec<NodeView>,
    /// `expected 3s = max(...)`.
    pub summary: String,
    pub python: Vec<String>,
    pub rust: Vec<String>,
}

impl Model {
    /// `scenario` as the event-loop model plays it.
    pub fn of(scenario: &Scenario, style: &Style) -> Model {
        let (wall, trace) = simulate::trace(scenario);
        let source = "the event-loop model (exact on either clock)".to_owned();
        Model::with_changes(scenario, &trace.changes, wall, source, style)
    }

    /// `scenario` played from `changes` (the model's, or a recorded run's).
    pub fn with_changes(
        scenario: &Scenario,
        changes: &[(Node, Change, Duration)],
        wall: Duration,
        source: String,
        style: &Style,
    ) -> Model {
        let schedule = Schedule::of(scenario);
        let zeros = || vec![0; scenario.node_count()];
        // A tree the emitters refuse (too deep, say) plays without code.
        let (python, rust, python_lines, rust_lines) = match Emit::refuses(scenario) {
            Some(why) => (why.clone(), why, zeros(), zeros()),
            None => {
                let python = Emit::Python.program(scenario);
                let rust = Emit::Rust.program(scenario);
                let python_lines = emit::lines::starts(Emit::Python, scenario, &python);
                let rust_lines = emit::lines::starts(Emit::Rust, scenario, &rust);
                (python, rust, python_lines, rust_lines)
            }
        };
        Model {
            title: escape(&scenario.text_up_to(200)).into_owned(),
            source,
            wall,
            playback: Playback::of(scenario, changes),
            nodes: Model::node_views(scenario, &schedule, style, &python_lines, &rust_lines),
            summary: schedule.summary(scenario),
            python: python.lines().map(str::to_owned).collect(),
            rust: rust.lines().map(str::to_owned).collect(),
        }
    }

    fn node_views(
        scenario: &Scenario,
        schedule: &Schedule,
        style: &Style,
        python: &[usize],
        rust: &[usize],
    ) -> Vec<NodeView> {
        scenario
            .walk()
            .enumerate()
            .map(|(place, (node, depth))| NodeView {
                node,
                id: scenario.id(node),
                label: escape(&label(scenario, node, style)).into_owned(),
                depth,
                arithmetic: match node {
                    Node::Group(g) => Some(format!(
                        "{} {}: {} = {}",
                        scenario.id(node),
                        scenario.group(g).kind,
                        schedule.formulas[g as usize],
                        human_or_unknown(schedule.natural[g as usize])
                    )),
                    Node::Pair { .. } => None,
                },
                python: python.get(place).copied().unwrap_or(0),
                rust: rust.get(place).copied().unwrap_or(0),
            })
            .collect()
    }

    /// The places of the groups, in pre-order: what the selection walks.
    pub fn groups(&self) -> Vec<usize> {
        (0..self.nodes.len())
            .filter(|&n| matches!(self.nodes[n].node, Node::Group(_)))
            .collect()
    }

    /// The program of `language`.
    pub fn program(&self, language: Emit) -> &[String] {
        match language {
            Emit::Python => &self.python,
            Emit::Rust => &self.rust,
        }
    }

    /// The lines of `language`'s program of the nodes at work in `phases`:
    /// holding the thread, sleeping, ready or offloaded leaves.
    pub fn lines_at_work(&self, phases: &[Phase], language: Emit) -> Vec<usize> {
        let mut lines: Vec<usize> = self
            .nodes
            .iter()
            .zip(phases)
            .filter(|(node, phase)| {
                matches!(node.node, Node::Pair { .. })
                    && matches!(
                        phase,
                        Phase::In(
                            State::Holding | State::Sleeping | State::Ready | State::Offloaded
                        )
                    )
            })
            .map(|(node, _)| match language {
                Emit::Python => node.python,
                Emit::Rust => node.rust,
            })
            .collect();
        lines.sort_unstable();
        lines.dedup();
        lines
    }

    /// `1.5s`.
    pub fn time_text(at: Duration) -> String {
        human(at)
    }
}
