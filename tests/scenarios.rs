//! Scenarios: trees of pairs and groups, run on the virtual clock, where the
//! arithmetic must hold exactly for every node.

mod common;

use std::sync::Arc;
use std::time::Duration;

use proptest::prelude::*;
use saywhen::engine::arithmetic::Schedule;
use saywhen::engine::record::{End, Timing};
use saywhen::measure::report::Report;
use saywhen::run_scenario;
use saywhen::scenario::parse::parse_argument;
use saywhen::scenario::tree::{Node, Scenario};
use saywhen::{Clock, Mode, RunSpec, Silent};

use common::{rejects, said_lines, stdout_of, virtual_run};

fn scenario(text: &str) -> Scenario {
    parse_argument(text, 1, false).unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Runs `text` on the virtual clock (a paused current-thread runtime).
fn run(text: &str) -> Report {
    let spec = RunSpec::new(Mode::Gather, Clock::Virtual);
    run_scenario(Arc::new(scenario(text)), &spec, Arc::new(Silent)).unwrap()
}

/// Every node's measured start, end and status equal the arithmetic's.
fn assert_agrees(text: &str) {
    let report = run(text);
    let schedule = Schedule::of(&report.scenario);
    for (node, _) in report.scenario.walk() {
        let expected = schedule.of_node(node);
        let measured: Timing = match node {
            Node::Pair { index, .. } => report.timings[index as usize],
            Node::Group(g) => report.groups[g as usize],
        };
        let id = report.scenario.id(node);
        assert_eq!(
            measured.end(),
            expected.end,
            "{text}: node {id} ended differently"
        );
        assert_eq!(
            measured.ended(),
            Some(expected.end_at),
            "{text}: node {id} ended at"
        );
        assert_eq!(
            measured.began(),
            expected.start,
            "{text}: node {id} began at"
        );
    }
    assert_eq!(report.wall, schedule.wall(&report.scenario), "{text}: wall");
    assert_eq!(report.expected, report.wall, "{text}");
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// The examples, as written: the wall each must take.
#[test]
fn the_examples_take_the_wall_their_arithmetic_says() {
    let cases = [
        ("gather(serial(1:a, 2:b), 3:c)", 3.0),
        ("serial(1:user, gather(0.5:post1, 0.5:post2))", 1.5),
        ("timeout(2.5s, gather(1:a, 3:b))", 2.5),
        ("race(2:slow, serial(0.5:a, 0.5:b))", 1.0),
        ("limit(2, 1:a, 1:b, 1:c, 1:d)", 2.0),
        ("group(1:a, fail(0.5:boom), 2:c)", 0.5),
        ("gather(1:'hello, world', 2:\"a (b)\")", 2.0),
    ];
    for (text, wall) in cases {
        assert_eq!(run(text).wall, secs(wall), "{text}");
        assert_agrees(text);
    }
}

#[test]
fn each_kind_ends_its_nodes_the_way_asyncio_would() {
    let status = |report: &Report, message: &str| {
        let pair = report
            .pairs()
            .find(|p| p.pair.message == message)
            .unwrap_or_else(|| panic!("no pair {message}"));
        pair.status().name()
    };
    // A deadline cancels what is still asleep; what finished stays done.
    let r = run("timeout(2.5s, gather(1:a, 3:b))");
    assert_eq!((status(&r, "a"), status(&r, "b")), ("done", "cancelled"));
    assert_eq!(r.groups[0].end(), End::TimedOut);
    // The first to finish wins a race; the rest are cancelled.
    let r = run("race(2:slow, serial(0.5:a, 0.5:b))");
    assert_eq!(status(&r, "slow"), "cancelled");
    assert_eq!(status(&r, "b"), "done");
    // A task group's first failure cancels the siblings still running.
    let r = run("group(1:a, fail(0.5:boom), 2:c)");
    let statuses: Vec<_> = ["a", "boom", "c"].map(|m| status(&r, m)).to_vec();
    assert_eq!(statuses, ["cancelled", "failed", "cancelled"]);
    assert_eq!(r.groups[0].end(), End::Failed);
    // gather goes on after a failure and reports it.
    let r = run("gather(fail(1:boom), 2:b)");
    assert_eq!((status(&r, "boom"), status(&r, "b")), ("failed", "done"));
    assert_eq!(r.wall, secs(2.0));
    assert_eq!(r.groups[0].end(), End::Failed);
    // serial skips what comes after a failure.
    let r = run("serial(1:a, fail(1:boom), 1:c)");
    assert_eq!(status(&r, "c"), "skipped");
    assert_eq!(r.wall, secs(2.0));
    // A race is won by the first to finish, failure included.
    let r = run("race(fail(1:boom), 2:b)");
    assert_eq!(
        (status(&r, "boom"), status(&r, "b")),
        ("failed", "cancelled")
    );
    assert_eq!(r.groups[0].end(), End::Failed);
    // A failure propagates: the timeout inside a serial stops it.
    let r = run("serial(timeout(1s, 2:a), 1:b)");
    assert_eq!((status(&r, "a"), status(&r, "b")), ("cancelled", "skipped"));
    // Spawned tasks of a cancelled group are aborted, not left running.
    let r = run("race(tasks(3:a, 4:b), 1:c)");
    assert_eq!(
        (status(&r, "a"), status(&r, "b")),
        ("cancelled", "cancelled")
    );
    assert_eq!(r.wall, secs(1.0));
}

#[test]
fn ties_follow_the_engine() {
    for text in [
        // a and b finish together; a is given first and wins.
        "race(1:a, 1:b)",
        // the racer before the winner finishes at the same instant.
        "race(serial(1:b, 1:c), 1:a)",
        "race(1:a, serial(1:b, 1:c))",
        // a failure and a finish at the same instant.
        "group(fail(1:boom), 1:b, 2:c)",
        "group(1:b, fail(1:boom), 2:c)",
        // a deadline and a finish at the same instant.
        "timeout(1s, gather(1:a, 2:b))",
        "timeout(1s, serial(1:a, 1:b))",
        "limit(1, 1:a, 1:b, timeout(1s, 1:c))",
        // ...also when what ends at that instant runs in spawned tasks.
        "timeout(1s, serial(group(fail(1:m))))",
        "timeout(1s, tasks(joinset(1:a), 2:b))",
        "group(fail(1:boom), tasks(gather(1:b)), 2:c)",
    ] {
        assert_agrees(text);
    }
}

/// Scenario texts of random shape: every kind, nested, with delays drawn
/// from a wide range of milliseconds so that two events rarely meet at one
/// instant (ties have their own tests above).
fn tree(depth: u32) -> BoxedStrategy<String> {
    let pair =
        (1u32..5000, prop::sample::select(vec!["", "", "", "fail"])).prop_map(|(ms, wrap)| {
            match wrap {
                "" => format!("{ms}ms:m"),
                wrap => format!("{wrap}({ms}ms:m)"),
            }
        });
    common::trees::tree(depth, pair.boxed(), 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// On the virtual clock, expected == measured, node for node, for any
    /// tree: the arithmetic and the engine tell one story.
    #[test]
    fn the_arithmetic_holds_for_every_node(text in tree(3)) {
        assert_agrees(&text);
    }

    /// A scenario written back in its language parses to the same tree.
    #[test]
    fn a_scenario_reads_back_as_itself(text in tree(3)) {
        let parsed = scenario(&text);
        prop_assert_eq!(scenario(&parsed.text()), parsed);
    }
}

#[test]
fn live_lines_carry_their_path_in_a_tree() {
    let out = stdout_of(&mut virtual_run(&[
        "run",
        "gather(serial(1:a, 2:b), 3:c)",
        "--no-timeline",
    ]));
    assert_eq!(
        said_lines(&out),
        [
            "+1s  gather › serial › a",
            "+3s  gather › serial › b",
            "+3s  gather › c"
        ]
    );
    assert!(
        out.contains("expected 3s = max(serial 1s + 2s = 3s, c 3s)"),
        "{out}"
    );
    // A flat scenario's lines stay as the flat modes print them.
    let out = stdout_of(&mut virtual_run(&[
        "run",
        "gather(1:a, 2:b)",
        "--no-timeline",
    ]));
    assert_eq!(said_lines(&out), ["+1s  a", "+2s  b"]);
}

#[test]
fn dry_run_shows_the_tree_and_runs_nothing() {
    // Real clock, hours of delays: it must return at once.
    let out = stdout_of(common::saywhen().args(["run", "--dry-run", "limit(2, 1h:a, 1h:b, 1h:c)"]));
    assert!(
        out.contains("expected 2h = 2 at a time: max(a 1h, b 1h, 1h + c 1h)"),
        "{out}"
    );
    assert!(!out.contains("started at"), "{out}");
}

#[test]
fn several_scenarios_are_compared() {
    let out = stdout_of(&mut virtual_run(&[
        "run",
        "serial(1:user, 1:posts)",
        "gather(1:user, 1:posts)",
        "--no-timeline",
    ]));
    assert!(out.contains("serial(1:user, 1:posts)"), "{out}");
    assert!(out.contains("gather(1:user, 1:posts)"), "{out}");
    // Each scenario's live lines name its own pairs.
    let out = stdout_of(&mut virtual_run(&[
        "run",
        "2:hello",
        "1:world",
        "--no-timeline",
    ]));
    assert_eq!(said_lines(&out), ["+2s  hello", "+1s  world"]);
}

#[test]
fn syntax_errors_point_at_the_place() {
    let output = common::saywhen()
        .args(["run", "gather(1:a 2:b)"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "error: invalid scenario: expected ',' or ')' after the pair '1:a'\n  gather(1:a 2:b)\n             ^\n"
    );
}

#[test]
fn bad_scenarios_are_clear_errors() {
    let cases = [
        ("Gather(1:a)", "names are lowercase (try gather)"),
        ("gathr(1:a)", "did you mean gather?"),
        ("gather()", "gather() is empty"),
        ("limit(0, 1:a)", "limit needs a whole number of at least 1"),
        ("timeout(2s)", "timeout needs a duration and one node"),
        ("timeout(2s, )", "timeout needs a node after its duration"),
        ("gather(1:'a, 2:b)", "is never closed"),
        ("gather(1:a, 2:b", "'gather(' is never closed"),
        ("gather(1:a))", "expected the end of the scenario"),
        ("gather(abc:x)", "'abc' is not a duration"),
        ("gather(1:a (b))", "must be quoted"),
        ("threads(gather(1:a))", "threads(...) holds pairs only"),
        ("fail(gather(1:a))", "holds one pair, not a group"),
    ];
    for (text, expected) in cases {
        rejects(&["run", text], expected);
    }
}

#[test]
fn depth_is_bounded_and_never_overflows_the_stack() {
    // Too long for a command line: through stdin.
    let deep = format!("{}1:a{}", "gather(".repeat(100_000), ")".repeat(100_000));
    let output = common::saywhen()
        .args(["run", "--file", "-"])
        .write_stdin(deep)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.contains("groups nest at most 100 deep"), "{stderr}");
    assert!(
        !stderr.contains("overflow") && !stderr.contains("panicked"),
        "{stderr}"
    );
    let ok = format!("{}1:a{}", "gather(".repeat(100), ")".repeat(100));
    let out = stdout_of(&mut virtual_run(&["run", &ok, "-q", "--format", "json"]));
    assert!(out.contains("\"wall_s\""), "{out}");
}

#[test]
fn scenario_options_that_belong_in_the_tree_are_refused() {
    rejects(
        &["--virtual-time", "run", "gather(1:a)", "--timeout", "1s"],
        "in a scenario, write it in",
    );
    // A blocking tree is no longer refused on the virtual clock: the
    // model plays it (tests/lessons.rs, the simulate unit tests).
    virtual_run(&["run", "gather(block(1:a), 1:b)"])
        .assert()
        .success()
        .stdout(predicates::str::contains("played by the event-loop model"));
}

#[test]
fn a_file_holds_scenarios_with_comments() {
    let dir = std::env::temp_dir().join(format!("saywhen-scenario-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("fetch.sw");
    std::fs::write(
        &file,
        "# fetch the user, then their posts at once\nserial(\n  1:user,   # first\n  gather(0.5:post1, 0.5:post2),\n)\n",
    )
    .unwrap();
    let out = stdout_of(&mut virtual_run(&[
        "run",
        "--file",
        file.to_str().unwrap(),
        "--no-timeline",
    ]));
    assert!(out.contains("expected 1.5s"), "{out}");
    std::fs::remove_dir_all(&dir).unwrap();
}
