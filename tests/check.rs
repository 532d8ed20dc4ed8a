//! `--check`, `--tolerance` and `--max-wall`: exit 1 when a mode's wall
//! misses its expectation, with one `error:` line per failure on stderr and
//! the full report still on stdout. On the virtual clock the walls are
//! exact, so every verdict here is certain. The model of the event loop
//! predicts tokio's millisecond timer (a 1.5 ms delay takes exactly 2 ms),
//! but a flat mode's `--limit` keeps its rule of thumb, which does not
//! count the timer's steps: `--limit 9` over one pair gives a known miss.

mod common;

use common::virtual_run;
use predicates::prelude::*;
use serde_json::Value;

#[test]
fn an_exact_run_passes() {
    virtual_run(&["compare", "--check", "-q", "1:a", "2:b"])
        .assert()
        .success()
        .stderr("");
    virtual_run(&["serial", "--check", "--tolerance", "0ms", "1:a", "2:b"])
        .assert()
        .success();
}

#[test]
fn a_miss_fails_with_one_line_per_failure_after_the_report() {
    let output = virtual_run(&[
        "compare",
        "--check",
        "--tolerance",
        "100us",
        "--limit",
        "9",
        "--format",
        "json",
        "1.5ms:a",
    ])
    .assert()
    .code(1)
    .get_output()
    .clone();
    let doc: Value = serde_json::from_slice(&output.stdout).expect("the report is still printed");
    assert_eq!(doc["modes"].as_array().unwrap().len(), 3);
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(
        lines,
        [
            "error: check failed: serial took 2ms, 500µs more than the expected 1.5ms (the sum of the delays); --tolerance allows 100µs",
            "error: check failed: tasks took 2ms, 500µs more than the expected 1.5ms (the last to finish, 9 at a time); --tolerance allows 100µs",
            "error: check failed: gather took 2ms, 500µs more than the expected 1.5ms (the last to finish, 9 at a time); --tolerance allows 100µs",
        ]
    );
}

#[test]
fn the_default_tolerance_absorbs_timer_granularity() {
    // 10%, at least 50ms: a 500µs miss is nothing.
    virtual_run(&["tasks", "--check", "1.5ms:a"])
        .assert()
        .success();
}

#[test]
fn a_percentage_tolerance_scales_with_the_expected_wall() {
    virtual_run(&[
        "serial",
        "--check",
        "--tolerance",
        "10%",
        "--limit",
        "9",
        "-q",
        "1.5ms:a",
    ])
    .assert()
    .code(1)
    .stderr(predicate::str::ends_with(
        "--tolerance allows 150µs (10% of 1.5ms)\n",
    ));
    virtual_run(&[
        "serial",
        "--check",
        "--tolerance",
        "40%",
        "--limit",
        "9",
        "1.5ms:a",
    ])
    .assert()
    .success();
}

#[test]
fn max_wall_judges_the_median_of_several_runs() {
    virtual_run(&[
        "compare",
        "--max-wall",
        "2.5s",
        "--runs",
        "3",
        "-q",
        "1:a",
        "2:b",
    ])
    .assert()
    .code(1)
    .stdout(predicate::str::contains("median wall"))
    .stderr("error: check failed: serial took 3s (median of 3 runs), more than --max-wall 2.5s\n");
    virtual_run(&["gather", "--max-wall", "2s", "1:a", "2:b"])
        .assert()
        .success();
}

#[test]
fn check_options_are_validated() {
    virtual_run(&["tasks", "--tolerance", "5%", "1:a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--check"));
    virtual_run(&["tasks", "--check", "--tolerance", "lots", "1:a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "'lots' is not a tolerance (try 50ms, 0.05, 10% or 2.5%)",
        ));
    virtual_run(&["tasks", "--max-wall", "soon", "1:a"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("'soon' is not a duration"));
}
