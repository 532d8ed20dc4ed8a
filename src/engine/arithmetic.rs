//! The arithmetic of a scenario: when every node should start and end on a
//! perfect clock, how it should end (done, failed, cancelled, timed out,
//! skipped), and how each group's time follows from its children's, in
//! words a learner can check: `expected 3s = max(serial 1s + 2s = 3s, c 3s)`.
//!
//! It is worked out from the tree alone, before anything runs (which is
//! what `--dry-run` prints), and on the virtual clock the run must agree
//! with it exactly, node for node. Ties follow the engine: a racer given
//! before the winner that finishes at the same instant is polled first and
//! finishes; one given after is cancelled. A deadline or a failure lets
//! whatever ends at that very instant end.
//!
//! `block(...)` pairs are counted as if they slept politely; what blocking
//! the thread does to the rest is what running them shows.
//!
//! A command leaf (`sh('make')`) takes as long as it takes: before it has
//! run its length is unknown ([`UNKNOWN`], written `?`), and after a run
//! the arithmetic is worked out again from what each command measured
//! (see [`Scenario::with_measured`]), saying so:
//! `expected 1.004s = max(sh 'sleep 1' 1.004s measured, b 500ms)`. A
//! command cut off before it ended stays unknown: it would have taken
//! longer than whatever cut it.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::engine::record::End;
use crate::scenario::tree::{Action, ChildRun, GroupKind, Node, Scenario};
use crate::scenario::units::human;
use crate::simulate::bounds::{self, Bounds, Range};
use crate::simulate::why;

pub use crate::simulate::UNKNOWN;

/// A time of the arithmetic for people: [`human`], or `?` when it depends
/// on a command not yet measured.
pub fn human_or_unknown(d: Duration) -> String {
    match d >= UNKNOWN {
        true => "?".to_owned(),
        false => human(d),
    }
}

pub use crate::simulate::Expected;
use crate::simulate::{Expectations, Nanos, Observer};

/// The expected schedule of a whole scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// One per pair, in pair order (see [`Schedule::pair`]).
    pairs: Packed,
    /// One per group, in pre-order.
    pub groups: Vec<Expected>,
    /// How each group's time follows from its children's, naming them:
    /// `max(a 1s, serial 1s + 2s = 3s)`; one per group.
    pub formulas: Vec<String>,
    /// The same with its pairs unnamed (`max(1s, serial 1s + 2s = 3s)`),
    /// as it reads inside its parent's formula.
    bare: Vec<String>,
    /// How long each group would take if nothing cut it short.
    pub natural: Vec<Duration>,
    /// The wall the formulas add up to: what the run would take if no
    /// call blocked the thread and the timer were exact.
    pub polite_wall: Duration,
    /// Who waited for the thread, and who held it (see [`why::waits`]).
    pub waits: Vec<String>,
    /// Where the timer's steps moved an end (see [`why::steps`]).
    pub steps: Vec<String>,
    /// On a multi-thread runtime, each node's earliest and latest end
    /// where tokio's work stealing decides (see [`bounds`]); `None` on the
    /// current-thread runtime, where every end is certain.
    pub bounds: Option<Bounds>,
}

impl Schedule {
    /// Works out `scenario`'s schedule, starting at 0.
    pub fn of(scenario: &Scenario) -> Schedule {
        let unset = Expected {
            start: None,
            end_at: Duration::ZERO,
            end: End::Done,
        };
        let mut schedule = Schedule {
            pairs: Packed::new(scenario.plan().len(), unset),
            groups: vec![unset; scenario.groups().len()],
            formulas: vec![String::new(); scenario.groups().len()],
            bare: vec![String::new(); scenario.groups().len()],
            natural: vec![Duration::ZERO; scenario.groups().len()],
            polite_wall: Duration::ZERO,
            waits: Vec::new(),
            steps: Vec::new(),
            bounds: None,
        };
        Planner {
            scenario,
            schedule: &mut schedule,
        }
        .node(scenario.root(), Duration::ZERO);
        // The formulas tell the polite sum; when each node starts and ends
        // comes from the model of the event loop, which also counts the
        // timer's steps and a thread held by blocking.
        schedule.polite_wall = schedule.of_node(scenario.root()).end_at;
        if crate::simulate::ends_are_the_sums(scenario) {
            // A tree that only sleeps whole steps: the sums are the model's
            // ends (a property test below), and no step moved an end.
            return schedule;
        }
        match scenario.blocks() {
            // Who waits for whom needs every state; only a blocking
            // scenario has anyone waiting on the thread.
            true => {
                let (_, trace) = crate::simulate::trace(scenario);
                schedule.waits = why::waits(scenario, &trace);
                for (index, &expected) in trace.ends.pairs.iter().enumerate() {
                    schedule.pairs.set(index, expected);
                }
                schedule.groups = trace.ends.groups;
            }
            // The model's ends go straight into the schedule's own form:
            // no 40 bytes a pair on the side (40 MB of fresh pages for a
            // million).
            false => {
                let modelled = Modelled {
                    pairs: Packed::new(scenario.plan().len(), unset),
                    groups: vec![unset; scenario.groups().len()],
                };
                let (_, modelled) = crate::simulate::ends_into(scenario, modelled);
                (schedule.pairs, schedule.groups) = (modelled.pairs, modelled.groups);
            }
        }
        schedule.steps = why::steps(scenario, &schedule);
        schedule
    }

    /// Works out `scenario`'s schedule on a multi-thread runtime of
    /// `workers` worker threads: the model's own choice of who runs what
    /// for each node, and the bounds of the others (where they differ).
    pub fn on_workers(scenario: &Scenario, workers: usize) -> Schedule {
        let mut schedule = Schedule::of(scenario);
        let bounds = bounds::bounds(scenario, workers);
        // Who waited for the one thread is the current-thread story.
        schedule.waits.clear();
        schedule.steps = why::steps(scenario, &bounds.ends);
        for (index, &expected) in bounds.ends.pairs.iter().enumerate() {
            schedule.pairs.set(index, expected);
        }
        schedule.groups = bounds.ends.groups.clone();
        schedule.bounds = Some(bounds);
        schedule
    }

    /// The bounds of the expected wall, when tokio's work stealing decides
    /// it (multi-thread); `None` when it is certain.
    pub fn wall_bounds(&self) -> Option<Range> {
        self.bounds.as_ref().map(|b| b.wall).filter(|r| !r.exact())
    }

    /// The bounds of `node`'s end, when they differ.
    pub fn bounds_of(&self, node: Node) -> Option<Range> {
        (self.bounds.as_ref().map(|b| b.of(node))).filter(|r| !r.exact())
    }

    /// What is expected of every pair, in pair order.
    pub fn pairs(&self) -> impl ExactSizeIterator<Item = Expected> + '_ {
        (0..self.pairs.words.len()).map(|index| self.pairs.get(index))
    }

    /// What is expected of pair `index`.
    pub fn pair(&self, index: usize) -> Expected {
        self.pairs.get(index)
    }

    /// The expected wall: when the root ends.
    pub fn wall(&self, scenario: &Scenario) -> Duration {
        self.of_node(scenario.root()).end_at
    }

    /// What is expected of `node`.
    pub fn of_node(&self, node: Node) -> Expected {
        match node {
            Node::Pair { index, .. } => self.pair(index as usize),
            Node::Group(g) => self.groups[g as usize],
        }
    }

    /// How the root's time follows from its children's (`max(serial 1s +
    /// 2s = 3s, c 3s)`): the rule of the expected wall.
    pub fn rule(&self, scenario: &Scenario) -> String {
        match scenario.root() {
            Node::Group(g) => self.formulas[g as usize].clone(),
            Node::Pair { .. } => "one pair".to_owned(),
        }
    }

    /// The whole sum in one line: `expected 3s = max(serial 1s + 2s = 3s,
    /// c 3s)`, or `expected 1s: the pair a` for a lone pair.
    ///
    /// When the model's wall is not the formula's (the thread was held, the
    /// timer's steps moved an end), it says so: `expected 510ms, not the
    /// 110ms of min(...): blocking calls hold the thread`.
    pub fn summary(&self, scenario: &Scenario) -> String {
        let root = scenario.root();
        let wall = self.wall(scenario);
        let rule = match root {
            Node::Group(g) => self.formulas[g as usize].clone(),
            Node::Pair { .. } => "one pair".to_owned(),
        };
        if let Some(range) = self.wall_bounds() {
            return format!(
                "expected {}–{} (multi-thread: tokio's work stealing decides; bounds), \
                 the tree's sum {} = {rule}",
                human_or_unknown(range.earliest),
                human_or_unknown(range.latest),
                human_or_unknown(self.polite_wall)
            );
        }
        if wall == self.polite_wall {
            return match root {
                Node::Group(_) => format!("expected {} = {rule}", human_or_unknown(wall)),
                Node::Pair { .. } => format!("expected {}: {rule}", human_or_unknown(wall)),
            };
        }
        let cause = match self.waits.is_empty() {
            false => "blocking calls hold the thread, and what falls due meanwhile waits",
            true => "tokio's timer counts whole milliseconds, and a sleep ends on the next one",
        };
        format!(
            "expected {}, not the {} of {rule}: {cause}",
            human_or_unknown(wall),
            human_or_unknown(self.polite_wall)
        )
    }

    /// The model's reasons, one line each: who waited for the thread and
    /// who held it, then where the timer's steps moved an end.
    pub fn reasons(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.waits.iter().map(|w| format!("why: {w}")).collect();
        if !self.steps.is_empty() {
            lines.push(format!("timer: {}", self.steps.join(", ")));
        }
        lines
    }
}

impl Expectations for Schedule {
    fn of(&self, node: Node) -> Expected {
        self.of_node(node)
    }

    fn pair_nanos(&self, index: u32) -> Nanos {
        self.pairs.nanos(index as usize)
    }
}

/// What the model tells of each node, kept as the schedule keeps it.
struct Modelled {
    pairs: Packed,
    groups: Vec<Expected>,
}

impl Observer for Modelled {
    fn begin(&mut self, node: Node, at: Duration) {
        match node {
            Node::Pair { index, .. } => self.pairs.begin(index as usize, at),
            Node::Group(g) => self.groups[g as usize].start = Some(at),
        }
    }

    fn end(&mut self, node: Node, at: Duration, end: End) {
        match node {
            Node::Pair { index, .. } => self.pairs.end(index as usize, at, end),
            Node::Group(g) => {
                let group = &mut self.groups[g as usize];
                (group.end_at, group.end) = (at, end);
            }
        }
    }
}

/// Every pair's [`Expected`] in 16 bytes rather than 40: a scenario of a
/// million pairs keeps them all for its report, and 40 MB was a tenth of
/// the run's memory. A start is its nanoseconds plus one (0: never
/// starts); an end, its nanoseconds with the [`End`] in the top bits. The
/// rare pair whose times need more than 60 bits (36 years: a serial of
/// many long delays) is kept whole on the side.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Packed {
    words: Vec<[u64; 2]>,
    wide: BTreeMap<usize, Expected>,
}

/// Where the [`End`] sits in a packed end, and what marks a wide pair.
const END_SHIFT: u32 = 60;
const WIDE: u64 = u64::MAX;

impl Packed {
    fn new(len: usize, value: Expected) -> Packed {
        let mut packed = Packed {
            words: vec![pack(value).unwrap_or([WIDE, 0]); len],
            wide: BTreeMap::new(),
        };
        if pack(value).is_none() {
            (0..len).for_each(|index| packed.set(index, value));
        }
        packed
    }

    fn get(&self, index: usize) -> Expected {
        match self.words[index] {
            [WIDE, _] => self.wide[&index],
            [start, end] => Expected {
                start: start.checked_sub(1).map(Duration::from_nanos),
                end_at: Duration::from_nanos(end & ((1 << END_SHIFT) - 1)),
                end: End::of_code(end >> END_SHIFT),
            },
        }
    }

    /// What [`Packed::get`] gives, in nanoseconds: no `Duration` made.
    fn nanos(&self, index: usize) -> Nanos {
        match self.words[index] {
            [WIDE, _] => Nanos::of(self.wide[&index]),
            [start, end] => Nanos {
                start: start.checked_sub(1).map(u128::from),
                end_at: u128::from(end & ((1 << END_SHIFT) - 1)),
                end: End::of_code(end >> END_SHIFT),
            },
        }
    }

    /// Sets pair `index` to start at `start` and end at `end_at` (both in
    /// nanoseconds, under 60 bits) as `end`: [`Packed::set`] without the
    /// `Duration`s.
    fn set_nanos(&mut self, index: usize, start: u64, end_at: u64, end: End) {
        debug_assert!(start <= end_at && end_at < 1 << END_SHIFT);
        if self.words[index][0] == WIDE {
            self.wide.remove(&index);
        }
        self.words[index] = [start + 1, end_at | end.code() << END_SHIFT];
    }

    /// Pair `index` starts at `at`: one word written, while it fits.
    fn begin(&mut self, index: usize, at: Duration) {
        match (self.words[index][0], fits(at)) {
            (start, Some(nanos)) if start != WIDE => self.words[index][0] = nanos + 1,
            _ => self.update(index, |e| e.start = Some(at)),
        }
    }

    /// Pair `index` ends at `at` as `end`: one word written, while it fits.
    fn end(&mut self, index: usize, at: Duration, end: End) {
        match (self.words[index][0], fits(at)) {
            (start, Some(nanos)) if start != WIDE => {
                self.words[index][1] = nanos | end.code() << END_SHIFT;
            }
            _ => self.update(index, |e| (e.end_at, e.end) = (at, end)),
        }
    }

    fn set(&mut self, index: usize, value: Expected) {
        match pack(value) {
            Some(words) => {
                if self.words[index][0] == WIDE {
                    self.wide.remove(&index);
                }
                self.words[index] = words;
            }
            None => {
                self.words[index] = [WIDE, 0];
                self.wide.insert(index, value);
            }
        }
    }

    fn update(&mut self, index: usize, change: impl Fn(&mut Expected)) {
        let mut value = self.get(index);
        change(&mut value);
        self.set(index, value);
    }
}

/// `d` in nanoseconds, if it fits in 60 bits.
fn fits(d: Duration) -> Option<u64> {
    u64::try_from(d.as_nanos())
        .ok()
        .filter(|&n| n < 1 << END_SHIFT)
}

/// `value` in two words, if its times fit in 60 bits of nanoseconds.
fn pack(value: Expected) -> Option<[u64; 2]> {
    let start = match value.start {
        None => 0,
        Some(start) => fits(start)? + 1,
    };
    Some([start, fits(value.end_at)? | value.end.code() << END_SHIFT])
}

/// How many of a group's children its formula names before it elides.
const TERMS: usize = 6;
/// A child's own formula is spelled out inside its parent's only when it
/// is this short, so that a formula stays readable at any depth.
const NESTED: usize = 40;

struct Planner<'a> {
    scenario: &'a Scenario,
    schedule: &'a mut Schedule,
}

/// How a group's children add up.
enum Shape {
    /// `a 1s + b 2s`, and how many were skipped after a failure.
    Sum { skipped: usize },
    /// `max(a 1s, b 2s)`.
    Max,
    /// `min(a 1s, b 2s); b cancelled`.
    Min { cancelled: String },
    /// `first failure: boom at 500ms; 2 cancelled`.
    FirstFailure {
        failed: String,
        at: Duration,
        cancelled: usize,
    },
    /// `2 at a time: max(a 1s, b 1s, 1s + c 1s)`.
    Permits(usize),
    /// `min(gather 3s, deadline 2.5s): timed out`.
    Deadline { limit: Duration, hit: bool },
}

/// One child in its parent's formula.
struct Term {
    label: String,
    length: Duration,
    /// A group child's own bare formula, when it is short enough to show.
    inner: Option<String>,
    /// Under a limit: how long it waited for a permit.
    wait: Duration,
    is_pair: bool,
    /// A command leaf: its length was measured (or is unknown).
    is_command: bool,
}

impl Term {
    fn render(&self, bare: bool, in_sum: bool) -> String {
        let length = match (self.is_command, self.length >= UNKNOWN) {
            (_, true) => "?".to_owned(),
            (true, false) => format!("{} measured", human(self.length)),
            (false, false) => human(self.length),
        };
        let mut text = match (&self.inner, self.is_pair && bare && !self.is_command) {
            (_, true) => length,
            (Some(inner), _) if in_sum => format!("({} {inner} = {length})", self.label),
            (Some(inner), _) => format!("{} {inner} = {length}", self.label),
            (None, _) => format!("{} {length}", self.label),
        };
        if !self.wait.is_zero() {
            text = format!("{} + {text}", human_or_unknown(self.wait));
        }
        text
    }
}

fn render(shape: &Shape, terms: &[Term], total: usize, bare: bool) -> String {
    // A failed sum names the children up to the failure only.
    let total = match shape {
        Shape::Sum { skipped } => total - skipped,
        _ => total,
    };
    let list = |in_sum: bool, joiner: &str| {
        let mut parts: Vec<String> = terms.iter().map(|t| t.render(bare, in_sum)).collect();
        if total > terms.len() {
            parts.insert(
                TERMS.min(parts.len()),
                format!("… {} more", total - terms.len()),
            );
        }
        parts.join(joiner)
    };
    match shape {
        Shape::Sum { skipped: 0 } => list(true, " + "),
        Shape::Sum { skipped } => format!("{} (fails: {skipped} skipped)", list(true, " + ")),
        Shape::Max => format!("max({})", list(false, ", ")),
        Shape::Min { cancelled } => format!("min({}){cancelled}", list(false, ", ")),
        Shape::FirstFailure {
            failed,
            at,
            cancelled,
        } => format!(
            "first failure: {failed} at {}; {cancelled} cancelled",
            human_or_unknown(*at)
        ),
        Shape::Permits(n) => format!("{n} at a time: max({})", list(false, ", ")),
        Shape::Deadline { limit, hit } => {
            let cut = if *hit { ": timed out" } else { "" };
            format!(
                "min({}, deadline {}){cut}",
                list(false, ", "),
                human(*limit)
            )
        }
    }
}

impl Planner<'_> {
    /// Schedules `node` from `start`; returns when it ends and how.
    fn node(&mut self, node: Node, start: Duration) -> (Duration, End) {
        match node {
            Node::Pair { index, action } => {
                let delay = self.scenario.delay(index as usize).unwrap_or(UNKNOWN);
                self.pair(index, action, start, delay)
            }
            Node::Group(g) => {
                let (end_at, end, shape, terms, total) = self.group(g, start);
                let i = g as usize;
                self.schedule.groups[i] = Expected {
                    start: Some(start),
                    end_at,
                    end,
                };
                self.schedule.natural[i] = match end_at >= UNKNOWN {
                    true => UNKNOWN,
                    false => end_at.saturating_sub(start),
                };
                self.schedule.formulas[i] = render(&shape, &terms, total, false);
                self.schedule.bare[i] = render(&shape, &terms, total, true);
                (end_at, end)
            }
        }
    }

    /// Schedules pair `index`, taking `delay`, from `start`.
    fn pair(
        &mut self,
        index: u32,
        action: Action,
        start: Duration,
        delay: Duration,
    ) -> (Duration, End) {
        let end = failed_if(self.scenario.leaf_fails(index as usize, action));
        let end_at = start.saturating_add(delay);
        self.schedule.pairs.set(
            index as usize,
            Expected {
                start: Some(start),
                end_at,
                end,
            },
        );
        (end_at, end)
    }

    #[allow(clippy::type_complexity)]
    fn group(&mut self, g: u32, start: Duration) -> (Duration, End, Shape, Vec<Term>, usize) {
        let scenario = self.scenario;
        let total = scenario.children(g).len();
        // Only what waits its turn needs its children in a list.
        let children = || scenario.children(g).collect::<Vec<Node>>();
        let (end_at, end, shape, terms) = match scenario.group(g).kind {
            GroupKind::Serial => self.serial(&children(), start),
            GroupKind::Tasks | GroupKind::Gather | GroupKind::Joinset | GroupKind::Threads => {
                self.all_at_once(g, start)
            }
            GroupKind::Race => self.race(&children(), start),
            GroupKind::Group => self.task_group(&children(), start),
            GroupKind::Limit(permits) => self.limit(&children(), start, permits.get()),
            GroupKind::Timeout(limit) => self.timeout(children()[0], start, limit),
        };
        (end_at, end, shape, terms, total)
    }

    /// A group that starts every child at once and waits for them all:
    /// one pass over its children (a million of them, in a big gather), a
    /// run of pairs at a time, keeping only the ones its formula names, as
    /// [`Planner::terms`] picks them: the first [`TERMS`], and the (last)
    /// longest after them.
    fn all_at_once(&mut self, g: u32, start: Duration) -> (Duration, End, Shape, Vec<Term>) {
        let mut seen = AtOnce {
            end_at: start,
            failed: false,
            shown: Vec::with_capacity(TERMS),
            longest: None,
            count: 0,
        };
        for run in self.scenario.child_runs(g) {
            match run {
                ChildRun::Pairs { pairs, action } => {
                    self.pairs_at_once(pairs, action, start, &mut seen)
                }
                ChildRun::Group(c) => {
                    let child = Node::Group(c);
                    let (ended, end) = self.node(child, start);
                    seen.add(child, ended, end, self.length(child));
                }
            }
        }
        let mut terms: Vec<Term> = (seen.shown.iter())
            .map(|&child| self.term(child, Duration::ZERO))
            .collect();
        if let Some((_, i, child)) = seen.longest
            && seen.count > TERMS
            && i >= TERMS
        {
            terms.push(self.term(child, Duration::ZERO));
        }
        (seen.end_at, failed_if(seen.failed), Shape::Max, terms)
    }

    /// Schedules the run `pairs` of an all-at-once group, all from
    /// `start`: each pair's times written in nanoseconds as they are kept,
    /// its delay looked up once.
    fn pairs_at_once(
        &mut self,
        pairs: std::ops::Range<u32>,
        action: Action,
        start: Duration,
        seen: &mut AtOnce,
    ) {
        let (first, run_start) = (seen.count, pairs.start);
        for index in pairs.clone().take(TERMS.saturating_sub(seen.shown.len())) {
            seen.shown.push(Node::Pair { index, action });
        }
        seen.count += pairs.len();
        // The last longest of the run, and where it stands among all.
        let mut longest: Option<(Duration, u32)> = None;
        // When the last of those kept as words ends, in nanoseconds.
        let mut latest = 0u64;
        // A command takes what it measured and fails as it did: the
        // general way, as does a pair whose times do not fit the words.
        let command = action == Action::Command;
        let from = fits(start).filter(|_| !command);
        let end = failed_if(action == Action::Fail);
        let plan = self.scenario.plan().pairs();
        for index in pairs {
            let delay = match command {
                true => self.scenario.delay(index as usize).unwrap_or(UNKNOWN),
                false => plan[index as usize].delay,
            };
            let packed = from.and_then(|from| Some((from, from.checked_add(fits(delay)?)?)));
            match packed.filter(|&(_, end_at)| end_at < 1 << END_SHIFT) {
                Some((from, end_at)) => {
                    self.schedule
                        .pairs
                        .set_nanos(index as usize, from, end_at, end);
                    latest = latest.max(end_at);
                }
                None => {
                    let (ended, end) = self.pair(index, action, start, delay);
                    seen.end_at = seen.end_at.max(ended);
                    seen.failed |= end.failed();
                }
            }
            if longest.is_none_or(|(most, _)| delay >= most) {
                longest = Some((delay, index));
            }
        }
        // (A pair that did not fit was seen on its own, and this changes
        // nothing for it.)
        if from.is_some() {
            seen.end_at = seen.end_at.max(Duration::from_nanos(latest));
            seen.failed |= end.failed();
        }
        if let Some((delay, index)) = longest
            && seen.longest.is_none_or(|(most, _, _)| delay >= most)
        {
            let i = first + (index - run_start) as usize;
            seen.longest = Some((delay, i, Node::Pair { index, action }));
        }
    }

    fn serial(&mut self, children: &[Node], start: Duration) -> (Duration, End, Shape, Vec<Term>) {
        let mut at = start;
        for (i, &child) in children.iter().enumerate() {
            let (end_at, end) = self.node(child, at);
            at = end_at;
            if end.failed() {
                for &later in &children[i + 1..] {
                    self.skip(later, at);
                }
                let terms = self.terms(&children[..=i], None);
                let skipped = children.len() - i - 1;
                return (at, End::Failed, Shape::Sum { skipped }, terms);
            }
        }
        (
            at,
            End::Done,
            Shape::Sum { skipped: 0 },
            self.terms(children, None),
        )
    }

    fn race(&mut self, children: &[Node], start: Duration) -> (Duration, End, Shape, Vec<Term>) {
        let ends: Vec<_> = children.iter().map(|&c| self.node(c, start)).collect();
        let terms = self.terms(children, None);
        // The earliest finish; the first given wins a tie.
        let (winner, &(end_at, end)) = ends
            .iter()
            .enumerate()
            .min_by_key(|(_, e)| e.0)
            .unwrap_or((0, &(start, End::Done)));
        for (i, &child) in children.iter().enumerate() {
            if i != winner {
                self.mark(child, end_at, End::Cancelled, i < winner);
            }
        }
        let cancelled = match children.len() {
            1 => String::new(),
            2 => format!("; {} cancelled", self.label(children[1 - winner])),
            n => format!("; {} cancelled", n - 1),
        };
        (end_at, end, Shape::Min { cancelled }, terms)
    }

    fn task_group(
        &mut self,
        children: &[Node],
        start: Duration,
    ) -> (Duration, End, Shape, Vec<Term>) {
        let ends: Vec<_> = children.iter().map(|&c| self.node(c, start)).collect();
        let terms = self.terms(children, None);
        let failure = ends
            .iter()
            .enumerate()
            .filter(|(_, e)| e.1.failed())
            .min_by_key(|(_, e)| e.0);
        let Some((failed, &(at, _))) = failure else {
            let end_at = ends.iter().map(|e| e.0).max().unwrap_or(start);
            return (end_at, End::Done, Shape::Max, terms);
        };
        let cancelled = (0..children.len())
            .filter(|&i| i != failed && ends[i].0 > at)
            .count();
        for (i, &child) in children.iter().enumerate() {
            if i != failed {
                self.mark(child, at, End::Cancelled, true);
            }
        }
        let shape = Shape::FirstFailure {
            failed: self.label(children[failed]),
            at: at - start,
            cancelled,
        };
        (at, End::Failed, shape, terms)
    }

    fn limit(
        &mut self,
        children: &[Node],
        start: Duration,
        permits: usize,
    ) -> (Duration, End, Shape, Vec<Term>) {
        // A subtree's schedule does not depend on when it starts, so each
        // child is worked out once, from 0, then moved to its start.
        let ends: Vec<_> = children
            .iter()
            .map(|&c| self.node(c, Duration::ZERO))
            .collect();
        let starts = crate::engine::schedule::starts(ends.iter().map(|e| e.0), permits);
        let mut end_at = start;
        for (&child, &offset) in children.iter().zip(&starts) {
            self.shift(child, start.saturating_add(offset));
            end_at = end_at.max(self.schedule_of(child).end_at);
        }
        let failed = ends.iter().any(|e| e.1.failed());
        let terms = self.terms(children, Some(&starts));
        (end_at, failed_if(failed), Shape::Permits(permits), terms)
    }

    fn timeout(
        &mut self,
        child: Node,
        start: Duration,
        limit: Duration,
    ) -> (Duration, End, Shape, Vec<Term>) {
        let (end_at, end) = self.node(child, start);
        let deadline = start.saturating_add(limit);
        let terms = self.terms(&[child], None);
        if end_at > deadline {
            self.mark(child, deadline, End::Cancelled, true);
            let shape = Shape::Deadline { limit, hit: true };
            return (deadline, End::TimedOut, shape, terms);
        }
        (end_at, end, Shape::Deadline { limit, hit: false }, terms)
    }

    /// Moves `node`'s subtree, scheduled from 0, to start at `by`.
    fn shift(&mut self, node: Node, by: Duration) {
        let (pairs, groups) = self.scenario.span(node);
        let moved = |e: &mut Expected| {
            e.start = e.start.map(|s| s.saturating_add(by));
            e.end_at = e.end_at.saturating_add(by);
        };
        groups.for_each(|g| moved(&mut self.schedule.groups[g as usize]));
        pairs.for_each(|p| self.schedule.pairs.update(p as usize, moved));
    }

    /// Marks `node`'s subtree skipped at `at`: it never starts.
    fn skip(&mut self, node: Node, at: Duration) {
        let (pairs, groups) = self.scenario.span(node);
        let skipped = Expected {
            start: None,
            end_at: at,
            end: End::Skipped,
        };
        groups.for_each(|g| self.schedule.groups[g as usize] = skipped);
        pairs.for_each(|p| self.schedule.pairs.set(p as usize, skipped));
    }

    /// The terms of `children`, the first few and, beyond them, the longest
    /// (which decides a `max`); `waits` are the children's starts under a
    /// limit.
    fn terms(&self, children: &[Node], waits: Option<&[Duration]>) -> Vec<Term> {
        let wait = |i: usize| waits.and_then(|w| w.get(i)).copied().unwrap_or_default();
        let mut terms: Vec<Term> = children
            .iter()
            .take(TERMS)
            .enumerate()
            .map(|(i, &c)| self.term(c, wait(i)))
            .collect();
        if children.len() > TERMS {
            let longest = (0..children.len())
                .max_by_key(|&i| wait(i).saturating_add(self.length(children[i])))
                .unwrap_or(0);
            if longest >= TERMS {
                terms.push(self.term(children[longest], wait(longest)));
            }
        }
        terms
    }

    /// How long `node` takes if nothing cuts it short.
    fn length(&self, node: Node) -> Duration {
        match node {
            Node::Pair { index, .. } => self.scenario.delay(index as usize).unwrap_or(UNKNOWN),
            Node::Group(g) => self.schedule.natural[g as usize],
        }
    }

    fn term(&self, child: Node, wait: Duration) -> Term {
        let inner = match child {
            Node::Group(g) => Some(&self.schedule.bare[g as usize])
                .filter(|bare| bare.chars().count() <= NESTED)
                .cloned(),
            Node::Pair { .. } => None,
        };
        Term {
            label: self.label(child),
            length: self.length(child),
            inner,
            wait,
            is_pair: matches!(child, Node::Pair { .. }),
            is_command: matches!(
                child,
                Node::Pair {
                    action: Action::Command,
                    ..
                }
            ),
        }
    }

    fn label(&self, node: Node) -> String {
        match node {
            Node::Pair { index, .. } => {
                let message = &self.scenario.plan().pairs()[index as usize].message;
                let short: String = message.chars().take(16).collect();
                let short = crate::escape::escape(&short).into_owned();
                match message.chars().count() > 16 {
                    true => format!("{short}…"),
                    false => short,
                }
            }
            Node::Group(g) => self.scenario.group(g).kind.to_string(),
        }
    }

    fn schedule_of(&self, node: Node) -> Expected {
        self.schedule.of_node(node)
    }

    /// Cuts `node`'s subtree at `at`: whatever has not ended by then ends
    /// as `end` (cancelled, or skipped when it never started). With
    /// `inclusive`, what ends at `at` itself still ends on its own.
    fn mark(&mut self, node: Node, at: Duration, end: End, inclusive: bool) {
        let (pairs, groups) = self.scenario.span(node);
        let cut = |e: &mut Expected| {
            let ended_first = e.end_at < at || (inclusive && e.end_at == at);
            if e.start.is_some() && ended_first && e.end != End::Skipped {
                return;
            }
            if e.start.is_none() && e.end_at <= at {
                // Already cut off, earlier or now.
                return;
            }
            let started = e.start.is_some_and(|s| s < at || (inclusive && s == at));
            if !started {
                e.start = None;
            }
            e.end_at = at;
            e.end = match (end, started) {
                (End::Skipped, _) => End::Skipped,
                _ => End::Cancelled,
            };
        };
        for g in groups {
            cut(&mut self.schedule.groups[g as usize]);
        }
        for p in pairs {
            self.schedule.pairs.update(p as usize, cut);
        }
    }
}

/// What an all-at-once group has seen of its children so far.
struct AtOnce {
    /// When the last of them ends.
    end_at: Duration,
    failed: bool,
    /// The first [`TERMS`], for its formula.
    shown: Vec<Node>,
    /// The (last) longest: its length, place and node.
    longest: Option<(Duration, usize, Node)>,
    /// How many children it has seen.
    count: usize,
}

impl AtOnce {
    /// One more child, which ends at `end_at` as `end`, taking `length`.
    fn add(&mut self, child: Node, end_at: Duration, end: End, length: Duration) {
        self.end_at = self.end_at.max(end_at);
        self.failed |= end.failed();
        if self.shown.len() < TERMS {
            self.shown.push(child);
        }
        if self.longest.is_none_or(|(most, _, _)| length >= most) {
            self.longest = Some((length, self.count, child));
        }
        self.count += 1;
    }
}

fn failed_if(failed: bool) -> End {
    match failed {
        true => End::Failed,
        false => End::Done,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_argument;
    use proptest::prelude::*;

    /// A random tree that only sleeps, in whole milliseconds or not.
    fn sleeping_tree(depth: u32, whole: bool) -> BoxedStrategy<String> {
        let pair = (0u32..3000)
            .prop_map(move |us| match whole {
                true => format!("{}ms:m", us / 1000),
                false => format!("{}ms:m", f64::from(us) / 1000.0),
            })
            .boxed();
        if depth == 0 {
            return pair;
        }
        let child = prop_oneof![2 => pair, 1 => sleeping_tree(depth - 1, whole)];
        (
            prop::sample::select(vec!["serial", "tasks", "gather", "joinset"]),
            prop::collection::vec(child, 1..5),
        )
            .prop_map(|(kind, children)| format!("{kind}({})", children.join(", ")))
            .boxed()
    }

    proptest! {
        /// A group that starts all its children at once names them in its
        /// formula as [`Planner::terms`] picks them (the first few, then
        /// the last longest), read in one pass; ties and groups included.
        #[test]
        fn all_at_once_names_what_terms_names(
            delays in prop::collection::vec(0u32..4, 1..14),
            kind in prop::sample::select(vec!["gather", "tasks", "joinset"]),
        ) {
            let children: Vec<String> = delays
                .iter()
                .enumerate()
                .map(|(i, d)| match i % 5 {
                    4 => format!("serial({d}:g{i}, 1:h{i})"),
                    _ => format!("{d}:m{i}"),
                })
                .collect();
            let scenario = parse_argument(&format!("{kind}({})", children.join(", ")), 1, false).unwrap();
            let schedule = Schedule::of(&scenario);
            let mut planned = schedule.clone();
            let planner = Planner { scenario: &scenario, schedule: &mut planned };
            let nodes: Vec<Node> = scenario.children(0).collect();
            let by_terms = render(&Shape::Max, &planner.terms(&nodes, None), nodes.len(), false);
            prop_assert_eq!(&schedule.formulas[0], &by_terms);
        }

        /// Where the arithmetic takes its own sums for the model's ends
        /// (whole steps of sleep), they are what the model works out, node
        /// for node, with no timer step to tell; otherwise the model's
        /// ends are taken.
        #[test]
        fn the_sums_of_whole_steps_are_the_models_ends(
            text in prop_oneof![sleeping_tree(3, true), sleeping_tree(3, false)]
        ) {
            let scenario = parse_argument(&text, 1, false).unwrap();
            let schedule = Schedule::of(&scenario);
            let simulated =
                crate::simulate::simulate(&scenario, crate::simulate::Ends::new(&scenario)).1;
            prop_assert_eq!(schedule.pairs().collect::<Vec<_>>(), simulated.pairs);
            prop_assert_eq!(&schedule.groups, &simulated.groups);
            if crate::simulate::ends_are_the_sums(&scenario) {
                prop_assert!(schedule.steps.is_empty());
            }
        }
    }

    /// A gather begun 40 years in (past what 60 bits of nanoseconds
    /// hold) schedules its pairs exactly, as the one begun at 0 does; its
    /// formula names the first children and the last longest.
    #[test]
    fn a_gather_begun_late_is_scheduled_exactly() {
        let years = vec!["365d:y"; 40].join(", ");
        let late = format!("serial({years}, gather(1:a, fail(2:b), 2:c, serial(1:d)))");
        let year = Duration::from_secs(365 * 86_400);
        for (text, begun) in [
            (late, year * 40),
            (
                "gather(1:a, fail(2:b), 2:c, serial(1:d))".to_owned(),
                Duration::ZERO,
            ),
        ] {
            let scenario = parse_argument(&text, 1, false).unwrap();
            let schedule = Schedule::of(&scenario);
            let first = scenario.plan().len() - 4;
            let ends: Vec<(Option<Duration>, Duration, End)> = (first..first + 4)
                .map(|i| schedule.pair(i))
                .map(|e| (e.start.map(|s| s - begun), e.end_at - begun, e.end))
                .collect();
            let secs = Duration::from_secs;
            assert_eq!(
                ends,
                [
                    (Some(secs(0)), secs(1), End::Done),
                    (Some(secs(0)), secs(2), End::Failed),
                    (Some(secs(0)), secs(2), End::Done),
                    (Some(secs(0)), secs(1), End::Done),
                ],
                "{text}"
            );
            let gather = scenario.groups().len() - 2;
            assert_eq!(schedule.groups[gather].end, End::Failed, "{text}");
            assert_eq!(schedule.groups[gather].end_at - begun, secs(2), "{text}");
            assert_eq!(
                schedule.formulas[gather], "max(a 1s, b 2s, c 2s, serial 1s = 1s)",
                "{text}"
            );
        }
    }

    /// Packing loses nothing: every end, a start or none, times that fit
    /// in 60 bits and times that do not (kept whole on the side, and let
    /// go when a later value fits again, so equal schedules compare equal).
    #[test]
    fn packed_expectations_read_back_exactly() {
        let huge = Duration::from_secs(400 * 365 * 86_400);
        let values = End::ALL.into_iter().flat_map(|end| {
            [
                Expected {
                    start: None,
                    end_at: Duration::ZERO,
                    end,
                },
                Expected {
                    start: Some(Duration::new(1, 1)),
                    end_at: Duration::new(2, 5),
                    end,
                },
                Expected {
                    start: Some(huge),
                    end_at: huge + Duration::from_nanos(1),
                    end,
                },
                Expected {
                    start: Some(Duration::ZERO),
                    end_at: huge,
                    end,
                },
            ]
        });
        let unset = Expected {
            start: None,
            end_at: Duration::ZERO,
            end: End::Done,
        };
        let mut packed = Packed::new(2, unset);
        for value in values {
            packed.set(1, value);
            assert_eq!(packed.get(1), value);
            assert_eq!(packed.nanos(1), Nanos::of(value));
            assert_eq!(packed.get(0), unset);
            // Told as the model tells it: a start, then an end.
            let mut told = Packed::new(1, unset);
            if let Some(start) = value.start {
                told.begin(0, start);
            }
            told.end(0, value.end_at, value.end);
            assert_eq!(told.get(0), value);
        }
        packed.set(1, unset);
        assert_eq!(packed, Packed::new(2, unset));
    }
}
