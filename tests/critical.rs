//! The critical path and slack, checked against the model itself on random
//! trees: the path's parts add up to the wall exactly, growing a leaf by
//! less than its slack leaves the wall where it was (and by more than its
//! slack and a timer step moves it), and a `limit(N, ...)` never has more
//! than N children in flight.

mod common;

use std::time::Duration;

use proptest::prelude::*;
use saywhen::scenario::parse::parse_argument;
use saywhen::scenario::tree::{GroupKind, Node, Scenario};
use saywhen::simulate::{self, critical, figures};

fn scenario(text: &str) -> Scenario {
    parse_argument(text, 1, false).unwrap()
}

/// Trees of sleeps, failures and blocks of a few ms to a few s: blocks
/// make the thread a resource the path runs through.
fn tree(depth: u32) -> BoxedStrategy<String> {
    let pair = (
        1u32..3000,
        prop::sample::select(vec!["", "", "block", "fail"]),
    )
        .prop_map(|(ms, wrap)| match wrap {
            "" => format!("{ms}ms:m"),
            wrap => format!("{wrap}({ms}ms:m)"),
        });
    common::trees::tree(depth, pair.boxed(), 1..4)
}

/// Trees of sleeps and failures only.
fn polite_tree(depth: u32) -> BoxedStrategy<String> {
    let pair =
        (1u32..3000, prop::sample::select(vec!["", "", "fail"])).prop_map(
            |(ms, wrap)| match wrap {
                "" => format!("{ms}ms:m"),
                wrap => format!("{wrap}({ms}ms:m)"),
            },
        );
    common::trees::tree(depth, pair.boxed(), 1..4)
}

/// Grows each leaf of `text` by `share` of its slack (where `within`)
/// and past it.
fn check_slack(text: &str, share: f64, within: bool) -> Result<(), TestCaseError> {
    let scenario = scenario(text);
    let (wall, ends) = simulate::ends(&scenario);
    let parts = critical::path(&scenario, wall, &ends);
    let slack = critical::slack(&scenario, wall, &parts).unwrap();
    for (index, slack) in slack.pairs.iter().enumerate() {
        match *slack {
            Some(slack) => {
                let part = slack.mul_f64(share);
                if within {
                    prop_assert_eq!(
                        grown(&scenario, index, part),
                        wall,
                        "pair {} grown {:?} of {:?}",
                        index,
                        part,
                        slack
                    );
                }
                let beyond = slack + Duration::from_millis(1) + Duration::from_micros(1);
                prop_assert_ne!(
                    grown(&scenario, index, beyond),
                    wall,
                    "pair {} grown {:?}",
                    index,
                    beyond
                );
            }
            None => {
                let far = wall + Duration::from_secs(30);
                prop_assert_eq!(grown(&scenario, index, far), wall, "pair {}", index);
            }
        }
    }
    Ok(())
}

/// The wall with leaf `index` grown by `by`.
fn grown(scenario: &Scenario, index: usize, by: Duration) -> Duration {
    let mut grown = scenario.clone();
    let delay = scenario.delay(index).unwrap();
    grown.set_delay(index, delay + by);
    simulate::wall(&grown)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// The parts follow one another from 0 to the wall, so they add up to
    /// it exactly, the timer's rounding included.
    #[test]
    fn the_path_adds_up_to_the_wall(text in tree(3)) {
        let scenario = scenario(&text);
        let (wall, ends) = simulate::ends(&scenario);
        let parts = critical::path(&scenario, wall, &ends);
        let total: Duration = parts.iter().map(|p| p.length()).sum();
        prop_assert_eq!(total, wall, "{:?}", parts);
        let mut at = Duration::ZERO;
        for part in &parts {
            prop_assert_eq!(part.from, at);
            at = part.to;
        }
    }

    /// Slack is room: growing a leaf by less does not move the wall; by
    /// more than its slack and a millisecond, it does. A leaf with no
    /// bound (cut off before it ends) never moves it. Without blocking
    /// calls the wall only grows as a leaf grows, so this holds exactly.
    #[test]
    fn growing_within_the_slack_keeps_the_wall(text in polite_tree(3), share in 0.0f64..1.0) {
        check_slack(&text, share, true)?;
    }

    /// With blocking calls the wall need not grow steadily with a leaf
    /// (a hold that comes to straddle another's wake-up moves it; grown
    /// further, it may not), so the search can miss a narrow window: the
    /// slack is where the wall is first seen to move, and past it (by a
    /// millisecond) it always has.
    #[test]
    fn growing_past_the_slack_moves_the_wall(text in tree(3)) {
        check_slack(&text, 0.0, false)?;
    }

    /// Each `limit(N, ...)`'s children: at most N in flight at any moment.
    #[test]
    fn a_limit_keeps_at_most_n_in_flight(text in tree(3)) {
        let scenario = scenario(&text);
        let (wall, ends) = simulate::ends(&scenario);
        for (g, group) in scenario.groups().iter().enumerate() {
            let GroupKind::Limit(n) = group.kind else { continue };
            let lives = scenario.children(g as u32).filter_map(|child| {
                let e = ends.of(child);
                Some((e.start?, e.end_at))
            });
            let peak = figures::in_flight(lives, wall).peak;
            prop_assert!(peak <= n.get(), "{} children of limit({}) in flight", peak, n);
        }
    }

    /// A limit of pairs: the run's own figure, at most N.
    #[test]
    fn a_limit_of_pairs_peaks_at_n(n in 1usize..4, delays in prop::collection::vec(0u32..50, 1..12)) {
        let pairs: Vec<String> = delays.iter().map(|ms| format!("{ms}ms:m")).collect();
        let scenario = scenario(&format!("limit({n}, {})", pairs.join(", ")));
        let (wall, ends) = simulate::ends(&scenario);
        let f = figures::of(&scenario, wall, &ends);
        prop_assert!(f.in_flight.peak <= n);
    }
}

/// The two examples of issue 15: the book's race goes through the seven
/// holds (510 ms); in `gather(serial(block(1:a), block(1:b)), 1:c)`, c
/// only starts sleeping once the blocks let go, so it is on the path too.
#[test]
fn the_book_examples_have_their_paths() {
    let race = scenario(
        "race(serial(0:a0, block(0.03:a1), block(0.01:a2), block(0.02:a3), 0.05:afin), \
         serial(0:b0, block(0.075:b1), block(0.01:b2), block(0.015:b3), block(0.35:b4), 0.05:bfin))",
    );
    let (wall, ends) = simulate::ends(&race);
    let f = figures::of(&race, wall, &ends);
    let names: Vec<&str> = f
        .path
        .iter()
        .map(|p| match p.node {
            Node::Pair { index, .. } => race.plan().message(index as usize),
            Node::Group(_) => "group",
        })
        .collect();
    assert_eq!(names, ["a1", "a2", "a3", "b1", "b2", "b3", "b4"]);
    assert_eq!(f.wall, Duration::from_millis(510));
    assert_eq!(f.busy(), 1.0);
    let slack = critical::slack(&race, wall, &f.path).unwrap();
    // afin's 50 ms sleep is noticed when b4 lets go: it could take up to
    // 400 ms more and still end then.
    assert_eq!(slack.pairs[4], Some(Duration::from_millis(400)));
    // bfin never ends: the race is over first.
    assert_eq!(slack.pairs[10], None);

    let gather = scenario("gather(serial(block(1:a), block(1:b)), 1:c)");
    let (wall, ends) = simulate::ends(&gather);
    let f = figures::of(&gather, wall, &ends);
    assert_eq!(f.path.len(), 3);
    assert_eq!(f.path[2].from, Duration::from_secs(2));
    assert_eq!(f.in_flight.peak, 1);
}

/// Every view says it: JSON marks the path and gives each slack; the table
/// marks the path ◆ and has a slack column; the figures line names it.
#[test]
fn the_views_mark_the_path_and_give_the_slack() {
    let json = common::stdout_of(&mut common::virtual_run(&[
        "run",
        "--format",
        "json",
        "gather(1:a, 3:b)",
    ]));
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["figures"]["critical_path_s"], 3.0);
    assert_eq!(doc["figures"]["in_flight_peak"], 2);
    assert_eq!(doc["pairs"][0]["critical"], false);
    assert_eq!(doc["pairs"][0]["slack_s"], 2.0);
    assert_eq!(doc["pairs"][1]["critical"], true);
    assert_eq!(doc["nodes"][2]["slack_s"], 0.0);
    let human = common::stdout_of(&mut common::virtual_run(&[
        "run",
        "-q",
        "--no-timeline",
        "gather(1:a, 3:b)",
    ]));
    assert!(human.contains("┆ slack │"), "{human}");
    assert!(human.contains("b ◆"), "{human}");
    assert!(human.contains("critical path 3s: b"), "{human}");
}
