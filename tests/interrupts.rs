//! Every interruption gives a report: Ctrl-C, SIGTERM or SIGHUP at any
//! moment of a `--runs`/`--warmup` series (between two runs as well as in
//! one), for one mode and for `compare`, on both clocks. The report of a
//! series cut short says so, and how far it got; a mode stopped in a
//! comparison has no overhead, speedup or rank.
//!
//! Every test signals the real binary only once it is known to be in its
//! series: after the first run's `finished at` line (the runs after it are
//! silent), or, for a warm-up (which prints nothing), once the process has
//! installed its signal handler (read from /proc). A million runs asked
//! for cannot all be over by then, so the outcome never depends on timing.

#![cfg(target_os = "linux")]

mod common;

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};

use serde_json::Value;

fn saywhen(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_saywhen"))
        .args(args)
        .env("TZ", "UTC")
        .env("RUST_BACKTRACE", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("saywhen starts")
}

/// Reads stdout up to and including the first line that starts with
/// `prefix`.
fn read_until(stdout: &mut BufReader<ChildStdout>, prefix: &str) -> String {
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "no line starting with {prefix:?} in\n{seen}"
        );
        seen.push_str(&line);
        if line.trim_start().starts_with(prefix) {
            return seen;
        }
    }
}

/// Waits until `child` has installed its handler for SIGINT (the
/// `SigCgt` mask of /proc/PID/status): from then on it is running.
fn wait_for_handler(child: &Child) {
    let status = format!("/proc/{}/status", child.id());
    loop {
        let text = std::fs::read_to_string(&status).unwrap();
        let caught = text
            .lines()
            .find_map(|l| l.strip_prefix("SigCgt:"))
            .map(|mask| u64::from_str_radix(mask.trim(), 16).unwrap())
            .unwrap();
        if caught & (1 << (libc::SIGINT - 1)) != 0 {
            return;
        }
        std::thread::yield_now();
    }
}

/// Signals `child` after the line starting with `prefix`, then returns
/// its exit code, all of stdout and stderr.
fn signalled_after(mut child: Child, prefix: &str, signal: &str) -> (Option<i32>, String, String) {
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut text = read_until(&mut stdout, prefix);
    common::send(&child, signal);
    stdout.read_to_string(&mut text).unwrap();
    finished(child, text)
}

/// Waits for `child` to end, reading all of its stdout.
fn rest_of(mut child: Child) -> (Option<i32>, String, String) {
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    finished(child, out)
}

fn finished(mut child: Child, stdout: String) -> (Option<i32>, String, String) {
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (status.code(), stdout, stderr)
}

fn json_at(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn ctrl_c_between_virtual_runs_gives_a_report_that_says_how_far_it_got() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("r.json");
    let child = saywhen(&[
        "--virtual-time",
        "serial",
        "1:a",
        "--runs",
        "1000000",
        "--no-timeline",
        "--width",
        "200",
        "--export",
        json.to_str().unwrap(),
    ]);
    let (code, out, err) = signalled_after(child, "finished at", "-INT");
    assert_eq!(code, Some(130), "{out}{err}");
    // Run 1 was over; a later one, or the gap before it, was cut.
    let note = out
        .lines()
        .find(|l| l.starts_with("interrupted by Ctrl-C (SIGINT) after "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(note.ends_with(" of 1000000 runs"), "{note}");
    assert!(out.contains(" of 1000000 runs ┆"), "the runs column: {out}");
    let doc = json_at(&json);
    assert_eq!(doc["interrupted"], "SIGINT");
    assert_eq!(doc["runs_asked"], 1_000_000);
    let runs = doc["runs"].as_u64().unwrap();
    assert!((1..1_000_000).contains(&runs), "{runs}");
    assert_eq!(
        doc["wall_stats"]["median"], 1.0,
        "every counted run is whole"
    );
    assert_eq!(doc["pairs"][0]["status"], "done");
}

#[test]
fn a_signal_in_the_warmup_gives_a_report_too() {
    let child = saywhen(&[
        "--virtual-time",
        "-q",
        "--format",
        "json",
        "tasks",
        "1:a",
        "--warmup",
        "1000000",
        "--runs",
        "3",
    ]);
    wait_for_handler(&child);
    common::send(&child, "-TERM");
    let (code, out, _) = rest_of(child);
    let doc: Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
    assert_eq!(code, Some(143), "{doc}");
    assert_eq!(doc["interrupted"], "SIGTERM");
    assert_eq!(doc["warmup_asked"], 1_000_000);
    assert!(doc["warmup"].as_u64().unwrap() < 1_000_000);
    assert_eq!(
        (doc["runs"].clone(), doc["runs_asked"].clone()),
        (1.into(), 3.into())
    );
    // Nothing was counted: the one run shown was stopped before it began.
    assert_eq!(doc["pairs"][0]["status"], "interrupted");
}

#[test]
fn a_signal_in_the_warmup_is_noted_in_the_human_view() {
    let child = saywhen(&[
        "--virtual-time",
        "-q",
        "--no-timeline",
        "--width",
        "200",
        "serial",
        "1:a",
        "--warmup",
        "1000000",
    ]);
    wait_for_handler(&child);
    common::send(&child, "-INT");
    let (code, out, _) = rest_of(child);
    assert_eq!(code, Some(130), "{out}");
    assert!(
        out.contains("of 1000000 warmup)"),
        "the runs column says what was asked: {out}"
    );
    let note = out
        .lines()
        .find(|l| l.starts_with("interrupted by Ctrl-C (SIGINT) during warm-up "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        note.ends_with(" of 1000000, before any run was counted"),
        "{note}"
    );
}

#[test]
fn ctrl_c_between_real_runs_gives_a_report() {
    let child = saywhen(&[
        "serial",
        "1ms:a",
        "--runs",
        "1000000",
        "--no-timeline",
        "--width",
        "200",
    ]);
    let (code, out, _) = signalled_after(child, "finished at", "-INT");
    assert_eq!(code, Some(130), "{out}");
    assert!(
        out.contains("interrupted by Ctrl-C (SIGINT) after "),
        "{out}"
    );
}

#[test]
fn sighup_in_a_series_reports_and_exits_129() {
    let child = saywhen(&[
        "--virtual-time",
        "gather",
        "1:a",
        "--runs",
        "1000000",
        "--width",
        "200",
    ]);
    let (code, out, err) = signalled_after(child, "finished at", "-HUP");
    assert_eq!(code, Some(129), "{out}");
    assert!(out.contains("interrupted by SIGHUP after "), "{out}");
    assert_eq!(
        err,
        "error: interrupted by SIGHUP: unfinished pairs are reported as interrupted\n"
    );
}

#[test]
fn a_compare_stopped_in_a_series_ranks_no_stopped_mode_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    let [json, jsonl, csv, md] = ["r.json", "r.jsonl", "r.csv", "r.md"].map(|n| dir.path().join(n));
    let mut args = vec![
        "--virtual-time",
        "compare",
        "1:a",
        "2:b",
        "--runs",
        "1000000",
        "--no-timeline",
        "--width",
        "200",
    ];
    for path in [&json, &jsonl, &csv, &md] {
        args.extend(["--export", path.to_str().unwrap()]);
    }
    // serial's first run shows live; its other runs are silent.
    let (code, out, err) = signalled_after(saywhen(&args), "finished at", "-TERM");
    assert_eq!(code, Some(143), "{out}{err}");

    let row = out
        .lines()
        .find(|l| l.contains("serial (stopped: SIGTERM)"))
        .unwrap_or_else(|| panic!("{out}"));
    let cells: Vec<&str> = row
        .split('┆')
        .map(|cell| cell.trim_matches(|c: char| c.is_whitespace() || c == '│'))
        .collect();
    assert_eq!(
        &cells[3..6],
        ["-", "-", "-"],
        "overhead, speedup, rank: {row}"
    );
    let note = out
        .lines()
        .find(|l| l.starts_with("interrupted by SIGTERM in serial after "))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        note.ends_with(" of 1000000 runs; tasks and gather did not run"),
        "{note}"
    );

    let doc = json_at(&json);
    assert_eq!(doc["interrupted"], "SIGTERM");
    assert_eq!(doc["not_run"], serde_json::json!(["tasks", "gather"]));
    let serial = &doc["modes"][0];
    for key in ["overhead_s", "speedup_vs_serial", "relative_to_fastest"] {
        assert!(serial[key].is_null(), "{key}: {serial}");
    }
    assert_eq!(serial["runs_asked"], 1_000_000);

    let jsonl = std::fs::read_to_string(&jsonl).unwrap();
    let summary: Value = serde_json::from_str(jsonl.lines().last().unwrap()).unwrap();
    assert_eq!(summary["interrupted"], "SIGTERM");
    assert!(summary["modes"][0]["relative_to_fastest"].is_null());

    let csv = std::fs::read_to_string(&csv).unwrap();
    let last = csv.lines().last().unwrap();
    assert!(
        last.starts_with("# interrupted by SIGTERM in serial after "),
        "{csv}"
    );

    let md = std::fs::read_to_string(&md).unwrap();
    assert!(md.contains("| serial (stopped: SIGTERM) |"), "{md}");
    assert!(md.contains("| - | - | - |"), "{md}");
    assert!(
        md.contains("\ninterrupted by SIGTERM in serial after "),
        "{md}"
    );
}

/// The mode stopped mid-run has the shortest wall (it was cut at once):
/// it used to be ranked fastest, with a negative overhead.
#[test]
fn a_mode_cut_short_is_not_ranked_fastest() {
    let mut child = saywhen(&[
        "compare",
        "--modes",
        "tasks,serial",
        "0:a",
        "1:b",
        "--format",
        "jsonl",
    ]);
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    // serial's `a`, said at once, after tasks has finished.
    let mut started = 0;
    loop {
        let mut line = String::new();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "{seen}");
        seen.push_str(&line);
        started += usize::from(line.contains("\"event\":\"started\""));
        if started == 2 && line.contains("\"event\":\"said\"") {
            break;
        }
    }
    common::send(&child, "-INT");
    stdout.read_to_string(&mut seen).unwrap();
    let (code, out, _) = finished(child, seen);
    assert_eq!(code, Some(130), "{out}");
    let summary: Value = serde_json::from_str(out.lines().last().unwrap()).unwrap();
    let [tasks, serial] = [&summary["modes"][0], &summary["modes"][1]];
    assert_eq!(serial["interrupted"], "SIGINT");
    for key in ["overhead_s", "speedup_vs_serial", "relative_to_fastest"] {
        assert!(serial[key].is_null(), "{key}: {serial}");
    }
    assert_eq!(tasks["relative_to_fastest"], 1.0, "{summary}");
    assert!(tasks["overhead_s"].as_f64().unwrap() >= 0.0);
}
