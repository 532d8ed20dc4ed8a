//! The model of the runtime against the real clock: scenarios with
//! `block(...)` leaves run for real, and every node must end when the
//! model says (within the timer's tolerance), on the current-thread
//! runtime. The virtual clock is checked exactly in `tests/scenarios.rs`;
//! here the point is that the model is the *real* runtime's.
//!
//! Lateness is judged asymmetrically: a real sleep never ends early (a
//! node may end at most [`EARLY`] before its prediction, for the clock's
//! reading), but it may end late by the machine's jitter, and that
//! jitter adds up along a chain of sleeps. On a loaded 2-core machine
//! (other builds running) one scheduling hiccup can still cost tens of
//! milliseconds, so a case that misses is run again, up to [`TRIES`] times
//! in all: a model that is wrong misses every time, a load spike does not
//! strike three runs in a row.

use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;
use saywhen::engine::arithmetic::Schedule;
use saywhen::engine::record::Timing;
use saywhen::measure::report::Report;
use saywhen::scenario::parse::parse_argument;
use saywhen::scenario::tree::{Node, Scenario};
use saywhen::{Clock, RunSpec, Silent, run_scenario};

mod common;

/// How early a node may end: the clock is read a little after the
/// recorder notes an instant, never before the sleep is due.
const EARLY: Duration = Duration::from_millis(2);
/// How late a node may end, beyond its prediction, plus [`PER_PAIR`] for
/// each pair of the scenario (each ends up to a few ms late, and a serial
/// passes that on).
const LATE: Duration = Duration::from_millis(25);
const PER_PAIR: Duration = Duration::from_millis(2);
/// Runs of one case before it counts as a miss.
const TRIES: usize = 3;

fn scenario(text: &str) -> Scenario {
    parse_argument(text, 1, false).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Runs `scenario` on the real clock, on a current-thread runtime.
fn run(scenario: &Scenario) -> Report {
    let spec = RunSpec::on(Clock::Real);
    run_scenario(Arc::new(scenario.clone()), &spec, Arc::new(Silent)).unwrap()
}

/// What one real run got wrong, if anything: each node's measured end
/// against the model's, and the wall.
fn misses(scenario: &Scenario, report: &Report) -> Option<String> {
    let schedule = Schedule::of(scenario);
    let late = LATE + PER_PAIR * scenario.plan().len() as u32;
    let mut wrong = Vec::new();
    for (node, _) in scenario.walk() {
        let expected = schedule.of_node(node);
        let measured: Timing = match node {
            Node::Pair { index, .. } => report.timings[index as usize],
            Node::Group(g) => report.groups[g as usize],
        };
        let id = scenario.id(node);
        if measured.end != expected.end {
            wrong.push(format!(
                "{id} ended {:?}, not {:?}",
                measured.end, expected.end
            ));
            continue;
        }
        let Some(ended) = measured.ended else {
            continue;
        };
        if ended + EARLY < expected.end_at || ended > expected.end_at + late {
            wrong.push(format!(
                "{id} ended at {ended:?}, predicted {:?}",
                expected.end_at
            ));
        }
    }
    let wall = schedule.wall(scenario);
    if report.wall + EARLY < wall || report.wall > wall + late {
        wrong.push(format!("wall {:?}, predicted {wall:?}", report.wall));
    }
    (!wrong.is_empty()).then(|| wrong.join("; "))
}

/// Runs `text` until a run agrees with the model, [`TRIES`] at most.
fn agrees(text: &str) -> Result<(), String> {
    let scenario = scenario(text);
    let mut last = String::new();
    for _ in 0..TRIES {
        match misses(&scenario, &run(&scenario)) {
            None => return Ok(()),
            Some(wrong) => last = wrong,
        }
    }
    Err(format!("{text}: {last}"))
}

/// Leaves of 5-40 ms, a third of them blocking: short enough that a case
/// runs in well under a second, long enough that 1-4 ms of timer jitter
/// does not reorder them. Delays are whole 5 ms so that the model's ties
/// (which the timer's 1 ms steps decide) are rare.
fn tree() -> BoxedStrategy<String> {
    let pair = (1u32..9, prop::sample::select(vec!["", "", "block"])).prop_map(|(n, wrap)| {
        let ms = n * 5;
        match wrap {
            "" => format!("{ms}ms:m"),
            wrap => format!("{wrap}({ms}ms:m)"),
        }
    });
    common::trees::tree(2, pair.boxed(), 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 12,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Any tree with blocking leaves, run for real on one thread, ends
    /// node for node when the model says: a block holds the thread and
    /// what falls due meanwhile is late by exactly as much.
    #[test]
    fn the_current_thread_model_is_the_real_runtime(text in tree()) {
        if let Err(miss) = agrees(&text) {
            prop_assert!(false, "{}", miss);
        }
    }
}

const RACE: &str = "race(serial(0:a0, block(0.03:a1), block(0.01:a2), block(0.02:a3), 0.05:afin), \
    serial(0:b0, block(0.075:b1), block(0.01:b2), block(0.015:b3), block(0.35:b4), 0.05:bfin))";

/// The headline, the Rust book's blocking race, on the real
/// clock: `a` blocks 60 ms and parks on its 50 ms sleep, `b` then blocks
/// 450 ms, so the sleep due at 110 ms is noticed at 510 ms. The run takes
/// that, within 10 ms (a loaded machine gets a retry).
#[test]
fn the_blocking_race_takes_510ms_for_real() {
    let race = scenario(RACE);
    assert_eq!(Schedule::of(&race).wall(&race), Duration::from_millis(510));
    let mut walls = Vec::new();
    for _ in 0..TRIES {
        let wall = run(&race).wall;
        walls.push(wall);
        if wall + EARLY >= Duration::from_millis(510) && wall <= Duration::from_millis(520) {
            return;
        }
    }
    panic!("the race took {walls:?}, not 510ms ± 10ms");
}

/// The human view says why the race takes 510 ms: the prediction, and who
/// held the thread while `afin` and `b0` waited.
#[test]
fn the_blocking_race_says_why() {
    let out = common::stdout_of(common::saywhen().args(["run", RACE]));
    assert!(
        out.contains("expected 510ms, not the 110ms of min("),
        "{out}"
    );
    let why: Vec<&str> = out
        .lines()
        .filter(|l| l.trim_start().starts_with("why:"))
        .collect();
    assert!(
        why.iter()
            .any(|l| l.contains("afin is due at +110ms but waits 400ms")),
        "{out}"
    );
    assert!(
        why.iter()
            .any(|l| l.contains("waits 60ms to start: the thread is held by a1 30ms")),
        "{out}"
    );
}
