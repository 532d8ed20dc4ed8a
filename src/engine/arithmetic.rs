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

use std::time::Duration;

use crate::engine::record::End;
use crate::scenario::tree::{Action, GroupKind, Node, Scenario};
use crate::scenario::units::human;

/// When one node should start and end, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expected {
    /// `None` for a node that never starts (skipped, or cut off first).
    pub start: Option<Duration>,
    pub end_at: Duration,
    pub end: End,
}

/// The expected schedule of a whole scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// One per pair, in pair order.
    pub pairs: Vec<Expected>,
    /// One per group, in pre-order.
    pub groups: Vec<Expected>,
    /// How each group's time follows from its children's, e.g.
    /// `max(serial 1s + 2s = 3s, c 3s)`; one per group.
    pub formulas: Vec<String>,
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
            pairs: vec![unset; scenario.plan().len()],
            groups: vec![unset; scenario.groups().len()],
            formulas: vec![String::new(); scenario.groups().len()],
        };
        Planner {
            scenario,
            schedule: &mut schedule,
        }
        .node(scenario.root(), Duration::ZERO);
        schedule
    }

    /// The expected wall: when the root ends.
    pub fn wall(&self, scenario: &Scenario) -> Duration {
        self.of_node(scenario.root()).end_at
    }

    /// What is expected of `node`.
    pub fn of_node(&self, node: Node) -> Expected {
        match node {
            Node::Pair { index, .. } => self.pairs[index as usize],
            Node::Group(g) => self.groups[g as usize],
        }
    }

    /// The whole sum in one line: `expected 3s = max(serial 1s + 2s = 3s,
    /// c 3s)`, or `expected 1s: the pair a` for a lone pair.
    pub fn summary(&self, scenario: &Scenario) -> String {
        let root = scenario.root();
        let wall = human(self.wall(scenario));
        match root {
            Node::Group(g) => format!("expected {wall} = {}", self.formulas[g as usize]),
            Node::Pair { .. } => format!("expected {wall}: one pair"),
        }
    }
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

impl Planner<'_> {
    /// Schedules `node` from `start`; returns when it ends and how.
    fn node(&mut self, node: Node, start: Duration) -> (Duration, End) {
        match node {
            Node::Pair { index, action } => {
                let delay = self.scenario.plan().pairs()[index as usize].delay;
                let end = match action {
                    Action::Fail => End::Failed,
                    _ => End::Done,
                };
                let end_at = start.saturating_add(delay);
                self.schedule.pairs[index as usize] = Expected {
                    start: Some(start),
                    end_at,
                    end,
                };
                (end_at, end)
            }
            Node::Group(g) => {
                let (end_at, end, formula) = self.group(g, start);
                self.schedule.groups[g as usize] = Expected {
                    start: Some(start),
                    end_at,
                    end,
                };
                self.schedule.formulas[g as usize] = formula;
                (end_at, end)
            }
        }
    }

    fn group(&mut self, g: u32, start: Duration) -> (Duration, End, String) {
        let children = self.scenario.children(g).to_vec();
        match self.scenario.group(g).kind {
            GroupKind::Serial => self.serial(&children, start),
            GroupKind::Tasks | GroupKind::Gather | GroupKind::Joinset | GroupKind::Threads => {
                let ends: Vec<_> = children.iter().map(|&c| self.node(c, start)).collect();
                let end_at = ends.iter().map(|e| e.0).max().unwrap_or(start);
                let end = failed_if(ends.iter().any(|e| e.1.failed()));
                let terms = self.terms(&children, start);
                (end_at, end, format!("max({terms})"))
            }
            GroupKind::Race => self.race(&children, start),
            GroupKind::Group => self.task_group(&children, start),
            GroupKind::Limit(permits) => self.limit(&children, start, permits.get()),
            GroupKind::Timeout(limit) => self.timeout(children[0], start, limit),
        }
    }

    fn serial(&mut self, children: &[Node], start: Duration) -> (Duration, End, String) {
        let mut at = start;
        for (i, &child) in children.iter().enumerate() {
            let (end_at, end) = self.node(child, at);
            at = end_at;
            if end.failed() {
                for &later in &children[i + 1..] {
                    self.skip(later, at);
                }
                let mut formula = self.sum(&children[..=i], start, " + ");
                if i + 1 < children.len() {
                    formula.push_str(&format!(" (fails: {} skipped)", children.len() - i - 1));
                }
                return (at, End::Failed, formula);
            }
        }
        (at, End::Done, self.sum(children, start, " + "))
    }

    fn race(&mut self, children: &[Node], start: Duration) -> (Duration, End, String) {
        let ends: Vec<_> = children.iter().map(|&c| self.node(c, start)).collect();
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
        let terms = self.terms(children, start);
        let losers = children.len() - 1;
        let note = match losers {
            0 => String::new(),
            1 => format!("; {} cancelled", self.label(children[1 - winner.min(1)])),
            n => format!("; {n} cancelled"),
        };
        (end_at, end, format!("min({terms}){note}"))
    }

    fn task_group(&mut self, children: &[Node], start: Duration) -> (Duration, End, String) {
        let ends: Vec<_> = children.iter().map(|&c| self.node(c, start)).collect();
        let failure = ends
            .iter()
            .enumerate()
            .filter(|(_, e)| e.1.failed())
            .min_by_key(|(_, e)| e.0);
        let Some((failed, &(at, _))) = failure else {
            let end_at = ends.iter().map(|e| e.0).max().unwrap_or(start);
            return (
                end_at,
                End::Done,
                format!("max({})", self.terms(children, start)),
            );
        };
        let mut cancelled = 0;
        for (i, &child) in children.iter().enumerate() {
            if i != failed && ends[i].0 > at {
                cancelled += 1;
            }
            if i != failed {
                self.mark(child, at, End::Cancelled, true);
            }
        }
        let formula = format!(
            "the first failure, {} at {}, cancels the rest ({cancelled} cancelled)",
            self.label(children[failed]),
            human(at - start)
        );
        (at, End::Failed, formula)
    }

    fn limit(
        &mut self,
        children: &[Node],
        start: Duration,
        permits: usize,
    ) -> (Duration, End, String) {
        // Each child's own length, then a fair semaphore: children take a
        // permit in order, each the moment one frees.
        // A subtree's schedule does not depend on when it starts, so each
        // child is worked out once, from 0, then moved to its start.
        let ends: Vec<_> = children
            .iter()
            .map(|&c| self.node(c, Duration::ZERO))
            .collect();
        let starts = crate::engine::schedule::starts(ends.iter().map(|e| e.0), permits);
        let mut end_at = start;
        for (&child, &offset) in children.iter().zip(&starts) {
            self.shift(child, start + offset);
            end_at = end_at.max(self.schedule_of(child).end_at);
        }
        let failed = ends.iter().any(|e| e.1.failed());
        let mut terms: Vec<String> = children
            .iter()
            .zip(&starts)
            .take(TERMS)
            .map(|(&child, &offset)| {
                let term = self.term(child, start + offset);
                match offset.is_zero() {
                    true => term,
                    false => format!("{} + {term}", human(offset)),
                }
            })
            .collect();
        if children.len() > TERMS {
            terms.push(format!("… {} more", children.len() - TERMS));
        }
        let formula = format!("{permits} at a time: max({})", terms.join(", "));
        (end_at, failed_if(failed), formula)
    }

    fn timeout(
        &mut self,
        child: Node,
        start: Duration,
        limit: Duration,
    ) -> (Duration, End, String) {
        let (end_at, end) = self.node(child, start);
        let deadline = start.saturating_add(limit);
        let term = self.term(child, start);
        let formula = format!("min({term}, deadline {})", human(limit));
        if end_at > deadline {
            self.mark(child, deadline, End::Cancelled, true);
            return (deadline, End::TimedOut, format!("{formula}: timed out"));
        }
        (end_at, end, formula)
    }

    /// Moves `node`'s subtree, scheduled from 0, to start at `by`.
    fn shift(&mut self, node: Node, by: Duration) {
        let (pairs, groups) = self.scenario.span(node);
        let moved = |e: &mut Expected| {
            e.start = e.start.map(|s| s + by);
            e.end_at += by;
        };
        groups.for_each(|g| moved(&mut self.schedule.groups[g as usize]));
        pairs.for_each(|p| moved(&mut self.schedule.pairs[p as usize]));
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
        pairs.for_each(|p| self.schedule.pairs[p as usize] = skipped);
    }

    /// `a 1s + b 2s` for serial children.
    fn sum(&self, children: &[Node], start: Duration, joiner: &str) -> String {
        let mut terms: Vec<String> = children
            .iter()
            .take(TERMS)
            .map(|&c| self.term(c, start))
            .collect();
        if children.len() > TERMS {
            terms.push(format!("… {} more", children.len() - TERMS));
        }
        terms.join(joiner)
    }

    /// `a 1s, serial 1s + 2s = 3s`: the children's terms, the longest
    /// always among them.
    fn terms(&self, children: &[Node], start: Duration) -> String {
        let mut terms: Vec<String> = children
            .iter()
            .take(TERMS)
            .map(|&c| self.term(c, start))
            .collect();
        if children.len() > TERMS {
            let longest = children
                .iter()
                .enumerate()
                .max_by_key(|&(_, &c)| self.schedule_of(c).end_at)
                .map_or(0, |(i, _)| i);
            terms.push(format!("… {} more", children.len() - TERMS));
            if longest >= TERMS {
                terms.push(self.term(children[longest], start));
            }
        }
        terms.join(", ")
    }

    /// One child in its parent's formula: `c 3s`, or `serial 1s + 2s = 3s`.
    fn term(&self, child: Node, parent_start: Duration) -> String {
        let expected = self.schedule_of(child);
        let began = expected.start.unwrap_or(parent_start);
        let length = human(expected.end_at.saturating_sub(began));
        let label = self.label(child);
        match child {
            Node::Pair { .. } => format!("{label} {length}"),
            Node::Group(g) => {
                let formula = &self.schedule.formulas[g as usize];
                if formula.chars().count() <= NESTED {
                    format!("{label} {formula} = {length}")
                } else {
                    format!("{label} {length}")
                }
            }
        }
    }

    fn label(&self, node: Node) -> String {
        match node {
            Node::Pair { index, .. } => {
                let message = &self.scenario.plan().pairs()[index as usize].message;
                let short: String = message.chars().take(16).collect();
                let short = crate::output::escape::escape(&short).into_owned();
                match message.chars().count() > 16 {
                    true => format!("{short}…"),
                    false => short,
                }
            }
            Node::Group(g) => self.scenario.group(g).kind.name().to_owned(),
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
            cut(&mut self.schedule.pairs[p as usize]);
        }
    }
}

fn failed_if(failed: bool) -> End {
    match failed {
        true => End::Failed,
        false => End::Done,
    }
}
