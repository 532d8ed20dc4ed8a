//! Baselines: `--export base.json`, then `--baseline base.json --check`
//! fails (exit 1) when a mode's median is slower than the baseline's by
//! more than the tolerance and both runs' spread, and prints baseline
//! against now for every mode; a baseline from another plan is an error
//! (exit 2). On the virtual clock walls are exact, so the baselines that
//! must fail are made by editing a real one's JSON.

mod common;

use std::path::Path;

use serde_json::Value;

use common::browser::scratch;
use common::{rejects, saywhen, virtual_run};

/// Runs saywhen; returns stdout, stderr and the exit code.
fn run(args: &[&str]) -> (String, String, i32) {
    let output = virtual_run(args).output().expect("saywhen runs");
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.code().unwrap(),
    )
}

const PAIRS: [&str; 2] = ["1:hello", "2:world"];

/// A baseline of `compare 1:hello 2:world` written by saywhen, edited by
/// `edit`, at `dir/base.json`.
fn baseline(dir: &Path, edit: impl FnOnce(&mut Value)) -> String {
    let path = dir.join("base.json");
    let path_text = path.to_str().unwrap().to_owned();
    let mut args = vec!["compare", "--quiet"];
    args.extend(PAIRS);
    args.extend(["--export", &path_text]);
    let (_, stderr, code) = run(&args);
    assert_eq!(code, 0, "{stderr}");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    edit(&mut doc);
    std::fs::write(&path, doc.to_string()).unwrap();
    path_text
}

fn compare_with(base: &str, extra: &[&str]) -> (String, String, i32) {
    let mut args = vec!["compare", "--quiet", "--no-timeline"];
    args.extend(PAIRS);
    args.extend(["--baseline", base]);
    args.extend(extra);
    run(&args)
}

/// The baseline table's rows: (mode, verdict).
fn verdicts(text: &str) -> Vec<(String, String)> {
    let start = text.find("baseline ").expect("a baseline table");
    text[start..]
        .lines()
        .filter(|l| l.starts_with('│'))
        .skip(1)
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('│').split('┆').map(str::trim).collect();
            (cells[0].to_owned(), cells[cells.len() - 1].to_owned())
        })
        .collect()
}

fn owned(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect()
}

#[test]
fn the_same_run_again_passes_and_prints_baseline_against_now() {
    let dir = scratch("baseline");
    let base = baseline(&dir, |_| {});
    let (stdout, stderr, code) = compare_with(&base, &["--check"]);
    assert_eq!(code, 0, "{stderr}");
    let unwrapped = stdout.replace('\n', " ");
    assert!(
        unwrapped.contains(&format!(
            "baseline {base} · virtual clock · 1 run then, 1 run now"
        )),
        "{stdout}"
    );
    assert_eq!(
        verdicts(&stdout),
        owned(&[("serial", "same"), ("tasks", "same"), ("gather", "same")])
    );
    assert!(
        stdout.contains("│ serial ┆       3s ┆  3s ┆     0s ┆  +300ms ┆ same    │"),
        "{stdout}"
    );
}

#[test]
fn a_mode_slower_than_the_baseline_beyond_the_tolerance_fails() {
    let dir = scratch("baseline-slower");
    // As if serial had taken 2.5s: now 3s is 500ms slower, and the
    // default tolerance allows 10% of 2.5s, at least 50ms: 250ms.
    let base = baseline(&dir, |doc| doc["modes"][0]["wall_s"]["median"] = 2.5.into());
    let (stdout, stderr, code) = compare_with(&base, &["--check"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        stderr.lines().collect::<Vec<_>>(),
        [
            "error: check failed: serial took 3s, 500ms slower than the baseline's 2.5s; allowed 250ms (--tolerance 250ms + the runs' spread 0s)"
        ]
    );
    assert_eq!(
        verdicts(&stdout),
        owned(&[("serial", "slower"), ("tasks", "same"), ("gather", "same")])
    );
    // Without --check it is only shown.
    let (stdout, _, code) = compare_with(&base, &[]);
    assert_eq!(code, 0);
    assert_eq!(
        verdicts(&stdout)[0],
        ("serial".to_owned(), "slower".to_owned())
    );
    // A tolerance of 600ms lets it pass.
    let (_, _, code) = compare_with(&base, &["--check", "--tolerance", "600ms"]);
    assert_eq!(code, 0);
}

#[test]
fn both_runs_spread_is_allowed_for() {
    let dir = scratch("baseline-spread");
    // 500ms slower; a 250ms tolerance plus the baseline's 200ms stddev is
    // not enough, plus 300ms is.
    let with_spread = |sd: f64| {
        baseline(&dir, move |doc| {
            doc["modes"][0]["wall_s"]["median"] = 2.5.into();
            doc["modes"][0]["wall_s"]["stddev"] = sd.into();
            doc["modes"][0]["runs"] = 5.into();
        })
    };
    let (_, stderr, code) = compare_with(&with_spread(0.2), &["--check"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("allowed 450ms (--tolerance 250ms + the runs' spread 200ms)"),
        "{stderr}"
    );
    let (stdout, stderr, code) = compare_with(&with_spread(0.3), &["--check"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("2.5s ± 300ms"), "{stdout}");
    assert!(
        stdout.replace('\n', " ").contains("5 runs then, 1 run now"),
        "{stdout}"
    );
}

#[test]
fn a_faster_mode_passes_and_says_so() {
    let dir = scratch("baseline-faster");
    let base = baseline(&dir, |doc| doc["modes"][2]["wall_s"]["median"] = 3.0.into());
    let (stdout, _, code) = compare_with(&base, &["--check"]);
    assert_eq!(code, 0);
    assert_eq!(
        verdicts(&stdout)[2],
        ("gather".to_owned(), "faster".to_owned())
    );
}

#[test]
fn a_baseline_from_another_plan_is_an_error() {
    let dir = scratch("baseline-other");
    let base = baseline(&dir, |_| {});
    // Before anything runs: other pairs, another clock.
    rejects(
        &[
            "--virtual-time",
            "compare",
            "1:hello",
            "3:world",
            "--baseline",
            &base,
        ],
        &format!(
            "--baseline {base}: a baseline from another plan: pair 2 is 2s:world there, 3s:world here"
        ),
    );
    rejects(
        &["--virtual-time", "compare", "1:hello", "--baseline", &base],
        "a baseline from another plan: it has 2 pairs, this run 1",
    );
    rejects(
        &["compare", "1:hello", "2:world", "--baseline", &base],
        "it was measured on the virtual clock, this run is on the real clock",
    );
    // Other options change a mode's expected wall: found after the run,
    // whose report is printed first.
    let (stdout, stderr, code) = compare_with(&base, &["--timeout", "1.5s"]);
    assert_eq!(code, 2);
    assert!(stdout.contains("speedup vs"), "{stdout}");
    assert!(
        stderr.contains("serial was expected to take 3s there, 1.5s here"),
        "{stderr}"
    );
    // Nothing in common.
    let (_, stderr, code) = run(&["joinset", "1:hello", "2:world", "--baseline", &base]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("it measured serial, tasks, gather, nothing this run measured"),
        "{stderr}"
    );
}

#[test]
fn a_file_that_is_not_a_report_is_an_error() {
    let dir = scratch("baseline-bad");
    let not_json = dir.join("notes.txt");
    std::fs::write(&not_json, "hello").unwrap();
    rejects(
        &[
            "--virtual-time",
            "serial",
            "1:a",
            "--baseline",
            not_json.to_str().unwrap(),
        ],
        "not a saywhen JSON report (expected value at line 1 column 1); make one with --export base.json",
    );
    let other_json = dir.join("other.json");
    std::fs::write(&other_json, r#"{"name": "x"}"#).unwrap();
    rejects(
        &[
            "--virtual-time",
            "serial",
            "1:a",
            "--baseline",
            other_json.to_str().unwrap(),
        ],
        "not a saywhen JSON report (no \"schema\": 1)",
    );
    rejects(
        &[
            "--virtual-time",
            "serial",
            "1:a",
            "--baseline",
            "/no/such/base.json",
        ],
        "--baseline /no/such/base.json: cannot read it: ",
    );
}

#[test]
fn a_single_mode_and_repeated_runs_make_baselines_too() {
    let dir = scratch("baseline-single");
    let base = dir.join("serial.json");
    let base = base.to_str().unwrap();
    let (_, _, code) = run(&[
        "serial", "1:hello", "2:world", "--runs", "3", "--quiet", "--export", base,
    ]);
    assert_eq!(code, 0);
    // The compared modes the baseline did not measure say so.
    let (stdout, stderr, code) = compare_with(base, &["--check"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        verdicts(&stdout),
        owned(&[
            ("serial", "same"),
            ("tasks", "no baseline"),
            ("gather", "no baseline")
        ])
    );
    assert!(
        stdout.contains("3s ± 0s"),
        "the baseline's spread of 3 runs: {stdout}"
    );
}

#[test]
fn with_a_machine_format_the_table_goes_to_stderr() {
    let dir = scratch("baseline-json");
    let base = baseline(&dir, |doc| doc["modes"][0]["wall_s"]["median"] = 2.5.into());
    let (stdout, stderr, code) = compare_with(&base, &["--check", "--format", "json"]);
    assert_eq!(code, 1);
    serde_json::from_str::<Value>(&stdout).expect("stdout stays one document");
    assert_eq!(
        verdicts(&stderr)[0],
        ("serial".to_owned(), "slower".to_owned())
    );
}

#[test]
fn markdown_junit_and_github_carry_the_baseline() {
    let dir = scratch("baseline-ci");
    let base = baseline(&dir, |doc| doc["modes"][0]["wall_s"]["median"] = 2.5.into());
    let (stdout, _, _) = compare_with(&base, &["--check", "--format", "markdown"]);
    assert!(
        stdout.contains(&format!(
            "**baseline {base} · virtual clock · 1 run then, 1 run now**"
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("| serial | 2.5s | 3s | +500ms | +250ms | slower |"),
        "{stdout}"
    );

    let junit = dir.join("checks.junit.xml");
    let summary = dir.join("summary.md");
    let output = saywhen()
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .args(["--virtual-time", "compare", "--quiet", "--no-timeline"])
        .args(PAIRS)
        .args(["--baseline", &base, "--check", "--export"])
        .arg(&junit)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains(
            "::error title=saywhen check::serial took 3s, 500ms slower than the baseline's 2.5s"
        ),
        "{stdout}"
    );
    let xml = std::fs::read_to_string(&junit).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let cases: Vec<(&str, &str, bool)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| {
            (
                n.attribute("classname").unwrap(),
                n.attribute("name").unwrap(),
                n.first_element_child().is_some(),
            )
        })
        .collect();
    assert_eq!(
        cases,
        [
            ("serial", "expected wall 3s ± 300ms", false),
            ("serial", "no slower than the baseline's 2.5s", true),
            ("tasks", "expected wall 2s ± 200ms", false),
            ("tasks", "no slower than the baseline's 2s", false),
            ("gather", "expected wall 2s ± 200ms", false),
            ("gather", "no slower than the baseline's 2s", false),
        ]
    );
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(failure.attribute("type"), Some("baseline"));
    assert_eq!(
        failure.attribute("message"),
        Some("expected at most 2.75s (the baseline's 2.5s + 250ms), measured 3s")
    );
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.contains("| serial | 2.5s | 3s | +500ms | +250ms | slower |"),
        "{text}"
    );
    assert!(
        text.contains(
            "| serial | no slower than the baseline's 2.5s | 3s | ❌ expected at most 2.75s"
        ),
        "{text}"
    );
}

#[test]
fn explain_check_says_how_the_spread_is_allowed_for() {
    let out = common::stdout_of(saywhen().args(["explain", "check"]));
    let prose = out.split_whitespace().collect::<Vec<_>>().join(" ");
    for needed in [
        "slower than the baseline's median by more than the tolerance (of the baseline's median) plus both runs' spread",
        "the standard deviation of each one's walls, which is zero for a single run",
        "Being faster never fails",
        "pub fn judge(",
    ] {
        assert!(prose.contains(needed), "{needed:?} not in\n{out}");
    }
}

#[test]
fn the_readmes_baseline_example_is_what_saywhen_prints() {
    let readme = include_str!("../README.md");
    let start = readme
        .find("**Baselines**")
        .expect("the README's baselines");
    let block = readme[start..]
        .split("```console\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .unwrap();
    // The README compares with the report it keeps, docs/base.json
    // (tests/readme.rs runs that block as it is); here a fresh one.
    let shown: Vec<String> = block
        .lines()
        .skip_while(|l| !l.starts_with("baseline docs/base.json"))
        .filter(|l| !l.is_empty())
        .map(|l| l.replace("docs/base.json", "base.json"))
        .collect();
    assert_eq!(shown.len(), 8, "{block}");
    let dir = scratch("baseline-readme");
    let made = virtual_run(&[
        "compare",
        "1:hello",
        "2:world",
        "--export",
        "base.json",
        "--quiet",
    ])
    .current_dir(&*dir)
    .output()
    .unwrap();
    assert_eq!(made.status.code(), Some(0));
    let output = virtual_run(&[
        "compare",
        "1:hello",
        "2:world",
        "--baseline",
        "base.json",
        "--check",
        "--quiet",
        "--no-timeline",
    ])
    .current_dir(&*dir)
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let printed: Vec<&str> = stdout
        .lines()
        .skip_while(|l| !l.starts_with("baseline base.json"))
        .collect();
    assert_eq!(printed, shown);
}
