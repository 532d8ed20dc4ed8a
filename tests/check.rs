//! `--check`, `--tolerance` and `--max-wall`: exit 1 when a mode's wall
//! misses its expectation, with one `error:` line per failure on stderr and
//! the full report still on stdout. On the virtual clock the walls are
//! exact, and the model of the event loop predicts them exactly (tokio's
//! millisecond timer included), so every verdict there is a pass. A known
//! miss comes from the real clock instead: every real sleep ends a little
//! late, far beyond a tolerance of a nanosecond.

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
    let output = common::saywhen()
        .args([
            "compare",
            "--check",
            "--tolerance",
            "1ns",
            "--format",
            "json",
            "1ms:a",
        ])
        .assert()
        .code(1)
        .get_output()
        .clone();
    let doc: Value = serde_json::from_slice(&output.stdout).expect("the report is still printed");
    assert_eq!(doc["modes"].as_array().unwrap().len(), 3);
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{stderr}");
    for (line, (mode, rule)) in lines.iter().zip([
        ("serial", "the sum of the delays"),
        ("tasks", "the longest delay"),
        ("gather", "the longest delay"),
    ]) {
        let start = format!("error: check failed: {mode} took ");
        let end = format!("more than the expected 1ms ({rule}); --tolerance allows 1ns");
        assert!(line.starts_with(&start) && line.ends_with(&end), "{line}");
    }
}

/// The model counts tokio's timer: on the virtual clock a 1.5 ms sleep
/// takes the 2 ms it predicts, however tight the tolerance.
#[test]
fn the_timer_is_predicted_not_a_miss() {
    virtual_run(&[
        "compare",
        "--check",
        "--tolerance",
        "0ns",
        "-q",
        "1.5ms:a",
        "0.3ms:b",
    ])
    .assert()
    .success()
    .stderr("");
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
    common::saywhen()
        .args(["serial", "--check", "--tolerance", "0.01%", "-q", "2ms:a"])
        .assert()
        .code(1)
        .stderr(predicate::str::ends_with(
            "--tolerance allows 200ns (0.01% of 2ms)\n",
        ));
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
