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
