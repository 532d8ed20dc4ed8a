//! The lesson page (`--export lesson.html`): one self-contained HTML file
//! that plays a run back step by step in any browser, from `file://`, with
//! no network (its script, style and data are inline, and its content
//! security policy forbids loading anything else). At the cursor it shows
//! the tree with every node's state (a glyph and a word, never colour
//! alone), the timeline with a cursor line, the events so far, the
//! arithmetic and the emitted asyncio and tokio programs side by side,
//! the lines of the nodes at work highlighted.
//!
//! The data is one JSON document in a `<script type="application/json">`:
//! every node (id, label, kind, parent, expected and measured times, the
//! model's state spans from [`Trace::lives`](crate::simulate::Trace::lives)),
//! and the steps: the model's changes in time order, grouped by instant.
//! The page's cursor counts the changes that have happened, as `saywhen
//! play`'s does; at the end of an instant the node states are what `--at`
//! that instant says. `<` is written `\u003c`
//! (and `>`, `&`, U+2028, U+2029 likewise), so no message can close the
//! script element; the page puts text in with `textContent`, never as HTML,
//! and shows control and bidirectional characters escaped.
//!
//! A tree too large for a readable picture (more than
//! [`tree_timeline::MAX_ROWS`] nodes) draws the rows the SVG draws: each
//! group's first and last children and one row for the rest, which counts
//! its pairs' states at the cursor; the page says so.

use std::io::{self, Write};
use std::time::Duration;

use serde::Serialize;

use crate::emit::{self, Emit};
use crate::engine::arithmetic::Schedule;
use crate::escape::escape;
use crate::measure::report::Report;
use crate::render::nodes::{Ids, Tree};
use crate::render::playback::{Places, Playback};
use crate::render::tree_timeline::{self, Row};
use crate::scenario::tree::{Node, Scenario};
use crate::scenario::units::human;
use crate::simulate::{self, Change, State};

/// The most pairs a lesson page plays: its data holds every node's life
/// and both programs, 4.8 MB at 10,000 pairs.
pub const MAX_PAIRS: usize = 10_000;

/// Columns of a label, indentation included, as the SVG allows: how deep
/// the summarised tree is drawn.
const LABEL_CHARS: usize = 40;

const STYLE: &str = include_str!("lesson/page.css");
const SCRIPT: &str = include_str!("lesson/page.js");

/// Writes the lesson page of `reports` (one, or each compared mode's
/// first run).
pub fn write(reports: &[&Report], out: &mut dyn Write) -> io::Result<()> {
    out.write_all(page(reports).as_bytes())
}

/// The whole page, as text.
pub fn page(reports: &[&Report]) -> String {
    let runs: Vec<Run> = reports.iter().map(|report| Run::of(report)).collect();
    let title = match reports {
        [one] => format!("saywhen lesson: {}", escape(&one.label())),
        _ => "saywhen lesson: compare".to_owned(),
    };
    let data = script_safe(&serde_json::to_string(&Data { runs }).unwrap_or_default());
    let mut html = String::with_capacity(data.len() + SCRIPT.len() + STYLE.len() + 4096);
    html.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    // Nothing but this file: no request can leave the page.
    html.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n",
    );
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    html.push_str(&format!("<title>{}</title>\n", text(&title)));
    html.push_str("<style>\n");
    html.push_str(STYLE);
    html.push_str("</style>\n</head>\n<body>\n");
    html.push_str(BODY);
    html.push_str("<script type=\"application/json\" id=\"lesson-data\">");
    html.push_str(&data);
    html.push_str("</script>\n<script>\n");
    html.push_str(SCRIPT);
    html.push_str("</script>\n</body>\n</html>\n");
    html
}

/// The page's frame; the script fills it from the data.
const BODY: &str = include_str!("lesson/page.html");

/// Text for an HTML element's content.
fn text(raw: &str) -> String {
    raw.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// JSON that can sit inside a `<script>` element whatever it holds: no
/// `<` (so no `</script>` nor `<!--`), and the line separators some
/// parsers once took for line ends, written as escapes, which JSON reads
/// back as the same characters.
fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[derive(Serialize)]
struct Data {
    runs: Vec<Run>,
}

/// One run: what the page plays.
#[derive(Serialize)]
struct Run {
    /// The scenario as written, or the mode and its pairs.
    title: String,
    /// `virtual clock`, `real clock`, ...
    clock: String,
    wall: u64,
    /// Every state's name and meaning, in [`State::ALL`] order: spans
    /// name their state by its place here.
    states: Vec<StateName>,
    nodes: Vec<NodeData>,
    /// Every change the model saw, in time order (at one instant, in the
    /// order it happened): `[node, what, instant]`, `what` being `began`,
    /// a state's name or an end's, `instant` a place in `instants`. The
    /// page's cursor counts how many have happened.
    events: Vec<(usize, &'static str, usize)>,
    /// Each instant at which something changes, and where its events end.
    instants: Vec<InstantData>,
    /// What the picture draws: a node (`{"node": i, "depth": d}`) or a
    /// summarising row.
    rows: Vec<RowData>,
    /// Why the picture does not draw every node, when it does not.
    note: Option<String>,
    arithmetic: Arithmetic,
    code: Code,
}

#[derive(Serialize)]
struct StateName {
    name: &'static str,
    meaning: &'static str,
}

#[derive(Serialize)]
struct NodeData {
    id: String,
    label: String,
    kind: &'static str,
    /// A group (drawn as a thin span), not a leaf.
    group: bool,
    /// The parent's place in `nodes`.
    parent: Option<usize>,
    depth: usize,
    /// Pairs: their delay.
    delay: Option<u64>,
    /// Groups: how their time follows from their children's.
    formula: Option<String>,
    /// The model's start (`null`: never started), end, and how it ends.
    expected: (Option<u64>, u64, &'static str),
    /// What the run measured: start, end (`null` if it had not), status.
    measured: Option<(Option<u64>, Option<u64>, &'static str)>,
    /// `[state, from, to]`, in time order.
    spans: Vec<(usize, u64, u64)>,
    /// When and how the model ends it.
    ended: Option<(u64, &'static str)>,
    /// The line its code starts on in each program (0-based).
    python: usize,
    rust: usize,
}

/// An instant at which something changes.
#[derive(Serialize)]
struct InstantData {
    at: u64,
    /// `at` as saywhen writes a time (`1.5s`).
    time: String,
    /// The cursor once every event of this instant has happened.
    end: usize,
}

#[derive(Serialize)]
#[serde(untagged)]
enum RowData {
    Node {
        node: usize,
        depth: usize,
        folded: bool,
    },
    More {
        depth: usize,
        more: usize,
        /// The places in `nodes` of the pairs it holds.
        pairs: Vec<usize>,
    },
}

#[derive(Serialize)]
struct Arithmetic {
    /// `expected 3s = max(...)`, or why the model's wall is not that.
    summary: String,
    /// The model's reasons, one a line.
    reasons: Vec<String>,
    /// The wall the run measured, and on which clock.
    measured: String,
}

#[derive(Serialize)]
struct Code {
    python: String,
    rust: String,
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

impl Run {
    fn of(report: &Report) -> Run {
        let scenario: &Scenario = &report.scenario;
        let tree = Tree {
            scenario,
            schedule: match &report.schedule {
                Some(schedule) => std::borrow::Cow::Borrowed(schedule.as_ref()),
                None => std::borrow::Cow::Owned(Schedule::of(scenario)),
            },
            ids: Ids::of(scenario),
            report: Some(report),
        };
        let places = Places::of(scenario);
        let (_, trace) = simulate::trace(scenario);
        let lives = trace.lives(scenario);
        let python = Emit::Python.program(scenario);
        let rust = Emit::Rust.program(scenario);
        let python_lines = emit::lines::starts(Emit::Python, scenario, &python);
        let rust_lines = emit::lines::starts(Emit::Rust, scenario, &rust);
        let state_place = |state: State| State::ALL.iter().position(|&s| s == state).unwrap_or(0);
        let nodes: Vec<NodeData> = tree
            .records()
            .zip(&lives)
            .enumerate()
            .map(|(place, (record, life))| NodeData {
                id: record.id.into_owned(),
                label: escape(&tree_timeline::name(scenario, record.node)).into_owned(),
                kind: record.kind,
                group: matches!(record.node, Node::Group(_)),
                parent: scenario.parent(record.node).map(|g| places.of_group(g)),
                depth: record.depth,
                delay: record.delay.map(nanos),
                formula: record.formula.map(str::to_owned),
                expected: (
                    record.expected.start.map(nanos),
                    nanos(record.expected.end_at),
                    record.expected.end.name(),
                ),
                measured: record
                    .measured
                    .map(|m| (m.started.map(nanos), m.finished.map(nanos), m.status.name())),
                spans: life
                    .spans
                    .iter()
                    .map(|s| (state_place(s.state), nanos(s.from), nanos(s.to)))
                    .collect(),
                ended: life.ended.map(|(at, end)| (nanos(at), end.name())),
                python: python_lines[place],
                rust: rust_lines[place],
            })
            .collect();
        let selection = tree_timeline::select(scenario, tree_timeline::depth_for(LABEL_CHARS));
        let rows = selection
            .rows
            .iter()
            .map(|row| match row {
                Row::Node {
                    node,
                    depth,
                    folded,
                    ..
                } => RowData::Node {
                    node: places.of_node(*node),
                    depth: *depth,
                    folded: *folded,
                },
                Row::More {
                    depth,
                    children,
                    pairs,
                } => RowData::More {
                    depth: *depth,
                    more: *children,
                    pairs: pairs.clone().map(|p| places.of_pair(p as usize)).collect(),
                },
            })
            .collect();
        let (events, instants) = events(&Playback::of(scenario, &trace.changes));
        let clock = match report.simulated() {
            true => format!("{} clock, played by the model", report.clock),
            false => format!("{} clock", report.clock),
        };
        Run {
            title: escape(&scenario.text_up_to(200)).into_owned(),
            clock: clock.clone(),
            wall: nanos(report.wall),
            states: State::ALL
                .iter()
                .map(|s| StateName {
                    name: s.name(),
                    meaning: s.meaning(),
                })
                .collect(),
            nodes,
            events,
            instants,
            rows,
            note: selection.note,
            arithmetic: Arithmetic {
                summary: tree.arithmetic(),
                reasons: tree.schedule.reasons(),
                measured: format!("measured {} on the {clock}", human(report.wall)),
            },
            code: Code { python, rust },
        }
    }
}

/// The steps `saywhen play` walks through too ([`Playback`]), as the page
/// carries them.
fn events(playback: &Playback) -> (Vec<(usize, &'static str, usize)>, Vec<InstantData>) {
    let mut instant = 0;
    let events = playback
        .steps
        .iter()
        .enumerate()
        .map(|(k, step)| {
            while playback.instants[instant].end <= k {
                instant += 1;
            }
            let what = match step.change {
                Change::Began => "began",
                Change::In(state) => state.name(),
                Change::Ended(end) => end.name(),
            };
            (step.node, what, instant)
        })
        .collect();
    let instants = playback
        .instants
        .iter()
        .map(|i| InstantData {
            at: nanos(i.at),
            time: human(i.at),
            end: i.end,
        })
        .collect();
    (events, instants)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_in_the_data_can_end_the_script() {
        let json = serde_json::to_string("</script><!-- & \u{2028}").unwrap();
        let safe = script_safe(&json);
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, "</script><!-- & \u{2028}");
    }
}
