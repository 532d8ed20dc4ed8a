//! Faults from outside: Ctrl-C and SIGTERM in the middle of a run, a reader
//! that closes stdout early, text that is not UTF-8. The signal tests run
//! the real binary on the real clock with long delays: each sends its
//! signal once the run has visibly started (its `started at` line), so they
//! do not depend on timing, and they end in well under a second.

mod common;

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use saywhen::measure::report::Status;
use saywhen::{Clock, Mode, Pair, Plan, RunSpec, Silent, Stop, StopReason};

/// Starts saywhen with piped stdout and stderr and waits for its first
/// line, so the run (and the signal handler) is surely under way.
fn started(args: &[&str]) -> (Child, BufReader<std::process::ChildStdout>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_saywhen"))
        .args(args)
        .env("TZ", "UTC")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("saywhen starts");
    let mut stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    let mut first = String::new();
    stdout.read_line(&mut first).expect("a first line");
    (child, stdout, first)
}

fn rest_of(mut stdout: impl Read) -> String {
    let mut text = String::new();
    stdout.read_to_string(&mut text).expect("stdout is UTF-8");
    text
}

fn stderr_of(child: &mut Child) -> String {
    rest_of(child.stderr.take().expect("piped stderr"))
}

#[cfg(unix)]
#[test]
fn ctrl_c_prints_the_report_so_far_and_exits_130() {
    let (mut child, mut stdout, first) = started(&["tasks", "0:now", "60:later", "120:never"]);
    assert!(first.starts_with("started at"), "{first}");
    let mut said = String::new();
    stdout.read_line(&mut said).unwrap();
    assert!(said.ends_with("  now\n"), "{said}");
    let sent = Instant::now();
    common::send(&child, "-INT");
    let rest = rest_of(stdout);
    let status = child.wait().unwrap();
    assert!(sent.elapsed() < Duration::from_secs(10), "stopped at once");
    assert_eq!(status.code(), Some(130), "{rest}");
    assert!(rest.contains("interrupted at"), "{rest}");
    // Both unfinished pairs are in the table, marked as such.
    assert_eq!(rest.matches("┆ interrupted ┆").count(), 2, "{rest}");
    assert!(rest.contains("(interrupted by Ctrl-C (SIGINT))"), "{rest}");
    assert!(stderr_of(&mut child).contains("interrupted by Ctrl-C"));
}

/// Modes whose pairs sleep in OS threads stop at once too: the threads
/// are left asleep (the process exit ends them), and neither the joins nor
/// the runtime's shutdown hold the report back. The multi-thread runtime
/// also frees `blocking` from its stuck executor.
#[cfg(unix)]
#[test]
fn ctrl_c_stops_modes_whose_pairs_sleep_in_threads() {
    for args in [
        &["threads", "0:now", "60:later"][..],
        &["spawn-blocking", "0:now", "60:later"],
        &["blocking", "--runtime", "multi-thread", "0:now", "60:later"],
        &["tasks", "--runtime", "multi-thread", "0:now", "60:later"],
    ] {
        let (mut child, mut stdout, _) = started(args);
        let mut said = String::new();
        stdout.read_line(&mut said).unwrap();
        assert!(said.ends_with("  now\n"), "{args:?}: {said}");
        let sent = Instant::now();
        common::send(&child, "-INT");
        let rest = rest_of(stdout);
        let status = child.wait().unwrap();
        assert!(sent.elapsed() < Duration::from_secs(10), "{args:?}");
        assert_eq!(status.code(), Some(130), "{args:?}: {rest}");
        assert_eq!(
            rest.matches("┆ interrupted ┆").count(),
            1,
            "{args:?}: {rest}"
        );
    }
}

#[cfg(unix)]
#[test]
fn sigterm_leaves_a_valid_json_document_and_exits_143() {
    // JSON prints nothing live, so there is no line to wait for: give the
    // run a moment to start (a signal before that would kill it outright,
    // and the test would fail, not pass).
    let mut child = Command::new(env!("CARGO_BIN_EXE_saywhen"))
        .args(["gather", "0:now", "60:later", "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    common::send(&child, "-TERM");
    let stdout = rest_of(child.stdout.take().unwrap());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(143), "{stdout}");
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_eq!(doc["interrupted"], "SIGTERM");
    // Measured against a run that never ended, overhead would mean nothing.
    assert!(doc["overhead_s"].is_null(), "{doc}");
    let statuses: Vec<_> = doc["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(statuses, ["done", "interrupted"]);
    assert!(doc["pairs"][1]["finish_s"].is_null());
}

#[cfg(unix)]
#[test]
fn a_second_ctrl_c_ends_the_process_at_once() {
    use std::os::unix::process::ExitStatusExt;
    // 1,000 unfinished pairs with long messages make a report table larger
    // than a pipe holds, so after the first Ctrl-C saywhen blocks writing
    // it (nobody reads yet).
    let pairs: Vec<String> = (0..1000).map(|i| format!("60:{i:0>100}")).collect();
    let mut args = vec!["tasks"];
    args.extend(pairs.iter().map(String::as_str));
    let (mut child, stdout, _) = started(&args);
    common::send(&child, "-INT");
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        child.try_wait().unwrap().is_none(),
        "the first Ctrl-C lets the report be written"
    );
    common::send(&child, "-INT");
    let status = child.wait().unwrap();
    drop(stdout);
    // Killed by the signal itself, as if there were no handler at all.
    assert_eq!(status.signal(), Some(2), "{status:?}");
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_ends_the_run_quietly() {
    // `saywhen tasks 0:first 1h:last | head -1`: once head has its line and
    // leaves, saywhen notices and ends, without waiting an hour.
    let (mut child, stdout, first) = started(&["tasks", "0:first", "1h:last"]);
    assert!(first.starts_with("started at"));
    let closed = Instant::now();
    drop(stdout);
    let status = child.wait().unwrap();
    assert!(closed.elapsed() < Duration::from_secs(10));
    assert_eq!(status.code(), Some(0));
    assert_eq!(stderr_of(&mut child), "", "no panic, no message");
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_during_a_burst_is_quiet_too() {
    // Every line is written at once here, into a pipe already closed.
    let pairs: Vec<String> = (0..20_000).map(|i| format!("0:m{i}")).collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_saywhen"))
        .arg("--virtual-time")
        .arg("gather")
        .args(&pairs)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(stderr_of(&mut child), "");
    assert_eq!(status.code(), Some(0));
}

#[cfg(unix)]
#[test]
fn an_argument_that_is_not_utf8_is_a_clear_error() {
    use std::os::unix::ffi::OsStringExt;
    let bad = OsString::from_vec(b"1:caf\xe9".to_vec());
    let output = Command::new(env!("CARGO_BIN_EXE_saywhen"))
        .args([OsString::from("serial"), OsString::from("1:ok"), bad])
        .env("RUST_BACKTRACE", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: argument 2 is not valid UTF-8: a pair is text such as 1:hello\n"
    );
}

/// The library's side of a stop: on the virtual clock, a stop asked at
/// 1.5 s ends the run at exactly 1.5 s, with the pair that was due at 1 s
/// done and the one due at 2 s interrupted. (Not race, which is over at
/// 1 s, nor the blocking-style modes, which need the real clock.)
#[test]
fn a_stop_ends_a_run_where_it_stands() {
    for mode in [Mode::Serial, Mode::Tasks, Mode::Gather, Mode::Joinset] {
        let plan = Plan::new(vec![
            Pair::new(Duration::from_secs(1), "a"),
            Pair::new(Duration::from_secs(2), "b"),
        ])
        .unwrap();
        let stop = Stop::new();
        let spec = RunSpec::new(mode, Clock::Virtual).with_stop(stop.clone());
        let runtime = Clock::Virtual.runtime().unwrap();
        let report = runtime.block_on(async {
            let asker = tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(1500)).await;
                stop.request(StopReason::Terminate)
            });
            let report = saywhen::run_async(Arc::new(plan), &spec, Arc::new(Silent)).await;
            assert!(asker.await.unwrap(), "the run was listening");
            report.unwrap()
        });
        assert_eq!(report.interrupted, Some(StopReason::Terminate), "{mode}");
        assert_eq!(report.wall, Duration::from_millis(1500), "{mode}");
        let statuses: Vec<Status> = report.pairs().map(|p| p.status()).collect();
        assert_eq!(statuses, [Status::Done, Status::Interrupted], "{mode}");
    }
}
