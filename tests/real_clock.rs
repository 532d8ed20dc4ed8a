//! A few short runs on the real clock. Sleeps never end early, and the
//! tolerance above is generous (250 ms) so a loaded 2-core machine passes
//! every time: these tests prove the story, not the speed.

mod common;

use common::{saywhen, stdout_of};
use serde_json::Value;

const SLACK: f64 = 0.25;

fn wall_of(mode: &str) -> Value {
    let out = stdout_of(saywhen().args([mode, "100ms:a", "200ms:b", "--format", "json"]));
    serde_json::from_str(&out).expect("one JSON document")
}

fn assert_wall(doc: &Value, expected: f64) {
    let wall = doc["wall_s"].as_f64().unwrap();
    assert_eq!(doc["expected_s"].as_f64().unwrap(), expected);
    assert_eq!(doc["clock"], "real");
    assert!(
        wall >= expected && wall < expected + SLACK,
        "wall {wall} for {expected}"
    );
    assert!(doc["overhead_s"].as_f64().unwrap() >= 0.0);
}

#[test]
fn serial_takes_the_sum() {
    let doc = wall_of("serial");
    assert_wall(&doc, 0.3);
    // The second pair starts when the first has finished.
    let first_finish = doc["pairs"][0]["finish_s"].as_f64().unwrap();
    let second_start = doc["pairs"][1]["start_s"].as_f64().unwrap();
    assert!(second_start >= first_finish && second_start < first_finish + SLACK);
}

#[test]
fn tasks_and_gather_take_the_longest() {
    for mode in ["tasks", "gather"] {
        let doc = wall_of(mode);
        assert_wall(&doc, 0.2);
        for pair in doc["pairs"].as_array().unwrap() {
            let late = pair["late_s"].as_f64().unwrap();
            assert!((0.0..SLACK).contains(&late), "{mode}: late by {late}");
        }
    }
}

#[test]
fn the_human_view_says_each_message_live_in_deadline_order() {
    let out = stdout_of(saywhen().args(["tasks", "150ms:slow", "50ms:fast"]));
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("started at "), "{out}");
    assert!(
        lines[1].ends_with("  fast") && lines[2].ends_with("  slow"),
        "{out}"
    );
    assert!(lines[3].starts_with("finished at "), "{out}");
    assert!(out.contains("measured wall"), "{out}");
}

/// Into a pipe, each line is flushed the moment it is said, not when the
/// run ends: the line for `0:first` arrives while `1h:last` still waits.
#[cfg(unix)]
#[test]
fn lines_reach_a_pipe_live() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    for format in ["table", "jsonl"] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_saywhen"))
            .args(["tasks", "0:first", "1h:last", "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("saywhen starts");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        // Were output held back until the end, reading would block for an
        // hour: a watchdog kills the child after 30 s, so the test fails.
        let (done, watch) = std::sync::mpsc::channel::<()>();
        let pid = child.id().to_string();
        let watchdog = std::thread::spawn(move || {
            if watch
                .recv_timeout(std::time::Duration::from_secs(30))
                .is_err()
            {
                let _ = Command::new("kill").args(["-9", &pid]).status();
            }
        });
        let mut lines = stdout.lines();
        let said = lines
            .by_ref()
            .map(|line| line.expect("UTF-8 lines"))
            .find(|line| line.contains("first"));
        let still_running = child.try_wait().expect("can poll the child").is_none();
        let _ = done.send(());
        let _ = watchdog.join();
        let _ = child.kill();
        let _ = child.wait();
        assert!(said.is_some(), "{format}: the first message arrived");
        assert!(still_running, "{format}: it arrived before the run ended");
    }
}
