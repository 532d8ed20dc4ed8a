//! The model of the runtime: a discrete-event simulation of tokio running
//! a scenario (`event_loop.rs`), on a perfect machine with tokio's timer
//! (`timer.rs`: 1 ms steps, and the rule for ties). What it tells
//! (`observe.rs`) is the expected schedule — when each node starts and
//! ends, and how — and, when asked, each node's state over time (sleeping,
//! ready but not polled, holding the thread, ...) and who holds the thread.
//!
//! The arithmetic, the expected wall of every run, the states the formats
//! and timelines draw and the simulated runs of the virtual clock all come
//! from here, so they cannot disagree.

pub mod bounds;
pub mod critical;
mod event_loop;
pub mod figures;
pub mod observe;
mod sleeping;
pub mod timer;
pub mod why;

use std::time::Duration;

#[cfg(test)]
use crate::scenario::end::End;

pub use observe::{
    Change, Ends, Expectations, Expected, Hold, Life, Nanos, Nothing, Observer, Phase, Span, State,
    Trace,
};

use crate::scenario::tree::Scenario;
use event_loop::EventLoop;

/// The length of a command that has not run to its end: longer than any
/// known time, so that whatever cuts it off (a race's winner, a deadline,
/// a sibling's failure) decides, and written `?`.
pub const UNKNOWN: Duration = Duration::MAX;

/// Runs `scenario` through the model, telling `observer`; returns when it
/// ends, and the observer.
pub fn simulate<O: Observer>(scenario: &Scenario, observer: O) -> (Duration, O) {
    let mut model = EventLoop::new(scenario, observer);
    let wall = model.run();
    (wall, model.observer)
}

/// The expected schedule of `scenario`: each node's start and end.
/// A tree that only sleeps takes the event loop's shortcut (see
/// [`sleeping`]): the same ends, without simulating every event.
pub fn ends(scenario: &Scenario) -> (Duration, Ends) {
    ends_into(scenario, Ends::new(scenario))
}

/// The same, told to `observer` rather than kept (the arithmetic keeps
/// each pair's start and end in its own 16 bytes): every node that begins
/// begins before it ends, and every node ends.
pub fn ends_into<O: Observer>(scenario: &Scenario, observer: O) -> (Duration, O) {
    match sleeping::covers(scenario) {
        true => sleeping::run(scenario, observer),
        false => simulate(scenario, observer),
    }
}

/// Whether the model's ends of `scenario` are the polite sums of its
/// delays (see [`sleeping::on_the_steps`]): the arithmetic's own ends,
/// with nothing to simulate.
pub fn ends_are_the_sums(scenario: &Scenario) -> bool {
    sleeping::on_the_steps(scenario)
}

/// Everything the model sees of `scenario`.
pub fn trace(scenario: &Scenario) -> (Duration, Trace) {
    simulate(scenario, Trace::new(scenario))
}

/// How long `scenario` should take.
pub fn wall(scenario: &Scenario) -> Duration {
    simulate(scenario, Nothing).0
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::scenario::mode::Mode;
    use crate::scenario::parse::parse_argument;
    use crate::scenario::plan::Plan;
    use crate::scenario::tree::Node;

    fn scenario(text: &str) -> Scenario {
        parse_argument(text, 1, false).unwrap()
    }

    fn ms(x: f64) -> Duration {
        Duration::from_secs_f64(x / 1000.0)
    }

    /// The end of the pair saying `message`.
    fn end_of(scenario: &Scenario, ends: &Ends, message: &str) -> Duration {
        let index = scenario
            .plan()
            .pairs()
            .iter()
            .position(|p| p.message == message)
            .unwrap();
        ends.pairs[index].end_at
    }

    const RACE: &str = "race(serial(0:a0, block(0.03:a1), block(0.01:a2), block(0.02:a3), 0.05:afin), \
        serial(0:b0, block(0.075:b1), block(0.01:b2), block(0.015:b3), block(0.35:b4), 0.05:bfin))";

    /// The Rust book's blocking race: `a` blocks 60 ms and parks on its
    /// sleep; then `b` blocks 450 ms before anything can be polled again,
    /// so `a`'s 50 ms sleep, due at 110 ms, is noticed at 510 ms.
    #[test]
    fn the_blocking_race_takes_what_the_book_says() {
        let scenario = scenario(RACE);
        let (wall, ends) = ends(&scenario);
        assert_eq!(wall, ms(510.0));
        assert_eq!(end_of(&scenario, &ends, "b0"), ms(60.0));
        assert_eq!(end_of(&scenario, &ends, "afin"), ms(510.0));
        assert_eq!(end_of(&scenario, &ends, "b4"), ms(510.0));
        let bfin = scenario.plan().len() - 1;
        assert_eq!(ends.pairs[bfin].end, End::Cancelled);
    }

    /// A blocked thread makes everything behind it late: `join_all` polls
    /// the serial first, which holds the thread 2 s, so `c` only begins
    /// its 1 s sleep at 2 s. Written first, `c` is due at 1 s and noticed
    /// at 2 s.
    #[test]
    fn blocking_in_one_branch_makes_the_other_late() {
        let scenario = scenario("gather(serial(block(1:a), block(1:b)), 1:c)");
        let (wall, ends) = ends(&scenario);
        assert_eq!(wall, Duration::from_secs(3));
        assert_eq!(end_of(&scenario, &ends, "c"), Duration::from_secs(3));
        assert_eq!(ends.pairs[2].start, Some(Duration::from_secs(2)));
        let first = self::scenario("gather(1:c, serial(block(1:a), block(1:b)))");
        let (wall, ends) = super::ends(&first);
        assert_eq!(wall, Duration::from_secs(2));
        assert_eq!(end_of(&first, &ends, "c"), Duration::from_secs(2));
    }

    /// The flat blocking mode: each task holds the only thread in turn.
    #[test]
    fn blocking_tasks_take_the_sum() {
        let plan = Plan::new(vec!["1:a".parse().unwrap(), "2:b".parse().unwrap()]).unwrap();
        let flat = Scenario::flat(Mode::Blocking, Arc::new(plan.clone()));
        assert_eq!(wall(&flat), Duration::from_secs(3));
        let fixed = Scenario::flat(Mode::SpawnBlocking, Arc::new(plan.clone()));
        assert_eq!(wall(&fixed), Duration::from_secs(2));
        let threads = Scenario::flat(Mode::Threads, Arc::new(plan));
        assert_eq!(wall(&threads), Duration::from_secs(2));
    }

    /// tokio's timer counts whole milliseconds: 1.5 ms ends at 2 ms, and a
    /// 0.3 ms sleep begun then ends at 3 ms.
    #[test]
    fn the_timer_rounds_up_to_its_step() {
        let plan = Plan::new(vec!["1.5ms:a".parse().unwrap(), "0.3ms:b".parse().unwrap()]);
        let flat = Scenario::flat(Mode::Serial, Arc::new(plan.unwrap()));
        let (wall, ends) = ends(&flat);
        assert_eq!(wall, ms(3.0));
        assert_eq!(ends.pairs[0].end_at, ms(2.0));
    }

    /// The trace tells each node's states: `c` sleeps, then is ready but
    /// starved while `a` and `b` hold the thread.
    #[test]
    fn states_show_who_waits_for_whom() {
        let scenario = scenario("gather(serial(block(1:a), block(1:b)), 0.5:c)");
        let (_, trace) = trace(&scenario);
        let c = Node::Pair {
            index: 2,
            action: crate::scenario::tree::Action::Say,
        };
        // c is not polled until the thread is free at 2 s: it is ready,
        // not polled, from the gather's start (which polled a first).
        assert_eq!(trace.phase_at(c, ms(500.0)), Phase::In(State::Ready));
        assert_eq!(trace.phase_at(c, ms(2000.0)), Phase::In(State::Sleeping));
        assert_eq!(trace.phase_at(c, ms(2500.0)), Phase::Ended(End::Done));
        let a = Node::Pair {
            index: 0,
            action: crate::scenario::tree::Action::Block,
        };
        assert_eq!(trace.phase_at(a, ms(500.0)), Phase::In(State::Holding));
        assert_eq!(
            trace.holder_at(0, ms(1500.0)).map(|n| scenario.id(n)),
            Some("0.0.1".into())
        );
        let lives = trace.lives(&scenario);
        let c_life = lives.iter().find(|l| l.node == c).unwrap();
        assert_eq!(c_life.spans.len(), 2, "{c_life:?}");
        assert_eq!(c_life.spans[1].state, State::Sleeping);
    }
}
