//! `--at T`: the state of every node of a scenario at one instant, as the
//! event-loop model plays it ([`Trace::phases_at`]), and who holds the
//! thread then. Nothing runs: the model is exact on either clock. A `T`
//! past the end shows the final states.
//!
//! Each format writes the same [`Snapshot`]: the tree with a state column
//! for people, one document (JSON), one line per node (JSON Lines, CSV),
//! or a table (Markdown).

use std::io::{self, Write};
use std::time::Duration;

use comfy_table::{Table, presets};
use serde::Serialize;

use crate::render::Format;
use crate::render::markdown::escape_text;
use crate::render::nodes::{Ids, kind};
use crate::render::style::Style;
use crate::render::tree::label;
use crate::scenario::tree::{Node, Scenario};
use crate::scenario::units::{human, offset, seconds};
use crate::simulate::{self, Phase};

/// One node at the instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeAt {
    pub node: Node,
    pub id: String,
    pub parent: Option<String>,
    pub depth: usize,
    pub kind: &'static str,
    pub phase: Phase,
    /// Since when it is so (`None`: not started).
    pub since: Option<Duration>,
}

/// Every node of a scenario at one instant.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The instant asked for.
    pub at: Duration,
    /// When the model's run ends.
    pub wall: Duration,
    pub nodes: Vec<NodeAt>,
    /// The node holding the thread that runs the root, if one does.
    pub holder: Option<usize>,
}

impl Snapshot {
    /// The model's states of `scenario` at `at`.
    pub fn of(scenario: &Scenario, at: Duration) -> Snapshot {
        let (wall, trace) = simulate::trace(scenario);
        let ids = Ids::of(scenario);
        let lives = trace.lives(scenario);
        let phases = trace.phases_at(scenario, at);
        let holder = trace.holder_at(0, at);
        let mut holder_place = None;
        let nodes = scenario
            .walk()
            .zip(lives.iter().zip(phases))
            .enumerate()
            .map(|(place, ((node, depth), (life, (_, phase))))| {
                if holder == Some(node) {
                    holder_place = Some(place);
                }
                let since = match phase {
                    Phase::NotStarted => None,
                    Phase::Ended(_) => life.ended.map(|(end_at, _)| end_at),
                    Phase::In(_) => life
                        .spans
                        .iter()
                        .rev()
                        .find(|span| span.from <= at)
                        .map(|span| span.from),
                };
                NodeAt {
                    node,
                    id: ids.node(scenario, node).into_owned(),
                    parent: scenario.parent(node).map(|g| ids.group(g).to_owned()),
                    depth,
                    kind: kind(scenario, node),
                    phase,
                    since,
                }
            })
            .collect();
        Snapshot {
            at,
            wall,
            nodes,
            holder: holder_place,
        }
    }

    /// Whether `at` is past the model's end: the states are the last ones.
    pub fn past_the_end(&self) -> bool {
        self.at > self.wall
    }

    /// The message of a pair node.
    fn message<'a>(&self, scenario: &'a Scenario, node: Node) -> Option<&'a str> {
        match node {
            Node::Pair { index, .. } => Some(&scenario.plan().pairs()[index as usize].message),
            Node::Group(_) => None,
        }
    }
}

/// Writes the states of `scenario` at `at` in `format` (all but the trace).
pub fn write(
    format: Format,
    scenario: &Scenario,
    at: Duration,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let snapshot = Snapshot::of(scenario, at);
    match format {
        Format::Table | Format::Trace => write_human(scenario, &snapshot, style, out),
        Format::Json => write_json(scenario, &snapshot, out),
        Format::Jsonl => write_jsonl(scenario, &snapshot, out),
        Format::Csv => write_csv(scenario, &snapshot, out),
        Format::Markdown => write_markdown(scenario, &snapshot, style, out),
    }
}

/// The first line: the instant, and what it is of.
fn heading(scenario: &Scenario, snapshot: &Snapshot) -> String {
    let end = match snapshot.past_the_end() {
        true => format!(
            ", past the end at {}: the final states",
            human(snapshot.wall)
        ),
        false => format!(" of {}", human(snapshot.wall)),
    };
    format!(
        "at {}{end}: {}",
        human(snapshot.at),
        crate::escape::escape(&scenario.text_up_to(200))
    )
}

/// Who holds the thread, in words.
fn holding(scenario: &Scenario, snapshot: &Snapshot, style: &Style) -> String {
    match snapshot.holder {
        Some(place) => {
            let node = &snapshot.nodes[place];
            format!(
                "the thread is held by {} ({})",
                label(scenario, node.node, style),
                node.id
            )
        }
        None => "nothing holds the thread".to_owned(),
    }
}

fn since_text(node: &NodeAt) -> String {
    node.since.map_or_else(|| "-".to_owned(), offset)
}

fn write_human(
    scenario: &Scenario,
    snapshot: &Snapshot,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "{}", style.text(heading(scenario, snapshot)))?;
    let mut table = Table::new();
    table.load_style(if style.unicode {
        presets::UTF8_FULL_CONDENSED
    } else {
        presets::ASCII_FULL_CONDENSED
    });
    table.set_header(["node", "id", "state", "since"]);
    let indent = |depth: usize| match style.unicode {
        true => "\u{a0}\u{a0}".repeat(depth),
        false => ". ".repeat(depth),
    };
    for node in &snapshot.nodes {
        table.add_row([
            style.text(format!(
                "{}{}",
                indent(node.depth),
                label(scenario, node.node, style)
            )),
            node.id.clone(),
            node.phase.name().to_owned(),
            since_text(node),
        ]);
    }
    writeln!(out, "{table}")?;
    writeln!(out, "{}", style.text(holding(scenario, snapshot, style)))
}

#[derive(Serialize)]
struct Document<'a> {
    schema: u32,
    at_s: f64,
    wall_s: f64,
    past_the_end: bool,
    scenario: String,
    /// The id of the node holding the thread.
    holder: Option<&'a str>,
    nodes: Vec<NodeDocument<'a>>,
}

#[derive(Serialize)]
struct NodeDocument<'a> {
    id: &'a str,
    parent: Option<&'a str>,
    depth: usize,
    kind: &'static str,
    message: Option<&'a str>,
    state: &'static str,
    since_s: Option<f64>,
}

fn node_documents<'a>(scenario: &'a Scenario, snapshot: &'a Snapshot) -> Vec<NodeDocument<'a>> {
    snapshot
        .nodes
        .iter()
        .map(|node| NodeDocument {
            id: &node.id,
            parent: node.parent.as_deref(),
            depth: node.depth,
            kind: node.kind,
            message: snapshot.message(scenario, node.node),
            state: node.phase.name(),
            since_s: node.since.map(seconds),
        })
        .collect()
}

fn holder_id(snapshot: &Snapshot) -> Option<&str> {
    snapshot.holder.map(|p| snapshot.nodes[p].id.as_str())
}

fn write_json(scenario: &Scenario, snapshot: &Snapshot, out: &mut dyn Write) -> io::Result<()> {
    let document = Document {
        schema: 1,
        at_s: seconds(snapshot.at),
        wall_s: seconds(snapshot.wall),
        past_the_end: snapshot.past_the_end(),
        scenario: scenario.text(),
        holder: holder_id(snapshot),
        nodes: node_documents(scenario, snapshot),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

#[derive(Serialize)]
struct Line<'a> {
    event: &'static str,
    schema: u32,
    #[serde(flatten)]
    node: NodeDocument<'a>,
}

#[derive(Serialize)]
struct Summary<'a> {
    event: &'static str,
    schema: u32,
    at_s: f64,
    wall_s: f64,
    past_the_end: bool,
    scenario: String,
    holder: Option<&'a str>,
}

fn write_jsonl(scenario: &Scenario, snapshot: &Snapshot, out: &mut dyn Write) -> io::Result<()> {
    for node in node_documents(scenario, snapshot) {
        let line = Line {
            event: "state",
            schema: 1,
            node,
        };
        serde_json::to_writer(&mut *out, &line)?;
        writeln!(out)?;
    }
    serde_json::to_writer(
        &mut *out,
        &Summary {
            event: "at",
            schema: 1,
            at_s: seconds(snapshot.at),
            wall_s: seconds(snapshot.wall),
            past_the_end: snapshot.past_the_end(),
            scenario: scenario.text(),
            holder: holder_id(snapshot),
        },
    )?;
    writeln!(out)
}

fn write_csv(scenario: &Scenario, snapshot: &Snapshot, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "at_s", "id", "parent", "depth", "kind", "message", "state", "since_s", "holding",
    ])?;
    let at = seconds(snapshot.at).to_string();
    for (place, node) in snapshot.nodes.iter().enumerate() {
        writer.write_record([
            at.as_str(),
            &node.id,
            node.parent.as_deref().unwrap_or(""),
            &node.depth.to_string(),
            node.kind,
            snapshot.message(scenario, node.node).unwrap_or(""),
            node.phase.name(),
            &node
                .since
                .map(|s| seconds(s).to_string())
                .unwrap_or_default(),
            if snapshot.holder == Some(place) {
                "true"
            } else {
                "false"
            },
        ])?;
    }
    writer.flush()
}

fn write_markdown(
    scenario: &Scenario,
    snapshot: &Snapshot,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(out, "{}\n", escape_text(&heading(scenario, snapshot)))?;
    writeln!(out, "| node | id | state | since |")?;
    writeln!(out, "| --- | --- | --- | ---: |")?;
    for node in &snapshot.nodes {
        let name = format!(
            "{}{}",
            "\u{a0}\u{a0}".repeat(node.depth),
            label(scenario, node.node, style)
        );
        writeln!(
            out,
            "| {} | {} | {} | {} |",
            escape_text(&name),
            node.id,
            node.phase.name(),
            since_text(node)
        )?;
    }
    writeln!(out)?;
    writeln!(out, "{}", escape_text(&holding(scenario, snapshot, style)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse::parse_argument;
    use crate::simulate::State;

    #[test]
    fn at_one_second_a_is_done_and_b_sleeps() {
        let scenario = parse_argument("gather(1:a, 2:b)", 1, false).unwrap();
        let snapshot = Snapshot::of(&scenario, Duration::from_secs(1));
        let phases: Vec<Phase> = snapshot.nodes.iter().map(|n| n.phase).collect();
        assert_eq!(
            phases,
            [
                Phase::In(State::Children),
                Phase::Ended(crate::scenario::end::End::Done),
                Phase::In(State::Sleeping)
            ]
        );
        assert_eq!(snapshot.nodes[1].since, Some(Duration::from_secs(1)));
        assert!(!snapshot.past_the_end());
        let after = Snapshot::of(&scenario, Duration::from_secs(60));
        assert!(after.past_the_end());
        assert!(
            after
                .nodes
                .iter()
                .all(|n| matches!(n.phase, Phase::Ended(_)))
        );
    }

    #[test]
    fn a_blocking_pair_holds_the_thread() {
        let scenario = parse_argument("gather(block(1:a), 1:b)", 1, false).unwrap();
        let snapshot = Snapshot::of(&scenario, Duration::from_millis(500));
        assert_eq!(snapshot.holder, Some(1));
        assert_eq!(snapshot.nodes[2].phase, Phase::In(State::Ready));
    }
}
