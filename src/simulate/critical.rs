//! The critical path: the chain of nodes that sets the wall, and every
//! other node's slack (how much longer it could take without moving the
//! wall), both read off the model.
//!
//! The model's clock only ever moves two ways: a blocking call holds the
//! thread (the clock moves with it), or nothing is ready and the loop
//! parks until the next timer or off-thread sleep is due. So the wall is
//! reached by a chain of such moves, and walking it back from the end
//! finds the path: at each instant, what brought the clock there (a hold
//! ending then, else a sleep or deadline falling due then), and from the
//! moment that began, what brought the clock there, down to 0. The parts
//! are contiguous, so they add up to the wall exactly, the timer's 1 ms
//! rounding included (a 1.5 ms sleep is a 2 ms part). A serial turn, a
//! permit handed on, a race's winner or a task woken cost no time: they
//! are how one part follows another, not parts. In the Rust book's race
//! the path is `a1 → a2 → a3 → b1 → b2 → b3 → b4`: `afin`'s sleep was due
//! at 110 ms, but the clock got to 510 ms through `b4`'s hold.
//!
//! Slack is found by asking the model: grow one leaf, run it again, see
//! whether the wall moved, and search for the most it can grow (to the
//! nanosecond: exact). That is a run per step of the search for every leaf, so
//! it is only worked out for trees up to [`SLACK_BUDGET`]; a group's slack
//! is its children's least (it can only end later through one of them).
//!
//! Without blocking calls the wall only grows as a leaf grows (every group
//! is a max, a min, a sum or a deadline of its children, and the timer
//! rounds up), so the search is exact. With them it need not: a hold that
//! comes to straddle another leaf's wake-up moves the wall, and grown
//! further may not, and the search, which climbs in doubling steps, can
//! step over such a window; the slack it gives is where the wall is first
//! seen to move, and past it the wall always has (tests/critical.rs).

use std::time::Duration;

use crate::scenario::end::End;
use crate::scenario::tree::{Action, GroupKind, Node, Scenario};
use crate::simulate::observe::Expectations;
use crate::simulate::{UNKNOWN, timer};

/// How a part of the path spends its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum How {
    /// A blocking call holding the thread.
    Holds,
    /// A sleep on tokio's timer: its delay, plus the rounding to the
    /// timer's next step ([`Part::timer`]).
    Sleeps,
    /// A sleep on a thread of its own (the blocking pool, an OS thread, a
    /// command's process).
    Offloaded,
    /// A `timeout(...)`'s deadline (a group's part).
    Deadline,
}

impl How {
    pub fn name(self) -> &'static str {
        match self {
            How::Holds => "holds",
            How::Sleeps => "sleeps",
            How::Offloaded => "offloaded",
            How::Deadline => "deadline",
        }
    }
}

/// One link of the path: `node` kept the clock from `from` to `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Part {
    pub node: Node,
    pub how: How,
    pub from: Duration,
    pub to: Duration,
    /// What the timer's step added to the delay (within `to - from`).
    pub timer: Duration,
}

impl Part {
    pub fn length(&self) -> Duration {
        self.to - self.from
    }
}

/// A way the clock could have reached `part.to`, and how much to prefer
/// it among others reaching the same instant.
struct Candidate {
    part: Part,
    /// 0: a hold (the clock moved with it, whatever else fell due then);
    /// 1: a sleep or deadline that fired; 2: one cut off (its timer still
    /// sat in the wheel).
    rank: u8,
    order: (u8, u32),
}

/// The critical path of a run the model says ends at `wall`, each node's
/// start and end as `expected` tells: its parts in time order, adding up to
/// `wall`. Empty for a run that takes no time (or waits on a command not
/// yet measured).
pub fn path(scenario: &Scenario, wall: Duration, expected: &impl Expectations) -> Vec<Part> {
    walk(scenario, wall, expected, 4)
}

/// The path, walked back from the wall: at each instant, what brought the
/// clock there; its first `scanned` parts found by a pass each.
///
/// Note: for speed, most paths having a few parts (a gather's is its
/// longest pair), the walk first finds each part by one pass over the
/// candidates (`reaching`, in nanoseconds); a path still longer than that
/// (a serial's) collects and sorts them once and walks on. Both take,
/// among what reaches the instant, the least by (rank, from, order).
fn walk(
    scenario: &Scenario,
    wall: Duration,
    expected: &impl Expectations,
    scanned: usize,
) -> Vec<Part> {
    if wall.is_zero() || wall >= UNKNOWN {
        return Vec::new();
    }
    let mut parts = Vec::new();
    let mut at = wall;
    while !at.is_zero() && parts.len() < scanned {
        let Some(candidate) = reaching(scenario, expected, at) else {
            at = Duration::ZERO;
            break;
        };
        parts.push(candidate.part);
        at = candidate.part.from;
    }
    let mut sorted = Vec::new();
    if !at.is_zero() {
        each_candidate(scenario, expected, |c| sorted.push(c));
        sorted.sort_unstable_by_key(|c| (c.part.to, c.key()));
    }
    while !at.is_zero() {
        let first = sorted.partition_point(|c| c.part.to < at);
        let reached = sorted[first..]
            .iter()
            .take_while(|c| c.part.to == at)
            .find(|c| c.part.from < at);
        let Some(candidate) = reached else {
            break;
        };
        parts.push(candidate.part);
        at = candidate.part.from;
    }
    parts.reverse();
    parts
}

/// What brought the clock to `at`: among the candidates reaching it from
/// before it, the least by (rank, from, order). One pass over the pairs in
/// nanoseconds (a million, in a big gather, most of them reaching the
/// wall together): a pair's candidate is made only for the one chosen.
fn reaching(scenario: &Scenario, expected: &impl Expectations, at: Duration) -> Option<Candidate> {
    let at_nanos = at.as_nanos();
    // (rank, from, index) of the best pair so far, and its run's action
    // and thread.
    let mut best: Option<((u8, u128, u32), Action, bool)> = None;
    for run in scenario.pair_runs() {
        let on_a_thread = on_a_thread(scenario, run.parent);
        for index in run.pairs {
            let Some((rank, from)) =
                pair_reach(scenario, expected, index, run.action, on_a_thread, at_nanos)
            else {
                continue;
            };
            let key = (rank, from, index);
            if best.is_none_or(|(b, _, _)| key < b) {
                best = Some((key, run.action, on_a_thread));
            }
        }
    }
    let mut reached = best.and_then(|((_, _, index), action, on_a_thread)| {
        pair_candidate(scenario, expected, index, action, on_a_thread)
    });
    deadline_candidates(scenario, expected, |c| {
        let better = c.part.to == at
            && c.part.from < at
            && reached.as_ref().is_none_or(|r| c.key() < r.key());
        if better {
            reached = Some(c);
        }
    });
    reached
}

/// Pair `index`'s rank and start in nanoseconds, if it moves the clock to
/// `at` from before it: [`pair_candidate`]'s reckoning, with no
/// `Duration` made.
#[inline]
fn pair_reach(
    scenario: &Scenario,
    expected: &impl Expectations,
    index: u32,
    action: Action,
    on_a_thread: bool,
    at: u128,
) -> Option<(u8, u128)> {
    let ends = expected.pair_nanos(index);
    let from = ends.start.filter(|&from| from < at)?;
    let delay = scenario.delay(index as usize).filter(|&d| d < UNKNOWN)?;
    let delay = delay.as_nanos();
    let sleeps = matches!(action, Action::Say | Action::Fail) && !on_a_thread;
    let to = match sleeps {
        true => timer::wakes_at_nanos(from, delay),
        // Saturating as a `Duration` would: past it, never `at`.
        false => from + delay,
    };
    if to != at {
        return None;
    }
    let fired = ends.end_at >= to && matches!(ends.end, End::Done | End::Failed);
    Some((rank(action == Action::Block, fired), from))
}

/// A candidate's rank: 0 a hold, 1 what fired, 2 what was cut off.
fn rank(holds: bool, fired: bool) -> u8 {
    match (holds, fired) {
        (true, _) => 0,
        (_, true) => 1,
        (_, false) => 2,
    }
}

/// Whether the pairs directly in group `parent` sleep on threads of their
/// own.
fn on_a_thread(scenario: &Scenario, parent: Option<u32>) -> bool {
    parent.is_some_and(|g| scenario.group(g).kind == GroupKind::Threads)
}

impl Candidate {
    /// How much it is preferred among those reaching one instant, least
    /// first: (rank, from, order), packed in two words to compare.
    fn key(&self) -> (u128, u64) {
        let from = self.part.from;
        (
            u128::from(self.rank) << 96
                | u128::from(from.as_secs()) << 32
                | u128::from(from.subsec_nanos()),
            u64::from(self.order.0) << 32 | u64::from(self.order.1),
        )
    }
}

/// Tells `each` every hold, sleep, off-thread sleep and deadline the run
/// had: one pass over the pairs, run by run.
fn each_candidate(
    scenario: &Scenario,
    expected: &impl Expectations,
    mut each: impl FnMut(Candidate),
) {
    for run in scenario.pair_runs() {
        let on_a_thread = on_a_thread(scenario, run.parent);
        for index in run.pairs {
            if let Some(c) = pair_candidate(scenario, expected, index, run.action, on_a_thread) {
                each(c);
            }
        }
    }
    deadline_candidates(scenario, expected, each);
}

/// Tells `each` every deadline of a `timeout(...)` that started.
fn deadline_candidates(
    scenario: &Scenario,
    expected: &impl Expectations,
    mut each: impl FnMut(Candidate),
) {
    for (g, group) in scenario.groups().iter().enumerate() {
        let GroupKind::Timeout(limit) = group.kind else {
            continue;
        };
        let node = Node::Group(g as u32);
        let ends = expected.of(node);
        let Some(from) = ends.start else {
            continue;
        };
        let to = timer::wakes_at(from, limit);
        each(Candidate {
            part: Part {
                node,
                how: How::Deadline,
                from,
                to,
                timer: to.saturating_sub(from.saturating_add(limit)),
            },
            rank: if ends.end == End::TimedOut { 1 } else { 2 },
            order: (1, g as u32),
        });
    }
}

/// Pair `index`'s way of moving the clock, if it started and its length
/// is known.
fn pair_candidate(
    scenario: &Scenario,
    expected: &impl Expectations,
    index: u32,
    action: Action,
    on_a_thread: bool,
) -> Option<Candidate> {
    let node = Node::Pair { index, action };
    let ends = expected.of(node);
    let from = ends.start?;
    let delay = scenario.delay(index as usize)?;
    if delay >= UNKNOWN {
        return None;
    }
    let (how, to) = match action {
        Action::Block => (How::Holds, from.saturating_add(delay)),
        Action::SpawnBlocking | Action::Command => (How::Offloaded, from.saturating_add(delay)),
        Action::Say if on_a_thread => (How::Offloaded, from.saturating_add(delay)),
        Action::Say | Action::Fail => (How::Sleeps, timer::wakes_at(from, delay)),
    };
    let fired = ends.end_at >= to && matches!(ends.end, End::Done | End::Failed);
    Some(Candidate {
        part: Part {
            node,
            how,
            from,
            to,
            timer: to.saturating_sub(from.saturating_add(delay)),
        },
        rank: rank(how == How::Holds, fired),
        order: (0, index),
    })
}

/// Which nodes the path goes through: its parts' nodes and every group
/// around them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OnPath {
    pub pairs: Vec<bool>,
    pub groups: Vec<bool>,
}

impl OnPath {
    pub fn of(scenario: &Scenario, parts: &[Part]) -> OnPath {
        let mut on = OnPath {
            pairs: vec![false; scenario.plan().len()],
            groups: vec![false; scenario.groups().len()],
        };
        for part in parts {
            let mut parent = match part.node {
                Node::Pair { index, .. } => {
                    on.pairs[index as usize] = true;
                    scenario.parent(part.node)
                }
                Node::Group(g) => Some(g),
            };
            while let Some(g) = parent {
                if std::mem::replace(&mut on.groups[g as usize], true) {
                    break;
                }
                parent = scenario.group(g).parent;
            }
        }
        on
    }

    pub fn contains(&self, node: Node) -> bool {
        match node {
            Node::Pair { index, .. } => self.pairs.get(index as usize),
            Node::Group(g) => self.groups.get(g as usize),
        }
        .copied()
        .unwrap_or(false)
    }
}

/// How many runs of the model the slack of a tree may cost, counted as
/// leaves times nodes (each leaf's search runs the whole tree some fifty
/// times): on the project's machine a tree of 150 leaves takes about a
/// fifth of a second (300 leaves took 0.76 s); a larger one's slack is not
/// given.
pub const SLACK_BUDGET: usize = 25_000;

/// How close the search comes to each leaf's exact slack.
pub const SLACK_PRECISION: Duration = Duration::from_nanos(1);

/// Each node's slack: how much longer it could take without moving the
/// wall; `None` where no amount would (it is cut off before it ends).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slack {
    pub pairs: Vec<Option<Duration>>,
    pub groups: Vec<Option<Duration>>,
}

impl Slack {
    pub fn of(&self, node: Node) -> Option<Duration> {
        match node {
            Node::Pair { index, .. } => self.pairs.get(index as usize).copied().flatten(),
            Node::Group(g) => self.groups.get(g as usize).copied().flatten(),
        }
    }
}

/// Each node's slack in `scenario` (whose wall the model says is `wall`
/// and its path `parts`), found by growing each leaf and running the model
/// again; `None` for a tree past [`SLACK_BUDGET`], or one that waits on a
/// command not yet measured. A timeout whose deadline is on the path has
/// none: a later deadline is a later wall.
pub fn slack(scenario: &Scenario, wall: Duration, parts: &[Part]) -> Option<Slack> {
    let pairs = scenario.plan().len();
    if pairs.saturating_mul(scenario.node_count()) > SLACK_BUDGET || wall >= UNKNOWN {
        return None;
    }
    let mut grown = scenario.clone();
    let mut slack = Slack {
        pairs: Vec::with_capacity(pairs),
        groups: vec![None; scenario.groups().len()],
    };
    for index in 0..pairs {
        let delay = scenario.delay(index)?;
        slack.pairs.push(leaf_slack(&mut grown, index, delay, wall));
        grown.set_delay(index, delay);
    }
    // Pre-order: a group's children come after it, so the last group
    // first sees every child's slack worked out.
    for part in parts {
        if let Node::Group(g) = part.node {
            slack.groups[g as usize] = Some(Duration::ZERO);
        }
    }
    for g in (0..scenario.groups().len()).rev() {
        let least = scenario
            .children(g as u32)
            .filter_map(|child| match child {
                Node::Pair { index, .. } => slack.pairs[index as usize],
                Node::Group(c) => slack.groups[c as usize],
            })
            .chain(slack.groups[g])
            .min();
        slack.groups[g] = least;
    }
    Some(slack)
}

/// The most leaf `index` (of `delay`) can grow before the wall moves.
///
/// The wall need not rise steadily as a leaf grows: a block that comes to
/// straddle a deadline can move it, then, grown further, let the deadline
/// cut it off and bring the wall back. So the search climbs from below,
/// doubling from 1 ns, to the first growth that moves the wall, then
/// halves the last step to the nanosecond: what it finds is the first
/// move it meets, not merely some move.
fn leaf_slack(
    grown: &mut Scenario,
    index: usize,
    delay: Duration,
    wall: Duration,
) -> Option<Duration> {
    let mut moves = |by: Duration| {
        grown.set_delay(index, delay.saturating_add(by));
        super::wall(grown) != wall
    };
    // Longer than the whole run: past it, a leaf that moves nothing is
    // cut off before it ends, whatever it takes.
    let far = wall.saturating_add(Duration::from_secs(1));
    let (mut still, mut step) = (Duration::ZERO, SLACK_PRECISION);
    let mut moved = loop {
        let at = still.saturating_add(step).min(far);
        if moves(at) {
            break at;
        }
        if at == far {
            return None;
        }
        still = at;
        step = step.saturating_mul(2);
    };
    while moved - still > SLACK_PRECISION {
        let mid = still + (moved - still) / 2;
        match moves(mid) {
            true => moved = mid,
            false => still = mid,
        }
    }
    Some(still)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_argument;

    fn scenario(text: &str) -> Scenario {
        parse_argument(text, 1, false).unwrap()
    }

    fn ms(x: f64) -> Duration {
        Duration::from_secs_f64(x / 1000.0)
    }

    fn names(scenario: &Scenario, parts: &[Part]) -> Vec<String> {
        parts
            .iter()
            .map(|p| match p.node {
                Node::Pair { index, .. } => scenario.plan().message(index as usize).to_owned(),
                node => scenario.id(node),
            })
            .collect()
    }

    fn path_of(text: &str) -> (Scenario, Duration, Vec<Part>) {
        let scenario = scenario(text);
        let (wall, ends) = crate::simulate::ends(&scenario);
        let parts = path(&scenario, wall, &ends);
        (scenario, wall, parts)
    }

    fn total(parts: &[Part]) -> Duration {
        parts.iter().map(Part::length).sum()
    }

    /// The passes in nanoseconds find the path the sorted candidates do,
    /// part for part: holds, sleeps on the timer's steps, threads, losers
    /// cut off, deadlines, failures, ties.
    #[test]
    fn passes_find_what_the_sort_finds() {
        for text in [
            "gather(1:a, 2:b, 2:c, 1.5ms:d)",
            "serial(1:a, 0.3ms:b, gather(1.5ms:c, 2ms:d), 0:e, 1:f, 1:g)",
            "race(serial(0:a0, block(0.03:a1), block(0.01:a2), block(0.02:a3), 0.05:afin), \
             serial(0:b0, block(0.075:b1), block(0.01:b2), block(0.015:b3), block(0.35:b4), 0.05:bfin))",
            "gather(serial(block(1:a), block(1:b)), 1:c, threads(1:d, 3:e))",
            "timeout(1s, gather(2:a, 0.5:b))",
            "serial(timeout(1s, 2:a), timeout(2s, 1:b), 1:c, spawn_blocking(1:d))",
            "tasks(1:a, fail(0.5:b), 2:c, serial(0.25:d, 0.25:e))",
            "limit(2, 1:a, 1:b, 1:c, 1.5ms:d, serial(1:e, 1:f))",
            "race(1:a, 1:b, gather(1:c, 1:d))",
            "joinset(block(1ms:k), spawn_blocking(2:s), 2:t)",
        ] {
            let Ok(scenario) = parse_argument(text, 1, false) else {
                panic!("{text}");
            };
            let (wall, ends) = crate::simulate::ends(&scenario);
            let sorted = walk(&scenario, wall, &ends, 0);
            assert_eq!(walk(&scenario, wall, &ends, usize::MAX), sorted, "{text}");
            assert_eq!(path(&scenario, wall, &ends), sorted, "{text}");
            assert_eq!(total(&sorted), wall, "{text}");
        }
    }

    /// The Rust book's race: the clock gets to 510 ms through the holds,
    /// `a`'s three then `b`'s four; `afin`, due at 110 ms, is not on it.
    #[test]
    fn the_blocking_race_goes_through_the_holds() {
        let (scenario, wall, parts) = path_of(
            "race(serial(0:a0, block(0.03:a1), block(0.01:a2), block(0.02:a3), 0.05:afin), \
             serial(0:b0, block(0.075:b1), block(0.01:b2), block(0.015:b3), block(0.35:b4), 0.05:bfin))",
        );
        assert_eq!(wall, ms(510.0));
        assert_eq!(
            names(&scenario, &parts),
            ["a1", "a2", "a3", "b1", "b2", "b3", "b4"]
        );
        assert!(parts.iter().all(|p| p.how == How::Holds));
        assert_eq!(total(&parts), wall);
    }

    /// `c` is polled after the serial, which holds the thread 2 s: the
    /// path is a, b, then c's own sleep.
    #[test]
    fn a_sleep_begun_late_follows_the_holds() {
        let (scenario, wall, parts) = path_of("gather(serial(block(1:a), block(1:b)), 1:c)");
        assert_eq!(wall, Duration::from_secs(3));
        assert_eq!(names(&scenario, &parts), ["a", "b", "c"]);
        assert_eq!(parts[2].how, How::Sleeps);
        assert_eq!(total(&parts), wall);
        let slack = slack(&scenario, wall, &parts).unwrap();
        assert!(slack.pairs.iter().all(|s| *s == Some(Duration::ZERO)));
    }

    /// The timer's step is part of the path: 1.5 ms is a 2 ms part.
    #[test]
    fn the_timer_rounding_is_counted() {
        let (_, wall, parts) = path_of("serial(1.5ms:a, 0.3ms:b)");
        assert_eq!(wall, ms(3.0));
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].length(), ms(2.0));
        assert_eq!(parts[0].timer, ms(0.5));
        assert_eq!(parts[1].timer, ms(0.7));
    }

    /// A deadline that comes first is on the path; what it cut has no
    /// end to move.
    #[test]
    fn a_deadline_sets_the_wall() {
        let (scenario, wall, parts) = path_of("serial(1:a, timeout(2, 5:b))");
        assert_eq!(wall, Duration::from_secs(3));
        assert_eq!(names(&scenario, &parts), ["a", "0.1"]);
        assert_eq!(parts[1].how, How::Deadline);
        let slack = slack(&scenario, wall, &parts).unwrap();
        assert_eq!(slack.pairs[1], None);
        assert_eq!(slack.pairs[0], Some(Duration::ZERO));
        assert_eq!(slack.groups, [Some(Duration::ZERO), Some(Duration::ZERO)]);
    }

    /// In a gather, a shorter child can grow until it ends with the
    /// longest; a limit's permit passes the path from one to the next.
    #[test]
    fn slack_is_the_room_before_the_wall() {
        let (scenario, wall, parts) = path_of("gather(1:a, 3:b, limit(1, 0.5:c, 1:d))");
        assert_eq!(names(&scenario, &parts), ["b"]);
        let slack = slack(&scenario, wall, &parts).unwrap();
        assert_eq!(slack.pairs[0], Some(Duration::from_secs(2)));
        assert_eq!(slack.pairs[1], Some(Duration::ZERO));
        assert_eq!(slack.pairs[2], Some(ms(1500.0)));
        assert_eq!(slack.groups[1], Some(ms(1500.0)));
        assert_eq!(slack.groups[0], Some(Duration::ZERO));
        let (scenario, _, parts) = path_of("limit(1, 0.5:c, 1:d)");
        assert_eq!(names(&scenario, &parts), ["c", "d"]);
    }

    /// A race's losers are cut off: no growth moves the wall.
    #[test]
    fn a_loser_has_no_bound() {
        let (scenario, wall, parts) = path_of("race(1:a, 2:b)");
        assert_eq!(names(&scenario, &parts), ["a"]);
        let slack = slack(&scenario, wall, &parts).unwrap();
        assert_eq!(slack.pairs, [Some(Duration::ZERO), None]);
        let on = OnPath::of(&scenario, &parts);
        assert_eq!(on.pairs, [true, false]);
        assert_eq!(on.groups, [true]);
    }
}
