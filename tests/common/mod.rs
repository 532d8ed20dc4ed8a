//! Shared helpers for the end-to-end tests.
#![allow(dead_code)]

use assert_cmd::Command;

pub mod browser;
pub mod gantt;
pub mod trees;

/// Sends `signal`, as `kill` spells it (`-INT`, `-TERM`, `-HUP`), to
/// `child`.
pub fn send(child: &std::process::Child, signal: &str) {
    let status = std::process::Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill {signal} failed");
}

/// `saywhen` with the given arguments, on the virtual clock.
pub fn virtual_run(args: &[&str]) -> Command {
    let mut cmd = saywhen();
    cmd.arg("--virtual-time").args(args);
    cmd
}

/// The saywhen binary, with a fixed time zone so times are predictable.
pub fn saywhen() -> Command {
    let mut cmd = Command::cargo_bin("saywhen").expect("the saywhen binary is built");
    // A test suite run inside GitHub Actions must not see it either.
    cmd.env("TZ", "UTC")
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY");
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

/// Runs saywhen with `args` and checks it refuses them the way bad input
/// must be refused: exit 2, nothing on stdout, one `error:` line on stderr
/// containing `expected`, and no panic or backtrace (even with
/// RUST_BACKTRACE=1).
pub fn rejects(args: &[&str], expected: &str) {
    let output = saywhen()
        .env("RUST_BACKTRACE", "1")
        .args(args)
        .assert()
        .code(2)
        .stdout("")
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    assert!(stderr.contains(expected), "{args:?}: {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("backtrace"),
        "{stderr}"
    );
}

/// The live lines of the human view (`+1s  hello`, `+1s  slow (cancelled)`),
/// trimmed.
pub fn said_lines(output: &str) -> Vec<String> {
    output
        .lines()
        .filter(|l| l.trim_start().starts_with('+'))
        .map(|l| l.trim().to_owned())
        .collect()
}
