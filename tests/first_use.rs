//! What a new user hit in a first session: each small surprise, pinned.

mod common;

use common::{rejects, said_lines, saywhen, stdout_of, virtual_run};
use serde_json::Value;

fn messages(json: &str) -> Vec<String> {
    let doc: Value = serde_json::from_str(json).expect("JSON");
    doc["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .map(|pair| pair["message"].as_str().unwrap_or_default().to_owned())
        .collect()
}

/// `saywhen gather -` was "invalid pair '-'": a lone `-` reads stdin, like
/// `--file -`, and its pairs come where the `-` stands.
#[test]
fn a_lone_dash_reads_pairs_from_stdin_in_place() {
    let out = stdout_of(
        virtual_run(&["serial", "0:first", "-", "9:last", "--format", "json"])
            .write_stdin("1:a\n# a comment\n2:b\n"),
    );
    assert_eq!(messages(&out), ["first", "a", "b", "last"]);
    let out = stdout_of(virtual_run(&["gather", "-", "--format", "json"]).write_stdin("1:x\n"));
    assert_eq!(messages(&out), ["x"]);
}

/// A second `--file` was refused ("cannot be used multiple times").
#[test]
fn file_may_be_repeated_and_keeps_the_order() {
    let dir = std::env::temp_dir().join(format!("saywhen-first-use-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (one, two) = (dir.join("one.txt"), dir.join("two.txt"));
    std::fs::write(&one, "1:one-a\n1:one-b\n").unwrap();
    std::fs::write(&two, "1:two\n").unwrap();
    let out = stdout_of(&mut virtual_run(&[
        "--file",
        one.to_str().unwrap(),
        "serial",
        "0:arg",
        "--file",
        two.to_str().unwrap(),
        "--format",
        "json",
    ]));
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(messages(&out), ["arg", "one-a", "one-b", "two"]);
}

/// Every invalid pair says which argument it was; a negative one did not.
#[test]
fn a_negative_pair_names_its_argument() {
    rejects(
        &["serial", "-1:hi"],
        "invalid pair '-1:hi' (argument 1): '-1' is negative",
    );
    rejects(
        &["--virtual-time", "compare", "1:a", "--runs", "2", "-2.5:b"],
        "invalid pair '-2.5:b' (argument 2)",
    );
}

/// `saywhen compare` alone suggested `saywhen serial ...`.
#[test]
fn no_pairs_suggests_the_command_that_was_typed() {
    rejects(&["compare"], "(try: saywhen compare 1:a 2:b)");
    rejects(&["--virtual-time", "tasks"], "(try: saywhen tasks 1:a 2:b)");
}

/// A passing `--check` was silent: nothing told CI what had held.
#[test]
fn a_passing_check_says_so_in_one_line() {
    let output = virtual_run(&["serial", "1:a", "--check", "--max-wall", "5s"])
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "check passed: serial took 1s (expected 1s ± 100ms; at most 5s)\n"
    );
    virtual_run(&["compare", "1:a", "--check", "--quiet"])
        .assert()
        .success()
        .stderr("");
    virtual_run(&["serial", "1:a"])
        .assert()
        .success()
        .stderr("");
}

/// With `--quiet` the tables came after an empty line kept for live lines
/// that were not there.
#[test]
fn quiet_output_starts_with_the_table() {
    for args in [
        &["serial", "1:a", "-q"][..],
        &["tasks", "1:a", "-q", "--runs", "2"],
    ] {
        let out = stdout_of(&mut virtual_run(args));
        assert!(!out.starts_with('\n'), "{args:?}: {out:?}");
    }
    let out = stdout_of(&mut virtual_run(&["serial", "1:a"]));
    let (live, _) = out
        .split_once("\n\n┌")
        .expect("a blank line after the live lines");
    assert!(live.contains("finished at "), "{out}");
}

/// The second `--export` of one file overwrote the first.
#[test]
fn exporting_one_file_twice_is_an_error() {
    let dir = std::env::temp_dir().join(format!("saywhen-twice-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("run.json");
    let same = dir.join(".").join("run.json");
    rejects(
        &[
            "--virtual-time",
            "serial",
            "1:a",
            "--export",
            file.to_str().unwrap(),
            "--export",
            same.to_str().unwrap(),
        ],
        "twice",
    );
    assert!(!file.exists(), "nothing is written");
    std::fs::remove_dir_all(&dir).ok();
}

/// threads said it ran on a current-thread tokio runtime; its pairs run on
/// OS threads of their own.
#[test]
fn threads_reports_no_tokio_runtime() {
    let out = stdout_of(saywhen().args(["threads", "1ms:a", "--format", "json"]));
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["runtime"], Value::Null, "{out}");
    assert_eq!(doc["workers"], Value::Null, "{out}");
    let out = stdout_of(saywhen().args(["threads", "1ms:a", "--no-timeline"]));
    assert!(
        out.contains("runtime       ┆ none: one OS thread per pair"),
        "{out}"
    );
    assert_eq!(said_lines(&out).len(), 1);
}

/// An option given before the mode and again after it kept only the
/// values after: `--export a.json serial 1:a --export b.csv` wrote b.csv
/// alone.
#[test]
fn exports_before_and_after_the_mode_are_all_written() {
    let dir = std::env::temp_dir().join(format!("saywhen-both-sides-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (json, csv) = (dir.join("a.json"), dir.join("b.csv"));
    stdout_of(&mut virtual_run(&[
        "--export",
        json.to_str().unwrap(),
        "serial",
        "1:a",
        "--export",
        csv.to_str().unwrap(),
    ]));
    let written = (json.exists(), csv.exists());
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(written, (true, true));
}

/// In `compare --modes all`, race's 1 s beat everyone's 2 s by cancelling
/// the 2 s pair, and was ranked fastest without a word about it.
#[test]
fn race_is_not_ranked_fastest_for_cancelling_the_rest() {
    let args = [
        "compare",
        "--modes",
        "serial,tasks,race",
        "1:a",
        "2:b",
        "-q",
    ];
    let out = stdout_of(&mut virtual_run(&args));
    let race = out
        .lines()
        .find(|l| l.starts_with("│ race"))
        .expect("race's row");
    assert!(race.ends_with("┆          - │"), "{out}");
    let prose = out.replace('\n', " ");
    assert!(
        prose.contains("race cancelled 1 of 2 pairs: not ranked"),
        "{out}"
    );
    let json = stdout_of(&mut virtual_run(
        &[&args[..], &["--format", "json"]].concat(),
    ));
    let doc: Value = serde_json::from_str(&json).unwrap();
    let relative = |i: usize| doc["modes"][i]["relative_to_fastest"].clone();
    assert_eq!((relative(1), relative(2)), (Value::from(1.0), Value::Null));
}

/// With `--runs`, the tables judged the median while the timeline captions
/// and the SVG stated the first run's wall, unlabelled.
#[test]
fn with_runs_every_view_states_the_median() {
    let dir = std::env::temp_dir().join(format!("saywhen-median-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let svg = dir.join("runs.svg");
    let out = stdout_of(&mut virtual_run(&[
        "compare",
        "--modes",
        "serial,tasks",
        "1:a",
        "2:b",
        "--runs",
        "3",
        "-q",
        "--export",
        svg.to_str().unwrap(),
    ]));
    let picture = std::fs::read_to_string(&svg).unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(out.contains("median wall"), "{out}");
    assert!(
        out.contains("tasks · median wall 2s of 3 runs (run 1 drawn: 2s)"),
        "{out}"
    );
    assert!(
        picture.contains("median wall 2s of 3 runs (run 1 drawn: 2s)"),
        "{picture}"
    );
    let out = stdout_of(&mut virtual_run(&["serial", "1:a", "--runs", "3", "-q"]));
    assert!(
        out.contains("│ median wall   ┆ 1s of 3 runs (run 1 above: 1s)"),
        "{out}"
    );
}
