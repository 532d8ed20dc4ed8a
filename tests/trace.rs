//! The trace (`--format trace`, `--export run.trace.json`): the Chrome
//! Trace Event Format. Every rule of the format is checked with serde_json
//! against the run's own report, on the virtual clock (tokio's paused
//! clock, so every time is exact); then the trace is opened in a real
//! viewer, speedscope in headless Chromium, which must show one track per
//! pair.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Duration;

use saywhen::engine::record::Timing;
use saywhen::measure::compare::compare;
use saywhen::measure::report::Status;
use saywhen::render::Trace;
use saywhen::scenario::units::{human, human_signed, offset};
use saywhen::{
    Clock, Comparison, Mode, Plan, Renderer, Repeat, Report, RunSpec, Silent, StopReason,
};
use serde_json::Value;

use common::browser;
use common::{stdout_of, virtual_run};

fn plan(pairs: &[&str]) -> Arc<Plan> {
    let pairs = pairs
        .iter()
        .map(|p| p.parse().expect("a valid pair"))
        .collect();
    Arc::new(Plan::new(pairs).expect("a valid plan"))
}

/// `pairs` compared in `modes` on the virtual clock, with `timeout`.
fn compared(pairs: &[&str], modes: &[Mode], timeout: Option<Duration>) -> Comparison {
    let mut spec = RunSpec::new(Mode::Serial, Clock::Virtual);
    spec.timeout = timeout;
    compare(
        &plan(pairs),
        &spec,
        modes,
        Repeat::default(),
        Arc::new(Silent),
    )
    .expect("it runs")
}

fn first_runs(c: &Comparison) -> Vec<&Report> {
    c.modes.iter().map(|m| m.first()).collect()
}

fn rendered(c: &Comparison) -> Value {
    let mut out = Vec::new();
    Trace
        .comparison(c, &mut out)
        .expect("rendering to memory works");
    serde_json::from_slice(&out).expect("the trace is one JSON document")
}

fn micros(d: Duration) -> f64 {
    d.as_nanos() as f64 / 1e3
}

/// The events of a trace, after checking the document's own shape: an
/// object with `traceEvents` and `displayTimeUnit: "ms"`, every event with
/// a string `name` and `ph`, and numbers `pid`, `tid`, `ts`.
fn events(trace: &Value) -> &[Value] {
    let keys: BTreeSet<&str> = trace
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, BTreeSet::from(["displayTimeUnit", "traceEvents"]));
    assert_eq!(trace["displayTimeUnit"], "ms");
    let events = trace["traceEvents"].as_array().expect("an array of events");
    for event in events {
        assert!(event["name"].is_string(), "{event}");
        assert!(event["ph"].is_string(), "{event}");
        assert!(event["pid"].is_u64(), "{event}");
        assert!(event["tid"].is_u64(), "{event}");
        assert!(event["ts"].is_number(), "{event}");
    }
    events
}

fn of_phase<'a>(events: &'a [Value], ph: &str) -> impl Iterator<Item = &'a Value> {
    events.iter().filter(move |e| e["ph"] == ph)
}

fn at(event: &Value, key: &str) -> f64 {
    event[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} in {event}"))
}

/// (pid, tid) of an event.
fn track(event: &Value) -> (u64, u64) {
    (
        event["pid"].as_u64().unwrap(),
        event["tid"].as_u64().unwrap(),
    )
}

/// Every rule of the trace, checked against the reports it was made from.
fn check_against(trace: &Value, reports: &[&Report]) {
    let events = events(trace);
    // One process per mode, in the order they ran, named by metadata.
    let processes: Vec<(u64, &str)> = of_phase(events, "M")
        .filter(|e| e["name"] == "process_name")
        .map(|e| (track(e).0, e["args"]["name"].as_str().unwrap()))
        .collect();
    let labels: Vec<String> = reports.iter().map(|r| r.label().into_owned()).collect();
    let expected: Vec<(u64, &str)> = labels
        .iter()
        .enumerate()
        .map(|(n, label)| (n as u64 + 1, label.as_str()))
        .collect();
    assert_eq!(processes, expected);

    // One named thread per pair, plus the run's own, each named once.
    let mut names: BTreeMap<(u64, u64), &str> = BTreeMap::new();
    for e in of_phase(events, "M").filter(|e| e["name"] == "thread_name") {
        let name = e["args"]["name"].as_str().expect("a thread name");
        assert!(names.insert(track(e), name).is_none(), "named twice: {e}");
    }
    let mut expected_names = BTreeMap::new();
    for (n, report) in reports.iter().enumerate() {
        let pid = n as u64 + 1;
        expected_names.insert((pid, 0), "run".to_owned());
        for pair in report.pairs() {
            let name = format!("{} {}", pair.index + 1, pair.pair.message);
            expected_names.insert((pid, pair.index as u64 + 1), name);
        }
    }
    let names: BTreeMap<(u64, u64), String> =
        names.into_iter().map(|(k, v)| (k, v.to_owned())).collect();
    assert_eq!(names, expected_names);

    // Tracks never overlap: complete events on one thread follow each other.
    let mut spans: BTreeMap<(u64, u64), Vec<(f64, f64)>> = BTreeMap::new();
    for e in of_phase(events, "X") {
        spans
            .entry(track(e))
            .or_default()
            .push((at(e, "ts"), at(e, "ts") + at(e, "dur")));
    }
    for (track, mut list) in spans.clone() {
        list.sort_by(|a, b| a.0.total_cmp(&b.0));
        assert!(
            list.windows(2).all(|w| w[0].1 <= w[1].0),
            "{track:?}: {list:?}"
        );
    }

    for (n, report) in reports.iter().enumerate() {
        let pid = n as u64 + 1;
        // The run's span: from 0 to the wall.
        let run: Vec<&Value> = of_phase(events, "X")
            .filter(|e| track(e) == (pid, 0))
            .collect();
        assert_eq!(run.len(), 1);
        assert_eq!(at(run[0], "ts"), 0.0);
        assert_eq!(at(run[0], "dur"), micros(report.wall));
        for pair in report.pairs() {
            check_pair(events, report, &pair, (pid, pair.index as u64 + 1));
        }
    }
}

/// A pair's events: its sleep as a complete event, the moment it said its
/// message as an instant; how it ended in its name and its args.
fn check_pair(
    events: &[Value],
    report: &Report,
    pair: &saywhen::measure::report::PairReport<'_>,
    at_track: (u64, u64),
) {
    let mine: Vec<&Value> = events
        .iter()
        .filter(|e| e["ph"] != "M" && track(e) == at_track)
        .collect();
    let message = &pair.pair.message;
    let status = pair.status();
    let named = match status {
        Status::Done => message.clone(),
        other => format!("{message} ({})", other.name()),
    };
    let sleeps: Vec<&&Value> = mine.iter().filter(|e| e["ph"] == "X").collect();
    match pair.began() {
        Some(began) => {
            assert_eq!(sleeps.len(), 1, "{mine:?}");
            let sleep = sleeps[0];
            assert_eq!(sleep["name"], named.as_str());
            assert_eq!(at(sleep, "ts"), micros(began));
            let end = pair.ended().unwrap_or(report.wall);
            assert_eq!(at(sleep, "dur"), micros(end - began));
        }
        None => assert!(sleeps.is_empty(), "{mine:?}"),
    }
    let instants: Vec<&&Value> = mine.iter().filter(|e| e["ph"] == "i").collect();
    match (pair.finished(), pair.began()) {
        (Some(said), _) => {
            assert_eq!(instants.len(), 1, "{mine:?}");
            assert_eq!(instants[0]["name"], format!("said {message}").as_str());
            assert_eq!(at(instants[0], "ts"), micros(said));
            assert_eq!(instants[0]["s"], "t");
        }
        // Never began: one instant where it ended, so its track shows it.
        (None, None) => {
            assert_eq!(instants.len(), 1, "{mine:?}");
            assert_eq!(instants[0]["name"], named.as_str());
        }
        (None, Some(_)) => assert!(instants.is_empty(), "{mine:?}"),
    }
    for event in mine {
        let args = &event["args"];
        assert_eq!(args["index"], pair.index);
        assert_eq!(args["message"], message.as_str());
        assert_eq!(args["status"], status.name());
        assert_eq!(args["delay"], human(pair.pair.delay).as_str());
        assert_eq!(at(args, "delay_us"), micros(pair.pair.delay));
        match pair.intended_finish() {
            Some(expected) => {
                assert_eq!(args["expected"], offset(expected).as_str());
                assert_eq!(at(args, "expected_us"), micros(expected));
            }
            None => assert!(args["expected"].is_null() && args["expected_us"].is_null()),
        }
        match pair.late() {
            Some(late) => {
                assert_eq!(args["late_by"], human_signed(late).as_str());
                let sign = if late.is_negative() { -1.0 } else { 1.0 };
                assert_eq!(at(args, "late_by_us"), sign * micros(late.unsigned_abs()));
            }
            None => assert!(args["late_by"].is_null() && args["late_by_us"].is_null()),
        }
    }
}

#[test]
fn a_comparison_is_one_process_per_mode_and_one_track_per_pair() {
    // Serial at the 1.5 s timeout: hello done, world cut mid-sleep, the
    // third never began. Tasks and gather: the third done at +0.5s.
    let c = compared(
        &["1:hello", "2:world", "0.5:a \"quoted\", message"],
        &[Mode::Serial, Mode::Tasks, Mode::Gather],
        Some(Duration::from_millis(1500)),
    );
    let trace = rendered(&c);
    check_against(&trace, &first_runs(&c));
    let statuses: Vec<Vec<Status>> = c
        .modes
        .iter()
        .map(|m| m.first().pairs().map(|p| p.status()).collect())
        .collect();
    assert_eq!(
        statuses[0],
        [Status::Done, Status::Cancelled, Status::Cancelled],
        "every kind of ending is covered"
    );
    assert!(c.modes[0].first().timings[2].began.is_none());
}

#[test]
fn a_race_names_its_losers_cancelled() {
    let c = compared(&["3:slow", "1:fast", "2:mid"], &[Mode::Race], None);
    let trace = rendered(&c);
    check_against(&trace, &first_runs(&c));
    let names: Vec<&str> = of_phase(events(&trace), "X")
        .map(|e| e["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "race: wall 1s (expected 1s)",
            "slow (cancelled)",
            "fast",
            "mid (cancelled)"
        ]
    );
}

#[test]
fn an_interrupted_run_says_so_and_its_sleeps_end_at_the_stop() {
    let c = compared(&["1:a", "3:b"], &[Mode::Tasks], None);
    let mut report = c.modes[0].first().clone();
    // What Ctrl-C at +2s leaves: a said its message, b was still asleep.
    report.wall = Duration::from_secs(2);
    report.timings[1] = Timing {
        began: Some(Duration::ZERO),
        ended: None,
        ..Timing::default()
    };
    report.interrupted = Some(StopReason::Interrupt);
    let mut out = Vec::new();
    Trace.report(&report, &mut out).unwrap();
    let trace: Value = serde_json::from_slice(&out).unwrap();
    check_against(&trace, &[&report]);
    let b = of_phase(events(&trace), "X")
        .find(|e| track(e) == (1, 2))
        .unwrap();
    assert_eq!(b["name"], "b (interrupted)");
    assert_eq!(b["args"]["status"], "interrupted");
    assert_eq!(at(b, "dur"), 2e6);
    let run = of_phase(events(&trace), "X").next().unwrap();
    assert_eq!(run["name"], "tasks: wall 2s (expected 3s) (interrupted)");
    assert_eq!(run["args"]["interrupted"], "SIGINT");
}

#[test]
fn the_export_and_the_format_write_the_same_trace() {
    let dir = browser::scratch("trace");
    let file = dir.join("run.TRACE.json");
    let args = ["compare", "1:hello", "2:world", "--timeout", "1.5s"];
    let stdout = stdout_of(virtual_run(&args).args(["--format", "trace"]));
    let shown = stdout_of(virtual_run(&args).arg("--export").arg(&file));
    assert!(shown.contains("vs fastest"), "the terminal keeps the table");
    let exported = std::fs::read_to_string(&file).expect("the export was written");
    // No clock times in a trace: the virtual clock makes it byte-for-byte
    // repeatable.
    assert_eq!(stdout, exported);
    let c = compared(
        &["1:hello", "2:world"],
        &[Mode::Serial, Mode::Tasks, Mode::Gather],
        Some(Duration::from_millis(1500)),
    );
    let trace: Value = serde_json::from_str(&stdout).expect("one JSON document");
    check_against(&trace, &first_runs(&c));
}

#[test]
fn repeated_runs_trace_the_first_counted_run() {
    let stdout = stdout_of(&mut virtual_run(&[
        "serial", "1:a", "2:b", "--runs", "3", "--warmup", "1", "--format", "trace",
    ]));
    let trace: Value = serde_json::from_str(&stdout).unwrap();
    let events = events(&trace);
    let processes = of_phase(events, "M")
        .filter(|e| e["name"] == "process_name")
        .count();
    assert_eq!(processes, 1);
    assert_eq!(of_phase(events, "X").count(), 3, "the run and two pairs");
}

/// speedscope (`npm install speedscope`, which ships the whole app) opens
/// the trace in headless Chromium the way its own command line does: the
/// page loads a script that hands it the file. Its profile list must show
/// one entry per track, each named after the process and the thread, with
/// the time the track spent in its sleeps.
#[test]
#[ignore = "needs chromium and speedscope (npm): run by .ci/run"]
fn speedscope_shows_one_track_per_pair() {
    let chromium = browser::chromium().expect("no chromium found (apt-get install chromium)");
    let speedscope = browser::npm_package("speedscope").unwrap_or_else(|| {
        panic!(
            "speedscope is not installed in {:?} (npm install --prefix DIR speedscope)",
            browser::npm_cache()
        )
    });
    let dir = browser::scratch("speedscope");
    let file = dir.join("run.trace.json");
    stdout_of(
        virtual_run(&["compare", "--modes", "serial,gather", "1:hello", "2:world"])
            .arg("--export")
            .arg(&file),
    );
    let trace = std::fs::read(&file).unwrap();
    let loader = dir.join("load.js");
    std::fs::write(
        &loader,
        format!(
            "speedscope.loadFileFromBase64(\"run.trace.json\", \"{}\")",
            base64(&trace)
        ),
    )
    .unwrap();
    let url = format!(
        "file://{}#localProfilePath={}",
        speedscope.join("dist/release/index.html").display(),
        loader.display()
    );
    let dom = browser::dump_dom(chromium, &url, &dir, Duration::from_secs(10));
    assert!(
        dom.contains("<title>run.trace.json - speedscope</title>"),
        "{dom}"
    );
    // The profile list: `<tr title="serial (pid 1), 1 hello (tid 1)" ...>`,
    // its last cell the track's total time.
    let rows: Vec<(String, String)> = dom
        .split("<tr title=\"")
        .skip(1)
        .map(|row| {
            let title = row[..row.find('"').unwrap()].to_owned();
            let cells: Vec<&str> = row.split("</td>").collect();
            let last = cells[cells.len() - 2];
            let weight = last[last.rfind('>').unwrap() + 1..].to_owned();
            (title, weight)
        })
        .collect();
    let expected = [
        ("serial (pid 1), run (tid 0)", "3.00s"),
        ("serial (pid 1), 1 hello (tid 1)", "1.00s"),
        ("serial (pid 1), 2 world (tid 2)", "2.00s"),
        ("gather (pid 2), run (tid 0)", "2.00s"),
        ("gather (pid 2), 1 hello (tid 1)", "1.00s"),
        ("gather (pid 2), 2 world (tid 2)", "2.00s"),
    ]
    .map(|(t, w)| (t.to_owned(), w.to_owned()));
    assert_eq!(rows, expected, "speedscope's profiles");
    assert!(dom.contains("(1/6)"), "six tracks in all");
    if std::env::var_os("SAYWHEN_KEEP_SCREENSHOTS").is_some() {
        let png = dir.join("speedscope.png");
        browser::screenshot(chromium, &url, &dir, Duration::from_secs(10), &png);
        eprintln!("screenshot: {}", png.display());
    }
}

/// Standard base64, as speedscope's loader expects.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = u32::from_be_bytes([0, b[0], b[1], b[2]]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[test]
fn the_example_in_the_docs_is_what_saywhen_prints() {
    let docs = include_str!("../docs/FORMATS.md");
    let section = &docs[docs.find("## Trace").expect("a Trace section")..];
    let example = section
        .split("```json\n")
        .nth(1)
        .and_then(|block| block.split("```").next())
        .expect("a JSON example");
    let printed = stdout_of(&mut virtual_run(&[
        "--timeout",
        "1.5s",
        "tasks",
        "1:hello",
        "2:world",
        "--format",
        "trace",
    ]));
    assert_eq!(example, printed);
    assert!(
        section.contains(
            "saywhen --virtual-time --timeout 1.5s tasks\n1:hello 2:world --format trace"
        ),
        "the docs name the command that printed it"
    );
}
