//! No panic text anywhere, ever: every way saywhen can fail (bad input,
//! impossible combinations, files that cannot be read or written, closed
//! streams, running out of threads) ends with its own `error:` line and
//! exit code, never a Rust panic message or backtrace, even with
//! RUST_BACKTRACE=1 (which shows one for any panic).

mod common;

use std::process::Output;

use common::saywhen;

/// Runs `args` (with `stdin`), checks that saywhen failed with one of its
/// own exit codes, and that stderr has no trace of a panic.
fn fails_cleanly(args: &[&str], stdin: &[u8]) -> Output {
    let output = saywhen()
        .env("RUST_BACKTRACE", "1")
        .args(args)
        .write_stdin(stdin)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code();
    assert!(
        matches!(code, Some(1 | 2 | 70 | 74)),
        "{args:?}: exit {code:?}: {stderr}"
    );
    assert!(no_panic(&stderr), "{args:?}: {stderr}");
    assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
    output
}

fn no_panic(stderr: &str) -> bool {
    !["panicked", "backtrace", "RUST_BACKTRACE"]
        .iter()
        .any(|trace| stderr.contains(trace))
}

#[test]
fn every_failure_is_an_error_line_not_a_panic() {
    let scratch = env!("CARGO_TARGET_TMPDIR");
    let missing = format!("{scratch}/no/such/dir/run.json");
    let cases: &[&[&str]] = &[
        &["serial"],
        &["serial", "1:a", "abc:b"],
        &["serial", "-1:a"],
        &["serial", "-inf:a"],
        &["serial", "1M:a"],
        &["serial", "1e-2147483649x:a"],
        &["serial", "99999999999999999999999999999999:a"],
        &["serial", "1:a", "--file", "/no/such/pairs.txt"],
        &["serial", "1:a", "--file", "/"],
        &["serial", "--file", "/dev/zero"],
        &["--runs", "-1", "serial", "1:a"],
        &["--runs", "0", "serial", "1:a"],
        &["--limit", "0", "serial", "1:a"],
        &["--workers", "100000", "tasks", "1:a"],
        &["--width", "5", "serial", "1:a"],
        &["--virtual-time", "--workers", "2", "tasks", "1:a"],
        &["--deadlines", "absolute", "tasks", "1:a"],
        &["--timeout", "1s", "threads", "1:a"],
        &["--virtual-time", "--max-wall", "1ms", "serial", "1:a"],
        &["--check", "--tolerance", "0s", "serial", "1.5ms:a"],
        &["--virtual-time", "serial", "1:a", "--export", &missing],
        &["--virtual-time", "serial", "1:a", "--export", "run.yaml"],
        &["--virtual-time", "serial", "1:a", "--export", "/dev/full"],
        &[
            "--virtual-time",
            "--limit",
            "2",
            "compare",
            "--modes",
            "blocking",
            "1:a",
        ],
        &["--virtual-time", "compare", "--modes", "bogus", "1:a"],
        &["explain", "bogus"],
        &["explain", "gather", "--runs", "2"],
        &["completions", "tcsh"],
        &["bogus"],
        &["serial", "1:a", "--bogus"],
    ];
    for args in cases {
        fails_cleanly(args, b"");
    }
    fails_cleanly(&["serial", "--file", "-"], b"1:a\n\xff\xfe\n");
    fails_cleanly(&["serial", "-"], b"");
}

/// Writing the results to a full disk is exit 74 with an error line.
#[cfg(target_os = "linux")]
#[test]
fn a_full_stdout_is_an_error_line() {
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("saywhen"))
        .env("RUST_BACKTRACE", "1")
        .args(["--virtual-time", "serial", "1:a"])
        .stdout(std::fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(74), "{stderr}");
    assert!(no_panic(&stderr), "{stderr}");
}

/// `threads` needs one OS thread per pair, and one more to join them: when
/// the system has no more, saywhen says so (exit 70), wherever the last
/// thread ran out. Address space is capped (`ulimit -v`) so that a few dozen
/// threads use it up. Where exactly it runs out varies from run to run
/// (glibc's arenas, the timing of the threads' own set-up), and so does
/// what fails: the last thread's stack, its signal stack, its first
/// thread-local, the joins' thread (where tokio's `spawn_blocking` panicked
/// with "OS can't spawn worker thread"). So the cap goes through a range,
/// and the pair count through the few around the last that fit.
#[cfg(target_os = "linux")]
#[test]
fn running_out_of_threads_is_an_error_line() {
    let threads = |cap_kb: usize, pairs: usize| {
        let binary = assert_cmd::cargo::cargo_bin("saywhen");
        let script = format!(
            "ulimit -v {cap_kb} && seq {pairs} | sed 's/.*/0.02:x/' | exec '{}' threads --file - -q",
            binary.display()
        );
        let output = std::process::Command::new("bash")
            .args(["-c", &script])
            .env("RUST_BACKTRACE", "1")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let context = format!("ulimit -v {cap_kb}, {pairs} pairs: {stderr}");
        assert!(no_panic(&stderr), "{context}");
        assert!(matches!(output.status.code(), Some(0 | 70)), "{context}");
        stderr
    };
    for cap_kb in (300_000..=900_000).step_by(5_000) {
        threads(cap_kb, 2_000);
    }
    let stderr = threads(600_000, 2_000);
    let Some(first_refused) = stderr
        .split_once("could not start a thread for pair ")
        .and_then(|(_, rest)| rest.split_once(' '))
        .and_then(|(number, _)| number.parse::<usize>().ok())
    else {
        eprintln!("skipped: 2,000 threads fit in 600 MB of address space here: {stderr}");
        return;
    };
    for pairs in first_refused.saturating_sub(3).max(1)..=first_refused + 1 {
        threads(600_000, pairs);
    }
}
