//! A scenario's tree in every machine format, read back with a real parser
//! (serde_json, the csv crate; Markdown by its table structure) and checked
//! node for node against the run's own report. Runs are on the virtual
//! clock, so every number is exact, and the one scenario below ends its
//! nodes every way a node can end: done, failed, cancelled, timed out,
//! skipped; a run stopped half-way adds interrupted.

mod common;

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use saywhen::engine::arithmetic::Schedule;
use saywhen::measure::report::{Report, Status, signed};
use saywhen::render::style::Style;
use saywhen::scenario::parse::parse_argument;
use saywhen::scenario::tree::{Action, GroupKind, Node, Scenario};
use saywhen::scenario::units::{offset, seconds, seconds_signed};
use saywhen::{Clock, Format, Measurement, Mode, RunSpec, Silent, Stop, StopReason};
use saywhen::{run_scenario, run_scenario_async};

use common::{stdout_of, virtual_run};

/// Every way a node ends, in one tree: `a` and `quick` are done; `boom`
/// fails, and so its `gather` and the `serial` around it; the `timeout`
/// times out and cancels `slow`; `quick` wins the race and `lost` is
/// cancelled; the serial then skips `never`. The limit and the timeout
/// carry their parameters; the message with a comma, a quote and a pipe
/// tests every format's quoting.
const EVERY_STATUS: &str = "serial(gather(1:a, fail(0.5:boom), timeout(1s, 2:slow), \
     race(0.5:quick, 3:lost), limit(1, 0.25:'x, \"y\" | z', 0.25:w)), 1:never)";

fn scenario(text: &str) -> Scenario {
    parse_argument(text, 1, false).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn spec() -> RunSpec {
    RunSpec::new(Mode::Gather, Clock::Virtual)
}

/// Runs `text` on the virtual clock.
fn run(text: &str) -> Report {
    run_scenario(Arc::new(scenario(text)), &spec(), Arc::new(Silent)).unwrap()
}

/// Runs `text` on the virtual clock and stops it at `at`, as Ctrl-C would.
fn run_stopped_at(text: &str, at: Duration) -> Report {
    let stop = Stop::new();
    let spec = spec().with_stop(stop.clone());
    let runtime = Clock::Virtual.runtime().unwrap();
    runtime.block_on(async {
        tokio::spawn(async move {
            tokio::time::sleep(at).await;
            stop.request(StopReason::Interrupt)
        });
        run_scenario_async(Arc::new(scenario(text)), &spec, Arc::new(Silent))
            .await
            .unwrap()
    })
}

/// What `format` writes for `report` (as an export file would: a JSON
/// Lines file replays the run's events from the report).
fn render(format: Format, report: &Report) -> String {
    let mut out = Vec::new();
    let alone = Measurement::new(report.clone(), Vec::new(), 0);
    format
        .export_renderer(&Style::default())
        .measurement(&alone, &mut out)
        .unwrap();
    String::from_utf8(out).unwrap()
}

/// One node as every format describes it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct NodeRow {
    id: String,
    parent: Option<String>,
    depth: usize,
    kind: String,
    index: Option<usize>,
    message: Option<String>,
    delay_s: Option<f64>,
    start_s: Option<f64>,
    finish_s: Option<f64>,
    late_s: Option<f64>,
    status: Option<String>,
    expected_start_s: Option<f64>,
    expected_finish_s: f64,
    expected_status: String,
    formula: Option<String>,
    formula_s: Option<f64>,
    limit: Option<usize>,
    timeout_s: Option<f64>,
}

/// The nodes as the report and the arithmetic tell them, worked out here
/// the slow, obvious way (`Scenario::id` node by node), not the way the
/// renderers do.
fn nodes_of(report: &Report) -> Vec<NodeRow> {
    let scenario = &report.scenario;
    let schedule = Schedule::of(scenario);
    scenario
        .walk()
        .map(|(node, depth)| {
            let expected = schedule.of_node(node);
            let mut row = NodeRow {
                id: scenario.id(node),
                parent: scenario.parent(node).map(|p| scenario.id(Node::Group(p))),
                depth,
                kind: String::new(),
                index: None,
                message: None,
                delay_s: None,
                start_s: None,
                finish_s: None,
                late_s: None,
                status: None,
                expected_start_s: expected.start.map(seconds),
                expected_finish_s: seconds(expected.end_at),
                expected_status: Status::from(expected.end).name().to_owned(),
                formula: None,
                formula_s: None,
                limit: None,
                timeout_s: None,
            };
            let timing = match node {
                Node::Pair { index, action } => {
                    let pair = &scenario.plan().pairs()[index as usize];
                    row.kind = match action {
                        Action::Say => "pair",
                        Action::Fail => "fail",
                        Action::Block => "block",
                        Action::SpawnBlocking => "spawn_blocking",
                        Action::Command => "command",
                    }
                    .to_owned();
                    row.index = Some(index as usize);
                    row.message = Some(pair.message.clone());
                    row.delay_s = Some(seconds(pair.delay));
                    let timing = report.timings[index as usize];
                    if let (Some(began), Some(ended), Status::Done | Status::Failed) =
                        (timing.began(), timing.ended(), Status::of(timing))
                    {
                        row.late_s =
                            Some(seconds_signed(signed(ended) - signed(began + pair.delay)));
                    }
                    timing
                }
                Node::Group(g) => {
                    let kind = scenario.group(g).kind;
                    row.kind = kind.name().to_owned();
                    row.formula = Some(schedule.formulas[g as usize].clone());
                    row.formula_s = Some(seconds(schedule.natural[g as usize]));
                    match kind {
                        GroupKind::Limit(n) => row.limit = Some(n.get()),
                        GroupKind::Timeout(d) => row.timeout_s = Some(seconds(d)),
                        _ => {}
                    }
                    report.groups[g as usize]
                }
            };
            row.start_s = timing.began().map(seconds);
            row.finish_s = timing.ended().map(seconds);
            row.status = Some(Status::of(timing).name().to_owned());
            row
        })
        .collect()
}

fn statuses(rows: &[NodeRow]) -> Vec<&str> {
    rows.iter().filter_map(|r| r.status.as_deref()).collect()
}

#[test]
fn the_scenario_ends_its_nodes_every_way_and_on_time() {
    let report = run(EVERY_STATUS);
    let nodes = nodes_of(&report);
    for status in ["done", "failed", "cancelled", "timed out", "skipped"] {
        assert!(statuses(&nodes).contains(&status), "{status}: {nodes:#?}");
    }
    // On the virtual clock the run keeps the arithmetic exactly.
    for node in &nodes {
        assert_eq!(
            node.status.as_deref(),
            Some(&*node.expected_status),
            "{node:?}"
        );
        assert_eq!(node.start_s, node.expected_start_s, "{node:?}");
        assert_eq!(node.finish_s, Some(node.expected_finish_s), "{node:?}");
    }
}

#[test]
fn json_carries_the_tree_node_for_node() {
    let report = run(EVERY_STATUS);
    let doc: Value = serde_json::from_str(&render(Format::Json, &report)).unwrap();
    assert_eq!(doc["schema"], 1);
    assert_eq!(doc["scenario"], report.scenario.text());
    assert_eq!(
        doc["arithmetic"],
        Schedule::of(&report.scenario).summary(&report.scenario)
    );
    assert_eq!(doc["expected_s"], 1.0);
    assert_eq!(doc["wall_s"], 1.0);
    let nodes: Vec<NodeRow> = serde_json::from_value(doc["nodes"].clone()).unwrap();
    assert_eq!(nodes, nodes_of(&report));
    // The pairs are still there, as for a flat mode.
    assert_eq!(doc["pairs"].as_array().unwrap().len(), report.plan.len());
    // Every node has every key, `null` where it does not apply, and the
    // model's states.
    let keys = |node: &Value| node.as_object().unwrap().len();
    assert!(
        doc["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| keys(n) == 21 && n["states"].is_array())
    );
    assert_eq!(doc["states_are"], "modelled");
}

#[test]
fn jsonl_names_each_pairs_node_then_writes_the_tree() {
    let report = run(EVERY_STATUS);
    let text = render(Format::Jsonl, &report);
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let events: Vec<&str> = lines.iter().map(|l| l["event"].as_str().unwrap()).collect();
    let pairs = report.plan.len();
    let nodes = report.scenario.node_count();
    assert_eq!(events[0], "started");
    assert_eq!(events[pairs + 1], "finished");
    assert_eq!(events[pairs + 2], "model");
    assert_eq!(events[pairs + 3], "tree");
    assert_eq!(events.len(), pairs + 4 + nodes + 1);
    assert_eq!(events.last(), Some(&"summary"));
    // Each pair's event names its node, and tells how it ended.
    let expected = nodes_of(&report);
    for line in &lines[1..=pairs] {
        let index = line["index"].as_u64().unwrap() as usize;
        let node = expected.iter().find(|n| n.index == Some(index)).unwrap();
        assert_eq!(line["id"], node.id.as_str(), "{line}");
        let event = match node.status.as_deref().unwrap() {
            "done" => "said",
            "timed out" => "cancelled",
            other => other,
        };
        assert_eq!(line["event"], event, "{line}");
        assert_eq!(line["at_s"], node.finish_s.unwrap(), "{line}");
    }
    let tree = &lines[pairs + 3];
    assert_eq!(tree["scenario"], report.scenario.text());
    assert_eq!(tree["nodes"], nodes);
    assert_eq!(tree["expected_s"], 1.0);
    let rows: Vec<NodeRow> = lines[pairs + 4..pairs + 4 + nodes]
        .iter()
        .map(|l| serde_json::from_value(l.clone()).unwrap())
        .collect();
    assert_eq!(rows, expected);
}

fn csv_records(text: &str) -> (Vec<String>, Vec<csv::StringRecord>) {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let records = reader.records().map(Result::unwrap).collect();
    (header, records)
}

const TREE_HEADER: [&str; 24] = [
    "mode",
    "run",
    "id",
    "parent",
    "depth",
    "kind",
    "index",
    "message",
    "delay_s",
    "start_s",
    "finish_s",
    "late_s",
    "status",
    "expected_start_s",
    "expected_finish_s",
    "expected_status",
    "formula",
    "formula_s",
    "limit",
    "timeout_s",
    "exit_code",
    "signal",
    "output",
    "modelled_states",
];

#[test]
fn csv_has_one_row_per_node_per_run() {
    let report = run(EVERY_STATUS);
    let text = render(Format::Csv, &report);
    let (header, records) = csv_records(&text);
    assert_eq!(header, TREE_HEADER);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<NodeRow> = reader.deserialize().map(Result::unwrap).collect();
    assert_eq!(rows, nodes_of(&report));
    for record in &records {
        assert_eq!(&record[0], report.label());
        assert_eq!(&record[1], "1");
    }
    assert!(!text.contains("e-"), "plain decimals:\n{text}");
}

#[test]
fn csv_of_repeated_runs_numbers_each_run() {
    let text = stdout_of(&mut virtual_run(&[
        "run",
        "--format",
        "csv",
        "--runs",
        "3",
        EVERY_STATUS,
    ]));
    let (_, records) = csv_records(&text);
    let nodes = scenario(EVERY_STATUS).node_count();
    assert_eq!(records.len(), 3 * nodes);
    assert_eq!(&records[nodes][1], "2");
    assert_eq!(&records[nodes][2], "0", "each run starts again at the root");
}

/// The cells of a GitHub table row: split on the pipes that are not
/// escaped, each cell trimmed of plain spaces and unescaped.
fn cells(line: &str) -> Vec<String> {
    let inner = line
        .trim()
        .strip_prefix('|')
        .unwrap()
        .strip_suffix('|')
        .unwrap();
    let mut cells = vec![String::new()];
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => cells.last_mut().unwrap().extend(chars.next()),
            '|' => cells.push(String::new()),
            c => cells.last_mut().unwrap().push(c),
        }
    }
    cells
        .into_iter()
        .map(|c| c.trim_matches(' ').to_owned())
        .collect()
}

/// The tables of a Markdown text: header, then rows (the delimiter row
/// checked and dropped).
fn tables(text: &str) -> Vec<(Vec<String>, Vec<Vec<String>>)> {
    let mut tables = Vec::new();
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        if !line.starts_with('|') {
            continue;
        }
        let header = cells(line);
        let delimiter = cells(lines.next().unwrap());
        assert_eq!(delimiter.len(), header.len(), "{text}");
        assert!(
            delimiter.iter().all(|d| d == "---" || d == "---:"),
            "{text}"
        );
        let mut rows = Vec::new();
        while let Some(line) = lines.next_if(|l| l.starts_with('|')) {
            let row = cells(line);
            assert_eq!(row.len(), header.len(), "{line}");
            rows.push(row);
        }
        tables.push((header, rows));
    }
    tables
}

#[test]
fn markdown_shows_the_tree_indented_and_the_arithmetic() {
    let report = run(EVERY_STATUS);
    let text = render(Format::Markdown, &report);
    let schedule = Schedule::of(&report.scenario);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        cells(&format!("|{}|", lines[0].replace("**Scenario**: ", ""))),
        [report.scenario.text()],
        "the scenario as written, escaped:\n{text}"
    );
    let tables = tables(&text);
    assert_eq!(tables.len(), 2, "the tree, then the totals:\n{text}");
    let (header, rows) = &tables[0];
    assert_eq!(
        header,
        &[
            "id", "node", "delay", "expected", "started", "ended", "status", "late by"
        ]
    );
    let nodes = nodes_of(&report);
    assert_eq!(rows.len(), nodes.len());
    for (row, node) in rows.iter().zip(&nodes) {
        assert_eq!(row[0], node.id);
        let name = row[1].trim_start_matches('\u{a0}');
        assert_eq!(row[1].len() - name.len(), 2 * 2 * node.depth, "{row:?}");
        match (&node.message, node.kind.as_str()) {
            (Some(message), "pair") => assert_eq!(name, message),
            (Some(message), kind) => assert_eq!(name, format!("{kind}: {message}")),
            (None, kind) => assert!(name.starts_with(kind), "{row:?}"),
        }
        assert_eq!(&row[6], node.status.as_deref().unwrap());
        let ended = match (node.status.as_deref(), node.finish_s) {
            (Some("skipped"), _) | (_, None) => "-".to_owned(),
            (_, Some(at)) => offset(Duration::from_secs_f64(at)),
        };
        assert_eq!(row[5], ended, "{row:?}");
    }
    let arithmetic = format!("**Arithmetic**: {}", schedule.summary(&report.scenario));
    assert!(text.contains(&arithmetic), "{text}");
    // Each group below the root that starts adds up in a list item.
    let items = lines.iter().filter(|l| l.starts_with("- ")).count();
    let started_groups = nodes
        .iter()
        .filter(|n| n.formula.is_some() && n.depth > 0 && n.expected_start_s.is_some())
        .count();
    assert_eq!(items, started_groups, "{text}");
    assert!(
        text.contains(
            "- 0.0.2 timeout(1s): min(slow 2s, deadline 1s): timed out = 1s, timed out at +1s"
        ),
        "{text}"
    );
}

#[test]
fn a_flat_mode_keeps_its_formats() {
    // The same run as a mode and as the one-level scenario it is: the
    // mode's documents have no tree; the scenario's have one.
    let mode = stdout_of(&mut virtual_run(&[
        "gather", "--format", "json", "1:a", "2:b",
    ]));
    let doc: Value = serde_json::from_str(&mode).unwrap();
    for key in ["scenario", "arithmetic", "nodes"] {
        assert!(doc.get(key).is_none(), "{key} in {doc}");
    }
    let csv = stdout_of(&mut virtual_run(&[
        "gather", "--format", "csv", "1:a", "2:b",
    ]));
    assert!(csv.starts_with(
        "mode,run,index,message,delay_s,start_s,finish_s,late_s,status,modelled_states\n"
    ));
    let jsonl = stdout_of(&mut virtual_run(&["gather", "--format", "jsonl", "1:a"]));
    assert!(
        !jsonl.contains("\"id\"") && !jsonl.contains("\"tree\""),
        "{jsonl}"
    );
    let tree = stdout_of(&mut virtual_run(&[
        "run",
        "--format",
        "json",
        "gather(1:a, 2:b)",
    ]));
    let doc: Value = serde_json::from_str(&tree).unwrap();
    assert_eq!(doc["nodes"].as_array().unwrap().len(), 3);
}

#[test]
fn the_command_line_writes_the_same_tree_as_the_library() {
    let report = run(EVERY_STATUS);
    let json = stdout_of(&mut virtual_run(&["run", "--format", "json", EVERY_STATUS]));
    let doc: Value = serde_json::from_str(&json).unwrap();
    let nodes: Vec<NodeRow> = serde_json::from_value(doc["nodes"].clone()).unwrap();
    assert_eq!(nodes, nodes_of(&report));
    let jsonl = stdout_of(&mut virtual_run(&[
        "run",
        "--format",
        "jsonl",
        EVERY_STATUS,
    ]));
    let live: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        live[1]["event"], "said",
        "the limit's first pair, at 0.25 s"
    );
    assert_eq!(live[1]["id"], "0.0.4.0");
    assert_eq!(live[1]["message"], "x, \"y\" | z");
    let rows: Vec<NodeRow> = live
        .iter()
        .filter(|l| l["event"] == "node")
        .map(|l| serde_json::from_value(l.clone()).unwrap())
        .collect();
    assert_eq!(rows, nodes_of(&report));
}

#[test]
fn a_comparison_of_scenarios_carries_each_tree() {
    let waterfall = "serial(1:user, 0.5:post1, 0.5:post2)";
    let parallel = "serial(1:user, gather(0.5:post1, 0.5:post2))";
    let json = stdout_of(&mut virtual_run(&[
        "run", "--format", "json", waterfall, parallel,
    ]));
    let doc: Value = serde_json::from_str(&json).unwrap();
    for (entry, text) in doc["modes"]
        .as_array()
        .unwrap()
        .iter()
        .zip([waterfall, parallel])
    {
        assert_eq!(entry["scenario"], text);
        let nodes: Vec<NodeRow> = serde_json::from_value(entry["nodes"].clone()).unwrap();
        assert_eq!(nodes, nodes_of(&run(text)));
    }
    let csv = stdout_of(&mut virtual_run(&[
        "run", "--format", "csv", waterfall, parallel,
    ]));
    let (header, records) = csv_records(&csv);
    assert_eq!(header, TREE_HEADER);
    assert_eq!(records.len(), 4 + 5);
    let markdown = stdout_of(&mut virtual_run(&[
        "run", "--format", "md", waterfall, parallel,
    ]));
    assert_eq!(tables(&markdown).len(), 3, "the comparison, then each tree");
    let jsonl = stdout_of(&mut virtual_run(&[
        "run", "--format", "jsonl", "-q", waterfall, parallel,
    ]));
    let events: Vec<String> = jsonl
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["event"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(events.iter().filter(|e| *e == "tree").count(), 2);
    assert_eq!(events.iter().filter(|e| *e == "node").count(), 9);
    assert_eq!(events.last().map(String::as_str), Some("summary"));
}

#[test]
fn an_interrupted_run_gives_the_partial_tree() {
    // Stopped at 0.75 s: boom has failed and quick has won its race;
    // everything else is still waiting, or was never reached.
    let report = run_stopped_at(EVERY_STATUS, Duration::from_millis(750));
    let nodes = nodes_of(&report);
    let status_of = |id: &str| {
        nodes
            .iter()
            .find(|n| n.id == id)
            .unwrap()
            .status
            .clone()
            .unwrap()
    };
    assert_eq!(status_of("0"), "interrupted");
    assert_eq!(status_of("0.0.0"), "interrupted", "a was due at 1 s");
    assert_eq!(status_of("0.0.1"), "failed");
    assert_eq!(status_of("0.0.3"), "done");
    assert_eq!(status_of("0.1"), "interrupted", "never began");
    let doc: Value = serde_json::from_str(&render(Format::Json, &report)).unwrap();
    assert_eq!(doc["interrupted"], "SIGINT");
    let rows: Vec<NodeRow> = serde_json::from_value(doc["nodes"].clone()).unwrap();
    assert_eq!(rows, nodes);
    let unfinished = rows
        .iter()
        .filter(|r| r.status.as_deref() == Some("interrupted"));
    assert!(
        unfinished
            .clone()
            .all(|r| r.finish_s.is_none() && r.late_s.is_none())
    );
    assert!(unfinished.count() >= 6);
    let csv = render(Format::Csv, &report);
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let csv_rows: Vec<NodeRow> = reader.deserialize().map(Result::unwrap).collect();
    assert_eq!(csv_rows, nodes);
}

/// Ctrl-C on the real clock: the JSON Lines on stdout end with the tree
/// as it stood, unfinished nodes `interrupted`, and saywhen exits 130.
#[cfg(unix)]
#[test]
fn ctrl_c_ends_the_json_lines_with_the_partial_tree() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_saywhen"))
        .args([
            "run",
            "--format",
            "jsonl",
            "serial(0:now, gather(60:a, fail(1h:b)), 1:c)",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    // The started line, then `now`: the run, and its signal handler, are
    // surely under way.
    for _ in 0..2 {
        let mut line = String::new();
        stdout.read_line(&mut line).unwrap();
    }
    common::send(&child, "-INT");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(130), "{rest}");
    let lines: Vec<Value> = rest
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines[0]["event"], "interrupted", "{rest}");
    let statuses: Vec<(&str, &str)> = lines
        .iter()
        .filter(|l| l["event"] == "node")
        .map(|l| (l["id"].as_str().unwrap(), l["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        statuses,
        [
            ("0", "interrupted"),
            ("0.0", "done"),
            ("0.1", "interrupted"),
            ("0.1.0", "interrupted"),
            ("0.1.1", "interrupted"),
            ("0.2", "interrupted"),
        ]
    );
    assert_eq!(lines.last().unwrap()["event"], "summary");
}

#[test]
fn dry_run_prints_the_planned_tree_in_every_format() {
    let planned = scenario(EVERY_STATUS);
    let schedule = Schedule::of(&planned);
    let wanted: Vec<NodeRow> = nodes_of(&run(EVERY_STATUS))
        .into_iter()
        .map(|node| NodeRow {
            start_s: None,
            finish_s: None,
            late_s: None,
            status: None,
            ..node
        })
        .collect();
    // Real clock, an hour-long pair: nothing runs, so it ends at once.
    let dry = |format: &str| {
        stdout_of(common::saywhen().args(["run", "--dry-run", "--format", format, EVERY_STATUS]))
    };
    let doc: Value = serde_json::from_str(&dry("json")).unwrap();
    assert_eq!(doc["dry_run"], true);
    assert_eq!(doc["scenario"], planned.text());
    assert_eq!(doc["arithmetic"], schedule.summary(&planned));
    assert_eq!(doc["expected_s"], 1.0);
    assert!(doc.get("wall_s").is_none() && doc["nodes"][0].get("status").is_none());
    let nodes: Vec<NodeRow> = serde_json::from_value(doc["nodes"].clone()).unwrap();
    assert_eq!(nodes, wanted);

    let jsonl: Vec<Value> = dry("jsonl")
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(jsonl[0]["event"], "tree");
    let rows: Vec<NodeRow> = jsonl[1..]
        .iter()
        .map(|l| serde_json::from_value(l.clone()).unwrap())
        .collect();
    assert_eq!(rows, wanted);

    let csv = dry("csv");
    let (header, records) = csv_records(&csv);
    assert_eq!(header, TREE_HEADER);
    assert!(records.iter().all(|r| r[1].is_empty() && r[12].is_empty()));
    let rows: Vec<NodeRow> = csv::Reader::from_reader(csv.as_bytes())
        .deserialize()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows, wanted);

    let markdown = dry("markdown");
    let tables = tables(&markdown);
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].0, ["id", "node", "delay", "starts", "ends", "as"]);
    assert_eq!(tables[0].1.len(), wanted.len());
    assert!(markdown.contains(&format!("**Arithmetic**: {}", schedule.summary(&planned))));

    // Several scenarios: one JSON document that lists them.
    let both = stdout_of(common::saywhen().args([
        "run",
        "--dry-run",
        "--format",
        "json",
        "1:a",
        "serial(1:a, 2:b)",
    ]));
    let doc: Value = serde_json::from_str(&both).unwrap();
    assert_eq!(doc["scenarios"][1]["expected_s"], 3.0);
    assert_eq!(doc["scenarios"][0]["nodes"][0]["kind"], "pair");
}

#[test]
fn dry_run_refuses_what_it_cannot_do() {
    common::rejects(
        &["run", "--dry-run", "--format", "trace", "1:a"],
        "--dry-run runs nothing, so there is no trace to draw",
    );
    common::rejects(
        &["run", "--dry-run", "1:a", "--export", "plan.json"],
        "nothing to --export",
    );
}

/// The block of `docs/FORMATS.md` that opens with ```` ```{fence} ```` after
/// `heading`.
fn documented(heading: &str, fence: &str) -> String {
    let docs = include_str!("../docs/FORMATS.md");
    let section = docs
        .split_once(heading)
        .unwrap_or_else(|| panic!("{heading} in the docs"))
        .1;
    let block = section.split_once(&format!("```{fence}\n")).unwrap().1;
    block.split_once("```").unwrap().0.to_owned()
}

/// A timestamp is the only thing that changes from run to run.
fn without_timestamps(mut value: Value) -> Value {
    if let Some(object) = value.as_object_mut() {
        for key in ["started_at", "finished_at", "at"] {
            if object.contains_key(key) {
                object[key] = Value::from("TIMESTAMP");
            }
        }
    }
    value
}

const DOCUMENTED: &str = "serial(timeout(1.5s, gather(1:a, 2:b)), 1:c)";

#[test]
fn the_documented_examples_are_what_saywhen_prints() {
    let printed =
        |format: &str| stdout_of(&mut virtual_run(&["run", "--format", format, DOCUMENTED]));
    let json = |text: &str| without_timestamps(serde_json::from_str(text).unwrap());

    let example = documented(
        "### A scenario: `saywhen run SCENARIO --format json`",
        "json",
    );
    assert_eq!(json(&example), json(&printed("json")));

    let example = documented("### A scenario's lines", "text");
    let lines = printed("jsonl");
    assert_eq!(example.lines().count(), lines.lines().count());
    for (documented, printed) in example.lines().zip(lines.lines()) {
        assert_eq!(json(documented), json(printed));
    }

    let example = documented("### A scenario's CSV: one row per node", "text");
    assert_eq!(example, printed("csv"));

    let example = documented("A scenario shows its **tree**", "text");
    assert_eq!(example, printed("markdown"));

    let example = documented("### The tree before it runs", "json");
    let dry_run = stdout_of(common::saywhen().args([
        "run",
        "--dry-run",
        "limit(2, 1:a, 1:b, 1:c)",
        "--format",
        "json",
    ]));
    assert_eq!(json(&example), json(&dry_run));
}

#[test]
fn a_job_summary_lists_a_large_trees_groups_only() {
    // GitHub cuts a job summary at 1 MiB: above the limit the tree keeps
    // its groups, the scenario is named by its label, and a line says so.
    let pairs: Vec<String> = (0..20).map(|i| format!("1:m{i}")).collect();
    let text = format!("serial(gather({}), race(1:x, 2:y))", pairs.join(", "));
    let report = run(&text);
    let mut markdown = saywhen::render::markdown::Markdown {
        mermaid: false,
        max_pair_rows: Some(10),
    };
    let mut out = Vec::new();
    saywhen::Renderer::report(&mut markdown, &report, &mut out).unwrap();
    let out = String::from_utf8(out).unwrap();
    let tables = tables(&out);
    let ids: Vec<&str> = tables[0].1.iter().map(|row| row[0].as_str()).collect();
    assert_eq!(ids, ["0", "0.0", "0.1"], "{out}");
    assert!(
        out.contains("*22 pairs: their rows are left out here"),
        "{out}"
    );
    assert!(out.starts_with(&format!(
        "**Scenario**: {}",
        saywhen::measure::report::scenario_label(&report.scenario)
    )));
    assert!(!out.contains("\n- "), "no group lines either:\n{out}");
}
