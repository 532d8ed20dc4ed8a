//! GitHub Actions, tested without GitHub: the variables the runner sets
//! (`GITHUB_ACTIONS`, `GITHUB_STEP_SUMMARY`) are set by hand. A failed
//! expectation becomes an `::error` workflow command, escaped the way the
//! runner unescapes it; the job summary gets the tables, the checks and a
//! Mermaid chart. Everything runs on the virtual clock.

mod common;

use std::path::Path;

use common::gantt;
use common::{browser, saywhen};

/// Runs saywhen on the virtual clock as a GitHub Actions step would, its
/// summary file at `summary` (when given). Returns stdout, stderr, code.
fn in_github(args: &[&str], summary: Option<&Path>) -> (String, String, i32) {
    let mut virtual_args = vec!["--virtual-time"];
    virtual_args.extend(args);
    in_github_on(&virtual_args, summary)
}

/// As [`in_github`], on the clock `args` name (the real one by default).
fn in_github_on(args: &[&str], summary: Option<&Path>) -> (String, String, i32) {
    let mut cmd = saywhen();
    cmd.env("GITHUB_ACTIONS", "true").args(args);
    match summary {
        Some(path) => cmd.env("GITHUB_STEP_SUMMARY", path),
        None => cmd.env_remove("GITHUB_STEP_SUMMARY"),
    };
    let output = cmd.output().expect("saywhen runs");
    (
        String::from_utf8(output.stdout).unwrap(),
        String::from_utf8(output.stderr).unwrap(),
        output.status.code().unwrap(),
    )
}

/// What the runner makes of a workflow command's message.
fn unescape(data: &str) -> String {
    data.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%25", "%")
}

/// The annotations in `text`: (title, message), unescaped.
fn annotations(text: &str) -> Vec<(String, String)> {
    text.lines()
        .filter_map(|line| line.strip_prefix("::error "))
        .map(|rest| {
            let (properties, message) = rest.split_once("::").expect("::error PROPS::MESSAGE");
            let title = properties.strip_prefix("title=").expect("a title");
            (unescape(title), unescape(message))
        })
        .collect()
}

fn check_failures(stderr: &str) -> Vec<String> {
    stderr
        .lines()
        .filter_map(|line| line.strip_prefix("error: check failed: "))
        .map(str::to_owned)
        .collect()
}

// A percentage tolerance puts a '%' in every message: it must reach GitHub
// as '%25', or the runner would read it as the start of an escape. On the
// real clock every sleep ends a little late, far beyond 0.001% of its
// delay, and every mode takes more than 1 ms: six certain failures. (On
// the virtual clock the model of the event loop is exact: no miss.)
const FAILING: [&str; 9] = [
    "compare",
    "1.5ms:a",
    "1ms:b",
    "--check",
    "--tolerance",
    "0.001%",
    "--max-wall",
    "1ms",
    "--quiet",
];

// On the virtual clock, what --max-wall 1.9ms fails: serial (3 ms), tasks
// and gather (2 ms, tokio's timer rounding 1.5 ms up); --check passes.
const FAILING_VIRTUAL: [&str; 6] = [
    "compare",
    "1.5ms:a",
    "1ms:b",
    "--check",
    "--max-wall",
    "1.9ms",
];

#[test]
fn each_failed_expectation_is_an_error_annotation_on_stdout() {
    let (stdout, stderr, code) = in_github_on(&FAILING, None);
    assert_eq!(code, 1);
    let failures = check_failures(&stderr);
    assert_eq!(failures.len(), 6, "{stderr}");
    let expected: Vec<(String, String)> = failures
        .iter()
        .map(|f| ("saywhen check".to_owned(), f.clone()))
        .collect();
    assert_eq!(annotations(&stdout), expected);
    assert!(stdout.contains("(0.001%25 of 3ms)"), "{stdout}");
    assert!(
        !stdout.contains("0.001% of"),
        "a raw '%' is the start of an escape"
    );
    // After the report, not inside it.
    let table_end = stdout.find("serial takes the sum").expect("the report");
    assert!(stdout.find("::error").unwrap() > table_end);
}

#[test]
fn a_machine_format_keeps_stdout_one_document() {
    let mut args = FAILING.to_vec();
    args.extend(["--format", "json"]);
    let (stdout, stderr, code) = in_github_on(&args, None);
    assert_eq!(code, 1);
    serde_json::from_str::<serde_json::Value>(&stdout).expect("stdout is the JSON document");
    assert_eq!(
        annotations(&stderr).len(),
        6,
        "GitHub reads stderr too: {stderr}"
    );
}

#[test]
fn outside_github_actions_there_are_no_annotations() {
    for value in [None, Some("false"), Some("1")] {
        let mut cmd = saywhen();
        cmd.arg("--virtual-time").args(FAILING_VIRTUAL);
        match value {
            Some(v) => cmd.env("GITHUB_ACTIONS", v),
            None => cmd.env_remove("GITHUB_ACTIONS"),
        };
        let output = cmd.output().unwrap();
        assert_eq!(output.status.code(), Some(1));
        let all = [output.stdout, output.stderr].concat();
        assert!(
            !String::from_utf8(all).unwrap().contains("::error"),
            "{value:?}"
        );
    }
}

#[test]
fn passing_checks_annotate_nothing() {
    let (stdout, stderr, code) = in_github(
        &["compare", "1:hello", "2:world", "--check", "--quiet"],
        None,
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(!stdout.contains("::") && !stderr.contains("::"));
}

#[test]
fn the_job_summary_is_appended_with_tables_checks_and_a_chart() {
    let dir = browser::scratch("github");
    let summary = dir.join("step_summary.md");
    std::fs::write(&summary, "# from an earlier command").unwrap();
    let (_, stderr, code) = in_github(&FAILING_VIRTUAL, Some(&summary));
    assert_eq!(code, 1, "{stderr}");
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        text.starts_with(
            "# from an earlier command\n### saywhen compare · 2 pairs · virtual clock\n\n"
        ),
        "appended after what was there: {text}"
    );
    // The comparison table, as --format markdown prints it.
    let markdown = String::from_utf8(
        saywhen()
            .args([
                "--virtual-time",
                "compare",
                "1.5ms:a",
                "1ms:b",
                "--format",
                "md",
            ])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(text.contains(&markdown), "{text}");
    // The checks: one row per mode and expectation, 3 of 6 failed.
    assert!(text.contains("**Checks**: 3 of 6 failed.\n"), "{text}");
    let check_rows: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("| ❌ ") || l.contains("| ✅ "))
        .collect();
    assert_eq!(check_rows.len(), 6, "{text}");
    assert!(
        text.contains(
            "| serial | max wall 1.9ms | 3ms | ❌ expected at most 1.9ms, measured 3ms |"
        )
    );
    // The chart: one section per mode, one task per pair.
    let chart = gantt::parse(gantt::block(&text));
    let shape: Vec<(String, usize)> = chart
        .sections
        .iter()
        .map(|(name, tasks)| (name.clone(), tasks.len()))
        .collect();
    assert_eq!(
        shape,
        [
            ("serial · wall 3ms".to_owned(), 2),
            ("tasks · wall 2ms".to_owned(), 2),
            ("gather · wall 2ms".to_owned(), 2)
        ]
    );

    // A second command in the same step appends again.
    let (_, _, code) = in_github(&["serial", "1:a", "--quiet"], Some(&summary));
    assert_eq!(code, 0);
    let again = std::fs::read_to_string(&summary).unwrap();
    assert!(again.starts_with(&text));
    assert!(again[text.len()..].contains("### saywhen serial · 1 pair · virtual clock"));
    assert!(
        !again[text.len()..].contains("**Checks**"),
        "no checks asked for"
    );
}

#[test]
fn a_long_single_run_leaves_its_pairs_table_out_of_the_summary() {
    let dir = browser::scratch("github-long");
    let pairs = dir.join("pairs.txt");
    let lines: String = (0..1_001).map(|i| format!("1ms:m{i}\n")).collect();
    std::fs::write(&pairs, lines).unwrap();
    let summary = dir.join("summary.md");
    let (_, stderr, code) = in_github(
        &["gather", "--quiet", "--file", pairs.to_str().unwrap()],
        Some(&summary),
    );
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(&summary).unwrap();
    assert!(text.contains("*1001 pairs: the table of every pair is left out here"));
    assert!(text.lines().count() < 100, "{} lines", text.lines().count());
    assert_eq!(gantt::parse(gantt::block(&text)).sections[0].1.len(), 50);
}

#[test]
fn a_summary_that_cannot_be_written_is_a_warning() {
    let (stdout, stderr, code) = in_github(
        &["serial", "1:a"],
        Some(Path::new("/no/such/dir/summary.md")),
    );
    assert_eq!(code, 0);
    assert!(stdout.contains("measured wall"));
    assert!(
        stderr.starts_with("warning: cannot append the job summary to GITHUB_STEP_SUMMARY=/no/such/dir/summary.md: "),
        "{stderr}"
    );
}

/// The `run:` scripts of the README's GitHub Actions job, in order, as a
/// YAML reader sees them: `|` keeps the lines, `>` folds them into one.
fn workflow_runs() -> Vec<String> {
    let readme = include_str!("../README.md");
    let start = readme
        .find("A GitHub Actions job that uses all of it")
        .expect("the README's job");
    let yaml = readme[start..]
        .split("```yaml\n")
        .nth(1)
        .and_then(|block| block.split("```").next())
        .expect("a YAML block");
    let lines: Vec<&str> = yaml.lines().collect();
    let indent = |line: &str| line.len() - line.trim_start().len();
    let mut runs = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let key = line.trim_start().trim_start_matches("- ");
        i += 1;
        let Some(value) = key.strip_prefix("run:") else {
            continue;
        };
        let value = value.trim();
        if value != "|" && value != ">" {
            runs.push(value.to_owned());
            continue;
        }
        let mut block = Vec::new();
        while i < lines.len() && (lines[i].trim().is_empty() || indent(lines[i]) > indent(line)) {
            block.push(lines[i].trim());
            i += 1;
        }
        runs.push(block.join(if value == "|" { "\n" } else { " " }));
    }
    runs
}

/// The README's job, run step by step as GitHub would (saywhen already
/// built instead of `cargo install`; the `if: main` steps taken), twice:
/// the first run makes the baseline, the second checks against it.
#[test]
fn the_readmes_github_actions_job_runs_as_written() {
    let runs = workflow_runs();
    let all = runs.join("\n");
    for used in [
        "--check",
        "--mermaid",
        ".junit.xml",
        ".trace.json",
        "--baseline",
        "--export now.json",
    ] {
        assert!(all.contains(used), "the job uses {used}: {all}");
    }
    let dir = browser::scratch("workflow");
    let summary = dir.join("step_summary.md");
    let bin = assert_cmd::cargo::cargo_bin("saywhen");
    let path = format!(
        "{}:{}",
        bin.parent().unwrap().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for round in 1..=2 {
        for script in runs.iter().filter(|s| !s.starts_with("cargo install")) {
            let output = std::process::Command::new("bash")
                .args(["-e", "-o", "pipefail", "-c", script])
                .current_dir(&*dir)
                .env("PATH", &path)
                .env("TZ", "UTC")
                .env("GITHUB_ACTIONS", "true")
                .env("GITHUB_STEP_SUMMARY", &summary)
                .env_remove("NO_COLOR")
                .env_remove("CI")
                .output()
                .expect("bash runs");
            let stdout = String::from_utf8_lossy(&output.stdout);
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(
                output.status.success(),
                "round {round}: {script}\n{stdout}\n{stderr}"
            );
            assert!(!stdout.contains("::error"), "{stdout}");
        }
    }
    // The lesson's reports: every check held, the trace, the chart.
    for (file, cases) in [("lesson.junit.xml", 3), ("runner.junit.xml", 9)] {
        let xml = std::fs::read_to_string(dir.join(file)).unwrap();
        let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
        let suite = doc.root_element().first_element_child().unwrap();
        assert_eq!(
            suite.attribute("tests"),
            Some(cases.to_string().as_str()),
            "{file}"
        );
        assert_eq!(suite.attribute("failures"), Some("0"), "{file}: {xml}");
    }
    let xml = std::fs::read_to_string(dir.join("runner.junit.xml")).unwrap();
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let against_baseline = doc
        .descendants()
        .filter_map(|n| n.attribute("name"))
        .filter(|name| name.starts_with("no slower than the baseline's "))
        .count();
    assert_eq!(against_baseline, 3, "{xml}");
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("lesson.trace.json")).unwrap())
            .unwrap();
    assert!(
        trace["traceEvents"]
            .as_array()
            .is_some_and(|e| !e.is_empty())
    );
    let lesson = std::fs::read_to_string(dir.join("lesson.md")).unwrap();
    assert_eq!(gantt::parse(gantt::block(&lesson)).sections.len(), 3);
    serde_json::from_str::<serde_json::Value>(
        &std::fs::read_to_string(dir.join("base.json")).unwrap(),
    )
    .expect("the kept baseline is a JSON report");
    // The job summary: four commands that ran (a baseline made once).
    let text = std::fs::read_to_string(&summary).unwrap();
    assert_eq!(
        text.matches("### saywhen compare · 2 pairs · ").count(),
        5,
        "{text}"
    );
    assert_eq!(text.matches("```mermaid").count(), 5);
    assert_eq!(text.matches("**Checks**: all 3 held.").count(), 2, "{text}");
    assert_eq!(text.matches("**Checks**: all 9 held.").count(), 2, "{text}");
    assert_eq!(
        text.matches("**baseline base.json · real clock · 5 runs then, 5 runs now**")
            .count(),
        2
    );
}
