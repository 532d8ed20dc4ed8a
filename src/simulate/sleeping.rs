//! The model's shortcut for a tree that only sleeps: every leaf a plain
//! `sleep` on tokio's timer, every group one that waits for all its
//! children (serial, tasks, gather, joinset). Nothing holds the thread,
//! nothing is cut off and nothing fails, so polling costs no time and the
//! order of ties cannot move an end: each leaf ends at its timer's step
//! after it starts ([`timer::wakes_at`]), a serial starts each child as the
//! one before ends, and the others start every child at once and end with
//! the last. That is what the event loop works out, event by event (a
//! property test below runs both over random trees); the shortcut spares a
//! million-pair scenario the simulation, as the flat modes that only
//! sleep are spared it.

use std::time::Duration;

use crate::scenario::end::End;
use crate::scenario::tree::{Action, ChildRun, GroupKind, Node, Scenario};
use crate::simulate::observe::Observer;
use crate::simulate::{UNKNOWN, timer};

/// Whether the shortcut covers `scenario`.
pub fn covers(scenario: &Scenario) -> bool {
    scenario.pair_runs().all(|run| run.action == Action::Say)
        && scenario.groups().iter().all(|group| {
            matches!(
                group.kind,
                GroupKind::Serial | GroupKind::Tasks | GroupKind::Gather | GroupKind::Joinset
            )
        })
}

/// Whether the model's ends of `scenario` are its polite sums, with
/// nothing to simulate or round: a tree the shortcut [`covers`] whose
/// every delay is a whole number of the timer's steps, so every start is
/// on a step and every end falls on one (a million pairs of `1:m` in a
/// `gather(...)`).
pub fn on_the_steps(scenario: &Scenario) -> bool {
    let step = timer::STEP.as_nanos() as u32;
    covers(scenario)
        && scenario
            .plan()
            .pairs()
            .iter()
            .all(|pair| pair.delay.subsec_nanos() % step == 0 && pair.delay < UNKNOWN)
}

/// Each node's start and end, and the wall, of a scenario it
/// [`covers`], told to `observer` (every node begins, then ends, as it is
/// worked out); returns the wall and the observer.
pub fn run<O: Observer>(scenario: &Scenario, mut observer: O) -> (Duration, O) {
    let wall = node(scenario, &mut observer, scenario.root(), Duration::ZERO);
    (wall, observer)
}

fn node(
    scenario: &Scenario,
    observer: &mut impl Observer,
    node: Node,
    start: Duration,
) -> Duration {
    observer.begin(node, start);
    let end_at = match node {
        Node::Pair { index, .. } => {
            let delay = scenario.delay(index as usize).unwrap_or(UNKNOWN);
            timer::wakes_at(start, delay)
        }
        Node::Group(g) => {
            let serial = scenario.group(g).kind == GroupKind::Serial;
            let mut end_at = start;
            for run in scenario.child_runs(g) {
                let ended = match run {
                    // A run of pairs started at once (a million, in a big
                    // gather): one loop, not a call a pair.
                    ChildRun::Pairs { pairs, action } if !serial => {
                        at_once(scenario, observer, pairs, action, start)
                    }
                    ChildRun::Pairs { pairs, action } => {
                        for index in pairs {
                            let pair = Node::Pair { index, action };
                            end_at = self::node(scenario, observer, pair, end_at);
                        }
                        end_at
                    }
                    ChildRun::Group(c) => {
                        let from = if serial { end_at } else { start };
                        self::node(scenario, observer, Node::Group(c), from)
                    }
                };
                end_at = end_at.max(ended);
            }
            end_at
        }
    };
    observer.end(node, end_at, End::Done);
    end_at
}

/// The pairs `pairs`, all started at `start`: when the last of them ends.
fn at_once(
    scenario: &Scenario,
    observer: &mut impl Observer,
    pairs: std::ops::Range<u32>,
    action: Action,
    start: Duration,
) -> Duration {
    let mut last = start;
    for index in pairs {
        let delay = scenario.delay(index as usize).unwrap_or(UNKNOWN);
        let end_at = timer::wakes_at(start, delay);
        let pair = Node::Pair { index, action };
        observer.begin(pair, start);
        observer.end(pair, end_at, End::Done);
        last = last.max(end_at);
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_argument;
    use crate::simulate::observe::Ends;
    use crate::simulate::simulate;
    use proptest::prelude::*;

    fn ends(scenario: &Scenario) -> (Duration, Ends) {
        run(scenario, Ends::new(scenario))
    }

    /// A random tree the shortcut covers, as the language writes it:
    /// delays of whole and fractional milliseconds, zero included, so
    /// that the timer's rounding and its ties are exercised.
    fn tree(depth: u32) -> BoxedStrategy<String> {
        let pair = (0u32..4000)
            .prop_map(|us| format!("{}ms:m", f64::from(us) / 1000.0))
            .boxed();
        if depth == 0 {
            return pair;
        }
        let child = prop_oneof![2 => pair, 1 => tree(depth - 1)];
        (
            prop::sample::select(vec!["serial", "tasks", "gather", "joinset"]),
            prop::collection::vec(child, 1..5),
        )
            .prop_map(|(kind, children)| format!("{kind}({})", children.join(", ")))
            .boxed()
    }

    proptest! {
        /// The shortcut is the event loop, node for node.
        #[test]
        fn the_shortcut_is_what_the_event_loop_says(text in tree(3)) {
            let scenario = parse_argument(&text, 1, false).unwrap();
            prop_assert!(covers(&scenario));
            let simulated = simulate(&scenario, Ends::new(&scenario));
            prop_assert_eq!(ends(&scenario), simulated);
        }
    }

    #[test]
    fn what_it_covers() {
        let covered = |text: &str| covers(&parse_argument(text, 1, false).unwrap());
        assert!(covered(
            "gather(1:a, serial(1:b, tasks(2:c, joinset(3:d))))"
        ));
        assert!(covered("1:a"));
        for text in [
            "block(1:a)",
            "gather(1:a, fail(1:b))",
            "spawn_blocking(1:a)",
            "race(1:a, 2:b)",
            "limit(1, 1:a, 1:b)",
            "timeout(1s, 2:a)",
            "group(1:a)",
            "gather(1:a, sh('true'))",
        ] {
            assert!(!covered(text), "{text}");
        }
    }
}
