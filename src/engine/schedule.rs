//! Expected walls: what a run should take on a perfect clock. With options
//! in play the answer is not a one-line rule, so it is found by simulating
//! the schedule the mode and its options imply: `--limit 2` of `2:a 1:b 1:c`
//! starts `a` and `b` at once and `c` the moment `b`'s permit frees, so the
//! run takes 2 s, not the 3 s a rule of thumb might say.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::Duration;

use crate::engine::runtime::RuntimeInfo;
use crate::engine::spec::RunSpec;
use crate::scenario::mode::{Deadlines, Mode};
use crate::scenario::plan::Plan;
use crate::scenario::units::human;
use crate::simulate::timer;

/// tokio's default cap on `spawn_blocking` threads; more pairs than this
/// wait for a free thread.
pub const BLOCKING_THREADS: usize = 512;

/// The expected wall of a run, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    pub wall: Duration,
    /// In words: "the longest delay, 2 at a time".
    pub rule: String,
}

/// What running `plan` as `spec` says, on `runtime`, should take: the rule
/// of thumb, counted on tokio's timer (each sleep ends on its next 1 ms
/// step; see [`crate::simulate::timer`]), which says so when the steps
/// change the answer.
pub fn expect(plan: &Plan, spec: &RunSpec, runtime: RuntimeInfo) -> Expectation {
    let polite = expect_on(plan, spec, runtime, |start, delay| {
        start.saturating_add(delay)
    });
    let timed = expect_on(plan, spec, runtime, timer::wakes_at);
    match timed.wall == polite.wall {
        true => polite,
        false => Expectation {
            wall: timed.wall,
            rule: format!("{}; {TIMER_NOTE}", polite.rule),
        },
    }
}

/// What a rule of thumb leaves out when tokio's timer moves the answer.
pub const TIMER_NOTE: &str =
    "tokio's timer counts whole milliseconds, and each sleep ends on the next one";

/// The expectation when a sleep begun at `start` for `delay` ends at
/// `ends(start, delay)`.
fn expect_on(
    plan: &Plan,
    spec: &RunSpec,
    runtime: RuntimeInfo,
    ends: fn(Duration, Duration) -> Duration,
) -> Expectation {
    let delays = || plan.pairs().iter().map(|pair| pair.delay);
    let slots = spec.limit.map_or(usize::MAX, |n| n.get());
    let at_a_time = spec
        .limit
        .map_or_else(String::new, |n| format!(", {n} at a time"));
    let sleeps = |slots| slotted(delays(), slots, ends).map(|(_, end)| end);
    let (wall, rule) = match spec.mode {
        Mode::Serial => {
            let wall = match spec.deadlines {
                Deadlines::Relative => delays().fold(Duration::ZERO, ends),
                // Each sleep ends at the start plus the delays so far.
                Deadlines::Absolute => ends(Duration::ZERO, plan.total_delay()),
            };
            (wall, "the sum of the delays".to_owned())
        }
        Mode::Tasks | Mode::Gather | Mode::Joinset => {
            // Without a limit every pair starts at once: no need to
            // simulate a million slots to find the longest delay.
            let last = match spec.limit {
                None => delays().max().map(|delay| ends(Duration::ZERO, delay)),
                Some(_) => sleeps(slots).max(),
            };
            let rule = if spec.limit.is_some() {
                format!("the last to finish{at_a_time}")
            } else {
                "the longest delay".to_owned()
            };
            (last.unwrap_or_default(), rule)
        }
        Mode::Race => {
            let first = match spec.limit {
                None => delays().min().map(|delay| ends(Duration::ZERO, delay)),
                Some(_) => sleeps(slots).min(),
            };
            let rule = if spec.limit.is_some() {
                format!("the first to finish{at_a_time}")
            } else {
                "the shortest delay: the first to finish wins".to_owned()
            };
            (first.unwrap_or_default(), rule)
        }
        Mode::Blocking if runtime.workers <= 1 => (
            plan.total_delay(),
            "the sum: each blocking sleep holds the only thread, so concurrency collapses"
                .to_owned(),
        ),
        Mode::Blocking => {
            let last = finishes(delays(), runtime.workers).into_iter().max();
            let rule = format!(
                "the delays shared by {} worker threads, each blocked in turn",
                runtime.workers
            );
            (last.unwrap_or_default(), rule)
        }
        Mode::SpawnBlocking => {
            let last = finishes(delays(), BLOCKING_THREADS).into_iter().max();
            let rule = "the longest delay: each sleep blocks its own thread of the blocking pool";
            (last.unwrap_or_default(), rule.to_owned())
        }
        Mode::Threads => (
            plan.longest_delay(),
            "the longest delay: one OS thread per pair".to_owned(),
        ),
    };
    // A pair cut off by the deadline sleeps until it, on the same timer.
    let deadline = spec.timeout.map(|timeout| ends(Duration::ZERO, timeout));
    match deadline {
        Some(deadline) if deadline < wall => Expectation {
            wall: deadline,
            rule: format!("cut off by the {} timeout", human(deadline)),
        },
        _ => Expectation { wall, rule },
    }
}

/// When each pair finishes if at most `slots` wait at once and they take a
/// slot in argument order, each the moment one frees (a fair semaphore, or
/// a pool of `slots` threads).
pub fn finishes(delays: impl Iterator<Item = Duration>, slots: usize) -> Vec<Duration> {
    slotted(delays, slots, |start, delay| start.saturating_add(delay))
        .map(|(_, end)| end)
        .collect()
}

/// When each pair starts, under the same rule as [`finishes`].
pub fn starts(delays: impl Iterator<Item = Duration>, slots: usize) -> Vec<Duration> {
    slotted(delays, slots, |start, delay| start.saturating_add(delay))
        .map(|(start, _)| start)
        .collect()
}

/// Each pair's start (the moment it gets a slot) and end, a sleep begun at
/// `start` ending at `ends(start, delay)`.
fn slotted(
    delays: impl Iterator<Item = Duration>,
    slots: usize,
    ends: fn(Duration, Duration) -> Duration,
) -> impl Iterator<Item = (Duration, Duration)> {
    // The finish times of the pairs holding a slot, earliest first.
    let mut holding: BinaryHeap<Reverse<Duration>> = BinaryHeap::new();
    delays.map(move |delay| {
        let start = if holding.len() < slots {
            Duration::ZERO
        } else {
            holding.pop().map_or(Duration::ZERO, |Reverse(free)| free)
        };
        let end = ends(start, delay);
        holding.push(Reverse(end));
        (start, end)
    })
}

#[cfg(test)]
mod tests {
    use std::num::NonZeroUsize;

    use super::*;
    use crate::engine::clock::Clock;
    use crate::engine::runtime::Flavor;

    fn secs(list: &[u64]) -> Vec<Duration> {
        list.iter().map(|&s| Duration::from_secs(s)).collect()
    }

    fn plan(text: &[&str]) -> Plan {
        Plan::new(text.iter().map(|t| t.parse().unwrap()).collect()).unwrap()
    }

    const ONE_THREAD: RuntimeInfo = RuntimeInfo {
        flavor: Flavor::CurrentThread,
        workers: 1,
    };

    #[test]
    fn a_freed_slot_is_taken_at_once() {
        let delays = secs(&[2, 1, 1]).into_iter();
        assert_eq!(finishes(delays, 2), secs(&[2, 1, 2]));
    }

    #[test]
    fn one_slot_is_serial_and_many_are_parallel() {
        assert_eq!(finishes(secs(&[3, 1, 2]).into_iter(), 1), secs(&[3, 4, 6]));
        assert_eq!(
            finishes(secs(&[3, 1, 2]).into_iter(), usize::MAX),
            secs(&[3, 1, 2])
        );
    }

    #[test]
    fn limit_and_timeout_shape_the_expectation() {
        let plan = plan(&["2:a", "1:b", "1:c"]);
        let mut spec = RunSpec::new(Mode::Tasks, Clock::Virtual);
        spec.limit = NonZeroUsize::new(2);
        let expected = expect(&plan, &spec, ONE_THREAD);
        assert_eq!(expected.wall, Duration::from_secs(2));
        assert_eq!(expected.rule, "the last to finish, 2 at a time");
        spec.limit = NonZeroUsize::new(1);
        assert_eq!(
            expect(&plan, &spec, ONE_THREAD).wall,
            Duration::from_secs(4)
        );
        spec.timeout = Some(Duration::from_millis(1500));
        let cut = expect(&plan, &spec, ONE_THREAD);
        assert_eq!(cut.wall, Duration::from_millis(1500));
        assert_eq!(cut.rule, "cut off by the 1.5s timeout");
    }

    #[test]
    fn blocking_takes_the_sum_on_one_thread_and_shares_many() {
        let plan = plan(&["1:a", "1:b", "1:c", "1:d"]);
        let spec = RunSpec::new(Mode::Blocking, Clock::Real);
        assert_eq!(
            expect(&plan, &spec, ONE_THREAD).wall,
            Duration::from_secs(4)
        );
        let two = RuntimeInfo {
            flavor: Flavor::MultiThread,
            workers: 2,
        };
        assert_eq!(expect(&plan, &spec, two).wall, Duration::from_secs(2));
    }

    #[test]
    fn every_mode_has_its_plain_expectation() {
        let plan = plan(&["1:a", "2:b"]);
        let walls: Vec<u64> = Mode::ALL
            .iter()
            .map(|mode| mode.expected_wall(&plan).as_secs())
            .collect();
        // serial, tasks, gather, race, joinset, blocking, spawn-blocking, threads
        assert_eq!(walls, [3, 2, 2, 1, 2, 3, 2, 2]);
    }

    #[test]
    fn race_expects_the_first_finish() {
        let plan = plan(&["3:a", "1:b", "2:c"]);
        let mut spec = RunSpec::new(Mode::Race, Clock::Virtual);
        assert_eq!(
            expect(&plan, &spec, ONE_THREAD).wall,
            Duration::from_secs(1)
        );
        // b waits for a's permit: a (3 s) finishes first.
        spec.limit = NonZeroUsize::new(1);
        assert_eq!(
            expect(&plan, &spec, ONE_THREAD).wall,
            Duration::from_secs(3)
        );
    }
}
