//! The lessons that need the real clock: the blocking-style modes (a
//! blocking sleep takes real time; the virtual clock cannot skip it) and
//! both runtime flavours. Each run is short (at most 0.3 s) and the
//! tolerance generous (250 ms), so a loaded 2-core machine passes every
//! time: these tests prove the story, not the speed. A sleep never ends
//! early, so the lower bounds are exact.

mod common;

use common::{saywhen, stdout_of};
use serde_json::Value;

const SLACK: f64 = 0.25;

fn json(args: &[&str]) -> Value {
    let mut full = vec!["--format", "json"];
    full.extend_from_slice(args);
    serde_json::from_str(&stdout_of(saywhen().args(&full))).expect("one JSON document")
}

fn assert_wall(doc: &Value, expected: f64) {
    let wall = doc["wall_s"].as_f64().unwrap();
    assert_eq!(doc["expected_s"].as_f64().unwrap(), expected, "{doc}");
    assert_eq!(doc["clock"], "real");
    assert!(
        wall >= expected && wall < expected + SLACK,
        "wall {wall} for {expected}"
    );
}

fn starts(doc: &Value) -> Vec<f64> {
    doc["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["start_s"].as_f64().unwrap())
        .collect()
}

const THREE: [&str; 3] = ["100ms:a", "100ms:b", "100ms:c"];

#[test]
fn blocking_collapses_to_the_sum_and_says_so() {
    let mut args = vec!["blocking"];
    args.extend_from_slice(&THREE);
    let doc = json(&args);
    assert_wall(&doc, 0.3);
    assert_eq!(doc["runtime"], "current-thread");
    // Spawned together, yet each began only when the one before it let go
    // of the thread.
    let starts = starts(&doc);
    assert!(starts[1] >= 0.1 && starts[2] >= 0.2, "{starts:?}");
    let out = stdout_of(saywhen().args(&args));
    assert!(out.contains("concurrency collapses"), "{out}");
}

#[test]
fn spawn_blocking_and_threads_take_the_longest() {
    for mode in ["spawn-blocking", "threads"] {
        let mut args = vec![mode];
        args.extend_from_slice(&THREE);
        let doc = json(&args);
        assert_wall(&doc, 0.1);
        assert!(starts(&doc).iter().all(|&s| s < SLACK), "{mode}: {doc}");
        let statuses = doc["pairs"].as_array().unwrap().iter();
        assert!(statuses.map(|p| &p["status"]).all(|s| s == "done"));
    }
}

#[test]
fn blocking_on_two_workers_shares_them() {
    let doc = json(&[
        "--workers",
        "2",
        "blocking",
        "100ms:a",
        "100ms:b",
        "100ms:c",
        "100ms:d",
    ]);
    assert_wall(&doc, 0.2);
    assert_eq!(doc["runtime"], "multi-thread");
    assert_eq!(doc["workers"], 2);
}

#[test]
fn both_runtimes_run_tasks_in_the_longest_delay() {
    for (runtime, workers) in [("current-thread", 1), ("multi-thread", 2)] {
        let mut args = vec!["--runtime", runtime];
        if runtime == "multi-thread" {
            args.extend_from_slice(&["--workers", "2"]);
        }
        args.extend_from_slice(&["tasks", "100ms:a", "200ms:b"]);
        let doc = json(&args);
        assert_wall(&doc, 0.2);
        assert_eq!(doc["runtime"], runtime);
        assert_eq!(doc["workers"], workers);
        let out = stdout_of(saywhen().args(&args));
        assert!(
            out.contains(&format!("runtime       ┆ {runtime} (")),
            "{out}"
        );
    }
}

/// Each relative 2ms sleep wakes on a later millisecond tick than asked
/// and the next counts from there, so 50 of them fall behind by tens of
/// milliseconds; absolute deadlines stay within about one sleep's lateness.
#[test]
fn absolute_deadlines_drift_less_than_relative_ones() {
    let pairs: Vec<String> = (0..50).map(|i| format!("2ms:{i}")).collect();
    let drift = |deadlines: &str| {
        let mut args = vec!["serial", "--deadlines", deadlines];
        args.extend(pairs.iter().map(String::as_str));
        let doc = json(&args);
        assert_wall(&doc, 0.1);
        doc["drift_s"].as_f64().unwrap()
    };
    let relative = drift("relative");
    let absolute = drift("absolute");
    assert!(relative >= 0.0 && absolute >= 0.0);
    assert!(
        relative > absolute,
        "relative {relative}, absolute {absolute}"
    );
}

/// Ctrl-C during spawn-blocking or threads stops the run at once: the
/// sleeping threads cannot be cancelled, but the runtime's thread is free
/// to notice the signal, and saywhen does not wait for them to wake.
#[cfg(unix)]
#[test]
fn ctrl_c_does_not_wait_for_blocking_sleeps_off_the_runtime() {
    use std::io::{BufRead, BufReader, Read};
    use std::process::{Command, Stdio};
    use std::time::{Duration, Instant};

    for mode in ["spawn-blocking", "threads"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_saywhen"))
            .args([mode, "0:now", "60:later", "--no-timeline"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        // `started at`, then `now`: the run and its signal handler are up.
        while !line.ends_with("  now\n") {
            line.clear();
            assert!(stdout.read_line(&mut line).unwrap() > 0, "{mode}");
        }
        let sent = Instant::now();
        common::send(&child, "-INT");
        let mut rest = String::new();
        stdout.read_to_string(&mut rest).unwrap();
        let status = child.wait().unwrap();
        assert!(sent.elapsed() < Duration::from_secs(10), "{mode} waited");
        assert_eq!(status.code(), Some(130), "{mode}: {rest}");
        assert!(rest.contains("┆ interrupted ┆"), "{mode}: {rest}");
        assert!(!rest.contains("  later\n"), "{mode}: {rest}");
    }
}

/// On the real clock, compare runs the blocking-style modes too.
#[test]
fn compare_shows_the_mistake_and_the_fixes_side_by_side() {
    let doc = json(&[
        "compare",
        "--modes",
        "blocking,spawn-blocking,threads",
        "100ms:a",
        "100ms:b",
    ]);
    for (mode, expected) in doc["modes"].as_array().unwrap().iter().zip([0.2, 0.1, 0.1]) {
        let wall = mode["wall_s"]["median"].as_f64().unwrap();
        assert_eq!(mode["expected_s"].as_f64().unwrap(), expected, "{mode}");
        assert!(wall >= expected && wall < expected + SLACK, "{mode}");
    }
}

/// --timeout and --limit work the same on worker threads.
#[test]
fn timeout_and_limit_on_a_multi_thread_runtime() {
    let doc = json(&[
        "--workers",
        "2",
        "--timeout",
        "250ms",
        "tasks",
        "50ms:a",
        "400ms:b",
    ]);
    // a has 200 ms of slack before the deadline, so a busy machine passes.
    assert_wall(&doc, 0.25);
    let statuses: Vec<&str> = doc["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["done", "cancelled"]);
    let doc = json(&[
        "--workers",
        "2",
        "--limit",
        "1",
        "joinset",
        "100ms:a",
        "100ms:b",
    ]);
    assert_wall(&doc, 0.2);
    let starts = starts(&doc);
    // One permit: whichever went second began when the first let go.
    assert!(starts.iter().any(|&s| s >= 0.1), "{starts:?}");
}

/// On worker threads, spawned pairs are first polled in no set order; the
/// limit still hands out permits in argument order. With one permit each
/// pair begins only after the one before it has slept its 2 ms, so the
/// starts climb by at least 2 ms. (Before the limit queued pairs in order,
/// every such run here had a pair begin tens of ms before its predecessor.)
#[test]
fn limit_keeps_argument_order_on_worker_threads() {
    let pairs: Vec<String> = (0..100).map(|i| format!("2ms:{i}")).collect();
    for mode in ["tasks", "joinset"] {
        let mut args = vec!["--workers", "2", "--limit", "1", mode];
        args.extend(pairs.iter().map(String::as_str));
        let starts = starts(&json(&args));
        for (i, pair) in starts.windows(2).enumerate() {
            assert!(
                pair[1] >= pair[0] + 0.002,
                "{mode}: pair {} began at {}, pair {} at {}",
                i + 2,
                pair[1],
                i + 1,
                pair[0]
            );
        }
    }
}
