//! Every output format, read back with a real parser (serde_json, csv),
//! pinned by snapshots, and `--export FILE` beside the human view. Runs are
//! on the virtual clock, so every number is exact; only the wall-clock
//! timestamps change between runs and are masked.

mod common;

use std::path::PathBuf;

use common::{stdout_of, virtual_run};
use serde_json::Value;

fn out(args: &[&str]) -> String {
    stdout_of(&mut virtual_run(args))
}

/// Replaces RFC 3339 timestamps (`2026-11-25T01:16:02.347+00:00`).
fn without_timestamps(text: &str) -> String {
    let mut masked = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\"20") {
        let (head, tail) = rest.split_at(at + 1);
        masked.push_str(head);
        if tail.len() >= 29 && tail.as_bytes()[10] == b'T' {
            masked.push_str("TIMESTAMP");
            rest = &tail[29..];
        } else {
            rest = tail;
        }
    }
    masked.push_str(rest);
    masked
}

fn scratch(name: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_file(&path);
    path
}

#[test]
fn json_stdout_parses_whole_for_every_command() {
    for args in [
        &["serial", "1:a", "2:b"][..],
        &["tasks", "--runs", "3", "--warmup", "1", "1:a"],
        &["compare", "1:a", "2:b"],
        &["compare", "--runs", "2", "--modes", "tasks,gather", "1:a"],
    ] {
        let mut full = vec!["--format", "json"];
        full.extend_from_slice(args);
        let text = out(&full);
        let doc: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{args:?}: {e}\n{text}"));
        assert_eq!(doc["schema"], 1, "{args:?}");
    }
}

#[test]
fn json_compare_snapshot() {
    let text = out(&["compare", "--format", "json", "1:hello", "2:world"]);
    insta::assert_snapshot!("json_compare", text);
}

#[test]
fn json_repeated_snapshot() {
    let text = out(&[
        "serial", "--format", "json", "--runs", "2", "1:hello", "2:world",
    ]);
    insta::assert_snapshot!("json_repeated", without_timestamps(&text));
}

#[test]
fn jsonl_streams_events_then_a_summary() {
    let text = out(&["tasks", "--format", "jsonl", "2:world", "1:hello"]);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(
        events,
        [
            "started", "said", "said", "finished", "model", "states", "states", "summary"
        ]
    );
    assert!(lines.iter().all(|l| l["schema"] == 1));
    assert_eq!(lines[1]["message"], "hello");
    assert_eq!(lines[1]["index"], 1);
    assert_eq!(lines[1]["at_s"], 1.0);
    assert_eq!(lines[1]["mode"], "tasks");
    assert_eq!(lines[3]["wall_s"], 2.0);
    assert_eq!(lines[4]["states_are"], "modelled");
    assert_eq!(
        lines[6]["states"],
        serde_json::json!([["sleeping", 0.0, 1.0]])
    );
    assert_eq!(lines[7]["modes"][0]["wall_s"]["median"], 2.0);
    insta::assert_snapshot!("jsonl_single", without_timestamps(&text));
}

#[test]
fn jsonl_compare_streams_each_mode_and_quiet_keeps_the_summary() {
    let text = out(&["compare", "--format", "jsonl", "--runs", "2", "1:a", "2:b"]);
    let events: Vec<String> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            format!(
                "{} {}",
                v["event"].as_str().unwrap(),
                v["mode"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        events.len(),
        3 * 4 + 3 * 3 + 1,
        "first run of each mode, each one's modelled states, then the summary"
    );
    assert_eq!(events[4], "started tasks");
    assert_eq!(events[12], "model serial");
    assert_eq!(events[13], "states serial");
    assert_eq!(events[21], "summary -");
    // What follows the runs stays: each mode's states, the summary.
    let quiet = out(&["compare", "--format", "jsonl", "--quiet", "1:a"]);
    assert_eq!(quiet.lines().count(), 3 * 2 + 1);
    let summary: Value = serde_json::from_str(quiet.lines().last().unwrap()).unwrap();
    assert_eq!(summary["event"], "summary");
    assert_eq!(summary["modes"][1]["speedup_vs_serial"], 1.0);
}

#[derive(Debug, serde::Deserialize, PartialEq)]
struct Row {
    mode: String,
    run: usize,
    index: usize,
    message: String,
    delay_s: f64,
    start_s: Option<f64>,
    finish_s: Option<f64>,
    late_s: Option<f64>,
    status: String,
    modelled_states: String,
}

fn csv_rows(text: &str) -> Vec<Row> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert_eq!(
        header.iter().collect::<Vec<_>>(),
        [
            "mode",
            "run",
            "index",
            "message",
            "delay_s",
            "start_s",
            "finish_s",
            "late_s",
            "status",
            "modelled_states"
        ]
    );
    reader.deserialize().map(|row| row.unwrap()).collect()
}

#[test]
fn csv_has_one_row_per_pair_per_run_and_quotes_properly() {
    let tricky = "2:a, \"quoted\"\nline";
    let text = out(&[
        "compare",
        "--format",
        "csv",
        "--runs",
        "2",
        "1.5ms:hello",
        tricky,
    ]);
    let rows = csv_rows(&text);
    assert_eq!(rows.len(), 3 * 2 * 2, "modes × runs × pairs");
    assert_eq!(rows[1].message, "a, \"quoted\"\nline");
    assert_eq!(
        rows[0],
        Row {
            mode: "serial".into(),
            run: 1,
            index: 0,
            message: "hello".into(),
            delay_s: 0.0015,
            start_s: Some(0.0),
            finish_s: Some(0.002),
            late_s: Some(0.0005),
            status: "done".into(),
            modelled_states: "sleeping:0:0.002".into(),
        }
    );
    assert_eq!((rows[2].run, rows[2].index), (2, 0));
    assert_eq!(rows[4].mode, "tasks");
    assert!(
        !text.contains("e-"),
        "plain decimals, no exponents:\n{text}"
    );
    let single = out(&["gather", "--format", "csv", "1:x", "2:y"]);
    insta::assert_snapshot!("csv_single", single);
}

#[test]
fn markdown_tables() {
    let single = out(&["serial", "--format", "markdown", "1:hello", "2:a|b*c"]);
    insta::assert_snapshot!("markdown_single", single);
    let repeated = out(&["serial", "--format", "md", "--runs", "3", "1:hello"]);
    insta::assert_snapshot!("markdown_repeated", repeated);
    let compare = out(&["compare", "--format", "markdown", "1:hello", "2:world"]);
    insta::assert_snapshot!("markdown_compare", compare);
}

#[test]
fn export_writes_files_while_the_terminal_shows_the_human_view() {
    let json = scratch("export.json");
    let jsonl = scratch("export.jsonl");
    let csv_file = scratch("export.csv");
    let md = scratch("export.md");
    let text = stdout_of(virtual_run(&["compare", "1:hello", "2:world"]).args([
        "--export".as_ref(),
        json.as_os_str(),
        "--export".as_ref(),
        jsonl.as_os_str(),
        "--export".as_ref(),
        csv_file.as_os_str(),
        "--export".as_ref(),
        md.as_os_str(),
    ]));
    assert!(text.contains("── serial: await each pair in turn ──"));
    assert!(text.contains("│ mode   ┆ expected wall"));

    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc["modes"][0]["wall_s"]["median"], 3.0);

    // The JSONL file replays each mode's first run from its report.
    let lines: Vec<Value> = std::fs::read_to_string(&jsonl)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    assert_eq!(events.len(), 13 + 3 * 3, "with each mode's states");
    assert_eq!(&events[..4], ["started", "said", "said", "finished"]);
    assert_eq!(lines[2]["at_s"], 3.0, "serial says world at +3s");
    assert_eq!(lines[6]["at_s"], 2.0, "tasks says world at +2s");

    let rows = csv_rows(&std::fs::read_to_string(&csv_file).unwrap());
    assert_eq!(rows.len(), 6);

    let markdown = std::fs::read_to_string(&md).unwrap();
    assert!(
        markdown.starts_with("| mode | expected wall |"),
        "{markdown}"
    );
}

#[test]
fn export_of_a_single_mode_and_bad_export_paths() {
    let csv_file = scratch("single.CSV");
    stdout_of(
        virtual_run(&["tasks", "--runs", "2", "1:a"])
            .arg("--export")
            .arg(&csv_file),
    );
    assert_eq!(
        csv_rows(&std::fs::read_to_string(&csv_file).unwrap()).len(),
        2
    );

    virtual_run(&["tasks", "1:a", "--export", "out.txt"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::contains(
            "cannot tell the format of 'out.txt' from its extension (use .json, .jsonl, .csv, .md, .svg, .trace.json, .junit.xml or .html)",
        ));
    virtual_run(&["tasks", "1:a", "--export", "/no/such/dir/out.json"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::starts_with(
            "error: cannot create the export file /no/such/dir/out.json: ",
        ));
}

#[test]
fn the_json_examples_in_the_docs_parse() {
    let docs = include_str!("../docs/FORMATS.md");
    let mut blocks = 0;
    for block in docs.split("```json\n").skip(1) {
        let text = block.split("```").next().unwrap();
        let value: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert!(value.is_object());
        blocks += 1;
    }
    assert_eq!(blocks, 10);
    // The JSON Lines example is a console block (tests/readme.rs runs it).
    let jsonl = docs
        .split("--format jsonl 1:hello 2:world\n{\"event\"")
        .nth(1)
        .expect("a JSON Lines example");
    for line in format!("{{\"event\"{jsonl}")
        .split("```")
        .next()
        .unwrap()
        .lines()
    {
        if line.is_empty() {
            continue;
        }
        let value: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}\n{line}"));
        assert_eq!(value["schema"], 1);
    }
}

#[test]
fn svg_export_of_a_comparison_stacks_every_mode() {
    let svg = scratch("compare.svg");
    stdout_of(virtual_run(&["compare", "-q", "1:hello", "2:world", "--export"]).arg(&svg));
    let text = std::fs::read_to_string(&svg).unwrap();
    assert!(
        text.starts_with("<svg") || text.starts_with("<?xml"),
        "{text}"
    );
    for mode in ["serial", "tasks", "gather"] {
        assert!(text.contains(mode), "{mode} in the picture");
    }
}
