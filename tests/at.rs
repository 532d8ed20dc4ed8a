//! `--at T`: every node's state at one instant, as the event-loop model
//! plays the run; nothing runs, so it is instant on either clock.

use assert_cmd::Command;
use serde_json::Value;

fn saywhen(args: &[&str]) -> Command {
    let mut command = Command::cargo_bin("saywhen").unwrap();
    command.args(args).env("NO_COLOR", "1");
    command
}

fn json(args: &[&str]) -> Value {
    let output = saywhen(args).output().unwrap();
    assert!(output.status.success(), "{output:?}");
    serde_json::from_slice(&output.stdout).unwrap()
}

fn states(document: &Value) -> Vec<(String, String)> {
    document["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| {
            (
                n["id"].as_str().unwrap().to_owned(),
                n["state"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// The example: at 1 s, `a` has said its message and `b` sleeps.
#[test]
fn at_one_second_a_is_done_and_b_still_sleeps() {
    let document = json(&[
        "--virtual-time",
        "run",
        "gather(1:a, 2:b)",
        "--at",
        "1s",
        "--format",
        "json",
    ]);
    let expected = [("0", "children"), ("0.0", "done"), ("0.1", "sleeping")];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    assert_eq!(states(&document), expected);
    assert_eq!(document["past_the_end"], false);
    assert_eq!(document["holder"], Value::Null);
}

/// A real-clock run is not waited for: the model answers at once, and a
/// blocking pair is seen holding the thread.
#[test]
fn a_flat_mode_on_the_real_clock_answers_at_once() {
    let started = std::time::Instant::now();
    let document = json(&["blocking", "10:a", "10:b", "--at", "5s", "--format", "json"]);
    assert!(started.elapsed().as_secs() < 5);
    assert_eq!(document["holder"], "0.0");
    assert_eq!(states(&document)[2].1, "ready");
}

#[test]
fn past_the_end_is_the_final_state() {
    let document = json(&["serial", "1:a", "2:b", "--at", "1h", "--format", "json"]);
    assert_eq!(document["past_the_end"], true);
    assert!(states(&document).iter().all(|(_, state)| state == "done"));
}

#[test]
fn a_bad_time_or_an_option_that_needs_a_run_is_refused() {
    let refused = [
        (&["gather", "1:a", "--at", "soon"][..], "--at"),
        (&["gather", "1:a", "--at", "-1s"], "negative"),
        (&["gather", "1:a", "--at", "1s", "--runs", "3"], "--runs"),
        (
            &["gather", "1:a", "--at", "1s", "--format", "trace"],
            "trace",
        ),
        (&["--limit", "2", "tasks", "1:a", "--at", "1s"], "limit(2"),
        (&["compare", "1:a", "--at", "1s"], "one run"),
        (&["run", "1:a", "1:b", "--at", "1s"], "one scenario"),
        (&["run", "--dry-run", "1:a", "--at", "1s"], "--dry-run"),
    ];
    for (args, says) in refused {
        let output = saywhen(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.starts_with("error: ") && stderr.contains(says),
            "{args:?}: {stderr}"
        );
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}
