//! `--file PATH` (and `-` for stdin): pairs one per line, after those on the
//! command line; bad lines are named by file and line number (exit 2).

mod common;

use std::path::PathBuf;

use common::{saywhen, stdout_of, virtual_run};
use predicates::prelude::*;
use serde_json::Value;

/// Writes `contents` to a file of its own under cargo's scratch directory.
fn pairs_file(name: &str, contents: &[u8]) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, contents).expect("the scratch directory is writable");
    path
}

fn messages(doc: &Value) -> Vec<&str> {
    doc["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["message"].as_str().unwrap())
        .collect()
}

#[test]
fn file_pairs_come_after_argument_pairs() {
    let path = pairs_file(
        "after.txt",
        b"# warm-up pairs\n1:from file\n\n  # indented comment\n2:second: with colon\r\n",
    );
    let out = stdout_of(
        virtual_run(&["serial", "0:arg", "--format", "json"])
            .arg("--file")
            .arg(&path),
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(messages(&doc), ["arg", "from file", "second: with colon"]);
    assert_eq!(doc["wall_s"], 3.0);
}

#[test]
fn file_alone_and_before_the_mode() {
    let path = pairs_file("alone.txt", b"1:a\n2:b\n");
    let out = stdout_of(
        saywhen()
            .args(["--virtual-time", "--format", "json", "--file"])
            .arg(&path)
            .arg("tasks"),
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(messages(&doc), ["a", "b"]);
    assert_eq!(doc["wall_s"], 2.0);
}

#[test]
fn dash_reads_stdin() {
    let out = stdout_of(
        virtual_run(&["gather", "--file", "-", "--format", "json"])
            .write_stdin("# piped\n1:x\n0.5:y\n"),
    );
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(messages(&doc), ["x", "y"]);
    assert_eq!(doc["wall_s"], 1.0);
}

#[test]
fn a_bad_line_is_named_by_file_and_line() {
    let path = pairs_file("bad.txt", b"1:a\n# fine\n\nsoon:b\n");
    let expected = format!(
        "error: invalid pair 'soon:b' ({} line 4): 'soon' is not a duration",
        path.display()
    );
    virtual_run(&["serial", "--file"])
        .arg(&path)
        .env("RUST_BACKTRACE", "1")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(expected))
        .stderr(predicate::str::contains("panicked").not());
    virtual_run(&["serial", "--file", "-"])
        .write_stdin("1:a\nnope\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid pair 'nope' (stdin line 2): no ':' between delay and message",
        ));
}

#[test]
fn invalid_utf8_in_a_line_is_a_clear_error() {
    let path = pairs_file("latin1.txt", b"1:ok\n2:caf\xe9\n");
    virtual_run(&["serial", "--file"])
        .arg(&path)
        .assert()
        .code(2)
        .stdout("")
        .stderr(format!(
            "error: {} line 2 is not valid UTF-8: a pair is text such as 1:hello\n",
            path.display()
        ));
}

#[test]
fn unreadable_or_empty_sources_are_usage_errors() {
    virtual_run(&["serial", "--file", "/no/such/pairs.txt"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "error: cannot read pairs from /no/such/pairs.txt: ",
        ));
    virtual_run(&["serial", "--file", "-"])
        .write_stdin("# nothing but comments\n\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no pairs to run"));
}

#[test]
fn many_pairs_from_stdin() {
    // What no command line holds: 20,000 pairs, piped in.
    let input: String = (0..20_000)
        .map(|i| format!("{}ms:m{i}\n", i % 1000))
        .collect();
    let out =
        stdout_of(virtual_run(&["gather", "--file", "-", "--format", "json"]).write_stdin(input));
    let doc: Value = serde_json::from_str(&out).unwrap();
    let pairs = doc["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 20_000);
    assert_eq!(pairs[19_999]["message"], "m19999");
    assert_eq!(doc["wall_s"], 0.999);
}

/// `--file /dev/zero` is one endless line: refused once it passes 1 MiB,
/// naming the file and the line, instead of read until memory runs out
/// (it grew to 4 GB and aborted).
#[cfg(unix)]
#[test]
fn an_endless_line_is_refused_at_one_mib() {
    let output = saywhen()
        .args(["serial", "--file", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stdout("")
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr,
        "error: /dev/zero line 1 is longer than 1 MiB, the longest line a pairs file may hold (a pair is one line, such as 1:hello)\n"
    );
}

/// The same cap holds for a file of scenarios (`saywhen run --file`),
/// which was read whole.
#[cfg(unix)]
#[test]
fn an_endless_scenario_file_is_refused_at_one_mib() {
    saywhen()
        .args(["run", "--file", "/dev/zero"])
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2)
        .stdout("")
        .stderr(
            "error: cannot read scenarios from /dev/zero: line 1 is longer than 1 MiB, the longest line it may hold\n",
        );
}

/// A bad line of 2 MB is not echoed back: the error quotes its first 80
/// characters, escaped.
#[test]
fn a_long_bad_line_is_quoted_short() {
    let mut line = b"\x1b[2J:".to_vec();
    line.extend(std::iter::repeat_n(b'y', 500_000));
    let path = pairs_file("long-bad.txt", &line);
    let output = saywhen()
        .args(["serial", "--file"])
        .arg(&path)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.len() < 400, "{} bytes: {stderr:.400}", stderr.len());
    let quote = format!("'\\e[2J:{}…'", "y".repeat(75));
    assert!(stderr.contains(&quote), "{stderr}");
    assert!(!stderr.contains('\x1b'), "{stderr:?}");
}
