//! The model's states as the machine formats carry them: each node's
//! spans (waiting for its turn, sleeping, ready but not polled, holding
//! the thread, ...) and who holds thread 0 when, worked out once per
//! report from the event-loop model ([`crate::simulate`]).
//!
//! They are what the model predicts on a perfect machine, not what was
//! measured: every format that writes them says so (JSON's
//! `"states_are": "modelled"`), and the measured times stay beside them
//! as they are. Where the model cannot tell the states of the run that
//! was made (a multi-thread runtime, a flat mode's `--limit`), the formats
//! leave them out and say why ([`Model::Omitted`]).
//!
//! Only the formats that carry states ask for them, so a run rendered
//! otherwise pays nothing for the simulation.

use std::time::Duration;

use serde::Serialize;
use serde::ser::{SerializeSeq, SerializeTuple, Serializer};

use crate::engine::runtime::Flavor;
use crate::measure::report::Report;
use crate::scenario::end::End;
use crate::scenario::mode::{Deadlines, Mode};
use crate::scenario::tree::{Node, Scenario};
use crate::scenario::units::seconds;
use crate::simulate::{self, Hold, Observer, Span, State};

/// What the formats say the states are.
pub const STATES_ARE: &str = "modelled";

/// Why a multi-thread run has no states.
pub const MULTI_THREAD: &str = "the model of the multi-thread runtime gives bounds, not states";

/// Why a flat mode's run with options the model does not play has none.
pub const FLAT_OPTIONS: &str =
    "the model does not play a flat mode's --limit, --timeout or --deadlines absolute";

/// The model's states of one run, or why there are none.
pub enum Model {
    States(States),
    Omitted(&'static str),
}

impl Model {
    /// The states the model gives `report`'s scenario, if it can tell
    /// them for the run that was made.
    pub fn of(report: &Report) -> Model {
        if let Some(why) = omitted(report) {
            return Model::Omitted(why);
        }
        Model::States(States::of(&report.scenario))
    }

    pub fn states(&self) -> Option<&States> {
        match self {
            Model::States(states) => Some(states),
            Model::Omitted(_) => None,
        }
    }

    pub fn into_states(self) -> Option<States> {
        match self {
            Model::States(states) => Some(states),
            Model::Omitted(_) => None,
        }
    }

    /// `"modelled"` when there are states.
    pub fn states_are(&self) -> Option<&'static str> {
        self.states().map(|_| STATES_ARE)
    }

    /// Why there are none.
    pub fn omitted(&self) -> Option<&'static str> {
        match self {
            Model::States(_) => None,
            Model::Omitted(why) => Some(why),
        }
    }
}

/// Why the model cannot tell the states of `report`'s run, if it cannot.
fn omitted(report: &Report) -> Option<&'static str> {
    let multi = report
        .pairs_runtime()
        .is_some_and(|runtime| runtime.flavor == Flavor::MultiThread);
    if multi {
        return Some(MULTI_THREAD);
    }
    let absolute = report.mode == Some(Mode::Serial) && report.deadlines == Deadlines::Absolute;
    let options = report.limit.is_some() || report.timeout.is_some() || absolute;
    (report.mode.is_some() && options).then_some(FLAT_OPTIONS)
}

/// Every node's spans, in pre-order, and the threads' holds.
pub struct States {
    /// Every span, node after node in pre-order, each node's in time order.
    spans: Vec<Span>,
    /// Where each node's spans begin in `spans`, by place in pre-order;
    /// one more at the end.
    starts: Vec<u32>,
    /// Each pair's place in pre-order.
    pairs: Vec<u32>,
    holds: Vec<Hold>,
}

impl States {
    /// What the model sees of `scenario`: the spans of
    /// [`Trace::lives`](crate::simulate::Trace::lives), kept in one list
    /// as the model tells them, so that a million pairs cost a few words
    /// each.
    pub fn of(scenario: &Scenario) -> States {
        let (_, recorder) = simulate::simulate(scenario, Recorder::new(scenario));
        match recorder.disordered {
            false => recorder.finish(),
            // A node told a change earlier than one it told before: sort
            // them all, as `lives` does.
            true => States::sorted(scenario),
        }
    }

    /// The same from the model's whole trace.
    fn sorted(scenario: &Scenario) -> States {
        let (_, trace) = simulate::trace(scenario);
        let lives = trace.lives(scenario);
        let places = Places::of(scenario);
        let mut spans = Vec::new();
        let mut starts = Vec::with_capacity(lives.len() + 1);
        for life in &lives {
            starts.push(spans.len() as u32);
            spans.extend_from_slice(&life.spans);
        }
        starts.push(spans.len() as u32);
        States {
            spans,
            starts,
            pairs: places.pairs,
            holds: trace.holds,
        }
    }

    /// The spans of the node at `place` in pre-order.
    pub fn at(&self, place: usize) -> Spans<'_> {
        let range = match (self.starts.get(place), self.starts.get(place + 1)) {
            (Some(&from), Some(&to)) => from as usize..to as usize,
            _ => 0..0,
        };
        Spans(&self.spans[range])
    }

    /// The spans of pair `index`.
    pub fn of_pair(&self, index: usize) -> Spans<'_> {
        self.at(self.pairs.get(index).map_or(usize::MAX, |&p| p as usize))
    }

    /// How many nodes there are.
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The threads that were held, by number, each with its holds in time
    /// order; thread 0, the one that runs the root, always.
    pub fn threads(&self) -> Vec<(usize, Vec<Hold>)> {
        let count = self.holds.iter().map(|h| h.thread + 1).max().unwrap_or(1);
        let mut threads: Vec<(usize, Vec<Hold>)> = (0..count).map(|t| (t, Vec::new())).collect();
        for &hold in &self.holds {
            threads[hold.thread].1.push(hold);
        }
        for (_, holds) in &mut threads {
            holds.sort_by_key(|h| h.from);
        }
        threads
    }
}

/// Each node's place in pre-order.
struct Places {
    pairs: Vec<u32>,
    groups: Vec<u32>,
}

impl Places {
    fn of(scenario: &Scenario) -> Places {
        let mut places = Places {
            pairs: vec![0; scenario.plan().len()],
            groups: vec![0; scenario.groups().len()],
        };
        for (place, (node, _)) in scenario.walk().enumerate() {
            match node {
                Node::Pair { index, .. } => places.pairs[index as usize] = place as u32,
                Node::Group(g) => places.groups[g as usize] = place as u32,
            }
        }
        places
    }

    fn of_node(&self, node: Node) -> usize {
        match node {
            Node::Pair { index, .. } => self.pairs[index as usize] as usize,
            Node::Group(g) => self.groups[g as usize] as usize,
        }
    }
}

/// No state open.
const NONE: u8 = u8::MAX;

/// What the model tells, kept as spans: each node's open state, closed
/// into a span by its next change or its end (an empty span is left
/// out, a state never closed too, as in `lives`).
struct Recorder {
    places: Places,
    /// Each node's open state (a place in [`State::ALL`], or [`NONE`])
    /// and since when, by place.
    open: Vec<(u8, Duration)>,
    /// The closed spans, in the order they closed, with their node's place.
    closed: Vec<(u32, Span)>,
    holds: Vec<Hold>,
    /// Whether a node told a change earlier than its open state's start.
    disordered: bool,
}

impl Recorder {
    fn new(scenario: &Scenario) -> Recorder {
        let places = Places::of(scenario);
        Recorder {
            open: vec![(NONE, Duration::ZERO); scenario.node_count()],
            places,
            closed: Vec::new(),
            holds: Vec::new(),
            disordered: false,
        }
    }

    /// Closes `node`'s open state at `at`; returns its place.
    fn close(&mut self, node: Node, at: Duration) -> usize {
        let place = self.places.of_node(node);
        let (state, from) = self.open[place];
        if at < from {
            self.disordered = true;
        }
        if state != NONE && at > from {
            let span = Span {
                state: State::ALL[state as usize],
                from,
                to: at,
            };
            self.closed.push((place as u32, span));
        }
        self.open[place] = (NONE, at);
        place
    }

    /// The spans grouped by node (a counting sort: stable, so each node's
    /// stay in time order).
    fn finish(self) -> States {
        let nodes = self.open.len();
        let mut starts = vec![0u32; nodes + 1];
        for &(place, _) in &self.closed {
            starts[place as usize + 1] += 1;
        }
        for place in 0..nodes {
            starts[place + 1] += starts[place];
        }
        let mut next = starts.clone();
        let empty = Span {
            state: State::Waiting,
            from: Duration::ZERO,
            to: Duration::ZERO,
        };
        let mut spans = vec![empty; self.closed.len()];
        for (place, span) in self.closed {
            let slot = &mut next[place as usize];
            spans[*slot as usize] = span;
            *slot += 1;
        }
        States {
            spans,
            starts,
            pairs: self.places.pairs,
            holds: self.holds,
        }
    }
}

impl Observer for Recorder {
    const STATES: bool = true;

    fn begin(&mut self, _node: Node, _at: Duration) {}

    fn end(&mut self, node: Node, at: Duration, _end: End) {
        self.close(node, at);
    }

    fn state(&mut self, node: Node, state: State, at: Duration) {
        let place = self.close(node, at);
        let state = State::ALL.iter().position(|&s| s == state).unwrap_or(0);
        self.open[place] = (state as u8, at);
    }

    fn hold(&mut self, thread: usize, node: Node, from: Duration, to: Duration) {
        self.holds.push(Hold {
            thread,
            node,
            from,
            to,
        });
    }
}

/// One node's spans, written `[state, from_s, to_s]` each.
#[derive(Clone, Copy)]
pub struct Spans<'a>(pub &'a [Span]);

impl Serialize for Spans<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for span in self.0 {
            seq.serialize_element(&SpanDocument(span))?;
        }
        seq.end()
    }
}

struct SpanDocument<'a>(&'a Span);

impl Serialize for SpanDocument<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut tuple = serializer.serialize_tuple(3)?;
        tuple.serialize_element(self.0.state.name())?;
        tuple.serialize_element(&seconds(self.0.from))?;
        tuple.serialize_element(&seconds(self.0.to))?;
        tuple.end()
    }
}

/// `threads` in JSON and JSON Lines: who held each thread, when.
#[derive(Serialize)]
pub struct ThreadDocument {
    thread: usize,
    holds: Vec<HoldDocument>,
}

/// One hold: the node (its path id in a scenario; a pair's `index`), from
/// when to when.
#[derive(Serialize)]
struct HoldDocument {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    index: Option<usize>,
    from_s: f64,
    to_s: f64,
}

impl ThreadDocument {
    /// The threads of `states`; `scenario` names the holders by path id,
    /// `None` for a flat mode, whose formats name pairs by index alone.
    pub fn all(states: &States, scenario: Option<&Scenario>) -> Vec<ThreadDocument> {
        let ids = scenario.map(|s| (s, crate::scenario::ids::Ids::of(s)));
        states
            .threads()
            .into_iter()
            .map(|(thread, holds)| ThreadDocument {
                thread,
                holds: holds
                    .iter()
                    .map(|hold| HoldDocument {
                        id: ids
                            .as_ref()
                            .map(|(s, ids)| ids.node(s, hold.node).into_owned()),
                        index: match hold.node {
                            Node::Pair { index, .. } => Some(index as usize),
                            Node::Group(_) => None,
                        },
                        from_s: seconds(hold.from),
                        to_s: seconds(hold.to),
                    })
                    .collect(),
            })
            .collect()
    }
}

/// What a document says of its states: that they are modelled, and who
/// held the threads; or why there are none. Flattened into JSON's run
/// document and JSON Lines' `model` line.
#[derive(Serialize)]
pub struct ModelDocument {
    #[serde(skip_serializing_if = "Option::is_none")]
    states_are: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    states_omitted: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    threads: Option<Vec<ThreadDocument>>,
}

impl ModelDocument {
    /// `scenario` names the holders by path id (`None` for a flat mode).
    pub fn of(model: &Model, scenario: Option<&Scenario>) -> ModelDocument {
        ModelDocument {
            states_are: model.states_are(),
            states_omitted: model.omitted(),
            threads: model
                .states()
                .map(|states| ThreadDocument::all(states, scenario)),
        }
    }
}

/// CSV's encoding of one node's spans: `state:from_s:to_s` each, separated
/// by spaces (`waiting:0:1 sleeping:1:3`), seconds written by `plain`.
pub fn csv_cell(spans: Spans<'_>, plain: impl Fn(Duration) -> String) -> String {
    let mut cell = String::new();
    for span in spans.0 {
        if !cell.is_empty() {
            cell.push(' ');
        }
        cell.push_str(span.state.name());
        cell.push(':');
        cell.push_str(&plain(span.from));
        cell.push(':');
        cell.push_str(&plain(span.to));
    }
    cell
}

/// Writes `value` as pretty JSON, except that an array inside an array
/// (a span, `["sleeping", 0.0, 1.0]`) stays on one line: a million pairs'
/// spans would otherwise take five lines each.
pub fn to_writer_pretty<W: std::io::Write, T: Serialize>(
    out: W,
    value: &T,
) -> serde_json::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, Layout::default());
    value.serialize(&mut serializer)
}

/// serde_json's pretty layout, with spans kept on one line.
#[derive(Default)]
struct Layout<'a> {
    pretty: serde_json::ser::PrettyFormatter<'a>,
    /// The pretty containers open, `true` for an array.
    arrays: Vec<bool>,
    /// How deep inside a one-line container (0: not in one).
    inline: usize,
}

impl Layout<'_> {
    /// Opens an array or object: on one line inside one, or when an
    /// array holds it.
    fn opens_inline(&mut self, array: bool) -> bool {
        if self.inline > 0 || (array && self.arrays.last() == Some(&true)) {
            self.inline += 1;
            return true;
        }
        self.arrays.push(array);
        false
    }

    fn closes_inline(&mut self) -> bool {
        if self.inline > 0 {
            self.inline -= 1;
            return true;
        }
        self.arrays.pop();
        false
    }
}

impl serde_json::ser::Formatter for Layout<'_> {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        match self.opens_inline(true) {
            true => w.write_all(b"["),
            false => self.pretty.begin_array(w),
        }
    }

    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        match self.closes_inline() {
            true => w.write_all(b"]"),
            false => self.pretty.end_array(w),
        }
    }

    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        match (self.inline > 0, first) {
            (true, true) => Ok(()),
            (true, false) => w.write_all(b", "),
            (false, _) => self.pretty.begin_array_value(w, first),
        }
    }

    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        match self.inline > 0 {
            true => Ok(()),
            false => self.pretty.end_array_value(w),
        }
    }

    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        match self.opens_inline(false) {
            true => w.write_all(b"{"),
            false => self.pretty.begin_object(w),
        }
    }

    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        match self.closes_inline() {
            true => w.write_all(b"}"),
            false => self.pretty.end_object(w),
        }
    }

    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        match (self.inline > 0, first) {
            (true, true) => Ok(()),
            (true, false) => w.write_all(b", "),
            (false, _) => self.pretty.begin_object_key(w, first),
        }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        match self.inline > 0 {
            true => w.write_all(b": "),
            false => self.pretty.begin_object_value(w),
        }
    }

    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        match self.inline > 0 {
            true => Ok(()),
            false => self.pretty.end_object_value(w),
        }
    }
}
