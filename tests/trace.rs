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
use saywhen::render::state_spans::Model;
use saywhen::scenario::tree::{GroupKind, Node};
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
    // One process per run, in the order they ran, named by metadata.
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

    // One named thread per node, plus the run's own, each named once and
    // sorted in tree order.
    let mut names: BTreeMap<(u64, u64), (String, u64)> = BTreeMap::new();
    for e in of_phase(events, "M").filter(|e| e["name"] == "thread_name") {
        let name = e["args"]["name"]
            .as_str()
            .expect("a thread name")
            .to_owned();
        assert!(
            names.insert(track(e), (name, u64::MAX)).is_none(),
            "named twice: {e}"
        );
    }
    for e in of_phase(events, "M").filter(|e| e["name"] == "thread_sort_index") {
        names.get_mut(&track(e)).expect("a named thread").1 =
            e["args"]["sort_index"].as_u64().unwrap();
    }
    let mut expected_names = BTreeMap::new();
    for (n, report) in reports.iter().enumerate() {
        let pid = n as u64 + 1;
        expected_names.insert((pid, 0), ("run".to_owned(), 0));
        let mut order = 0;
        let model = Model::of(report);
        let states = model.states();
        for (place, (node, _)) in report.scenario.walk().enumerate() {
            if report.mode.is_some() && node == Node::Group(0) {
                continue;
            }
            order += 1;
            let name = match node {
                Node::Pair { index, .. } => {
                    let name = format!("{} {}", index + 1, report.plan.message(index as usize));
                    expected_names.insert((pid, index as u64 + 1), (name.clone(), order));
                    name
                }
                Node::Group(g) => {
                    let kind = report.scenario.group(g).kind;
                    let name = format!("{} {kind}", report.scenario.id(node));
                    expected_names.insert((pid, group_tid(report, g)), (name.clone(), order));
                    if twin(report, g) {
                        order += 1;
                        let tid = group_tid(report, g) + report.scenario.groups().len() as u64;
                        expected_names.insert((pid, tid), (format!("{name} · spawns"), order));
                    }
                    name
                }
            };
            // The model's states, on a track of their own below the node's.
            if let Some(states) = states.filter(|s| !s.at(place).0.is_empty()) {
                order += 1;
                let tid = states_tid(report, place);
                expected_names.insert((pid, tid), (format!("{name} · states"), order));
                let slices: Vec<(String, f64, f64)> = of_phase(events, "X")
                    .filter(|e| track(e) == (pid, tid))
                    .map(|e| {
                        assert_eq!(e["cat"], "state");
                        let name = e["name"].as_str().unwrap().to_owned();
                        (name, at(e, "ts"), at(e, "ts") + at(e, "dur"))
                    })
                    .collect();
                let spans: Vec<(String, f64, f64)> = states
                    .at(place)
                    .0
                    .iter()
                    .map(|s| (s.state.name().to_owned(), micros(s.from), micros(s.to)))
                    .collect();
                assert_eq!(slices, spans, "{name}");
            }
        }
        let holds = states.map(|s| s.threads().remove(0).1).unwrap_or_default();
        if !holds.is_empty() {
            order += 1;
            let tid = states_tid(report, report.scenario.node_count());
            expected_names.insert((pid, tid), ("thread 0 (modelled)".to_owned(), order));
            let slices = of_phase(events, "X").filter(|e| track(e) == (pid, tid));
            let slices: Vec<(f64, f64)> = slices.map(|e| (at(e, "ts"), at(e, "dur"))).collect();
            let wanted: Vec<(f64, f64)> = holds
                .iter()
                .map(|h| (micros(h.from), micros(h.to - h.from)))
                .collect();
            assert_eq!(slices, wanted);
        }
    }
    assert_eq!(names, expected_names);

    // Tracks never overlap: the complete events of one thread follow each
    // other or nest (a spawn inside its group's span), never cross.
    let mut spans: BTreeMap<(u64, u64), Vec<(f64, f64)>> = BTreeMap::new();
    for e in of_phase(events, "X") {
        spans
            .entry(track(e))
            .or_default()
            .push((at(e, "ts"), at(e, "ts") + at(e, "dur")));
    }
    for (track, mut list) in spans {
        list.sort_by(|a, b| a.0.total_cmp(&b.0).then(b.1.total_cmp(&a.1)));
        let mut open: Vec<(f64, f64)> = Vec::new();
        for span in list {
            while open
                .last()
                .is_some_and(|top| top.1 <= span.0 && top.0 < span.0)
            {
                open.pop();
            }
            if let Some(top) = open.last() {
                assert!(span.1 <= top.1, "{track:?}: {span:?} crosses {top:?}");
            }
            open.push(span);
        }
    }

    for (n, report) in reports.iter().enumerate() {
        let pid = n as u64 + 1;
        // The run's span: from 0 to the wall.
        let run: Vec<&Value> = of_phase(events, "X")
            .filter(|e| track(e) == (pid, 0) && e["cat"] == "run")
            .collect();
        assert_eq!(run.len(), 1);
        assert_eq!(at(run[0], "ts"), 0.0);
        assert_eq!(at(run[0], "dur"), micros(report.wall));
        for pair in report.pairs() {
            check_pair(events, report, &pair, (pid, pair.index as u64 + 1));
        }
        if report.mode.is_none() {
            for g in 0..report.scenario.groups().len() as u32 {
                check_group(events, report, g, (pid, group_tid(report, g)));
            }
        }
        check_flows(events, report, pid);
    }
    let binds: Vec<u64> = events
        .iter()
        .filter(|e| e["flow_out"] == true)
        .map(|e| e["bind_id"].as_u64().expect("a numeric bind_id"))
        .collect();
    let unique: BTreeSet<u64> = binds.iter().copied().collect();
    assert_eq!(unique.len(), binds.len(), "every arrow has its own id");
}

/// The track of the model's states of the node at `place` in pre-order
/// (one past the last node: who holds thread 0).
fn states_tid(report: &Report, place: usize) -> u64 {
    (report.plan.len() + 1 + 2 * report.scenario.groups().len() + place) as u64
}

/// Whether group `g` was both spawned (and began) and spawns: its arrows
/// then start from a twin span on a track of its own.
fn twin(report: &Report, g: u32) -> bool {
    let spawns = |g: u32| {
        matches!(
            report.scenario.group(g).kind,
            GroupKind::Tasks | GroupKind::Joinset | GroupKind::Group | GroupKind::Threads
        )
    };
    spawns(g)
        && report.scenario.parent(Node::Group(g)).is_some_and(spawns)
        && report.groups[g as usize].began().is_some()
}

/// A scenario's group `g` is drawn on the thread after the pairs'.
fn group_tid(report: &Report, g: u32) -> u64 {
    (report.plan.len() + 1) as u64 + g as u64
}

/// A group's span: from its start to its end, named for its kind and how
/// it ended; its args give its id, the expected schedule and formula.
fn check_group(events: &[Value], report: &Report, g: u32, at_track: (u64, u64)) {
    let timing = report.groups[g as usize];
    let status = Status::of(timing);
    let kind = report.scenario.group(g).kind.to_string();
    let named = match status {
        Status::Done => kind.clone(),
        other => format!("{kind} ({})", other.name()),
    };
    let mine: Vec<&Value> = events
        .iter()
        .filter(|e| e["ph"] != "M" && track(e) == at_track)
        .collect();
    assert_eq!(mine.len(), 1, "{mine:?}");
    let span = mine[0];
    assert_eq!(span["name"], named.as_str());
    let end = timing.ended().unwrap_or(report.wall);
    match timing.began() {
        Some(began) => {
            assert_eq!(span["ph"], "X");
            assert_eq!(at(span, "ts"), micros(began));
            assert_eq!(at(span, "dur"), micros(end - began));
        }
        None => {
            assert_eq!(span["ph"], "i");
            assert_eq!(at(span, "ts"), micros(end));
        }
    }
    let args = &span["args"];
    assert_eq!(args["id"], report.scenario.id(Node::Group(g)).as_str());
    assert_eq!(args["kind"], kind.as_str());
    assert_eq!(args["status"], status.name());
    let schedule = report.schedule.as_ref().expect("a scenario's schedule");
    let expected = schedule.groups[g as usize];
    assert_eq!(args["expected_end"], offset(expected.end_at).as_str());
    match expected.start {
        Some(start) => assert_eq!(args["expected_start"], offset(start).as_str()),
        None => assert!(args["expected_start"].is_null()),
    }
    assert_eq!(args["formula"], schedule.formulas[g as usize].as_str());
}

/// Spawns are flow arrows: the spawning group's span starts a flow
/// (`flow_out`), each child it spawned ends it (`flow_in`, the same
/// `bind_id`). A group both spawned and spawning starts its flow from a
/// twin span on a `· spawns` track. Only tasks, joinset, group and threads
/// spawn; nothing else has an arrow.
fn check_flows(events: &[Value], report: &Report, pid: u64) {
    let scenario = &report.scenario;
    let in_pid: Vec<&Value> = events.iter().filter(|e| e["pid"] == pid).collect();
    let spawns = |g: u32| {
        matches!(
            scenario.group(g).kind,
            GroupKind::Tasks | GroupKind::Joinset | GroupKind::Group | GroupKind::Threads
        )
    };
    let groups = scenario.groups().len() as u64;
    let plan = report.plan.len() as u64;
    // Where each spawning group's arrows start: its flow_out span.
    let out_of = |g: u32| -> &Value {
        let spawned = scenario.parent(Node::Group(g)).is_some_and(spawns)
            && report.groups[g as usize].began().is_some();
        let tid = match (report.mode, spawned) {
            (Some(_), _) if g == 0 => 0,
            (_, true) => plan + 1 + groups + g as u64,
            (_, false) => group_tid(report, g),
        };
        let out: Vec<&&Value> = in_pid
            .iter()
            .filter(|e| e["flow_out"] == true && track(e) == (pid, tid))
            .collect();
        assert_eq!(out.len(), 1, "group {g}: one span starts its arrows");
        assert_eq!(out[0]["ph"], "X");
        out[0]
    };
    let mut arrows = 0;
    for (node, _) in scenario.walk() {
        let (began, tid) = match node {
            Node::Pair { index, .. } => (report.timings[index as usize].began(), index as u64 + 1),
            Node::Group(g) => (report.groups[g as usize].began(), group_tid(report, g)),
        };
        let incoming: Vec<&&Value> = in_pid
            .iter()
            .filter(|e| track(e) == (pid, tid) && e["flow_in"] == true)
            .collect();
        let spawner = scenario.parent(node).filter(|&p| spawns(p));
        let (Some(parent), Some(began)) = (spawner, began) else {
            assert!(incoming.is_empty(), "{node:?}: {incoming:?}");
            continue;
        };
        arrows += 1;
        assert_eq!(incoming.len(), 1, "{node:?}");
        assert_eq!(incoming[0]["ph"], "X");
        assert_eq!(at(incoming[0], "ts"), micros(began));
        let out = out_of(parent);
        assert_eq!(incoming[0]["bind_id"], out["bind_id"], "{node:?}");
        assert!(incoming[0]["bind_id"].is_u64());
        // The arrow runs forward in time, from the span that spawned it.
        assert!(at(out, "ts") <= micros(began), "{node:?}");
    }
    let ends = in_pid.iter().filter(|e| e["flow_in"] == true).count();
    assert_eq!(ends, arrows);
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
            let verb = if status == Status::Failed {
                "failed"
            } else {
                "said"
            };
            assert_eq!(instants[0]["name"], format!("{verb} {message}").as_str());
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
        if event["cat"] == "said" || event["cat"] == "failed" {
            // The moment a pair spoke says which pair; its span says more.
            assert_eq!(args.as_object().unwrap().len(), 1, "{event}");
            continue;
        }
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
    assert!(c.modes[0].first().timings[2].began().is_none());
}

#[test]
fn a_race_names_its_losers_cancelled() {
    let c = compared(&["3:slow", "1:fast", "2:mid"], &[Mode::Race], None);
    let trace = rendered(&c);
    check_against(&trace, &first_runs(&c));
    let names: Vec<&str> = of_phase(events(&trace), "X")
        .filter(|e| e["cat"] != "state")
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

/// A scenario run on the virtual clock, through the library.
fn scenario(text: &str) -> Report {
    let scenario = saywhen::scenario::parse::parse_argument(text, 1, false)
        .unwrap_or_else(|e| panic!("{text}: {e}"));
    let spec = RunSpec::new(Mode::Serial, Clock::Virtual);
    saywhen::run_scenario(Arc::new(scenario), &spec, Arc::new(Silent)).expect("it runs")
}

fn trace_of(reports: &[&Report]) -> Value {
    let mut out = Vec::new();
    saywhen::render::trace::write(reports, &mut out).unwrap();
    serde_json::from_slice(&out).expect("one JSON document")
}

#[test]
fn tasks_draws_an_arrow_to_every_task_it_spawns() {
    let c = compared(
        &["1:hello", "2:world"],
        &[Mode::Serial, Mode::Tasks, Mode::Gather, Mode::Joinset],
        None,
    );
    let trace = rendered(&c);
    check_against(&trace, &first_runs(&c));
    let ends: Vec<(u64, u64, u64)> = of_phase(events(&trace), "X")
        .filter(|e| e["flow_in"] == true)
        .map(|e| (track(e).0, track(e).1, e["bind_id"].as_u64().unwrap()))
        .collect();
    assert_eq!(
        ends,
        [(2, 1, 1), (2, 2, 1), (4, 1, 2), (4, 2, 2)],
        "tasks and joinset spawn; serial and gather await in one task"
    );
    let starts: Vec<(u64, u64)> = of_phase(events(&trace), "X")
        .filter(|e| e["flow_out"] == true)
        .map(track)
        .collect();
    assert_eq!(starts, [(2, 0), (4, 0)], "from the run's span");
}

#[test]
fn a_scenario_draws_each_group_as_a_span_on_its_own_track() {
    for text in [
        "gather(serial(1:a, 2:b), 3:c)",
        "serial(1:user, gather(0.5:post1, 0.5:post2))",
        "timeout(2.5s, gather(1:a, 3:b))",
        "race(2:slow, serial(0.5:a, 0.5:b))",
        "limit(2, 1:a, 1:b, 1:c, 1:d)",
        "group(1:a, fail(0.5:boom), 2:c)",
        "tasks(1:x, joinset(0.5:y, serial(0.25:z, 0.25:w)))",
        "serial(fail(1:first), 2:never)",
    ] {
        let report = scenario(text);
        let trace = trace_of(&[&report]);
        check_against(&trace, &[&report]);
    }
}

#[test]
fn a_scenarios_spans_say_how_each_node_ended() {
    let report = scenario("tasks(timeout(2.5s, gather(1:a, 3:b)), group(1:c, fail(0.5:boom)))");
    let trace = trace_of(&[&report]);
    check_against(&trace, &[&report]);
    let named: Vec<(&str, &str)> = events(&trace)
        .iter()
        .filter(|e| e["ph"] != "M" && e["cat"] != "spawn")
        .map(|e| {
            (
                e["name"].as_str().unwrap(),
                e["args"]["status"].as_str().unwrap_or(""),
            )
        })
        .collect();
    for wanted in [
        ("timeout(2.5s) (timed out)", "timed out"),
        ("b (cancelled)", "cancelled"),
        ("boom (failed)", "failed"),
        ("failed boom", ""),
        ("c (cancelled)", "cancelled"),
        ("group (failed)", "failed"),
    ] {
        assert!(named.contains(&wanted), "{wanted:?} not in {named:?}");
    }
    // The group's arithmetic is in its args, for the detail pane.
    let gather = events(&trace)
        .iter()
        .find(|e| e["args"]["kind"] == "gather")
        .unwrap();
    assert_eq!(gather["args"]["id"], "0.0.0");
    assert!(
        gather["args"]["formula"].as_str().unwrap().contains("max("),
        "{gather}"
    );
}

#[test]
fn an_interrupted_run_says_so_and_its_sleeps_end_at_the_stop() {
    let c = compared(&["1:a", "3:b"], &[Mode::Tasks], None);
    let mut report = c.modes[0].first().clone();
    // What Ctrl-C at +2s leaves: a said its message, b was still asleep.
    report.wall = Duration::from_secs(2);
    report.timings[1] = Timing::new(Some(Duration::ZERO), None, Default::default());
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
    let measured = of_phase(events, "X").filter(|e| e["cat"] != "state");
    assert_eq!(measured.count(), 3, "the run and two pairs");
    // And the model's: a sleeps; b waits for its turn, then sleeps.
    assert_eq!(of_phase(events, "X").count(), 3 + 3);
}

/// speedscope (`npm install speedscope`, which ships the whole app) opens
/// the trace in headless Chromium the way its own command line does: the
/// page loads a script that hands it the file. Its profile list must show
/// one entry per track, each named after the process and the thread, with
/// the time the track spent in its sleeps.
/// The profiles speedscope lists after loading `trace`: each one's title
/// (`serial (pid 1), 1 hello (tid 1)`) and total time; and the DOM.
fn speedscope_profiles(trace: &[u8], name: &str) -> (Vec<(String, String)>, String) {
    let chromium = browser::chromium().expect("no chromium found (apt-get install chromium)");
    let speedscope = browser::npm_package("speedscope").unwrap_or_else(|| {
        panic!(
            "speedscope is not installed in {:?} (npm install --prefix DIR speedscope)",
            browser::npm_cache()
        )
    });
    let dir = browser::scratch("speedscope");
    // What speedscope's own command line does: a script that hands the
    // page the file, named in the URL.
    let loader = dir.join("load.js");
    std::fs::write(
        &loader,
        format!(
            "speedscope.loadFileFromBase64(\"{name}\", \"{}\")",
            base64(trace)
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
        dom.contains(&format!("<title>{name} - speedscope</title>")),
        "speedscope did not load it: {dom}"
    );
    if std::env::var_os("SAYWHEN_KEEP_SCREENSHOTS").is_some() {
        let png = dir.join("speedscope.png");
        browser::screenshot(chromium, &url, &dir, Duration::from_secs(10), &png);
        eprintln!("screenshot: {}", png.display());
    }
    // The profile list: `<tr title="serial (pid 1), 1 hello (tid 1)" ...>`,
    // its last cell the track's total time.
    let rows = dom
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
    (rows, dom)
}

fn owned(rows: &[(&str, &str)]) -> Vec<(String, String)> {
    rows.iter()
        .map(|(t, w)| ((*t).to_owned(), (*w).to_owned()))
        .collect()
}

/// speedscope (`npm install speedscope`, which ships the whole app) opens
/// the exported trace in headless Chromium; its profile list must show one
/// entry per track, named after the process and the thread, with the time
/// the track spent in its spans.
#[test]
#[ignore = "needs chromium and speedscope (npm): run by .ci/run"]
fn speedscope_shows_one_track_per_pair() {
    let dir = browser::scratch("speedscope-export");
    let file = dir.join("run.trace.json");
    stdout_of(
        virtual_run(&["compare", "--modes", "serial,tasks", "1:hello", "2:world"])
            .arg("--export")
            .arg(&file),
    );
    let (mut rows, dom) = speedscope_profiles(&std::fs::read(&file).unwrap(), "run.trace.json");
    let mut expected = owned(&[
        ("serial (pid 1), run (tid 0)", "3.00s"),
        ("serial (pid 1), 1 hello (tid 1)", "1.00s"),
        ("serial (pid 1), 1 hello · states (tid 6)", "1.00s"),
        ("serial (pid 1), 2 world (tid 2)", "2.00s"),
        ("serial (pid 1), 2 world · states (tid 7)", "3.00s"),
        ("tasks (pid 2), run (tid 0)", "2.00s"),
        ("tasks (pid 2), 1 hello (tid 1)", "1.00s"),
        ("tasks (pid 2), 1 hello · states (tid 6)", "1.00s"),
        ("tasks (pid 2), 2 world (tid 2)", "2.00s"),
        ("tasks (pid 2), 2 world · states (tid 7)", "2.00s"),
    ]);
    rows.sort();
    expected.sort();
    assert_eq!(rows, expected, "speedscope's profiles");
    assert!(dom.contains("(1/10)"), "ten tracks in all");
}

/// A scenario: a track per group, above its children, the spawns nested
/// in their group's span, which speedscope accepts as well-formed.
#[test]
#[ignore = "needs chromium and speedscope (npm): run by .ci/run"]
fn speedscope_shows_a_scenarios_groups() {
    let report = scenario("tasks(joinset(1:a, 2:b), fail(0.5:boom))");
    let mut trace = Vec::new();
    saywhen::render::trace::write(&[&report], &mut trace).unwrap();
    let (rows, _) = speedscope_profiles(&trace, "tree.trace.json");
    let process = "tasks(joinset(1:a, 2:b), fail(0.5:boom)) (pid 1)";
    let expected: Vec<(String, &str)> = [
        ("run (tid 0)", "2.00s"),
        ("0 tasks (tid 4)", "2.00s"),
        ("0.0 joinset (tid 5)", "2.00s"),
        ("0.0 joinset · spawns (tid 7)", "2.00s"),
        ("1 a (tid 1)", "1.00s"),
        ("2 b (tid 2)", "2.00s"),
        ("3 boom (tid 3)", "500.00ms"),
        ("0 tasks · states (tid 8)", "2.00s"),
        ("0.0 joinset · states (tid 9)", "2.00s"),
        ("1 a · states (tid 10)", "1.00s"),
        ("2 b · states (tid 11)", "2.00s"),
        ("3 boom · states (tid 12)", "500.00ms"),
    ]
    .into_iter()
    .map(|(thread, w)| (format!("{process}, {thread}"), w))
    .collect();
    let mut rows = rows;
    let mut expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|(t, w)| (t, w.to_owned()))
        .collect();
    rows.sort();
    expected.sort();
    assert_eq!(rows, expected, "speedscope's profiles");
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
