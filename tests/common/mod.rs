//! Shared helpers for the end-to-end tests.
#![allow(dead_code)]

use assert_cmd::Command;

/// `saywhen` with the given arguments, on the virtual clock.
pub fn virtual_run(args: &[&str]) -> Command {
    let mut cmd = saywhen();
    cmd.arg("--virtual-time").args(args);
    cmd
}

/// The saywhen binary, with a fixed time zone so times are predictable.
pub fn saywhen() -> Command {
    let mut cmd = Command::cargo_bin("saywhen").expect("the saywhen binary is built");
    cmd.env("TZ", "UTC").env_remove("NO_COLOR").env_remove("CI");
    cmd
}

/// stdout of a successful run, as text.
pub fn stdout_of(cmd: &mut Command) -> String {
    let output = cmd.assert().success().get_output().stdout.clone();
    String::from_utf8(output).expect("stdout is UTF-8")
}

/// Replaces wall-clock times (which change every run) with placeholders.
pub fn without_clock_times(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let masked = match line.split_once(" at ") {
            Some((head, tail)) if head == "started" || head == "finished" => {
                format!("{head} at HH:MM:SS{}", &tail[8.min(tail.len())..])
            }
            _ => line.to_owned(),
        };
        out.push_str(&masked);
        out.push('\n');
    }
    out
}
