//! Many pairs: the human table summarises above its limit (and says so),
//! machine formats stay complete. On the virtual clock, so every number in
//! the snapshot is exact.

mod common;

use common::{stdout_of, virtual_run, without_clock_times};
use saywhen::render::summary::ROWS_LIMIT;

/// `n` pairs on stdin, one a line: pair `i` waits 1 s + i ms.
fn pairs_file(n: usize) -> String {
    (0..n).map(|i| format!("{}ms:m{i}\n", 1000 + i)).collect()
}

fn run_with(n: usize, args: &[&str]) -> String {
    let mut cmd = virtual_run(args);
    cmd.args(["--file", "-"]).write_stdin(pairs_file(n));
    stdout_of(&mut cmd)
}

#[test]
fn above_the_limit_the_table_summarises_and_says_so() {
    let n = ROWS_LIMIT + 1;
    let out = run_with(n, &["tasks"]);
    // Every live line is still there: output is only summarised at the end.
    assert_eq!(out.lines().filter(|l| l.contains("  m")).count(), n);
    let report = out.split_once("finished at").unwrap().1;
    let report = report.split_once('\n').unwrap().1;
    insta::assert_snapshot!(without_clock_times(report));
}

#[test]
fn at_the_limit_every_pair_has_its_row() {
    let out = run_with(ROWS_LIMIT, &["gather"]);
    assert!(!out.contains("summarises"));
    // Rows of the pairs table: `│ 12 ┆ m11 ┆ ...`.
    let rows = out
        .lines()
        .filter(|l| l.starts_with('│') && l.contains(" ┆ m") && !l.contains("message"))
        .count();
    assert_eq!(rows, ROWS_LIMIT);
}

#[test]
fn machine_formats_are_never_summarised() {
    let n = ROWS_LIMIT * 3;
    let out = run_with(n, &["gather", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let pairs = doc["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), n);
    assert_eq!(pairs[n - 1]["message"], format!("m{}", n - 1));
    assert_eq!(doc["wall_s"], 1.0 + (n - 1) as f64 / 1000.0);
}
