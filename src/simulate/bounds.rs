//! The multi-thread runtime's expected schedule, and how sure it is.
//!
//! On a current-thread runtime the order of everything is certain, and the
//! model is exact. With `--workers N`, which worker runs which task is up
//! to tokio's work stealing: a task spawned by a worker sits in that
//! worker's LIFO slot, which no other worker may steal, so it can wait for
//! a blocking call beside it while another worker idles; a worker taking
//! tasks from the shared queue takes a batch, so tasks spawned together
//! need not start in the order they were spawned. Rather than pick one of
//! those choices and call it exact, the model brackets them: each node's
//! earliest end is the sooner of N workers sharing one queue and of a
//! worker for every task (nothing ever waits for a thread), its latest the
//! later of N workers and of one thread for everything (the
//! current-thread runtime, where every blocking call waits for every
//! other). Where they agree (no task waits for a worker, as when only
//! the root future blocks, on the caller's thread) the value is exact.

use std::time::Duration;

use crate::scenario::tree::{Node, Scenario};
use crate::simulate::event_loop::EventLoop;
use crate::simulate::{Ends, Expected};

/// The earliest and the latest a node (or the whole run) may end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Range {
    pub earliest: Duration,
    pub latest: Duration,
}

impl Range {
    /// Whether the order is certain: one value.
    pub fn exact(self) -> bool {
        self.earliest == self.latest
    }

    /// Whether `at` lies within the bounds.
    pub fn holds(self, at: Duration) -> bool {
        self.earliest <= at && at <= self.latest
    }
}

/// The schedule on `workers` workers, and the bounds of every node's end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bounds {
    /// The model's own choice: N workers sharing one queue.
    pub ends: Ends,
    /// One per pair, in pair order.
    pub pairs: Vec<Range>,
    /// One per group, in pre-order.
    pub groups: Vec<Range>,
    /// When the root ends.
    pub wall: Range,
}

impl Bounds {
    /// The bounds of `node`'s end.
    pub fn of(&self, node: Node) -> Range {
        match node {
            Node::Pair { index, .. } => self.pairs[index as usize],
            Node::Group(g) => self.groups[g as usize],
        }
    }

    /// Whether every node's end is certain.
    pub fn exact(&self) -> bool {
        self.wall.exact()
            && self.pairs.iter().all(|r| r.exact())
            && self.groups.iter().all(|r| r.exact())
    }
}

/// The model of `scenario` on a multi-thread runtime of `workers` workers.
pub fn multi_thread(scenario: &Scenario, workers: usize) -> (Duration, Ends) {
    let mut model = EventLoop::multi(scenario, Ends::new(scenario), workers);
    let wall = model.run_multi();
    (wall, model.observer)
}

/// The schedule of `scenario` on `workers` workers, bracketed.
pub fn bounds(scenario: &Scenario, workers: usize) -> Bounds {
    let (_, shared) = multi_thread(scenario, workers);
    let (_, every) = multi_thread(scenario, usize::MAX);
    let (_, one) = crate::simulate::ends(scenario);
    let range = |a: Expected, b: Expected, c: Expected| Range {
        earliest: a.end_at.min(b.end_at),
        latest: a.end_at.max(c.end_at),
    };
    let pairs = (shared.pairs.iter().zip(&every.pairs).zip(&one.pairs))
        .map(|((&a, &b), &c)| range(a, b, c))
        .collect();
    let groups: Vec<Range> = (shared.groups.iter().zip(&every.groups).zip(&one.groups))
        .map(|((&a, &b), &c)| range(a, b, c))
        .collect();
    let root = scenario.root();
    let wall = range(shared.of(root), every.of(root), one.of(root));
    Bounds {
        ends: shared,
        pairs,
        groups,
        wall,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_argument;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// The bounds of the node `id` of `text` on `workers` workers, in ms.
    fn of(text: &str, workers: usize, id: &str) -> (u64, u64) {
        let scenario = parse_argument(text, 1, false).unwrap();
        let bounds = bounds(&scenario, workers);
        let (node, _) = (scenario.walk())
            .find(|&(node, _)| scenario.id(node) == id)
            .unwrap();
        let range = bounds.of(node);
        let millis = |d: Duration| d.as_millis() as u64;
        (millis(range.earliest), millis(range.latest))
    }

    /// The root future runs on the caller's thread (`block_on`), which no
    /// task shares: its blocking calls take their turns there whatever
    /// the workers do, so the book's race is exact, 510 ms, on any number.
    #[test]
    fn the_root_futures_blocks_are_certain() {
        let race = "race(serial(0:a0, block(0.03:a1), block(0.01:a2), block(0.02:a3), 0.05:afin), \
            serial(0:b0, block(0.075:b1), block(0.01:b2), block(0.015:b3), block(0.35:b4), 0.05:bfin))";
        for workers in [1, 2, 4] {
            let scenario = parse_argument(race, 1, false).unwrap();
            let bounds = bounds(&scenario, workers);
            assert!(bounds.exact(), "{workers} workers");
            assert_eq!(bounds.wall.latest, ms(510));
        }
        assert_eq!(of("gather(block(0.1:a), block(0.1:b))", 2, "0"), (200, 200));
    }

    /// Three blocking tasks on two workers: two run at once and the third
    /// waits, but which one waits is the work stealing's choice (a worker
    /// takes a batch from the shared queue; a real run started `a` and
    /// `c`). The wall is 200 ms on the model's choice, bracketed.
    #[test]
    fn who_waits_for_a_worker_is_bracketed() {
        let text = "tasks(block(0.1:a), block(0.1:b), block(0.1:c))";
        let scenario = parse_argument(text, 1, false).unwrap();
        let (wall, _) = multi_thread(&scenario, 2);
        assert_eq!(wall, ms(200));
        assert_eq!(of(text, 2, "0"), (100, 300));
        assert_eq!(of(text, 2, "0.0"), (100, 100));
        assert_eq!(of(text, 2, "0.2"), (100, 300));
    }

    /// A task spawned on a worker sits in that worker's LIFO slot, which
    /// other workers do not steal: `c` waits for `d`'s block beside it
    /// (measured: 200 ms) though the second worker is idle. The bounds
    /// cover it.
    #[test]
    fn the_lifo_slot_is_within_the_bounds() {
        let text = "tasks(gather(tasks(block(0.1:c)), block(0.1:d)))";
        assert_eq!(of(text, 2, "0.0.0.0"), (100, 200));
        assert_eq!(of(text, 2, "0.0.1"), (100, 100));
    }

    /// Only a worker with nothing to do drives the timer: with one worker
    /// held by a blocking task, the root's 10 ms sleep is noticed when it
    /// is free (measured: 202 ms). On two workers the other one fires it.
    #[test]
    fn a_held_worker_drives_no_timer() {
        let text = "gather(0.01:x, tasks(block(0.2:a)))";
        let scenario = parse_argument(text, 1, false).unwrap();
        let x = scenario.walk().nth(1).unwrap().0;
        assert_eq!(multi_thread(&scenario, 1).1.of(x).end_at, ms(200));
        assert_eq!(multi_thread(&scenario, 2).1.of(x).end_at, ms(10));
        assert_eq!(of(text, 1, "0.0"), (10, 200));
    }
}
