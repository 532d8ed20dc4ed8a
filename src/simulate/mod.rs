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

mod event_loop;
pub mod observe;
pub mod timer;

use std::time::Duration;

pub use observe::{Change, Ends, Expected, Hold, Nothing, Observer, State, Trace};

use crate::scenario::tree::Scenario;
use event_loop::EventLoop;

/// Runs `scenario` through the model, telling `observer`; returns when it
/// ends, and the observer.
pub fn simulate<O: Observer>(scenario: &Scenario, observer: O) -> (Duration, O) {
    let mut model = EventLoop::new(scenario, observer);
    let wall = model.run();
    (wall, model.observer)
}

/// The expected schedule of `scenario`: each node's start and end.
pub fn ends(scenario: &Scenario) -> (Duration, Ends) {
    simulate(scenario, Ends::new(scenario))
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
    use super::*;
    use crate::scenario::parse::parse_argument;

    fn ends_of(text: &str) -> Vec<String> {
        let scenario = parse_argument(text, 1, false).unwrap();
        let (_, trace) = trace(&scenario);
        scenario
            .walk()
            .map(|(node, _)| {
                let e = trace.ends.of(node);
                format!(
                    "{} {:?}-{:?} {}",
                    scenario.id(node),
                    e.start,
                    e.end_at,
                    e.end.name()
                )
            })
            .collect()
    }

    #[test]
    fn debug() {
        eprintln!("{:#?}", ends_of("group(fail(1:boom), 1:b, 2:c)"));
    }
}
