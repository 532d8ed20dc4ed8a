//! Every node's modelled states in the machine formats: exact on the
//! virtual clock for the lessons that need them (a thread held by
//! blocking, a permit of `limit`, turns in `serial`), the same in every
//! format, and well formed for any tree: contiguous, in time order,
//! `waiting` and `permit` before the node's start, the rest after it
//! (`ready` may come before too), and the last ending at its end.

mod common;

use std::sync::Arc;

use proptest::prelude::*;
use serde_json::{Value, json};

use saywhen::render::state_spans::States;
use saywhen::render::style::Style;
use saywhen::scenario::parse::parse_argument;
use saywhen::{Clock, Format, Measurement, RunSpec, Silent, run_scenario};

use common::{stdout_of, virtual_run};

/// The Rust book's blocking race (chapter 17).
const RACE: &str = "race(serial(0:a0, block(0.03:a1), block(0.01:a2), block(0.02:a3), 0.05:afin), \
    serial(0:b0, block(0.075:b1), block(0.01:b2), block(0.015:b3), block(0.35:b4), 0.05:bfin))";

fn json_of(args: &[&str]) -> Value {
    serde_json::from_str(&stdout_of(&mut virtual_run(args))).unwrap()
}

/// The states of the node saying `message`.
fn states_of(doc: &Value, message: &str) -> Value {
    let nodes = doc["nodes"].as_array().unwrap();
    let node = nodes.iter().find(|n| n["message"] == message).unwrap();
    node["states"].clone()
}

/// On one thread, `a` blocks 60 ms and parks on its 50 ms sleep, due at
/// 110 ms; `b` then blocks 450 ms, so `afin` is ready but starved from
/// 110 ms until the thread is free at 510 ms.
#[test]
fn the_blocking_race_starves_afin_from_110ms_to_510ms() {
    let doc = json_of(&["run", RACE, "--format", "json"]);
    assert_eq!(doc["states_are"], "modelled");
    assert_eq!(
        states_of(&doc, "afin"),
        json!([
            ["waiting", 0.0, 0.06],
            ["sleeping", 0.06, 0.11],
            ["ready", 0.11, 0.51]
        ])
    );
    assert_eq!(
        states_of(&doc, "b4"),
        json!([["waiting", 0.06, 0.16], ["holding", 0.16, 0.51]])
    );
    // bfin's turn never comes: the race is over first.
    assert_eq!(states_of(&doc, "bfin"), json!([["waiting", 0.06, 0.51]]));
    let holds: Vec<(String, f64, f64)> = doc["threads"][0]["holds"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            let s = |key: &str| h[key].as_f64().unwrap();
            (h["id"].as_str().unwrap().to_owned(), s("from_s"), s("to_s"))
        })
        .collect();
    assert_eq!(
        holds,
        [
            ("0.0.1".into(), 0.0, 0.03),
            ("0.0.2".into(), 0.03, 0.04),
            ("0.0.3".into(), 0.04, 0.06),
            ("0.1.1".into(), 0.06, 0.135),
            ("0.1.2".into(), 0.135, 0.145),
            ("0.1.3".into(), 0.145, 0.16),
            ("0.1.4".into(), 0.16, 0.51),
        ]
    );
    assert_eq!(doc["threads"].as_array().unwrap().len(), 1);
}

/// `limit(1, ...)`: the second waits for the first's permit.
#[test]
fn a_limit_makes_the_second_wait_for_a_permit() {
    let doc = json_of(&["run", "limit(1, 1:a, 2:b)", "--format", "json"]);
    assert_eq!(states_of(&doc, "a"), json!([["sleeping", 0.0, 1.0]]));
    assert_eq!(
        states_of(&doc, "b"),
        json!([["permit", 0.0, 1.0], ["sleeping", 1.0, 3.0]])
    );
    assert_eq!(doc["nodes"][0]["states"], json!([["children", 0.0, 3.0]]));
}

/// A flat serial: each pair waits for its turn, on the pairs (a flat mode
/// has no nodes), in JSON Lines' `states` lines and in CSV's column.
#[test]
fn serial_pairs_wait_their_turn_in_a_flat_mode_too() {
    let doc = json_of(&["serial", "1:a", "2:b", "0.5:c", "--format", "json"]);
    let pairs: Vec<Value> = doc["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["states"].clone())
        .collect();
    assert_eq!(
        pairs,
        [
            json!([["sleeping", 0.0, 1.0]]),
            json!([["waiting", 0.0, 1.0], ["sleeping", 1.0, 3.0]]),
            json!([["waiting", 0.0, 3.0], ["sleeping", 3.0, 3.5]]),
        ]
    );
    assert!(doc.get("nodes").is_none());
    let text = stdout_of(&mut virtual_run(&[
        "serial", "1:a", "2:b", "0.5:c", "--format", "jsonl",
    ]));
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let model = lines.iter().find(|l| l["event"] == "model").unwrap();
    assert_eq!(model["states_are"], "modelled");
    let states: Vec<Value> = lines
        .iter()
        .filter(|l| l["event"] == "states")
        .map(|l| l["states"].clone())
        .collect();
    assert_eq!(states, pairs);
    let csv = stdout_of(&mut virtual_run(&[
        "serial", "1:a", "2:b", "0.5:c", "--format", "csv",
    ]));
    let cells: Vec<Value> = csv
        .lines()
        .skip(1)
        .map(|line| csv_states(line.rsplit(',').next().unwrap()))
        .collect();
    assert_eq!(cells, pairs);
}

/// The blocking lesson as a flat mode: each task holds the only thread in
/// turn, and the others are ready, not polled.
#[test]
fn flat_blocking_holds_the_thread_in_turn() {
    let doc = json_of(&["blocking", "1:a", "2:b", "--format", "json"]);
    assert_eq!(doc["pairs"][0]["states"], json!([["holding", 0.0, 1.0]]));
    assert_eq!(
        doc["pairs"][1]["states"],
        json!([["ready", 0.0, 1.0], ["holding", 1.0, 3.0]])
    );
    let holds = &doc["threads"][0]["holds"];
    assert_eq!(
        holds,
        &json!([
            {"index": 0, "from_s": 0.0, "to_s": 1.0},
            {"index": 1, "from_s": 1.0, "to_s": 3.0}
        ])
    );
}

/// The model plays the current-thread runtime only: on a multi-thread one
/// (and with a flat mode's options it does not play) the states are left
/// out, and the document says why.
#[test]
fn states_are_omitted_where_the_model_cannot_tell_them() {
    let text = stdout_of(common::saywhen().args([
        "--workers",
        "2",
        "gather",
        "0.001:a",
        "--format",
        "json",
    ]));
    let doc: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        doc["states_omitted"],
        "the model of the multi-thread runtime gives bounds, not states"
    );
    assert!(doc.get("states_are").is_none() && doc.get("threads").is_none());
    assert!(doc["pairs"][0].get("states").is_none());
    let limited = json_of(&["--limit", "1", "gather", "1:a", "1:b", "--format", "json"]);
    assert_eq!(
        limited["states_omitted"],
        "the model does not play a flat mode's --limit, --timeout or --deadlines absolute"
    );
    let csv = stdout_of(common::saywhen().args([
        "--workers",
        "2",
        "gather",
        "0.001:a",
        "--format",
        "csv",
    ]));
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[1].ends_with(",done,"), "an empty cell: {csv}");
    assert_eq!(
        lines[2],
        "# modelled_states left out: the model of the multi-thread runtime gives bounds, not states"
    );
}

/// The documented example is what saywhen prints (its keys).
#[test]
fn the_documented_example_is_what_saywhen_prints() {
    let docs = include_str!("../docs/FORMATS.md");
    let section = docs
        .split_once("### States: what the model says each node is doing")
        .unwrap()
        .1;
    let example = section.split_once("```json\n").unwrap().1;
    let example: Value = serde_json::from_str(example.split_once("```").unwrap().0).unwrap();
    let doc = json_of(&[
        "run",
        "gather(limit(1, 1:a, 1:b), serial(block(1.5:c), 0.2:d))",
        "--format",
        "json",
    ]);
    let nodes: Vec<Value> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| json!({"id": n["id"], "message": n["message"], "states": n["states"]}))
        .collect();
    let printed = json!({
        "states_are": doc["states_are"],
        "threads": doc["threads"],
        "nodes": nodes,
    });
    assert_eq!(example, printed);
}

/// Each node's states from every format that carries them, by node id.
struct Formats {
    json: Vec<(String, Value)>,
    jsonl: Vec<(String, Value)>,
    csv: Vec<(String, Value)>,
}

/// CSV's `state:from_s:to_s ...` as JSON's `[[state, from_s, to_s], ...]`.
fn csv_states(cell: &str) -> Value {
    let spans: Vec<Value> = cell
        .split(' ')
        .filter(|span| !span.is_empty())
        .map(|span| {
            let mut parts = span.split(':');
            let state = parts.next().unwrap();
            let mut time = || parts.next().unwrap().parse::<f64>().unwrap();
            json!([state, time(), time()])
        })
        .collect();
    Value::from(spans)
}

fn formats(text: &str) -> (Formats, Value) {
    let scenario = Arc::new(parse_argument(text, 1, false).unwrap());
    let report = run_scenario(scenario, &RunSpec::on(Clock::Virtual), Arc::new(Silent)).unwrap();
    let render = |format: Format| {
        let mut out = Vec::new();
        let alone = Measurement::new(report.clone(), Vec::new(), 0);
        format
            .export_renderer(&Style::default())
            .measurement(&alone, &mut out)
            .unwrap();
        String::from_utf8(out).unwrap()
    };
    let doc: Value = serde_json::from_str(&render(Format::Json)).unwrap();
    let by_id = |nodes: &mut dyn Iterator<Item = &Value>| -> Vec<(String, Value)> {
        nodes
            .map(|n| (n["id"].as_str().unwrap().to_owned(), n["states"].clone()))
            .collect()
    };
    let json = by_id(&mut doc["nodes"].as_array().unwrap().iter());
    let lines: Vec<Value> = render(Format::Jsonl)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let jsonl = by_id(&mut lines.iter().filter(|l| l["event"] == "node"));
    let text = render(Format::Csv);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header = reader.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (id, states) = (column("id"), column("modelled_states"));
    let csv = reader
        .records()
        .map(|row| {
            let row = row.unwrap();
            (row[id].to_owned(), csv_states(&row[states]))
        })
        .collect();
    (Formats { json, jsonl, csv }, doc)
}

/// What must hold of every node's states.
fn well_formed(doc: &Value) {
    for node in doc["nodes"].as_array().unwrap() {
        let spans = node["states"].as_array().unwrap();
        let start = node["expected_start_s"].as_f64();
        let finish = node["expected_finish_s"].as_f64();
        let mut before_start = true;
        for (i, span) in spans.iter().enumerate() {
            let state = span[0].as_str().unwrap();
            let (from, to) = (span[1].as_f64().unwrap(), span[2].as_f64().unwrap());
            assert!(from < to, "{node}");
            if let Some(next) = spans.get(i + 1) {
                assert_eq!(to, next[1].as_f64().unwrap(), "contiguous: {node}");
            }
            // Before its first poll a node waits for its turn or a permit,
            // or is ready (spawned) while the thread is busy.
            let started = start.is_some_and(|start| start <= from);
            match state {
                "waiting" | "permit" => {
                    assert!(before_start && !started, "not started again: {node}");
                }
                "ready" => {}
                _ => {
                    before_start = false;
                    assert!(started, "{node}");
                }
            }
            if let Some(finish) = finish {
                assert!(to <= finish, "{node}");
            }
        }
        if let (Some(last), Some(finish)) = (spans.last(), finish) {
            assert_eq!(last[2].as_f64().unwrap(), finish, "ends at its end: {node}");
        }
    }
    // Thread 0 is held by one node at a time, in time order, each hold a
    // holding span of its node.
    let holds = doc["threads"][0]["holds"].as_array().unwrap();
    for pair in holds.windows(2) {
        assert!(
            pair[0]["to_s"].as_f64() <= pair[1]["from_s"].as_f64(),
            "{pair:?}"
        );
    }
    for hold in holds {
        let node = doc["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["id"] == hold["id"])
            .unwrap();
        let span = json!(["holding", hold["from_s"], hold["to_s"]]);
        assert!(
            node["states"].as_array().unwrap().contains(&span),
            "{hold} in {node}"
        );
    }
}

fn random_tree() -> BoxedStrategy<String> {
    let pair = (
        1u32..3000,
        prop::sample::select(vec!["", "", "fail", "block", "spawn_blocking"]),
    )
        .prop_map(|(ms, wrap)| match wrap {
            "" => format!("{ms}ms:m"),
            wrap => format!("{wrap}({ms}ms:m)"),
        });
    common::trees::tree(3, pair.boxed(), 1..4)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    /// For any tree: the states are well formed, every format carries the
    /// same, and they are the model's trace (`Trace::lives`) exactly.
    #[test]
    fn states_are_well_formed_and_the_same_in_every_format(text in random_tree()) {
        let (formats, doc) = formats(&text);
        well_formed(&doc);
        prop_assert_eq!(&formats.json, &formats.jsonl);
        prop_assert_eq!(&formats.json, &formats.csv);
        let scenario = parse_argument(&text, 1, false).unwrap();
        let (_, trace) = saywhen::simulate::trace(&scenario);
        let states = States::of(&scenario);
        for (place, life) in trace.lives(&scenario).iter().enumerate() {
            prop_assert_eq!(states.at(place).0, life.spans.as_slice());
        }
    }
}

/// The trace's documented lines are what saywhen prints.
#[test]
fn the_traces_documented_states_are_what_saywhen_prints() {
    let docs = include_str!("../docs/FORMATS.md");
    let section = docs.split_once("**The model's states** (see").unwrap().1;
    let example = section.split_once("```text\n").unwrap().1;
    let example = example.split_once("```").unwrap().0;
    let printed = stdout_of(&mut virtual_run(&[
        "run",
        "serial(block(1:a), 2:b)",
        "--format",
        "trace",
    ]));
    let wanted: Vec<&str> = printed
        .lines()
        .filter(|l| {
            l.contains("\"cat\":\"state\"")
                || l.contains("\"cat\":\"hold\"")
                || l.contains(" · states\"")
                || l.contains("thread 0 (modelled)")
        })
        .collect();
    assert_eq!(example.lines().collect::<Vec<_>>(), wanted);
}
