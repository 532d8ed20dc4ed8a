//! A run played back step by step, for `saywhen play` and the lesson page
//! alike: the model's changes in time order (at one instant, in the order
//! they happened), each a step, grouped by instant. A cursor counts the
//! steps that have happened: 0 is before anything, `len` the end. After
//! the last step of an instant the states are what `--at` that instant
//! says ([`Trace::phases_at`](crate::simulate::Trace::phases_at)).

use std::time::Duration;

use crate::scenario::tree::{Node, Scenario};
use crate::simulate::{Change, Phase};

/// One change: which node (its place in pre-order), what, when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    pub node: usize,
    pub change: Change,
    pub at: Duration,
}

/// An instant at which something changes, and the cursor once all of its
/// steps have happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Instant {
    pub at: Duration,
    pub end: usize,
}

/// The steps of a run and the instants they group into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playback {
    pub steps: Vec<Step>,
    pub instants: Vec<Instant>,
    /// How many nodes the steps are of.
    pub nodes: usize,
}

/// Where each node sits in the pre-order list.
pub struct Places {
    pairs: Vec<usize>,
    groups: Vec<usize>,
}

impl Places {
    pub fn of(scenario: &Scenario) -> Places {
        let mut places = Places {
            pairs: vec![0; scenario.plan().len()],
            groups: vec![0; scenario.groups().len()],
        };
        for (place, (node, _)) in scenario.walk().enumerate() {
            match node {
                Node::Pair { index, .. } => places.pairs[index as usize] = place,
                Node::Group(g) => places.groups[g as usize] = place,
            }
        }
        places
    }

    pub fn of_node(&self, node: Node) -> usize {
        match node {
            Node::Pair { index, .. } => self.pairs[index as usize],
            Node::Group(g) => self.groups[g as usize],
        }
    }

    pub fn of_pair(&self, index: usize) -> usize {
        self.pairs[index]
    }

    pub fn of_group(&self, group: u32) -> usize {
        self.groups[group as usize]
    }
}

impl Playback {
    /// The steps of `changes` (a [`Trace`](crate::simulate::Trace)'s, or
    /// ones rebuilt from a recorded run), sorted stably by time.
    pub fn of(scenario: &Scenario, changes: &[(Node, Change, Duration)]) -> Playback {
        let places = Places::of(scenario);
        let mut sorted: Vec<&(Node, Change, Duration)> = changes.iter().collect();
        sorted.sort_by_key(|c| c.2);
        let mut steps = Vec::with_capacity(sorted.len());
        let mut instants: Vec<Instant> = Vec::new();
        for &&(node, change, at) in &sorted {
            match instants.last_mut() {
                Some(last) if last.at == at => last.end += 1,
                _ => instants.push(Instant {
                    at,
                    end: steps.len() + 1,
                }),
            }
            steps.push(Step {
                node: places.of_node(node),
                change,
                at,
            });
        }
        Playback {
            steps,
            instants,
            nodes: scenario.node_count(),
        }
    }

    pub fn len(&self) -> usize {
        self.steps.len()
    }

    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }

    /// Every node's phase once `cursor` steps have happened, in pre-order.
    pub fn phases(&self, cursor: usize) -> Vec<Phase> {
        let mut phases = vec![Phase::NotStarted; self.nodes];
        for step in &self.steps[..cursor.min(self.steps.len())] {
            match step.change {
                Change::Began => {}
                Change::In(state) => phases[step.node] = Phase::In(state),
                Change::Ended(end) => phases[step.node] = Phase::Ended(end),
            }
        }
        phases
    }

    /// The time once `cursor` steps have happened: that of the last one.
    pub fn time(&self, cursor: usize) -> Duration {
        match cursor.min(self.steps.len()) {
            0 => Duration::ZERO,
            k => self.steps[k - 1].at,
        }
    }

    /// The instant the cursor is in: the one of its last step.
    pub fn instant_of(&self, cursor: usize) -> Option<usize> {
        (cursor > 0).then(|| self.instants.partition_point(|i| i.end < cursor))
    }

    /// The cursor at the end of the next instant.
    pub fn next_instant(&self, cursor: usize) -> usize {
        self.instants
            .iter()
            .find(|i| i.end > cursor)
            .map_or(self.len(), |i| i.end)
    }

    /// The cursor at the end of the previous instant (0 before the first).
    pub fn previous_instant(&self, cursor: usize) -> usize {
        self.instants
            .iter()
            .rev()
            .find(|i| i.end < cursor)
            .map_or(0, |i| i.end)
    }

    /// The cursor once everything at or before `at` has happened.
    pub fn cursor_at(&self, at: Duration) -> usize {
        self.steps.partition_point(|s| s.at <= at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_argument;
    use crate::simulate;

    /// At the end of each instant the steps give what `--at` says.
    #[test]
    fn the_end_of_each_instant_is_what_at_says() {
        let scenario = parse_argument(
            "gather(serial(1:a, block(2:b)), limit(1, 1:c, 0.5:d))",
            1,
            false,
        )
        .unwrap();
        let (_, trace) = simulate::trace(&scenario);
        let playback = Playback::of(&scenario, &trace.changes);
        for instant in &playback.instants {
            let expected: Vec<Phase> = trace
                .phases_at(&scenario, instant.at)
                .into_iter()
                .map(|(_, p)| p)
                .collect();
            assert_eq!(
                playback.phases(instant.end),
                expected,
                "at {:?}",
                instant.at
            );
            assert_eq!(playback.cursor_at(instant.at), instant.end);
            assert_eq!(playback.time(instant.end), instant.at);
        }
        assert!(playback.phases(0).iter().all(|p| *p == Phase::NotStarted));
    }

    #[test]
    fn instants_step_forward_and_back() {
        let scenario = parse_argument("gather(1:a, 2:b)", 1, false).unwrap();
        let (_, trace) = simulate::trace(&scenario);
        let playback = Playback::of(&scenario, &trace.changes);
        let ends: Vec<usize> = playback.instants.iter().map(|i| i.end).collect();
        let mut cursor = 0;
        let mut walked = Vec::new();
        while cursor < playback.len() {
            cursor = playback.next_instant(cursor);
            walked.push(cursor);
        }
        assert_eq!(walked, ends);
        let mut back = Vec::new();
        while cursor > 0 {
            cursor = playback.previous_instant(cursor);
            back.push(cursor);
        }
        back.reverse();
        assert_eq!(back[0], 0);
        assert_eq!(&back[1..], &ends[..ends.len() - 1]);
        assert_eq!(playback.instant_of(0), None);
        assert_eq!(playback.instant_of(ends[0]), Some(0));
        assert_eq!(playback.instant_of(ends[0] + 1), Some(1));
    }
}
