//! The tree view of a scenario: one row per node, indented by depth, with
//! what the arithmetic expects of it beside what happened, then how each
//! group's time follows from its children's.
//!
//! ```text
//! ┌────────────┬───────┬──────────┬─────────┬──────────┬────────┬─────────┐
//! │ node       ┆ delay ┆ expected ┆ started ┆ finished ┆ status ┆ late by │
//! ╞════════════╪═══════╪══════════╪═════════╪══════════╪════════╪═════════╡
//! │ gather     ┆       ┆ +3s      ┆ +0s     ┆ +3s      ┆ done   ┆         │
//! │   serial   ┆       ┆ +3s      ┆ +0s     ┆ +3s      ┆ done   ┆         │
//! │     a      ┆ 1s    ┆ +1s      ┆ +0s     ┆ +1s      ┆ done   ┆ 0s      │
//! ...
//! expected 3s = max(serial a 1s + b 2s = 3s, c 3s)
//! ```
//!
//! `--dry-run` shows the same tree with the expected columns only.

use std::io::{self, Write};

use comfy_table::{Table, presets};

use crate::engine::arithmetic::{Expected, Schedule, UNKNOWN, human_or_unknown};
use crate::engine::record::Timing;
use crate::measure::concurrency::{Concurrency, Room};
use crate::measure::report::{Report, Status, signed};
use crate::render::fit;
use crate::render::style::Style;
use crate::scenario::tree::{Action, Node, Scenario};
use crate::scenario::units::{human, human_signed, offset};
use std::time::Duration;

/// Below this width the table keeps only its essential columns.
const WIDE: usize = 72;

/// Above this many nodes the table lists the groups only, and counts the
/// pairs by how they ended.
pub const MAX_ROWS: usize = 1000;

/// The tree of a finished run, and its arithmetic.
pub fn write_report(report: &Report, style: &Style, out: &mut dyn Write) -> io::Result<()> {
    let owned;
    let schedule = match &report.schedule {
        Some(schedule) => schedule.as_ref(),
        None => {
            owned = Schedule::of(&report.scenario);
            &owned
        }
    };
    let concurrency = report.concurrency();
    let table = nodes_table(
        &report.scenario,
        schedule,
        Some(report),
        None,
        concurrency,
        style,
    );
    writeln!(out, "{table}")?;
    if report.scenario.node_count() > MAX_ROWS {
        write_counts(report, style, out)?;
    }
    write_arithmetic(&report.scenario, schedule, style, out)?;
    for line in concurrency.lines(&report.scenario) {
        writeln!(out, "{}", style.text(fit(&line, style)))?;
    }
    let measured = match report.interrupted {
        None => human(report.wall),
        Some(by) => format!("{} (interrupted by {by})", human(report.wall)),
    };
    let overhead = match report.overhead() {
        Some(overhead) => format!(", overhead {}", human_signed(overhead)),
        None => String::new(),
    };
    let played = match report.simulated() {
        true => " (played by the event-loop model)",
        false => "",
    };
    let line = format!(
        "measured {measured} on the {} clock{played}{overhead}",
        report.clock
    );
    writeln!(out, "{}", style.text(fit(&line, style)))
}

/// The tree and its arithmetic, before anything runs (`--dry-run`).
///
/// A command's length is unknown until it runs, and the arithmetic counts
/// it as never ending, so a deadline or a race decides. Where that is not
/// certain (the commands might end first) the table says what is: `≤ +10s`,
/// `done or timed out`, from the same tree with the commands instant.
pub fn write_dry_run(scenario: &Scenario, style: &Style, out: &mut dyn Write) -> io::Result<()> {
    let schedule = Schedule::of(scenario);
    let concurrency = Concurrency::of_tree(scenario, &schedule);
    let instant = scenario
        .has_unmeasured_commands()
        .then(|| Schedule::of(&scenario.with_instant_commands()));
    let table = nodes_table(
        scenario,
        &schedule,
        None,
        instant.as_ref(),
        &concurrency,
        style,
    );
    writeln!(out, "{table}")?;
    write_arithmetic(scenario, &schedule, style, out)?;
    if let Some(instant) = &instant {
        let root = scenario.root();
        let (slow, fast) = (schedule.of_node(root), instant.of_node(root));
        if Status::from(slow.end) != Status::from(fast.end) {
            let line = format!(
                "  until its commands have run: {} if they end in time, {} at {} if not",
                Status::from(fast.end).name(),
                Status::from(slow.end).name(),
                offset_or_unknown(slow.end_at)
            );
            writeln!(out, "{}", style.text(fit(&line, style)))?;
        }
    }
    for line in concurrency.lines(scenario) {
        writeln!(out, "{}", style.text(fit(&line, style)))?;
    }
    Ok(())
}

/// `gather: max(serial 3s, c 3s) = 3s`, one line per group, then the whole.
fn write_arithmetic(
    scenario: &Scenario,
    schedule: &Schedule,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        style.text(fit(&schedule.summary(scenario), style))
    )?;
    // Each group's own sum, naming its children, when there is more than
    // the root's.
    let groups = scenario.groups();
    if groups.len() > 1 && groups.len() <= MAX_ROWS {
        for (g, group) in groups.iter().enumerate().skip(1) {
            let id = scenario.id(Node::Group(g as u32));
            let expected = schedule.groups[g];
            if expected.start.is_none() {
                // Skipped or cut off before it began: nothing to add up.
                continue;
            }
            let mut line = format!(
                "  {id} {}: {} = {}",
                group.kind,
                schedule.formulas[g],
                human_or_unknown(schedule.natural[g])
            );
            if let Some(status) = cut_short(expected) {
                line.push_str(&format!(
                    ", {status} at {}",
                    offset_or_unknown(expected.end_at)
                ));
            }
            writeln!(out, "{}", style.text(fit(&line, style)))?;
        }
    }
    for reason in schedule.reasons() {
        writeln!(out, "{}", style.text(fit(&format!("  {reason}"), style)))?;
    }
    Ok(())
}

/// An offset of the arithmetic: `+1s`, or `?` when it waits on a command
/// not yet measured.
fn offset_or_unknown(at: Duration) -> String {
    match at >= UNKNOWN {
        true => "?".to_owned(),
        false => offset(at),
    }
}

/// How a node was expected to be cut short, if it was.
fn cut_short(expected: Expected) -> Option<&'static str> {
    match Status::from(expected.end) {
        Status::Done | Status::Failed => None,
        status => Some(status.name()),
    }
}

/// A line wrapped on words to the style's width, later lines indented.
pub(super) fn fit(line: &str, style: &Style) -> String {
    const INDENT: &str = "      ";
    let body = line.trim_start();
    let lead = &line[..line.len() - body.len()];
    let lines = fit::wrap(body, style.width.max(20) - INDENT.len());
    let mut text = lead.to_owned();
    for (n, part) in lines.iter().enumerate() {
        if n > 0 {
            text.push('\n');
            text.push_str(INDENT);
        }
        text.push_str(part);
    }
    text
}

/// How many pairs ended each way, for a tree too large to list.
fn write_counts(report: &Report, style: &Style, out: &mut dyn Write) -> io::Result<()> {
    let mut counts: Vec<(Status, usize)> = Vec::new();
    for pair in report.pairs() {
        let status = pair.status();
        match counts.iter_mut().find(|(s, _)| *s == status) {
            Some((_, n)) => *n += 1,
            None => counts.push((status, 1)),
        }
    }
    let counted: Vec<String> = counts
        .iter()
        .map(|(status, n)| format!("{n} {}", status.name()))
        .collect();
    writeln!(
        out,
        "{}",
        style.text(format!(
            "{} pairs (not listed): {}",
            report.plan.len(),
            counted.join(", ")
        ))
    )
}

/// `instant`: for a dry run with unmeasured commands, the schedule were
/// they instant (see [`write_dry_run`]).
fn nodes_table(
    scenario: &Scenario,
    schedule: &Schedule,
    report: Option<&Report>,
    instant: Option<&Schedule>,
    concurrency: &Concurrency,
    style: &Style,
) -> Table {
    let mut table = Table::new();
    table.load_style(if style.unicode {
        presets::UTF8_FULL_CONDENSED
    } else {
        presets::ASCII_FULL_CONDENSED
    });
    let all: &[&str] = match report {
        Some(_) => &[
            "node", "delay", "expected", "started", "ended", "status", "late by",
        ],
        None => &["node", "delay", "starts", "ends", "as"],
    };
    // A narrow terminal gets the essentials: which node, when it ended,
    // and how.
    let narrow = style.width < WIDE;
    let shown: Vec<usize> = (0..all.len())
        .filter(|&i| !narrow || matches!(all[i], "node" | "ended" | "status" | "ends" | "as"))
        .collect();
    let header: Vec<&str> = shown.iter().map(|&i| all[i]).collect();
    let list_pairs = scenario.node_count() <= MAX_ROWS;
    let mut rows: Vec<Vec<String>> = Vec::new();
    // Each row's critical mark, put after its name once the names are cut
    // to fit.
    let mut marks: Vec<String> = Vec::new();
    // Without pair rows, only the groups are walked (a million pairs
    // skipped, not stepped over).
    let walk: Vec<(Node, usize)> = match list_pairs {
        true => scenario.walk().collect(),
        false => scenario.walk_groups().collect(),
    };
    for (node, depth) in walk {
        let expected = schedule.of_node(node);
        let mark = match concurrency.critical(node, report.map(|r| r.timings.as_slice())) {
            true => format!(" {}", critical_mark(style)),
            false => String::new(),
        };
        let name = format!("{}{}", indent(depth, style), label(scenario, node, style));
        let mut row = vec![
            name,
            match node {
                Node::Pair { index, .. } => scenario
                    .delay(index as usize)
                    .map_or_else(|| "?".to_owned(), human),
                Node::Group(_) => String::new(),
            },
        ];
        match report {
            Some(report) => {
                let timing = match node {
                    Node::Pair { index, .. } => report.timings.get(index as usize),
                    Node::Group(g) => report.groups.get(g as usize),
                }
                .copied()
                .unwrap_or_default();
                row.extend(measured_cells(node, expected, timing, scenario));
                // Where work stealing decides, the bounds, not one value.
                if let Some(range) = schedule.bounds_of(node) {
                    let to = if style.unicode { "–" } else { ".." };
                    row[2] = format!("{}{to}{}", offset(range.earliest), human(range.latest));
                }
            }
            None => row.extend(expected_cells(
                expected,
                instant.map(|instant| instant.of_node(node)),
                style,
            )),
        }
        row.push(slack_cell(
            concurrency.slack(node, report.map(|r| r.timings.as_slice())),
            style,
        ));
        let slack = row.pop().unwrap_or_default();
        marks.push(mark);
        rows.push(
            shown
                .iter()
                .map(|&i| style.text(std::mem::take(&mut row[i])))
                .chain([style.text(slack)])
                .collect(),
        );
    }
    // The slack column, where it was worked out and fits beside the
    // names as they are.
    let slack_known =
        concurrency.slack(scenario.root(), report.map(|r| r.timings.as_slice())) != Room::Unknown;
    let mut header = header;
    header.push("slack");
    let column = |rows: &[Vec<String>], c: usize| {
        rows.iter()
            .map(|r| fit::width(&r[c]) + if c == 0 { 2 } else { 0 })
            .chain([header[c].len()])
            .max()
            .unwrap_or(0)
    };
    let cells: usize = (0..header.len()).map(|c| column(&rows, c) + 3).sum();
    if narrow || !slack_known || cells + 1 > style.width {
        header.pop();
        for row in &mut rows {
            row.pop();
        }
    }
    table.set_header(header.iter().map(|h| h.to_string()));
    // The table never wraps a cell: the node names give way, cut with an
    // ellipsis, until the table fits the width.
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| fit::width(&r[c]))
                .chain([header[c].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let others: usize = widths.iter().skip(1).map(|w| w + 3).sum();
    let room = style.width.saturating_sub(others + 4).max(8);
    for (row, mark) in rows.iter_mut().zip(&marks) {
        let room = room.saturating_sub(fit::width(mark)).max(8);
        if fit::width(&row[0]) > room {
            row[0] = fit::cut(&row[0], room, style);
        }
        row[0].push_str(mark);
    }
    table.add_rows(rows);
    table
}

/// What marks a node on the critical path, in the tables and timelines.
pub(crate) fn critical_mark(style: &Style) -> char {
    if style.unicode { '◆' } else { '*' }
}

/// A slack cell: how much longer the node could take (`∞`: any amount,
/// it is cut off before it ends).
fn slack_cell(room: Room, style: &Style) -> String {
    match room {
        Room::By(by) => human(by),
        Room::Unbounded if style.unicode => "∞".to_owned(),
        Room::Unbounded => "inf".to_owned(),
        Room::Unknown => String::new(),
    }
}

/// Two columns a level. Not plain spaces: the table would take them for
/// the gaps between words and drop them when it wraps a cell.
fn indent(depth: usize, style: &Style) -> String {
    match style.unicode {
        true => "\u{a0}\u{a0}".repeat(depth),
        false => ". ".repeat(depth),
    }
}

/// A node as the table names it: a group's kind (`limit(2)`), or a pair's
/// message with what it does when it is not a plain say.
pub(crate) fn label(scenario: &Scenario, node: Node, style: &Style) -> String {
    match node {
        Node::Group(g) => scenario.group(g).kind.to_string(),
        Node::Pair { index, action } => {
            let message = &scenario.plan().pairs()[index as usize].message;
            let text = fit::cut(message, 40, style);
            match action {
                Action::Say | Action::Command => text,
                Action::Fail => format!("fail: {text}"),
                Action::Block => format!("block: {text}"),
                Action::SpawnBlocking => format!("spawn_blocking: {text}"),
            }
        }
    }
}

/// A dry run's cells: when a node starts and ends, and how; where the
/// commands' lengths decide (`instant` differs), at most when, and both
/// ways it can end.
fn expected_cells(expected: Expected, instant: Option<Expected>, style: &Style) -> [String; 3] {
    let instant = instant.unwrap_or(expected);
    let le = if style.unicode { "≤" } else { "<=" };
    let at_most = |slow: Duration, fast: Duration| match slow == fast || slow >= UNKNOWN {
        true => offset_or_unknown(slow),
        false => format!("{le} {}", offset(slow)),
    };
    let start = match (expected.start, instant.start) {
        (Some(slow), Some(fast)) => at_most(slow, fast),
        (Some(slow), None) => format!("- or {}", offset_or_unknown(slow)),
        (None, Some(fast)) => format!("- or {}", offset_or_unknown(fast)),
        (None, None) => "-".to_owned(),
    };
    let (slow, fast) = (Status::from(expected.end), Status::from(instant.end));
    let status = match slow == fast {
        true => slow.name().to_owned(),
        false => format!("{} or {}", fast.name(), slow.name()),
    };
    [start, at_most(expected.end_at, instant.end_at), status]
}

fn measured_cells(
    node: Node,
    expected: Expected,
    timing: Timing,
    scenario: &Scenario,
) -> [String; 5] {
    let status = Status::of(timing);
    let late = match (node, status) {
        // A command takes as long as it takes: it is never late.
        (
            Node::Pair {
                action: Action::Command,
                ..
            },
            _,
        ) => String::new(),
        (Node::Pair { index, .. }, Status::Done | Status::Failed) => {
            let delay = scenario.plan().pairs()[index as usize].delay;
            match (timing.began(), timing.ended()) {
                (Some(began), Some(ended)) => {
                    human_signed(signed(ended) - signed(began.saturating_add(delay)))
                }
                _ => String::new(),
            }
        }
        _ => String::new(),
    };
    // The status, and what the arithmetic said when it said otherwise.
    let expected_status = Status::from(expected.end);
    let status_text = match status == expected_status || status == Status::Interrupted {
        true => status.name().to_owned(),
        false => format!("{} (expected {})", status.name(), expected_status.name()),
    };
    [
        offset_or_unknown(expected.end_at),
        timing.began().map_or_else(|| "-".to_owned(), offset),
        match (status, timing.ended()) {
            (Status::Skipped, _) | (_, None) => "-".to_owned(),
            (_, Some(at)) => offset(at),
        },
        status_text,
        late,
    ]
}
