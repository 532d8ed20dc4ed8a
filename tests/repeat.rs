//! `--runs N` and `--warmup N`, for one mode and for compare: the wall
//! times of every counted run, summarised; the live lines of the first run
//! only.

mod common;

use common::{stdout_of, virtual_run, without_clock_times};
use serde_json::Value;

fn said_count(output: &str) -> usize {
    output
        .lines()
        .filter(|l| l.trim_start().starts_with('+'))
        .count()
}

#[test]
fn live_lines_show_the_first_run_only() {
    let out = stdout_of(&mut virtual_run(&[
        "serial", "--runs", "4", "-w", "2", "1:a", "2:b",
    ]));
    assert_eq!(said_count(&out), 2, "{out}");
    assert_eq!(out.matches("started at").count(), 1);
    let out = stdout_of(&mut virtual_run(&["compare", "-r", "3", "1:a", "2:b"]));
    assert_eq!(said_count(&out), 6, "two pairs × three modes, once each");
    let out = stdout_of(&mut virtual_run(&[
        "serial", "-r", "3", "--quiet", "1:a", "2:b",
    ]));
    assert_eq!(said_count(&out), 0, "{out}");
}

#[test]
fn the_human_view_adds_the_wall_statistics() {
    let out = stdout_of(&mut virtual_run(&[
        "tasks", "--runs", "3", "--warmup", "1", "1:hello", "2:world",
    ]));
    insta::assert_snapshot!("single_mode_repeated", without_clock_times(&out));
}

#[test]
fn single_mode_json_gains_wall_stats() {
    let out = stdout_of(&mut virtual_run(&[
        "gather", "--runs", "5", "--format", "json", "1:a", "250ms:b",
    ]));
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["wall_s"], 1.0, "still the first counted run's wall");
    assert_eq!(doc["runs"], 5);
    assert_eq!(doc["warmup"], 0);
    let stats = &doc["wall_stats"];
    for key in ["min", "median", "mean", "max"] {
        assert_eq!(stats[key], 1.0, "{key}");
    }
    assert_eq!(stats["stddev"], 0.0, "equal virtual runs do not spread");
    assert_eq!(doc["pairs"].as_array().unwrap().len(), 2);
}

#[test]
fn a_single_run_keeps_the_core_document() {
    let out = stdout_of(&mut virtual_run(&["gather", "--format", "json", "1:a"]));
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert!(doc.get("wall_stats").is_none() && doc.get("runs").is_none());
}

#[test]
fn compare_counts_every_run_of_every_mode() {
    let out = stdout_of(&mut virtual_run(&[
        "compare", "--runs", "3", "--warmup", "2", "--format", "json", "1:a", "2:b",
    ]));
    let doc: Value = serde_json::from_str(&out).unwrap();
    for mode in doc["modes"].as_array().unwrap() {
        assert_eq!(mode["runs"], 3);
        assert_eq!(mode["warmup"], 2);
        assert_eq!(mode["wall_s"]["stddev"], 0.0);
        assert_eq!(mode["wall_s"]["min"], mode["wall_s"]["max"]);
    }
    let out = stdout_of(&mut virtual_run(&[
        "compare", "-q", "--runs", "3", "1:a", "2:b",
    ]));
    insta::assert_snapshot!("compare_repeated", out);
}

#[test]
fn a_single_run_has_no_standard_deviation() {
    let out = stdout_of(&mut virtual_run(&["compare", "--format", "json", "1:a"]));
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["modes"][0]["wall_s"]["stddev"], Value::Null);
}

#[test]
fn zero_runs_is_refused() {
    virtual_run(&["serial", "--runs", "0", "1:a"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("at least one run is needed"));
    virtual_run(&["serial", "--warmup", "-1", "1:a"])
        .assert()
        .code(2);
}

/// A series keeps every run's wall, so `--runs` has a documented most;
/// `--warmup` too (4294967295 warm-ups would run for days, silently).
#[test]
fn runs_and_warmup_have_a_maximum() {
    common::rejects(
        &["--virtual-time", "serial", "1:a", "--runs", "1000001"],
        "'1000001' is too many runs: at most 1000000",
    );
    common::rejects(
        &["--virtual-time", "compare", "1:a", "--warmup", "4294967295"],
        "'4294967295' is too many runs: at most 1000000",
    );
    common::rejects(
        &["serial", "1:a", "--runs", "99999999999999999999"],
        "is too many runs: at most 1000000",
    );
    common::rejects(
        &["serial", "1:a", "--warmup", "x"],
        "'x' is not a number of runs (try --warmup 3)",
    );
    let help = stdout_of(common::saywhen().arg("--help"));
    assert!(help.contains("(1 to 1000000)"), "{help}");
}
