//! `compare` and `--check` on the real clock, briefly. Sleeps never end
//! early, and the slack is generous (250 ms) so a loaded 2-core machine
//! passes every time: these tests prove the story, not the speed.

mod common;

use common::{saywhen, stdout_of};
use serde_json::Value;

const SLACK: f64 = 0.25;

#[test]
fn serial_takes_the_sum_and_the_others_the_longest() {
    let out = stdout_of(saywhen().args([
        "compare",
        "50ms:a",
        "100ms:b",
        "--runs",
        "2",
        "--format",
        "json",
        "--check",
        "--tolerance",
        "250ms",
    ]));
    let doc: Value = serde_json::from_str(&out).expect("one JSON document");
    assert_eq!(doc["clock"], "real");
    for (mode, expected) in doc["modes"]
        .as_array()
        .unwrap()
        .iter()
        .zip([0.15, 0.1, 0.1])
    {
        let median = mode["wall_s"]["median"].as_f64().unwrap();
        assert_eq!(mode["expected_s"].as_f64().unwrap(), expected);
        assert!(
            median >= expected && median < expected + SLACK,
            "{}: median {median} for {expected}",
            mode["mode"]
        );
        assert!(
            mode["wall_s"]["stddev"].as_f64().is_some(),
            "two runs spread"
        );
        assert_eq!(mode["runs"], 2);
    }
}

#[test]
fn max_wall_fails_a_run_that_cannot_meet_it() {
    // 100 ms of sleep cannot finish within 50 ms, however fast the machine.
    saywhen()
        .args(["gather", "100ms:a", "--max-wall", "50ms", "--quiet"])
        .assert()
        .code(1)
        .stderr(predicates::str::contains("check failed: gather took"))
        .stderr(predicates::str::contains("more than --max-wall 50ms"));
}
