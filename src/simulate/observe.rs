//! What the model tells as it runs a scenario: when each node begins and
//! ends, the state it is in meanwhile, and who holds each thread. The
//! event loop calls an [`Observer`]; what is kept depends on who asks: the
//! expected schedule keeps each node's start and end ([`Ends`]), the
//! timelines and formats keep every change of state ([`Trace`]).

use std::time::Duration;

use crate::scenario::end::End;
use crate::scenario::tree::{Node, Scenario};

/// What a node is doing between its start and its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum State {
    /// Not started yet: waiting for its turn (in `serial`).
    Waiting,
    /// Not started yet: waiting for a permit of `limit(N, ...)`.
    Permit,
    /// Waiting on a timer.
    Sleeping,
    /// Ready to run (its timer fired, or it was spawned), not yet polled:
    /// the thread is busy with something else.
    Ready,
    /// Holding the thread: a blocking call that nothing can interrupt.
    Holding,
    /// Running on a thread of its own (the blocking pool, an OS thread):
    /// the runtime's threads stay free.
    Offloaded,
    /// A group waiting for its children.
    Children,
}

impl State {
    pub const ALL: [State; 7] = [
        State::Waiting,
        State::Permit,
        State::Sleeping,
        State::Ready,
        State::Holding,
        State::Offloaded,
        State::Children,
    ];

    /// The name every format uses.
    pub fn name(self) -> &'static str {
        match self {
            State::Waiting => "waiting",
            State::Permit => "permit",
            State::Sleeping => "sleeping",
            State::Ready => "ready",
            State::Holding => "holding",
            State::Offloaded => "offloaded",
            State::Children => "children",
        }
    }

    /// In a few words, for legends and `saywhen explain`.
    pub fn meaning(self) -> &'static str {
        match self {
            State::Waiting => "waiting for its turn",
            State::Permit => "waiting for a permit",
            State::Sleeping => "sleeping on a timer",
            State::Ready => "ready, not polled: the thread is busy",
            State::Holding => "holding the thread",
            State::Offloaded => "on a thread of its own",
            State::Children => "waiting for its children",
        }
    }
}

/// Who the event loop tells what happens, as it happens (in the order the
/// model works it out, which is time order per thread).
pub trait Observer {
    /// Whether [`Observer::state`] and [`Observer::hold`] are wanted: the
    /// loop skips the work of telling them otherwise.
    const STATES: bool = false;

    /// `node` began at `at` (its first poll).
    fn begin(&mut self, node: Node, at: Duration);
    /// `node` ended at `at`, as `end` says; a node that never began (a
    /// skipped or cut-off one) ends without a `begin`.
    fn end(&mut self, node: Node, at: Duration, end: End);
    /// `node` is in `state` from `at` on.
    fn state(&mut self, _node: Node, _state: State, _at: Duration) {}
    /// Thread `thread` is held by `node` from `from` to `to`.
    fn hold(&mut self, _thread: usize, _node: Node, _from: Duration, _to: Duration) {}
}

/// When one node should start and end, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    /// `None` for a node that never starts (skipped, or cut off first).
    pub start: Option<Duration>,
    pub end_at: Duration,
    pub end: End,
}

impl Expected {
    const UNSET: Expected = Expected {
        start: None,
        end_at: Duration::ZERO,
        end: End::Done,
    };
}

/// A pair's [`Expected`] in nanoseconds: what the figures read of a
/// million pairs, with no `Duration` made (and taken apart again) for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nanos {
    /// `None` for a pair that never starts.
    pub start: Option<u128>,
    pub end_at: u128,
    pub end: End,
}

impl Nanos {
    pub fn of(expected: Expected) -> Nanos {
        Nanos {
            start: expected.start.map(|start| start.as_nanos()),
            end_at: expected.end_at.as_nanos(),
            end: expected.end,
        }
    }
}

/// The `Duration` of `nanos` (at most [`Duration::MAX`]): without a
/// 128-bit division while it fits in 64 bits.
pub fn duration(nanos: u128) -> Duration {
    match u64::try_from(nanos) {
        Ok(nanos) => Duration::from_nanos(nanos),
        Err(_) => match u64::try_from(nanos / 1_000_000_000) {
            Ok(secs) => Duration::new(secs, (nanos % 1_000_000_000) as u32),
            Err(_) => Duration::MAX,
        },
    }
}

/// What is expected of every node: the arithmetic's schedule, or the
/// model's [`Ends`].
pub trait Expectations {
    /// What is expected of `node`.
    fn of(&self, node: Node) -> Expected;

    /// What is expected of pair `index`, in nanoseconds.
    fn pair_nanos(&self, index: u32) -> Nanos {
        let action = crate::scenario::tree::Action::Say;
        Nanos::of(self.of(Node::Pair { index, action }))
    }
}

/// Each node's start and end: the expected schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ends {
    /// One per pair, in pair order.
    pub pairs: Vec<Expected>,
    /// One per group, in pre-order.
    pub groups: Vec<Expected>,
}

impl Ends {
    pub fn new(scenario: &Scenario) -> Ends {
        Ends {
            pairs: vec![Expected::UNSET; scenario.plan().len()],
            groups: vec![Expected::UNSET; scenario.groups().len()],
        }
    }

    pub fn of(&self, node: Node) -> Expected {
        match node {
            Node::Pair { index, .. } => self.pairs[index as usize],
            Node::Group(g) => self.groups[g as usize],
        }
    }

    fn slot(&mut self, node: Node) -> &mut Expected {
        match node {
            Node::Pair { index, .. } => &mut self.pairs[index as usize],
            Node::Group(g) => &mut self.groups[g as usize],
        }
    }
}

impl Expectations for Ends {
    fn of(&self, node: Node) -> Expected {
        Ends::of(self, node)
    }
}

impl Observer for Ends {
    fn begin(&mut self, node: Node, at: Duration) {
        self.slot(node).start = Some(at);
    }

    fn end(&mut self, node: Node, at: Duration, end: End) {
        let slot = self.slot(node);
        slot.end_at = at;
        slot.end = end;
    }
}

/// Only the end of the whole: for a flat mode's expected wall, which needs
/// no record per pair.
#[derive(Debug, Default, Clone, Copy)]
pub struct Nothing;

impl Observer for Nothing {
    fn begin(&mut self, _node: Node, _at: Duration) {}
    fn end(&mut self, _node: Node, _at: Duration, _end: End) {}
}

/// One change in a node's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Began,
    In(State),
    Ended(End),
}

/// A thread held by a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hold {
    /// 0 is the thread that runs the root (the only one of a
    /// current-thread runtime).
    pub thread: usize,
    pub node: Node,
    pub from: Duration,
    pub to: Duration,
}

/// Everything the model saw: the expected schedule, every change of state,
/// and the threads' holds.
#[derive(Debug, Clone)]
pub struct Trace {
    pub ends: Ends,
    /// In the order the model worked them out.
    pub changes: Vec<(Node, Change, Duration)>,
    pub holds: Vec<Hold>,
}

/// What a node is at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Nothing has happened to it yet.
    NotStarted,
    /// Between its start and its end (or waiting to start), in this state.
    In(State),
    /// Over, as `End` says.
    Ended(End),
}

impl Phase {
    /// The name every format uses: a state's, an end's, or `not started`.
    pub fn name(self) -> &'static str {
        match self {
            Phase::NotStarted => "not started",
            Phase::In(state) => state.name(),
            Phase::Ended(end) => end.name(),
        }
    }
}

/// A stretch of time a node spends in one state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    pub state: State,
    pub from: Duration,
    pub to: Duration,
}

/// One node's life: its states in time order (no empty ones), and how it
/// ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Life {
    pub node: Node,
    pub spans: Vec<Span>,
    pub began: Option<Duration>,
    pub ended: Option<(Duration, End)>,
}

impl Trace {
    pub fn new(scenario: &Scenario) -> Trace {
        Trace {
            ends: Ends::new(scenario),
            changes: Vec::new(),
            holds: Vec::new(),
        }
    }

    /// The changes of each node in time order, grouped by node: what was
    /// worked out later (a timer noticed after the thread was freed) sorts
    /// by when it happened.
    fn by_node(&self) -> Vec<(Node, Change, Duration)> {
        let mut changes = self.changes.clone();
        // Stable: changes at one instant keep the order they happened in.
        changes.sort_by_key(|&(node, _, at)| (key(node), at));
        changes
    }

    /// Every node's life, in pre-order.
    pub fn lives(&self, scenario: &Scenario) -> Vec<Life> {
        let changes = self.by_node();
        let mut lives: Vec<Life> = Vec::with_capacity(scenario.node_count());
        let mut index = std::collections::HashMap::with_capacity(scenario.node_count());
        for (node, _) in scenario.walk() {
            index.insert(key(node), lives.len());
            lives.push(Life {
                node,
                spans: Vec::new(),
                began: None,
                ended: None,
            });
        }
        let mut open: Option<(Node, State, Duration)> = None;
        let close =
            |lives: &mut Vec<Life>, open: &mut Option<(Node, State, Duration)>, to: Duration| {
                if let Some((node, state, from)) = open.take()
                    && to > from
                {
                    let life = &mut lives[index[&key(node)]];
                    life.spans.push(Span { state, from, to });
                }
            };
        for (node, change, at) in changes {
            if open.is_some_and(|(n, _, _)| key(n) != key(node)) {
                // The previous node never ended (a run cut short).
                open = None;
            }
            let life_at = index[&key(node)];
            match change {
                Change::Began => lives[life_at].began = Some(at),
                Change::In(state) => {
                    close(&mut lives, &mut open, at);
                    open = Some((node, state, at));
                }
                Change::Ended(end) => {
                    close(&mut lives, &mut open, at);
                    lives[life_at].ended = Some((at, end));
                }
            }
        }
        lives
    }

    /// What `node` is at instant `at`: the last change at or before it.
    pub fn phase_at(&self, node: Node, at: Duration) -> Phase {
        let mut last: Option<(Duration, Phase)> = None;
        for &(n, change, when) in &self.changes {
            if key(n) != key(node) || when > at {
                continue;
            }
            let phase = match change {
                Change::Began => continue,
                Change::In(state) => Phase::In(state),
                Change::Ended(end) => Phase::Ended(end),
            };
            // Later in time wins; at one instant, the later change.
            if last.is_none_or(|(t, _)| when >= t) {
                last = Some((when, phase));
            }
        }
        last.map_or(Phase::NotStarted, |(_, phase)| phase)
    }

    /// What every node is at instant `at`, in pre-order.
    pub fn phases_at(&self, scenario: &Scenario, at: Duration) -> Vec<(Node, Phase)> {
        let lives = self.lives(scenario);
        lives
            .iter()
            .map(|life| {
                let phase = match life.ended {
                    Some((end_at, end)) if end_at <= at => Phase::Ended(end),
                    _ => life
                        .spans
                        .iter()
                        .rev()
                        .find(|span| span.from <= at)
                        .map_or(Phase::NotStarted, |span| Phase::In(span.state)),
                };
                (life.node, phase)
            })
            .collect()
    }

    /// Who holds thread `thread` at instant `at`.
    pub fn holder_at(&self, thread: usize, at: Duration) -> Option<Node> {
        self.holds
            .iter()
            .find(|h| h.thread == thread && h.from <= at && at < h.to)
            .map(|h| h.node)
    }

    /// Every instant something changes, in order, once each.
    pub fn instants(&self) -> Vec<Duration> {
        let mut instants: Vec<Duration> = self.changes.iter().map(|c| c.2).collect();
        instants.sort_unstable();
        instants.dedup();
        instants
    }
}

/// A node's identity, whatever its action: pairs and groups apart.
fn key(node: Node) -> (u8, u32) {
    match node {
        Node::Pair { index, .. } => (0, index),
        Node::Group(g) => (1, g),
    }
}

impl Observer for Trace {
    const STATES: bool = true;

    fn begin(&mut self, node: Node, at: Duration) {
        self.ends.begin(node, at);
        self.changes.push((node, Change::Began, at));
    }

    fn end(&mut self, node: Node, at: Duration, end: End) {
        self.ends.end(node, at, end);
        self.changes.push((node, Change::Ended(end), at));
    }

    fn state(&mut self, node: Node, state: State, at: Duration) {
        self.changes.push((node, Change::In(state), at));
    }

    fn hold(&mut self, thread: usize, node: Node, from: Duration, to: Duration) {
        self.holds.push(Hold {
            thread,
            node,
            from,
            to,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Nanoseconds back to a `Duration` are the `Duration`, in 64 bits and
    /// past them, up to the longest there is.
    #[test]
    fn nanoseconds_make_the_duration_back() {
        for d in [
            Duration::ZERO,
            Duration::new(1, 1),
            Duration::from_nanos(u64::MAX),
            Duration::from_nanos(u64::MAX) + Duration::from_nanos(1),
            Duration::new(u64::MAX, 5),
            Duration::MAX,
        ] {
            assert_eq!(duration(d.as_nanos()), d, "{d:?}");
        }
        assert_eq!(duration(u128::MAX), Duration::MAX);
    }
}
