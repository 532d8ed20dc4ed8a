//! End-to-end runs of each mode on the virtual clock (`--virtual-time`):
//! tokio's paused clock jumps to the next timer whenever every task waits,
//! so hours of delays finish in milliseconds and every offset is exact.

mod common;

use common::{said_lines, stdout_of, virtual_run, without_clock_times};
use serde_json::Value;

fn json(args: &[&str]) -> Value {
    let mut full = vec!["--format", "json"];
    full.extend_from_slice(args);
    let out = stdout_of(&mut virtual_run(&full));
    serde_json::from_str(&out).expect("stdout is one JSON document")
}

#[test]
fn serial_says_in_argument_order_and_takes_the_sum() {
    let out = stdout_of(&mut virtual_run(&["serial", "2:world", "1:hello"]));
    assert_eq!(said_lines(&out), ["+2s  world", "+3s  hello"]);
    let doc = json(&["serial", "1:hello", "2:world"]);
    assert_eq!(doc["expected_s"], 3.0);
    assert_eq!(doc["wall_s"], 3.0);
}

#[test]
fn tasks_say_in_deadline_order_and_take_the_longest() {
    let out = stdout_of(&mut virtual_run(&["tasks", "2:world", "1:hello"]));
    assert_eq!(said_lines(&out), ["+1s  hello", "+2s  world"]);
    let doc = json(&["tasks", "2:world", "1:hello"]);
    assert_eq!(doc["expected_s"], 2.0);
    assert_eq!(doc["wall_s"], 2.0);
}

#[test]
fn gather_says_in_deadline_order_and_takes_the_longest() {
    let out = stdout_of(&mut virtual_run(&["gather", "2:world", "1:hello"]));
    assert_eq!(said_lines(&out), ["+1s  hello", "+2s  world"]);
    let doc = json(&["gather", "1:hello", "2:world"]);
    assert_eq!(doc["wall_s"], 2.0);
}

#[test]
fn the_tutorial_story_three_two_two() {
    for (mode, wall) in [("serial", 3.0), ("tasks", 2.0), ("gather", 2.0)] {
        let doc = json(&[mode, "1:hello", "2:world"]);
        assert_eq!(doc["wall_s"], wall, "{mode}");
        assert_eq!(doc["mode"], mode);
        assert_eq!(doc["clock"], "virtual");
    }
}

#[test]
fn hours_finish_instantly_and_exactly() {
    let started = std::time::Instant::now();
    let doc = json(&["serial", "1h:a", "2h:b"]);
    assert_eq!(doc["wall_s"], 10_800.0);
    assert_eq!(doc["overhead_s"], 0.0);
    // Generous: the point is "not three hours", not a speed target.
    assert!(started.elapsed().as_secs() < 30);
}

#[test]
fn equal_deadlines_say_in_argument_order() {
    let pairs = ["1:a", "1:b", "1:c", "0.5:d", "1:e", "0.5:f"];
    for mode in ["tasks", "gather"] {
        let mut args = vec![mode];
        args.extend_from_slice(&pairs);
        let out = stdout_of(&mut virtual_run(&args));
        assert_eq!(
            said_lines(&out),
            [
                "+500ms  d",
                "+500ms  f",
                "+1s  a",
                "+1s  b",
                "+1s  c",
                "+1s  e"
            ],
            "{mode}"
        );
    }
}

#[test]
fn runs_are_byte_for_byte_repeatable_apart_from_clock_times() {
    let args = ["tasks", "1:a", "250ms:b", "1:c", "2m:d", "0:e"];
    let first = without_clock_times(&stdout_of(&mut virtual_run(&args)));
    let second = without_clock_times(&stdout_of(&mut virtual_run(&args)));
    assert_eq!(first, second);
}

#[test]
fn options_go_before_or_after_the_mode() {
    let before =
        stdout_of(common::saywhen().args(["--virtual-time", "--format", "json", "gather", "1:a"]));
    let after =
        stdout_of(common::saywhen().args(["gather", "1:a", "--format", "json", "--virtual-time"]));
    let before: Value = serde_json::from_str(&before).unwrap();
    let after: Value = serde_json::from_str(&after).unwrap();
    assert_eq!(before["clock"], "virtual");
    assert_eq!(before["pairs"], after["pairs"]);
}

#[test]
fn json_has_every_field_of_every_pair() {
    let doc = json(&["serial", "1:hello", "250ms:a:b", "0:"]);
    assert_eq!(doc["schema"], 1);
    for key in ["started_at", "finished_at"] {
        let text = doc[key].as_str().unwrap();
        // RFC 3339 with a numeric offset, e.g. 2026-11-25T04:16:32.123+00:00
        assert_eq!(text.len(), 29, "{text}");
        assert!(text.ends_with("+00:00"), "{text}");
        assert!(!text.contains('['), "{text}");
    }
    let pairs = doc["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 3);
    assert_eq!(pairs[1]["index"], 1);
    assert_eq!(pairs[1]["message"], "a:b");
    assert_eq!(pairs[1]["delay_s"], 0.25);
    assert_eq!(pairs[1]["start_s"], 1.0);
    assert_eq!(pairs[1]["finish_s"], 1.25);
    assert_eq!(pairs[1]["late_s"], 0.0);
    assert_eq!(pairs[1]["status"], "done");
    assert_eq!(pairs[2]["message"], "");
    assert_eq!(doc["wall_s"], 1.25);
}

#[test]
fn finished_at_is_start_plus_virtual_time() {
    let doc = json(&["gather", "1h:a"]);
    let start: jiff::Timestamp = doc["started_at"].as_str().unwrap().parse().unwrap();
    let finish: jiff::Timestamp = doc["finished_at"].as_str().unwrap().parse().unwrap();
    assert_eq!(
        finish.duration_since(start),
        jiff::SignedDuration::from_hours(1)
    );
}

#[test]
fn sub_millisecond_delays_fire_on_the_next_millisecond_tick() {
    // tokio's timer counts whole milliseconds: 1.5ms fires at 2ms, and the
    // report says so instead of pretending: the pair is late by the step,
    // which the model of the event loop expects.
    let doc = json(&["tasks", "1.5ms:a"]);
    assert_eq!(doc["pairs"][0]["finish_s"], 0.002);
    assert_eq!(doc["pairs"][0]["late_s"], 0.0005);
    assert_eq!(doc["expected_s"], 0.002);
}

#[test]
fn the_human_view_tells_the_story() {
    let out = stdout_of(&mut virtual_run(&["serial", "1:hello", "2:world"]));
    let out = without_clock_times(&out);
    insta::assert_snapshot!(out);
}

#[test]
fn messages_cannot_drive_the_terminal() {
    let out = stdout_of(&mut virtual_run(&["tasks", "0:\x1b[31mred\x07\rover"]));
    assert!(!out.contains('\x1b') && !out.contains('\x07') && !out.contains('\r'));
    assert!(out.contains("\\e[31mred\\a\\rover"));
    // JSON keeps the exact text, escaped by JSON itself.
    let doc = json(&["tasks", "0:\x1b[31mred"]);
    assert_eq!(doc["pairs"][0]["message"], "\x1b[31mred");
}
