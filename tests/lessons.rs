//! The lessons on the virtual clock: race, joinset, --timeout, --limit and
//! --deadlines. tokio's paused clock makes every offset exact, so each test
//! checks the order of the lines, each pair's status, and that the measured
//! wall is exactly the expected one.

mod common;

use common::{rejects, said_lines, stdout_of, virtual_run};
use predicates::prelude::*;
use serde_json::Value;

/// The value of the summary table's row `label`, trimmed.
/// The value of a two-column row, with the lines it wrapped onto (to fit
/// the width) joined by spaces.
fn row(output: &str, label: &str) -> String {
    let cells = |line: &str| -> Option<(String, String)> {
        let cells: Vec<&str> = line.trim_matches('│').split('┆').collect();
        (cells.len() == 2).then(|| (cells[0].trim().to_owned(), cells[1].trim().to_owned()))
    };
    let mut lines = output
        .lines()
        .map(cells)
        .skip_while(|cells| cells.as_ref().is_none_or(|(first, _)| first != label));
    let Some(Some((_, mut value))) = lines.next() else {
        panic!("no row '{label}' in\n{output}");
    };
    for (_, more) in lines.map_while(|cells| cells.filter(|(first, _)| first.is_empty())) {
        value = format!("{value} {more}");
    }
    value
}

fn json(args: &[&str]) -> Value {
    let mut full = vec!["--format", "json"];
    full.extend_from_slice(args);
    let out = stdout_of(&mut virtual_run(&full));
    serde_json::from_str(&out).expect("stdout is one JSON document")
}

fn statuses(doc: &Value) -> Vec<&str> {
    pairs(doc)
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect()
}

fn pairs(doc: &Value) -> &Vec<Value> {
    doc["pairs"].as_array().unwrap()
}

/// Each pair's field `key` (start_s, finish_s, ...), `None` where null.
fn column(doc: &Value, key: &str) -> Vec<Option<f64>> {
    pairs(doc).iter().map(|p| p[key].as_f64()).collect()
}

/// The run took exactly what was expected, and that is `seconds`.
fn assert_wall(doc: &Value, seconds: f64) {
    assert_eq!(doc["expected_s"], seconds, "expected: {doc}");
    assert_eq!(doc["wall_s"], seconds, "measured: {doc}");
}

#[test]
fn race_the_first_to_finish_wins_and_the_rest_are_cancelled() {
    let out = stdout_of(&mut virtual_run(&["race", "3:slow", "1:fast", "2:mid"]));
    assert_eq!(
        said_lines(&out),
        ["+1s  fast", "+1s  slow (cancelled)", "+1s  mid (cancelled)"]
    );
    let doc = json(&["race", "3:slow", "1:fast", "2:mid"]);
    assert_wall(&doc, 1.0);
    assert_eq!(statuses(&doc), ["cancelled", "done", "cancelled"]);
    // The losers began with the winner and stopped when it won.
    assert_eq!(column(&doc, "start_s"), [Some(0.0); 3]);
    assert_eq!(column(&doc, "finish_s"), [Some(1.0); 3]);
    assert_eq!(doc["completion_order"], serde_json::json!([1]));
}

#[test]
fn race_a_tie_goes_to_the_pair_given_first() {
    let doc = json(&["race", "2:a", "1:b", "1:c"]);
    assert_eq!(statuses(&doc), ["cancelled", "done", "cancelled"]);
    assert_wall(&doc, 1.0);
}

#[test]
fn race_with_a_limit_races_the_limited_schedule() {
    // b waits for a's permit, so a (3 s) finishes first.
    let doc = json(&["--limit", "1", "race", "3:a", "1:b"]);
    assert_wall(&doc, 3.0);
    assert_eq!(statuses(&doc), ["done", "cancelled"]);
    // b never got a permit: it never began.
    assert_eq!(column(&doc, "start_s"), [Some(0.0), None]);
}

#[test]
fn race_cut_off_by_the_timeout_has_no_winner() {
    let doc = json(&["race", "3:a", "2:b", "--timeout", "1s"]);
    assert_wall(&doc, 1.0);
    assert_eq!(statuses(&doc), ["cancelled", "cancelled"]);
}

#[test]
fn joinset_collects_in_order_of_completion() {
    let out = stdout_of(&mut virtual_run(&["joinset", "3:c", "1:a", "2:b"]));
    assert_eq!(said_lines(&out), ["+1s  a", "+2s  b", "+3s  c"]);
    assert_eq!(row(&out, "completion order"), "#2 #3 #1");
    let doc = json(&["joinset", "3:c", "1:a", "2:b"]);
    assert_wall(&doc, 3.0);
    assert_eq!(doc["completion_order"], serde_json::json!([1, 2, 0]));
    assert_eq!(statuses(&doc), ["done"; 3]);
}

#[test]
fn only_modes_that_collect_as_they_complete_report_an_order() {
    for mode in ["serial", "tasks", "gather"] {
        let doc = json(&[mode, "2:a", "1:b"]);
        assert_eq!(doc["completion_order"], serde_json::json!([]), "{mode}");
    }
}

#[test]
fn timeout_cancels_what_has_not_finished_in_every_async_mode() {
    for (mode, wall) in [("tasks", 1.5), ("gather", 1.5), ("joinset", 1.5)] {
        let args = [mode, "--timeout", "1.5s", "1:a", "2:b", "3:c"];
        let out = stdout_of(&mut virtual_run(&args));
        assert_eq!(
            said_lines(&out),
            ["+1s  a", "+1.5s  b (cancelled)", "+1.5s  c (cancelled)"],
            "{mode}"
        );
        assert!(out.contains("cancelled +1.5s"), "{mode}: table\n{out}");
        assert_eq!(row(&out, "timeout"), "1.5s (2 cancelled)");
        let doc = json(&args);
        assert_wall(&doc, wall);
        assert_eq!(doc["timeout_s"], 1.5);
        assert_eq!(statuses(&doc), ["done", "cancelled", "cancelled"], "{mode}");
        assert_eq!(column(&doc, "finish_s"), [Some(1.0), Some(1.5), Some(1.5)]);
        assert_eq!(pairs(&doc)[1]["late_s"], Value::Null);
    }
}

#[test]
fn serial_cut_off_by_the_timeout_never_begins_the_rest() {
    let doc = json(&["serial", "--timeout", "1.5s", "1:a", "1:b", "1:c"]);
    assert_wall(&doc, 1.5);
    assert_eq!(statuses(&doc), ["done", "cancelled", "cancelled"]);
    assert_eq!(column(&doc, "start_s"), [Some(0.0), Some(1.0), None]);
    assert_eq!(column(&doc, "finish_s"), [Some(1.0), Some(1.5), Some(1.5)]);
}

#[test]
fn a_timeout_longer_than_the_run_changes_nothing() {
    let doc = json(&["tasks", "--timeout", "1h", "1:a", "2:b"]);
    assert_wall(&doc, 2.0);
    assert_eq!(statuses(&doc), ["done", "done"]);
    // A pair due exactly at the timeout still finishes.
    let doc = json(&["tasks", "--timeout", "2s", "1:a", "2:b"]);
    assert_eq!(statuses(&doc), ["done", "done"]);
}

#[test]
fn limit_two_of_2_1_1_takes_2_seconds_in_waves() {
    for mode in ["tasks", "gather", "joinset"] {
        let args = ["--limit", "2", mode, "2:a", "1:b", "1:c"];
        let out = stdout_of(&mut virtual_run(&args));
        assert_eq!(said_lines(&out), ["+1s  b", "+2s  a", "+2s  c"], "{mode}");
        assert_eq!(row(&out, "limit"), "2 at a time");
        let doc = json(&args);
        assert_wall(&doc, 2.0);
        assert_eq!(doc["limit"], 2);
        // c begins the moment b's permit frees: the second wave.
        assert_eq!(
            column(&doc, "start_s"),
            [Some(0.0), Some(0.0), Some(1.0)],
            "{mode}"
        );
        assert_eq!(column(&doc, "late_s"), [Some(0.0); 3], "{mode}");
    }
}

#[test]
fn limit_one_makes_tasks_serial() {
    let doc = json(&["--limit", "1", "tasks", "1:a", "2:b", "1:c"]);
    assert_wall(&doc, 4.0);
    assert_eq!(column(&doc, "start_s"), [Some(0.0), Some(1.0), Some(3.0)]);
}

#[test]
fn a_limit_beyond_any_semaphore_is_no_limit() {
    let doc = json(&["--limit", &usize::MAX.to_string(), "tasks", "1:a", "2:b"]);
    assert_wall(&doc, 2.0);
}

#[test]
fn limit_changes_nothing_for_serial() {
    let doc = json(&["--limit", "1", "serial", "1:a", "2:b"]);
    assert_wall(&doc, 3.0);
}

#[test]
fn pairs_waiting_for_a_permit_are_cancelled_by_the_timeout() {
    for mode in ["tasks", "gather", "joinset"] {
        let args = ["--limit", "1", "--timeout", "1.5s", mode];
        let doc = json(&[&args[..], &["1:a", "1:b", "1:c", "1:d"]].concat());
        assert_wall(&doc, 1.5);
        let statuses = statuses(&doc);
        assert_eq!(statuses, ["done", "cancelled", "cancelled", "cancelled"]);
        // b got its permit at +1s; c and d were still waiting for one, and
        // are cancelled at the deadline too, though no timer of their own
        // was set.
        assert_eq!(column(&doc, "start_s"), [Some(0.0), Some(1.0), None, None]);
        assert_eq!(column(&doc, "finish_s")[1..], [Some(1.5); 3]);
    }
}

#[test]
fn relative_deadlines_drift_and_absolute_ones_do_not() {
    // tokio's timer fires on whole milliseconds, so each 1.5ms sleep ends
    // on the next millisecond tick. Relative: the next sleep counts from
    // that late wake-up, and the lateness adds up (2 + 2 + 2 + 2 = 8ms).
    let pairs = ["1.5ms:a", "1.5ms:b", "1.5ms:c", "1.5ms:d"];
    let mut args = vec!["serial"];
    args.extend_from_slice(&pairs);
    let relative = json(&args);
    assert_eq!(relative["deadlines"], "relative");
    // The model expects the drift: it counts the timer's steps.
    assert_eq!(relative["expected_s"], 0.008);
    assert_eq!(relative["wall_s"], 0.008);
    assert_eq!(relative["drift_s"], 0.002);
    // Absolute: sleep until 1.5, 3, 4.5, 6 ms; ticks 2, 3, 5, 6 ms.
    args.extend_from_slice(&["--deadlines", "absolute"]);
    let absolute = json(&args);
    assert_eq!(absolute["deadlines"], "absolute");
    assert_eq!(absolute["wall_s"], 0.006);
    assert_eq!(absolute["drift_s"], 0.0);
    assert_eq!(
        column(&absolute, "finish_s"),
        [Some(0.002), Some(0.003), Some(0.005), Some(0.006)]
    );
    let out = stdout_of(&mut virtual_run(&args));
    assert_eq!(
        row(&out, "drift"),
        "0s (absolute deadlines: lateness does not add up)"
    );
}

#[test]
fn drift_is_reported_for_serial_only() {
    assert_eq!(json(&["tasks", "1:a"])["drift_s"], Value::Null);
    assert_eq!(json(&["serial", "1:a"])["drift_s"], 0.0);
}

#[test]
fn the_report_states_the_runtime() {
    let doc = json(&["tasks", "1:a"]);
    assert_eq!(doc["runtime"], "current-thread");
    assert_eq!(doc["workers"], 1);
    let out = stdout_of(&mut virtual_run(&["tasks", "1:a"]));
    assert_eq!(row(&out, "runtime"), "current-thread (1 thread)");
}

#[test]
fn every_mode_is_a_subcommand() {
    for mode in ["serial", "tasks", "gather", "race", "joinset"] {
        let doc = json(&[mode, "1:a"]);
        assert_eq!(doc["mode"], mode);
        assert_wall(&doc, 1.0);
    }
}

#[test]
fn blocking_style_modes_are_played_by_the_model_on_the_virtual_clock() {
    // The lesson in CI, instantly: blocking takes the sum, the fixes the
    // longest delay.
    for (mode, wall) in [("blocking", 3.0), ("spawn-blocking", 2.0), ("threads", 2.0)] {
        let doc = json(&[mode, "1:a", "2:b"]);
        assert_eq!(doc["wall_s"], wall, "{mode}");
        assert_eq!(doc["expected_s"], wall, "{mode}");
    }
    virtual_run(&["blocking", "1:a", "2:b"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "the event-loop model plays the blocking",
        ))
        .stdout(predicate::str::contains("virtual (simulated)"));
}

#[test]
fn impossible_combinations_are_refused() {
    rejects(
        &[
            "--virtual-time",
            "--runtime",
            "multi-thread",
            "tasks",
            "1:a",
        ],
        "--runtime multi-thread needs the real clock",
    );
    // It once blamed `--runtime multi-thread`, which was not typed.
    rejects(
        &["--virtual-time", "--workers", "2", "tasks", "1:a"],
        "--workers needs the real clock",
    );
    rejects(
        &[
            "--runtime",
            "current-thread",
            "--workers",
            "2",
            "tasks",
            "1:a",
        ],
        "--workers needs --runtime multi-thread",
    );
    rejects(
        &["--deadlines", "absolute", "tasks", "1:a"],
        "--deadlines applies to serial only",
    );
    for mode in ["blocking", "spawn-blocking", "threads"] {
        rejects(
            &["--timeout", "1s", mode, "1:a"],
            &format!("--timeout applies to the async modes, not {mode}"),
        );
        rejects(
            &["--limit", "2", mode, "1:a"],
            &format!("--limit applies to the async modes, not {mode}"),
        );
    }
}

#[test]
fn bad_option_values_name_the_option() {
    rejects(
        &["--limit", "0", "tasks", "1:a"],
        "invalid value '0' for '--limit <N>': '0' is not a whole number of at least 1",
    );
    rejects(&["--workers", "x", "tasks", "1:a"], "'--workers <N>'");
    rejects(
        &["--workers", "5000", "tasks", "1:a"],
        "invalid value '5000' for '--workers <N>': '5000' is more than 1024 workers",
    );
    rejects(
        &["--timeout", "soon", "tasks", "1:a"],
        "invalid value 'soon' for '--timeout <DURATION>': 'soon' is not a duration",
    );
    rejects(&["--timeout", "-1s", "tasks", "1:a"], "'-1s' is negative");
    rejects(
        &["--runtime", "fast", "tasks", "1:a"],
        "[possible values: current-thread, multi-thread]",
    );
    rejects(
        &["--deadlines", "soon", "serial", "1:a"],
        "[possible values: relative, absolute]",
    );
}

/// `compare --modes all` on the virtual clock: every async mode runs, with
/// its exact wall; the blocking-style ones are skipped with a note on
/// stderr, and that is not an error.
#[test]
fn compare_all_on_the_virtual_clock_runs_every_mode() {
    let output = virtual_run(&[
        "compare", "--modes", "all", "--format", "json", "3:c", "1:a", "2:b",
    ])
    .assert()
    .success()
    .get_output()
    .clone();
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    let walls: Vec<(&str, f64)> = doc["modes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            assert_eq!(m["expected_s"], m["wall_s"]["median"], "{m}");
            (
                m["mode"].as_str().unwrap(),
                m["wall_s"]["median"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        walls,
        [
            ("serial", 6.0),
            ("tasks", 3.0),
            ("gather", 3.0),
            ("race", 1.0),
            ("joinset", 3.0),
            ("blocking", 6.0),
            ("spawn-blocking", 3.0),
            ("threads", 3.0)
        ]
    );
    // Nothing is skipped: the model plays the blocking modes.
    assert_eq!(String::from_utf8(output.stderr).unwrap(), "");
}

/// `--deadlines` is serial's; in a comparison the other modes run as usual.
#[test]
fn compare_with_absolute_deadlines_applies_them_to_serial_only() {
    let output = virtual_run(&[
        "compare",
        "--modes",
        "serial,tasks",
        "--deadlines",
        "absolute",
        "--format",
        "json",
        "1.5ms:a",
        "1.5ms:b",
    ])
    .assert()
    .success()
    .stderr("")
    .get_output()
    .clone();
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    // Absolute: 1.5 and 3 ms fire on the 2 and 3 ms ticks; tasks: 2 ms.
    assert_eq!(doc["modes"][0]["wall_s"]["median"], 0.003);
    assert_eq!(doc["modes"][1]["wall_s"]["median"], 0.002);
}

/// With --limit, compare runs every async mode limited, and its expected
/// walls come from the same simulated schedule.
#[test]
fn compare_with_a_limit_expects_the_limited_schedule() {
    let doc = json(&[
        "compare",
        "--modes",
        "tasks,gather,race,joinset",
        "--limit",
        "2",
        "2:a",
        "1:b",
        "1:c",
    ]);
    let walls: Vec<f64> = doc["modes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            assert_eq!(m["expected_s"], m["wall_s"]["median"], "{m}");
            m["wall_s"]["median"].as_f64().unwrap()
        })
        .collect();
    assert_eq!(walls, [2.0, 2.0, 1.0, 2.0]);
}

#[test]
fn a_long_completion_order_is_cut_to_a_dozen() {
    let pairs: Vec<String> = (1..=30).map(|i| format!("{}s:m{i}", 31 - i)).collect();
    let mut args = vec!["joinset", "--no-timeline"];
    args.extend(pairs.iter().map(String::as_str));
    let out = stdout_of(&mut virtual_run(&args));
    assert_eq!(
        row(&out, "completion order"),
        "#30 #29 #28 #27 #26 #25 #24 #23 #22 #21 #20 #19 … (30 in all; --format json lists every one)"
    );
    args.extend(["--format", "json"]);
    let doc = json(&args);
    assert_eq!(doc["completion_order"].as_array().unwrap().len(), 30);
}
