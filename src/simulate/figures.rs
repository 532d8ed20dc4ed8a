//! A run's concurrency in three figures, read off the model: how many
//! pairs are in flight at once (the peak, and the mean over the wall: the
//! pairs' lives added up, divided by the wall), how much of the wall the
//! runtime's thread is held by blocking calls (polling costs the model no
//! time, so a run that only sleeps keeps its thread 0% busy), and the
//! critical path (see [`critical`]).
//!
//! A pair is in flight from its first poll to its end, ready-but-starved
//! included; one waiting for its turn or for a permit is not yet. So under
//! `limit(N, ...)` of pairs at most N are in flight.

use std::time::Duration;

use crate::scenario::tree::{Action, Scenario};
use crate::simulate::critical::{self, Part};
use crate::simulate::observe::{Expectations, duration};

/// How many pairs are in flight at once.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct InFlight {
    pub peak: usize,
    /// The lives added up, over the wall.
    pub mean: f64,
}

/// The peak and mean of intervals `lives` (from, to) over `wall`; an
/// interval of no length is never in flight, and one ending as another
/// starts does not overlap it.
///
/// A first pass adds the lives up and finds the last start and the first
/// end: when every interval began before any ended (a gather, tasks,
/// anything that starts all at once) they were all in flight together, and
/// that is the peak, with no sort. Otherwise the edges are sorted, each
/// packed in one word (its instant, then an end before a start).
pub fn in_flight(
    lives: impl IntoIterator<Item = (Duration, Duration), IntoIter: Clone>,
    wall: Duration,
) -> InFlight {
    let lives = lives.into_iter().filter(|(from, to)| to > from);
    let (mut total, mut count) = (0f64, 0usize);
    let (mut last_start, mut first_end) = (Duration::ZERO, Duration::MAX);
    for (from, to) in lives.clone() {
        total += (to - from).as_secs_f64();
        count += 1;
        last_start = last_start.max(from);
        first_end = first_end.min(to);
    }
    let peak = match last_start < first_end {
        true => count,
        false => {
            let word = |at: Duration, start: bool| {
                let nanos = at.as_nanos().min(u128::from(u64::MAX >> 1)) as u64;
                nanos << 1 | u64::from(start)
            };
            let mut edges: Vec<u64> = Vec::with_capacity(2 * count);
            for (from, to) in lives {
                edges.push(word(from, true));
                edges.push(word(to, false));
            }
            edges.sort_unstable();
            let (mut now, mut peak) = (0usize, 0usize);
            for edge in edges {
                match edge & 1 {
                    1 => {
                        now += 1;
                        peak = peak.max(now);
                    }
                    _ => now -= 1,
                }
            }
            peak
        }
    };
    InFlight {
        peak,
        mean: match wall.is_zero() {
            true => 0.0,
            false => total / wall.as_secs_f64(),
        },
    }
}

/// The figures of one run.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub in_flight: InFlight,
    /// How long blocking calls held the runtime's thread.
    pub held: Duration,
    pub wall: Duration,
    /// The critical path, its parts in time order (they add up to `wall`).
    pub path: Vec<Part>,
}

impl Figures {
    /// The share of the wall the thread was held, 0 to 1.
    pub fn busy(&self) -> f64 {
        match self.wall.is_zero() {
            true => 0.0,
            false => (self.held.as_secs_f64() / self.wall.as_secs_f64()).min(1.0),
        }
    }
}

/// The figures of `scenario` run as the model says (it ends at `wall`,
/// each node starting and ending as `expected` tells).
pub fn of(scenario: &Scenario, wall: Duration, expected: &impl Expectations) -> Figures {
    // One pass, in nanoseconds (a million pairs, in a big gather): the
    // lives added up, the time blocks held the thread, and whether every
    // pair began before any ended (then all were in flight at once: no
    // sort).
    let mut held = 0u128;
    let (mut total, mut count) = (0f64, 0usize);
    let (mut last_start, mut first_end) = (0u128, u128::MAX);
    for run in scenario.pair_runs() {
        let blocks = run.action == Action::Block;
        for index in run.pairs {
            let ends = expected.pair_nanos(index);
            let Some(from) = ends.start else {
                continue;
            };
            if blocks {
                held = held.saturating_add(ends.end_at.saturating_sub(from));
            }
            if ends.end_at > from {
                total += duration(ends.end_at - from).as_secs_f64();
                count += 1;
                last_start = last_start.max(from);
                first_end = first_end.min(ends.end_at);
            }
        }
    }
    let in_flight = match last_start < first_end {
        true => InFlight {
            peak: count,
            mean: match wall.is_zero() {
                true => 0.0,
                false => total / wall.as_secs_f64(),
            },
        },
        false => in_flight(
            scenario.leaves().filter_map(|leaf| {
                let ends = expected.of(leaf.node());
                Some((ends.start?, ends.end_at))
            }),
            wall,
        ),
    };
    Figures {
        in_flight,
        held: duration(held),
        wall,
        path: critical::path(scenario, wall, expected),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_argument;

    fn figures(text: &str) -> Figures {
        let scenario = parse_argument(text, 1, false).unwrap();
        let (wall, ends) = crate::simulate::ends(&scenario);
        of(&scenario, wall, &ends)
    }

    #[test]
    fn a_gather_has_every_pair_in_flight() {
        let f = figures("gather(1:a, 2:b, 4:c)");
        assert_eq!(f.in_flight.peak, 3);
        assert!((f.in_flight.mean - 7.0 / 4.0).abs() < 1e-9);
        assert_eq!(f.busy(), 0.0);
    }

    #[test]
    fn a_limit_caps_the_pairs_in_flight() {
        let f = figures("limit(2, 1:a, 1:b, 1:c, 1:d, 1:e)");
        assert_eq!(f.in_flight.peak, 2);
        assert_eq!(f.wall, Duration::from_secs(3));
    }

    /// Blocking holds the thread for the sum of the blocks: in the race,
    /// every millisecond of the 510.
    #[test]
    fn blocking_keeps_the_thread_busy() {
        let f = figures("gather(serial(block(1:a), block(1:b)), 1:c)");
        assert_eq!(f.held, Duration::from_secs(2));
        assert!((f.busy() - 2.0 / 3.0).abs() < 1e-9);
        // c is in flight from 2 s on; a and b one after the other.
        assert_eq!(f.in_flight.peak, 1);
    }

    #[test]
    fn nothing_in_flight_takes_no_time() {
        let f = figures("gather(0:a, 0:b)");
        assert_eq!(f.in_flight, InFlight::default());
        assert!(f.path.is_empty());
    }
}
