//! `--format trace` and `--export run.trace.json`: the run in the Chrome
//! Trace Event Format, so the tools people already study timelines with
//! (Perfetto, `chrome://tracing`, speedscope, Firefox Profiler) open it.
//!
//! The document is `{"traceEvents": [...], "displayTimeUnit": "ms"}`, one
//! event per line. Times (`ts`, `dur`) are microseconds from the start of
//! the run; in a comparison every mode starts at 0, so the modes line up
//! like the stacked timeline.
//!
//! - Each mode (or scenario) is a process, named with `process_name`
//!   metadata and sorted in the order it ran.
//! - Each pair is a thread of its own, named `1 hello` (its number and its
//!   message), because a viewer draws overlapping complete events on one
//!   thread as a stack, or hides them (Perfetto): one track per pair never
//!   overlaps. Thread 0 is the run itself, one span over its wall.
//! - A pair's sleep is a complete event (`"ph": "X"`); the moment it says
//!   its message is an instant event (`"ph": "i"`). A pair that did not
//!   say it says how it ended in its name (`hello (cancelled)`) and in
//!   `args.status`.
//! - `args` carry what the detail pane should teach: the delay, when the
//!   pair was expected to end (its start plus its delay) and how late it
//!   was, for people (`"1s"`) and in microseconds (`delay_us`).
//!
//! - A scenario's groups are spans too, each on its own thread after the
//!   pairs', named by path id and kind (`0.1 serial`), with the expected
//!   schedule and the arithmetic in `args`. A group that spawns its
//!   children draws a flow arrow to each (see `run`).
//!
//! - The model's states (waiting, sleeping, ready, holding, ...) are
//!   slices (`cat` `state`) on a track beside each node's, `1 hello ·
//!   states`, and who holds the thread is a `thread 0 (modelled)` track
//!   (`cat` `hold`): modelled, not measured, so never mixed into the
//!   measured spans, which they need not nest in.
//!
//! Everything is streamed, one event at a time, in one pre-order walk of
//! the tree, so a million pairs need no second copy in memory.

use std::borrow::Cow;
use std::io::{self, Write};
use std::time::Duration;

use serde::Serialize;

use crate::measure::Measurement;
use crate::measure::compare::Comparison;
use crate::measure::report::{PairReport, Report, Status, signed};
use crate::render::Renderer;
use crate::render::state_spans::{Model, States};
use crate::scenario::ids::Ids;
use crate::scenario::tree::{GroupKind, Node};
use crate::scenario::units::{human, human_signed, offset};

/// Renders the first counted run of each mode as one trace document.
#[derive(Debug, Default, Clone, Copy)]
pub struct Trace;

impl Renderer for Trace {
    fn report(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        write(&[report], out)
    }

    fn measurement(&mut self, m: &Measurement, out: &mut dyn Write) -> io::Result<()> {
        write(&[m.first()], out)
    }

    fn comparison(&mut self, c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
        let first_runs: Vec<&Report> = c.modes.iter().map(Measurement::first).collect();
        write(&first_runs, out)
    }
}

/// Writes `reports` as one trace: one process per report, in order.
pub fn write(reports: &[&Report], out: &mut dyn Write) -> io::Result<()> {
    let mut tracks = Tracks::start(out)?;
    for (n, report) in reports.iter().enumerate() {
        run(report, n + 1, &mut tracks)?;
    }
    tracks.finish()
}

/// The thread of a process that holds the run's own span.
const RUN_TID: usize = 0;

/// One run: a process; the run's span on thread 0; a thread per pair
/// (`tid` = its number); for a scenario, a thread per group after the
/// pairs, each with one span. Threads are sorted in tree order, so a group
/// sits above its children. A flat mode's one group is the run itself.
///
/// A group that spawns its children (tasks, joinset, group, threads)
/// draws a flow arrow to each: its span starts a flow (`flow_out`) and each
/// child's span ends it (`flow_in`, same `bind_id`); Perfetto keeps a flow
/// open after it ends once, so one span fans out to every child. A slice
/// can hold one `bind_id`, so a group both spawned and spawning draws its
/// outgoing arrows from a twin span on a track of its own, `0.1 joinset ·
/// spawns` (a zero-length slice inside its span would do in Perfetto, but
/// speedscope cannot nest two slices that start together and one of them
/// is empty).
fn run(report: &Report, pid: usize, tracks: &mut Tracks<'_>) -> io::Result<()> {
    tracks.process(pid, &report.label())?;
    let model = Model::of(report);
    let mut tree = Tree::new(report, pid);
    let run = Track { pid, tid: RUN_TID };
    tracks.name(run, "run", tree.next_order())?;
    let run_flow = match report.mode {
        Some(_) => tree.flow_from(0, tracks),
        None => None,
    };
    tracks.span(
        run,
        &run_name(report),
        "run",
        Duration::ZERO,
        report.wall,
        &RunArgs::new(report, &model),
        run_flow.map_or(Flow::None, Flow::Out),
    )?;
    let states = model.states();
    let mut path = Path::default();
    for (place, (node, depth)) in report.scenario.walk().enumerate() {
        let id = path.next(depth);
        let incoming = tree.flow_into(node);
        // The node's track's name, for its states' track below it.
        let named = match node {
            Node::Pair { index, .. } => {
                let index = index as usize;
                let pair = PairReport {
                    index,
                    pair: &report.plan.pairs()[index],
                    timing: report.timings[index],
                };
                let track = tree.track(node);
                let name = format!("{} {}", index + 1, pair.pair.message);
                tracks.name(track, &name, tree.next_order())?;
                pair_events(report, &pair, track, incoming, tracks)?;
                Some(name)
            }
            Node::Group(g) if !tree.is_run(g) => {
                let track = tree.track(node);
                let kind = report.scenario.group(g).kind;
                tracks.name(track, &format!("{id} {kind}"), tree.next_order())?;
                let outgoing = tree.flow_from(g, tracks);
                let (own, twin) = match (incoming, outgoing) {
                    (Some(i), Some(o)) => (Flow::In(i), Some(o)),
                    (Some(i), None) => (Flow::In(i), None),
                    (None, Some(o)) => (Flow::Out(o), None),
                    (None, None) => (Flow::None, None),
                };
                group_events(report, g, id, track, own, tracks)?;
                if let Some(out) = twin {
                    let twin = tree.twin_track(g);
                    tracks.name(twin, &format!("{id} {kind} · spawns"), tree.next_order())?;
                    group_events(report, g, id, twin, Flow::Out(out), tracks)?;
                }
                Some(format!("{id} {kind}"))
            }
            Node::Group(_) => None,
        };
        if let (Some(states), Some(name)) = (states, named) {
            let track = tree.states_track(place);
            state_events(states, place, &name, track, &mut tree, tracks)?;
        }
    }
    match states {
        Some(states) => hold_events(report, states, &mut tree, tracks),
        None => Ok(()),
    }
}

/// The model's states of the node at `place` (named `name`), on a track of
/// their own just below the node's: one slice per state.
fn state_events(
    states: &States,
    place: usize,
    name: &str,
    track: Track,
    tree: &mut Tree<'_>,
    tracks: &mut Tracks<'_>,
) -> io::Result<()> {
    let spans = states.at(place).0;
    if spans.is_empty() {
        return Ok(());
    }
    tracks.name(track, &format!("{name} · states"), tree.next_order())?;
    for span in spans {
        let state = span.state;
        let args = StateArgs {
            meaning: state.meaning(),
        };
        tracks.span(
            track,
            state.name(),
            "state",
            span.from,
            span.to,
            &args,
            Flow::None,
        )?;
    }
    Ok(())
}

/// Who holds thread 0 when, as the model says: a track after the nodes',
/// one slice per hold, named for the node that holds it.
fn hold_events(
    report: &Report,
    states: &States,
    tree: &mut Tree<'_>,
    tracks: &mut Tracks<'_>,
) -> io::Result<()> {
    let threads = states.threads();
    let Some((_, holds)) = threads.first().filter(|(_, holds)| !holds.is_empty()) else {
        return Ok(());
    };
    let track = tree.thread_track();
    tracks.name(track, "thread 0 (modelled)", tree.next_order())?;
    let scenario = &report.scenario;
    let ids = report.mode.is_none().then(|| Ids::of(scenario));
    for hold in holds {
        let id = ids
            .as_ref()
            .map(|ids| ids.node(scenario, hold.node).into_owned());
        let (name, index) = match hold.node {
            Node::Pair { index, .. } => {
                let index = index as usize;
                (report.plan.message(index).to_owned(), Some(index))
            }
            Node::Group(_) => (id.clone().unwrap_or_default(), None),
        };
        let args = HoldArgs { index, id };
        tracks.span(track, &name, "hold", hold.from, hold.to, &args, Flow::None)?;
    }
    Ok(())
}

/// Where a run's nodes are drawn, in what order, and the arrows between.
struct Tree<'a> {
    report: &'a Report,
    pid: usize,
    /// The flow each spawning group's children end, by group (0: none).
    flows: Vec<u64>,
    /// The next thread's place in the viewer's list.
    order: usize,
}

impl<'a> Tree<'a> {
    fn new(report: &'a Report, pid: usize) -> Tree<'a> {
        Tree {
            report,
            pid,
            flows: vec![0; report.scenario.groups().len()],
            order: 0,
        }
    }

    fn next_order(&mut self) -> usize {
        self.order += 1;
        self.order - 1
    }

    /// A flat mode's one group is the run: its span would repeat the run's.
    fn is_run(&self, group: u32) -> bool {
        self.report.mode.is_some() && group == 0
    }

    fn track(&self, node: Node) -> Track {
        let tid = match node {
            Node::Pair { index, .. } => index as usize + 1,
            Node::Group(g) if self.is_run(g) => RUN_TID,
            Node::Group(g) => self.report.plan.len() + 1 + g as usize,
        };
        Track { pid: self.pid, tid }
    }

    /// The track of a group's twin span, after every group's own.
    fn twin_track(&self, group: u32) -> Track {
        let groups = self.report.scenario.groups().len();
        Track {
            pid: self.pid,
            tid: self.report.plan.len() + 1 + groups + group as usize,
        }
    }

    /// The track of the states of the node at `place` in pre-order, after
    /// every group's twin.
    fn states_track(&self, place: usize) -> Track {
        let groups = self.report.scenario.groups().len();
        Track {
            pid: self.pid,
            tid: self.report.plan.len() + 1 + 2 * groups + place,
        }
    }

    /// The track of who holds thread 0, after every node's states.
    fn thread_track(&self) -> Track {
        self.states_track(self.report.scenario.node_count())
    }

    /// A new flow for the children of `group`, if it spawns them.
    fn flow_from(&mut self, group: u32, tracks: &mut Tracks<'_>) -> Option<u64> {
        let kind = self.report.scenario.group(group).kind;
        let spawns = matches!(
            kind,
            GroupKind::Tasks | GroupKind::Joinset | GroupKind::Group | GroupKind::Threads
        );
        spawns.then(|| {
            let id = tracks.next_flow();
            self.flows[group as usize] = id;
            id
        })
    }

    /// The flow that ends at `node`: its parent's, when the parent
    /// spawned it and it began.
    fn flow_into(&self, node: Node) -> Option<u64> {
        let parent = self.report.scenario.parent(node)?;
        let began = match node {
            Node::Pair { index, .. } => self.report.timings[index as usize].began(),
            Node::Group(g) => self.report.groups[g as usize].began(),
        };
        let flow = self.flows[parent as usize];
        (flow != 0 && began.is_some()).then_some(flow)
    }
}

/// The arrow a span starts or ends, if any.
#[derive(Debug, Clone, Copy)]
enum Flow {
    None,
    /// This span spawned others: the arrows start here.
    Out(u64),
    /// This span was spawned: an arrow ends here.
    In(u64),
}

/// Path ids (`0`, `0.1`, `0.1.0`) of a pre-order walk, one step at a time:
/// asking the tree for each node's id would search its siblings, which a
/// million-pair group cannot afford.
#[derive(Default)]
struct Path {
    steps: Vec<usize>,
    text: String,
}

impl Path {
    /// The id of the next node of the walk, at `depth`.
    fn next(&mut self, depth: usize) -> &str {
        if self.steps.len() > depth {
            self.steps.truncate(depth + 1);
            self.steps[depth] += 1;
        } else {
            self.steps.push(0);
        }
        self.text.clear();
        self.text.push('0');
        for step in &self.steps[1..] {
            self.text.push('.');
            self.text.push_str(&step.to_string());
        }
        &self.text
    }
}

/// `serial: wall 3s (expected 3s)`, or `... (interrupted)`.
fn run_name(report: &Report) -> String {
    let mut name = format!(
        "{}: wall {} (expected {})",
        report.label(),
        human(report.wall),
        human(report.expected)
    );
    if report.interrupted.is_some() {
        name.push_str(" (interrupted)");
    }
    name
}

/// A pair's sleep, and the moment it said its message (or failed). A pair
/// that ended some other way gets the way in its name; one that never
/// began gets an instant where it ended, so every track shows something.
fn pair_events(
    report: &Report,
    pair: &PairReport<'_>,
    track: Track,
    flow: Option<u64>,
    tracks: &mut Tracks<'_>,
) -> io::Result<()> {
    let flow = flow.map_or(Flow::None, Flow::In);
    let status = pair.status();
    let message = pair.pair.message.as_str();
    let name: Cow<'_, str> = match status {
        Status::Done => message.into(),
        other => format!("{message} ({})", other.name()).into(),
    };
    let mut args = PairArgs::new(pair);
    args.command = report
        .command_run(pair.index)
        .map(super::json::CommandDocument::of);
    // An interrupted pair waited until the run was stopped.
    let end = pair.ended().or(match status {
        Status::Interrupted => Some(report.wall),
        _ => None,
    });
    match (pair.began(), end) {
        (Some(began), Some(end)) => tracks.span(track, &name, "sleep", began, end, &args, flow)?,
        (None, Some(end)) => tracks.instant(track, &name, "never began", end, &args)?,
        _ => {}
    }
    if let Some(said) = pair.finished() {
        let verb = if status == Status::Failed {
            "failed"
        } else {
            "said"
        };
        // The sleep's span carries the details; the moment only says which
        // pair it was, which keeps a million-pair trace a third smaller.
        let moment = MomentArgs { index: pair.index };
        tracks.instant(track, &format!("{verb} {message}"), verb, said, &moment)?;
    }
    Ok(())
}

/// A group's span, from its start to its end, named for its kind and, when
/// it did not see its children through, how it ended.
fn group_events(
    report: &Report,
    group: u32,
    id: &str,
    track: Track,
    flow: Flow,
    tracks: &mut Tracks<'_>,
) -> io::Result<()> {
    let timing = report.groups[group as usize];
    let status = Status::of(timing);
    let kind = report.scenario.group(group).kind.to_string();
    let name = match status {
        Status::Done => kind.clone(),
        other => format!("{kind} ({})", other.name()),
    };
    let expected = report.schedule.as_ref().map(|s| {
        (
            s.groups[group as usize],
            s.formulas[group as usize].as_str(),
        )
    });
    let end = timing
        .ended()
        .or((status == Status::Interrupted).then_some(report.wall));
    let args = GroupArgs {
        id,
        kind: &kind,
        status: status.name(),
        expected_start: expected.and_then(|(e, _)| e.start).map(offset),
        expected_end: expected.map(|(e, _)| offset(e.end_at)),
        formula: expected.map(|(_, f)| f),
        late_by: timing
            .ended()
            .zip(expected)
            .map(|(ended, (e, _))| human_signed(signed(ended) - signed(e.end_at))),
    };
    match (timing.began(), end) {
        (Some(began), Some(end)) => tracks.span(track, &name, "group", began, end, &args, flow),
        (None, Some(end)) => tracks.instant(track, &name, "never began", end, &args),
        _ => Ok(()),
    }
}

/// Where an event is drawn: a process and one of its threads.
#[derive(Debug, Clone, Copy)]
struct Track {
    pid: usize,
    tid: usize,
}

/// The event writer: opens the document, writes one event per line with
/// the commas JSON needs between them, and closes the document.
struct Tracks<'a> {
    out: &'a mut dyn Write,
    first: bool,
    /// The last flow arrow's id: ids are numbers, unique in the file
    /// (Perfetto reads a string `bind_id` as hexadecimal).
    flows: u64,
}

/// One trace event. Every event has `name`, `ph`, `pid`, `tid` and `ts`,
/// metadata included: some importers require all five everywhere.
#[derive(Serialize)]
struct Event<'a, A: Serialize> {
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    cat: &'a str,
    ph: &'static str,
    pid: usize,
    tid: usize,
    ts: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    dur: Option<f64>,
    /// An instant's scope: `t`, its thread.
    #[serde(skip_serializing_if = "Option::is_none")]
    s: Option<&'static str>,
    /// A flow arrow (a spawn) that starts (`flow_out`) or ends (`flow_in`)
    /// at this slice.
    #[serde(skip_serializing_if = "Option::is_none")]
    bind_id: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flow_in: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    flow_out: Option<bool>,
    args: A,
}

#[derive(Serialize)]
struct NameArgs<'a> {
    name: &'a str,
}

#[derive(Serialize)]
struct SortArgs {
    sort_index: usize,
}

impl<'a> Tracks<'a> {
    fn start(out: &'a mut dyn Write) -> io::Result<Tracks<'a>> {
        out.write_all(b"{\"traceEvents\":[")?;
        Ok(Tracks {
            out,
            first: true,
            flows: 0,
        })
    }

    fn next_flow(&mut self) -> u64 {
        self.flows += 1;
        self.flows
    }

    fn finish(self) -> io::Result<()> {
        self.out.write_all(b"\n],\"displayTimeUnit\":\"ms\"}\n")
    }

    fn event<A: Serialize>(&mut self, event: &Event<'_, A>) -> io::Result<()> {
        let separator: &[u8] = if self.first { b"\n" } else { b",\n" };
        self.first = false;
        self.out.write_all(separator)?;
        serde_json::to_writer(&mut *self.out, event)?;
        Ok(())
    }

    fn metadata<A: Serialize>(&mut self, track: Track, name: &str, args: A) -> io::Result<()> {
        self.event(&Event {
            name,
            cat: "",
            ph: "M",
            pid: track.pid,
            tid: track.tid,
            ts: 0.0,
            dur: None,
            s: None,
            bind_id: None,
            flow_in: None,
            flow_out: None,
            args,
        })
    }

    /// Names process `pid` and keeps the processes in the order they ran.
    fn process(&mut self, pid: usize, name: &str) -> io::Result<()> {
        let track = Track { pid, tid: RUN_TID };
        self.metadata(track, "process_name", NameArgs { name })?;
        self.metadata(track, "process_sort_index", SortArgs { sort_index: pid })
    }

    /// Names a thread and sorts it `order`-th.
    fn name(&mut self, track: Track, name: &str, order: usize) -> io::Result<()> {
        self.metadata(track, "thread_name", NameArgs { name })?;
        self.metadata(track, "thread_sort_index", SortArgs { sort_index: order })
    }

    /// A complete event from `begin` to `end`, where `flow` starts or ends.
    #[allow(clippy::too_many_arguments)]
    fn span<A: Serialize>(
        &mut self,
        track: Track,
        name: &str,
        cat: &str,
        begin: Duration,
        end: Duration,
        args: &A,
        flow: Flow,
    ) -> io::Result<()> {
        let (bind_id, flow_in, flow_out) = match flow {
            Flow::None => (None, None, None),
            Flow::Out(id) => (Some(id), None, Some(true)),
            Flow::In(id) => (Some(id), Some(true), None),
        };
        self.event(&Event {
            name,
            cat,
            ph: "X",
            pid: track.pid,
            tid: track.tid,
            ts: micros(begin),
            dur: Some(micros(end.saturating_sub(begin))),
            s: None,
            bind_id,
            flow_in,
            flow_out,
            args,
        })
    }

    /// An instant event on the track's thread.
    fn instant<A: Serialize>(
        &mut self,
        track: Track,
        name: &str,
        cat: &str,
        at: Duration,
        args: &A,
    ) -> io::Result<()> {
        self.event(&Event {
            name,
            cat,
            ph: "i",
            pid: track.pid,
            tid: track.tid,
            ts: micros(at),
            dur: None,
            s: Some("t"),
            bind_id: None,
            flow_in: None,
            flow_out: None,
            args,
        })
    }
}

/// Microseconds, to the nanosecond.
fn micros(d: Duration) -> f64 {
    d.as_nanos() as f64 / 1e3
}

/// What the detail pane shows for the moment a pair spoke.
#[derive(Serialize)]
struct MomentArgs {
    index: usize,
}

/// What the detail pane shows for a pair.
#[derive(Serialize)]
struct PairArgs<'a> {
    index: usize,
    message: &'a str,
    status: &'static str,
    delay: String,
    /// When it should have ended: its start plus its delay.
    expected: Option<String>,
    late_by: Option<String>,
    delay_us: f64,
    expected_us: Option<f64>,
    late_by_us: Option<f64>,
    /// A command leaf: how it ended, how long it ran, the end of its
    /// output (the keys of JSON's `nodes[].command`).
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    command: Option<super::json::CommandDocument>,
}

impl<'a> PairArgs<'a> {
    fn new(pair: &PairReport<'a>) -> PairArgs<'a> {
        let expected = pair.intended_finish();
        let late = pair.late();
        PairArgs {
            index: pair.index,
            message: &pair.pair.message,
            status: pair.status().name(),
            delay: human(pair.pair.delay),
            expected: expected.map(offset),
            late_by: late.map(human_signed),
            delay_us: micros(pair.pair.delay),
            expected_us: expected.map(micros),
            late_by_us: late.map(|l| {
                let magnitude = micros(l.unsigned_abs());
                if l.is_negative() {
                    -magnitude
                } else {
                    magnitude
                }
            }),
            command: None,
        }
    }
}

/// What the detail pane shows for a group's span: its path id, how it was
/// expected to run and the arithmetic behind it, and how late it ended.
#[derive(Serialize)]
struct GroupArgs<'a> {
    id: &'a str,
    kind: &'a str,
    status: &'static str,
    expected_start: Option<String>,
    expected_end: Option<String>,
    formula: Option<&'a str>,
    late_by: Option<String>,
}

/// What the detail pane shows for a modelled state.
#[derive(Serialize)]
struct StateArgs {
    meaning: &'static str,
}

/// What the detail pane shows for a hold of thread 0: the pair's index,
/// a scenario's node id.
#[derive(Serialize)]
struct HoldArgs {
    index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
}

/// What the detail pane shows for the run's span.
#[derive(Serialize)]
struct RunArgs {
    mode: std::borrow::Cow<'static, str>,
    clock: &'static str,
    expected: String,
    expected_rule: String,
    wall: String,
    overhead: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    interrupted: Option<&'static str>,
    runtime: &'static str,
    pairs: usize,
    /// `modelled`: the states' tracks are the model's.
    #[serde(skip_serializing_if = "Option::is_none")]
    states_are: Option<&'static str>,
    /// Why there are no states' tracks.
    #[serde(skip_serializing_if = "Option::is_none")]
    states_omitted: Option<&'static str>,
}

impl RunArgs {
    fn new(report: &Report, model: &Model) -> RunArgs {
        RunArgs {
            mode: report.label(),
            clock: report.clock.name(),
            expected: human(report.expected),
            expected_rule: report.expected_rule.clone(),
            wall: human(report.wall),
            overhead: report.overhead().map(human_signed),
            interrupted: report.interrupted.map(|by| by.name()),
            runtime: report.runtime.flavor.name(),
            pairs: report.plan.len(),
            states_are: model.states_are(),
            states_omitted: model.omitted(),
        }
    }
}
