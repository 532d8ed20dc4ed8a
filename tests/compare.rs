//! `saywhen compare` end to end, on the virtual clock: the same pairs in
//! each mode, one table, the lesson at a glance (serial = the sum of the
//! delays, tasks and gather = the longest).

mod common;

use common::{said_lines, stdout_of, virtual_run, without_clock_times};
use serde_json::Value;

fn compare_json(args: &[&str]) -> Value {
    let mut full = vec!["compare", "--format", "json"];
    full.extend_from_slice(args);
    let out = stdout_of(&mut virtual_run(&full));
    serde_json::from_str(&out).expect("stdout is one JSON document")
}

#[test]
fn compares_serial_tasks_and_gather_by_default() {
    let doc = compare_json(&["1:hello", "2:world"]);
    assert_eq!(doc["schema"], 1);
    assert_eq!(doc["clock"], "virtual");
    let modes = doc["modes"].as_array().unwrap();
    let names: Vec<&str> = modes.iter().map(|m| m["mode"].as_str().unwrap()).collect();
    assert_eq!(names, ["serial", "tasks", "gather"]);
    let medians: Vec<f64> = modes
        .iter()
        .map(|m| m["wall_s"]["median"].as_f64().unwrap())
        .collect();
    assert_eq!(medians, [3.0, 2.0, 2.0]);
    assert_eq!(modes[0]["expected_s"], 3.0);
    assert_eq!(modes[1]["speedup_vs_serial"], 1.5);
    assert_eq!(modes[0]["relative_to_fastest"], 1.5);
    assert_eq!(modes[2]["relative_to_fastest"], 1.0);
    assert_eq!(doc["pairs"][1]["message"], "world");
    assert_eq!(doc["pairs"][1]["delay_s"], 2.0);
}

#[test]
fn modes_picks_and_orders_the_modes() {
    let doc = compare_json(&["--modes", "gather,serial,gather", "1:a", "2:b"]);
    let names: Vec<&str> = doc["modes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mode"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["gather", "serial"], "in the order given, each once");
    let doc = compare_json(&["--modes", "tasks", "1:a"]);
    assert_eq!(doc["modes"][0]["speedup_vs_serial"], Value::Null);
    let doc = compare_json(&["--modes", "all", "1:a"]);
    assert!(doc["modes"].as_array().unwrap().len() >= 3);
}

#[test]
fn each_mode_runs_live_under_its_heading() {
    let out = stdout_of(&mut virtual_run(&["compare", "2:world", "1:hello"]));
    let headings: Vec<&str> = out.lines().filter(|l| l.starts_with("── ")).collect();
    assert_eq!(
        headings,
        [
            "── serial: await each pair in turn ──",
            "── tasks: tokio::spawn each pair, await the handles ──",
            "── gather: join_all the pairs' futures in one task ──",
        ]
    );
    assert_eq!(
        said_lines(&out),
        [
            "+2s  world",
            "+3s  hello",
            "+1s  hello",
            "+2s  world",
            "+1s  hello",
            "+2s  world"
        ]
    );
    // The lesson is wrapped to the width, on words.
    let words = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains(
        "serial takes the sum of the delays (3s); tasks and gather take the longest delay (2s)."
    ));
}

#[test]
fn quiet_shows_only_the_comparison() {
    let out = stdout_of(&mut virtual_run(&[
        "compare", "--quiet", "1:hello", "2:world",
    ]));
    assert!(said_lines(&out).is_empty(), "{out}");
    assert!(!out.contains("started at"), "{out}");
    insta::assert_snapshot!("compare_table", out);
}

#[test]
fn the_full_human_view() {
    let out = stdout_of(&mut virtual_run(&["compare", "1:hello", "2:world"]));
    insta::assert_snapshot!("compare_live_and_table", without_clock_times(&out));
}

#[test]
fn zero_delays_have_no_ratios() {
    let doc = compare_json(&["0:a", "0:b"]);
    assert_eq!(doc["modes"][0]["wall_s"]["median"], 0.0);
    assert_eq!(doc["modes"][0]["speedup_vs_serial"], Value::Null);
    assert_eq!(doc["modes"][0]["relative_to_fastest"], Value::Null);
    let out = stdout_of(&mut virtual_run(&["compare", "-q", "0:a"]));
    assert!(
        out.contains(
            "│ serial ┆            0s ┆            0s ┆       0s ┆          - ┆          - │"
        ),
        "{out}"
    );
}

#[test]
fn compare_reads_pairs_from_stdin_too() {
    let out = stdout_of(
        virtual_run(&["compare", "--format", "json", "1:first", "--file", "-"])
            .write_stdin("2:second\n"),
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["pairs"].as_array().unwrap().len(), 2);
    assert_eq!(doc["modes"][0]["wall_s"]["median"], 3.0);
}

#[test]
fn an_unknown_mode_is_a_usage_error() {
    virtual_run(&["compare", "--modes", "serial,bogus", "1:a"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains(
            "invalid value 'serial,bogus' for '--modes <MODES>': unknown mode 'bogus'",
        ));
}
