//! The timeline of a scenario: its tree on the time axis. Each group is a
//! thin span from the moment it began to the moment it ended, its wall
//! written after it; its children follow, indented, each pair a bar as in
//! the flat timeline. A node cut short ends in a mark, so a timeout or a
//! failure is seen where it struck:
//!
//! ```text
//! gather          ├────────────────────────────────────────── 3s failed ✗
//!   serial        ├───────────────────────────────────────────────── 3s ┤
//!     a           ██████████████████▍
//!     b                             ▐████████████████████████████████████
//!   timeout(2.5s) ├──────────────────────────── 2.5s timed out ✂
//!     gather      ├──────────────────────────── 2.5s cancelled ✂
//!       c         ██████████████████▍
//!       d         ░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░░ cancelled ✂
//!   race          ├────────✗ 500ms failed
//!     slow        ░░░░░░░░✂ cancelled
//!     boom        █████████✗ failed
//!                 ├────────┬────────┬─────────┬────────┬────────┬────────┤
//!                 0s       500ms    1s        1.5s     2s       2.5s    3s
//! ```
//!
//! (Drawn plain, as above; a run that agrees with the model has each bar
//! drawn by its states instead, as the flat timeline does: see
//! `state_rows.rs`.)
//!
//! `✂` ends what was cancelled or timed out, `✗` what failed (`/` and `x`
//! under `--ascii`, where a group's span is `[===]`); a skipped node has no
//! bar, only the word, where it would have started. A legend under the
//! axis says so.
//!
//! A tree of more than [`MAX_ROWS`] nodes is drawn in at most that many
//! rows, in time linear in the number of nodes (never one row per pair):
//! each group shows its first and last [`KEEP`] children and one row for
//! the rest, shaded (as the flat summary is) by how many of their pairs
//! were waiting; and if that is still too many rows, the deepest levels
//! are folded into their groups, whose notes count what they hold. A tree
//! deeper than the label column can indent is folded the same way, at
//! any size. A line above the rows says which.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::io::{self, Write};
use std::ops::Range;
use std::time::Duration;

use crate::engine::record::Timing;
use crate::measure::report::{PairReport, Report, Status};
use crate::render::fit;
use crate::render::state_rows::{self, Drawing};
use crate::render::style::Style;
use crate::render::timeline::{Counts, Layout, Piece, bar, row_pieces, shade_row};
use crate::scenario::tree::{Node, Scenario};
use crate::scenario::units::{human, human_signed};
use crate::simulate::State;

/// A tree with more nodes than this is summarised, in at most this many
/// rows.
pub const MAX_ROWS: usize = 60;

/// In a summarised tree, how many children each group shows at each end.
pub const KEEP: usize = 3;

/// Widest label (indentation included).
const MAX_LABEL: usize = 32;

/// The narrowest label column (the flat timeline's too).
const MIN_LABEL: usize = 7;

/// Columns each level indents its children.
pub(crate) const INDENT: usize = 2;

/// However deep a node, its label keeps this many columns of its own.
const SHORTEST: usize = 6;

/// One row of the picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Row {
    /// A node; `position` is its place among its parent's children;
    /// `folded` when it is a group whose children are not drawn.
    Node {
        node: Node,
        depth: usize,
        position: usize,
        folded: bool,
    },
    /// The middle children of a large group, in one row: how many, and
    /// the pairs their subtrees hold.
    More {
        depth: usize,
        children: usize,
        pairs: Range<u32>,
    },
}

impl Row {
    pub(crate) fn depth(&self) -> usize {
        match self {
            Row::Node { depth, .. } | Row::More { depth, .. } => *depth,
        }
    }
}

/// What is drawn of a scenario.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Selection {
    /// In pre-order: parents before children, in the order written.
    pub rows: Vec<Row>,
    /// For a tree too large to draw whole: what was left out, and how.
    pub note: Option<String>,
}

/// The rows to draw of `scenario`, nodes at most `max_depth` deep: every
/// node, or for a large tree a selection of at most [`MAX_ROWS`] rows.
pub(crate) fn select(scenario: &Scenario, max_depth: usize) -> Selection {
    let summarise = scenario.node_count() > MAX_ROWS;
    // Each group keeps its first and last children whatever the depth, so
    // the rows per level are known before choosing how deep to draw.
    let mut per_level: Vec<usize> = Vec::new();
    visit(scenario, max_depth, summarise, |row| {
        let depth = row.depth();
        if per_level.len() <= depth {
            per_level.resize(depth + 1, 0);
        }
        per_level[depth] += 1;
    });
    let mut deepest = 0;
    let mut total = 0;
    for (depth, &rows) in per_level.iter().enumerate() {
        if total + rows > MAX_ROWS {
            break;
        }
        total += rows;
        deepest = depth;
    }
    let mut rows = Vec::with_capacity(total);
    visit(scenario, deepest, summarise, |row| rows.push(row));
    let mut notes = Vec::new();
    if rows.iter().any(|row| matches!(row, Row::More { .. })) {
        notes.push(format!(
            "{} in {}, more than {MAX_ROWS} nodes: each group draws its first and last \
             {KEEP} children, and the rest in one row (… N more) shaded by how many of \
             their pairs were waiting.",
            count(scenario.plan().len(), "pair"),
            count(scenario.groups().len(), "group"),
        ));
    }
    if rows
        .iter()
        .any(|row| matches!(row, Row::Node { folded: true, .. }))
    {
        notes.push(format!(
            "Groups {} down are folded: what they hold is counted, not drawn.",
            count(deepest, "level")
        ));
    }
    Selection {
        rows,
        note: (!notes.is_empty()).then(|| notes.join(" ")),
    }
}

/// `1 pair`, `2 pairs`.
fn count(n: usize, what: &str) -> String {
    match n {
        1 => format!("1 {what}"),
        n => format!("{n} {what}s"),
    }
}

/// How deep a tree is drawn when its labels have at most `columns`: as
/// deep as indentation still shows.
pub(crate) fn depth_for(columns: usize) -> usize {
    columns.saturating_sub(SHORTEST) / INDENT
}

/// Calls `row` for each row of `scenario` in pre-order, groups at
/// `deepest` folded, and when `summarise`, each group's middle children
/// in one row. Visits only the groups drawn, each one's children once.
fn visit(scenario: &Scenario, deepest: usize, summarise: bool, mut row: impl FnMut(Row)) {
    let mut stack = vec![Row::Node {
        node: scenario.root(),
        depth: 0,
        position: 0,
        folded: false,
    }];
    while let Some(next) = stack.pop() {
        let Row::Node {
            node: Node::Group(g),
            depth,
            position,
            ..
        } = next
        else {
            row(next);
            continue;
        };
        let mut children = scenario.children(g).enumerate();
        let count = children.len();
        let folded = depth >= deepest && count > 0;
        row(Row::Node {
            node: Node::Group(g),
            depth,
            position,
            folded,
        });
        if folded {
            continue;
        }
        let child = |(position, node): (usize, Node)| Row::Node {
            node,
            depth: depth + 1,
            position,
            folded: false,
        };
        if !summarise || count <= 2 * KEEP + 1 {
            let all: Vec<Row> = children.map(child).collect();
            stack.extend(all.into_iter().rev());
            continue;
        }
        // Children are stored compactly and read in order: the middle ones
        // are stepped over, once, to learn the pairs they hold.
        let first: Vec<Row> = children.by_ref().take(KEEP).map(child).collect();
        let middle = count - 2 * KEEP;
        let pairs = |(_, node): (usize, Node)| scenario.span(node).0;
        let from = children.next().map(pairs);
        // The last of the middle ones, skipped to (runs of pairs at once).
        let to = match middle {
            1 => None,
            _ => children.nth(middle - 2).map(pairs),
        }
        .or(from.clone());
        let last: Vec<Row> = children.map(child).collect();
        stack.extend(last.into_iter().rev());
        stack.push(Row::More {
            depth: depth + 1,
            children: middle,
            pairs: from.map_or(0, |r| r.start)..to.map_or(0, |r| r.end),
        });
        stack.extend(first.into_iter().rev());
    }
}

/// The path id (`0.1.2`) of each row that is a node, from the rows alone
/// (a row's parent is the last row above it one level up), so that a
/// large group's last children cost no walk through their siblings.
pub(crate) fn ids(rows: &[Row]) -> Vec<Option<String>> {
    let mut path: Vec<String> = Vec::new();
    rows.iter()
        .map(|row| {
            let Row::Node {
                depth, position, ..
            } = row
            else {
                return None;
            };
            path.truncate(*depth);
            let id = match path.last() {
                Some(parent) => format!("{parent}.{position}"),
                None => "0".to_owned(),
            };
            path.push(id.clone());
            Some(id)
        })
        .collect()
}

/// How a node is named in its row: a group by its kind (`limit(2)`), a
/// pair by its message (escaped when it is cut to fit).
pub(crate) fn name(scenario: &Scenario, node: Node) -> Cow<'_, str> {
    match node {
        Node::Group(g) => Cow::Owned(scenario.group(g).kind.to_string()),
        Node::Pair { index, .. } => Cow::Borrowed(&scenario.plan().pairs()[index as usize].message),
    }
}

/// The label of a summarising row.
fn more(children: usize, style: &Style) -> String {
    format!("{} {children} more", style.ellipsis())
}

/// Columns a row at `depth` is indented, in a label column of `columns`.
/// Rows are drawn only as deep as [`depth_for`] the widest column allows,
/// so a label always keeps [`SHORTEST`] columns of its own after this.
pub(crate) fn indent(depth: usize, columns: usize) -> usize {
    (INDENT * depth).min(columns.saturating_sub(1))
}

/// The label column the scenarios among `reports` need (0 if none): wide
/// enough for their indented labels, up to a third of the width.
pub(crate) fn label_width(reports: &[&Report], style: &Style) -> usize {
    let trees: Vec<&&Report> = reports.iter().filter(|r| r.mode.is_none()).collect();
    if trees.is_empty() {
        return 0;
    }
    let widest = widest_label(style);
    trees
        .iter()
        .flat_map(|report| {
            let scenario = &report.scenario;
            select(scenario, depth_for(widest))
                .rows
                .into_iter()
                .map(move |row| {
                    let text = match &row {
                        Row::Node { node, .. } => name(scenario, *node).into_owned(),
                        Row::More { children, .. } => more(*children, style),
                    };
                    INDENT * row.depth() + fit::width(&fit::cut(&text, MAX_LABEL, style))
                })
        })
        .max()
        .unwrap_or(0)
        .clamp(MIN_LABEL, widest)
}

/// The widest the label column may be: a third of the width, at most.
fn widest_label(style: &Style) -> usize {
    MAX_LABEL.min(style.width / 3).max(MIN_LABEL)
}

/// The rows of one scenario, in the layout shared by every report drawn.
/// Each node's bar is drawn by the model's states when `drawing` says so,
/// adding the states drawn to `seen`.
pub(crate) fn rows(
    report: &Report,
    layout: &Layout,
    drawing: &Drawing,
    style: &Style,
    seen: &mut BTreeSet<State>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let selection = select(&report.scenario, depth_for(widest_label(style)));
    if let Some(note) = &selection.note {
        fit::write_wrapped(out, &style.text(note.clone()), style, |line| {
            style.paint(style.dim(), line).to_string()
        })?;
    }
    let columns = layout.indent() - 1;
    let path = report.critical_path();
    for row in &selection.rows {
        let (text, depth) = match row {
            Row::Node { node, depth, .. } => (name(&report.scenario, *node).into_owned(), *depth),
            Row::More {
                children, depth, ..
            } => (more(*children, style), *depth),
        };
        let shift = indent(depth, columns);
        let label = fit::pad(&text, columns - shift, style);
        let drawn = match row {
            Row::Node { node, folded, .. } => {
                let cells = drawing
                    .states()
                    .and_then(|model| model.cells(report, *node, layout, style, seen));
                node_row(report, *node, *folded, layout, style, cells)
            }
            Row::More { pairs, .. } => more_row(report, pairs, layout, style),
        };
        // The column between label and bar marks the critical path.
        let mark = match row {
            Row::Node { node, .. } if path.critical(*node, Some(&report.timings)) => {
                super::tree::critical_mark(style)
            }
            _ => ' ',
        };
        write!(
            out,
            "{:shift$}{}{mark}",
            "",
            style.paint(drawn.color, label),
            shift = shift
        )?;
        drawn.write(style, out)?;
        writeln!(out)?;
    }
    Ok(())
}

/// One row's bar area: its pieces and how each is painted.
struct Drawn {
    color: anstyle::Style,
    pieces: Vec<(String, Piece)>,
    note: anstyle::Style,
    /// The cut mark ending the bar, if any, and its colour.
    mark: Option<(char, anstyle::Style)>,
    /// Whether the bar is drawn by state, each state in its colour.
    by_state: bool,
}

impl Drawn {
    fn write(&self, style: &Style, out: &mut dyn Write) -> io::Result<()> {
        for (text, piece) in &self.pieces {
            match piece {
                Piece::Gap => write!(out, "{text}")?,
                Piece::Note => write!(out, "{}", style.paint(self.note, text))?,
                Piece::Bar => {
                    let mark = self.mark.filter(|(mark, _)| text.ends_with(*mark));
                    let body = &text[..text.len() - mark.map_or(0, |(m, _)| m.len_utf8())];
                    match self.by_state {
                        true => state_rows::write_bar(body, self.color, style, out)?,
                        false => write!(out, "{}", style.paint(self.color, body))?,
                    }
                    if let Some((mark, paint)) = mark {
                        write!(out, "{}", style.paint(paint, mark))?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// The mark that ends a node cut short: `✂` cancelled or timed out, `✗`
/// failed (`/` and `x` in ASCII).
pub(crate) fn mark(status: Status, style: &Style) -> Option<char> {
    match (status, style.unicode) {
        (Status::Cancelled | Status::TimedOut, true) => Some('✂'),
        (Status::Cancelled | Status::TimedOut, false) => Some('/'),
        (Status::Failed, true) => Some('✗'),
        (Status::Failed, false) => Some('x'),
        _ => None,
    }
}

/// What a node's timing and status are.
pub(crate) fn timing(report: &Report, node: Node) -> Timing {
    match node {
        Node::Pair { index, .. } => report.timings.get(index as usize),
        Node::Group(g) => report.groups.get(g as usize),
    }
    .copied()
    .unwrap_or_default()
}

/// When a node's bar ends: when it ended, or at the stop for one the run
/// was interrupted in.
pub(crate) fn bar_end(report: &Report, timing: Timing) -> Option<Duration> {
    match Status::of(timing) {
        Status::Interrupted => timing.began().map(|_| report.wall),
        _ => timing.ended(),
    }
}

/// What is written after a node's bar: a group's wall and how it ended
/// (and, folded, what it holds); how a pair ended, or how late it spoke.
pub(crate) fn note(report: &Report, node: Node, folded: bool, style: &Style) -> (String, bool) {
    let timing = timing(report, node);
    let status = Status::of(timing);
    match node {
        Node::Pair { index, .. } => {
            let pair = PairReport {
                index: index as usize,
                pair: &report.plan.pairs()[index as usize],
                timing,
            };
            match (status, style.lateness(&pair)) {
                (Status::Done, Some(late)) => (format!("late {}", human_signed(late)), true),
                (Status::Done, None) => (String::new(), false),
                (status, _) => (status.name().to_owned(), false),
            }
        }
        Node::Group(g) => {
            let mut note = match (timing.began(), bar_end(report, timing)) {
                (Some(began), Some(ended)) => human(ended.saturating_sub(began)),
                _ => String::new(),
            };
            if status != Status::Done {
                if !note.is_empty() {
                    note.push(' ');
                }
                note.push_str(status.name());
            }
            if folded {
                let group = report.scenario.group(g);
                let pairs = group.pairs.len();
                let groups = group.groups.len() - 1;
                let held = match groups {
                    0 => format!("{} inside", count(pairs, "pair")),
                    _ => format!(
                        "{} and {} inside",
                        count(groups, "group"),
                        count(pairs, "pair")
                    ),
                };
                note = format!("{note}, {held}");
            }
            (note, false)
        }
    }
}

/// `cells`, when given, are the node's bar drawn by state.
fn node_row(
    report: &Report,
    node: Node,
    folded: bool,
    layout: &Layout,
    style: &Style,
    cells: Option<String>,
) -> Drawn {
    let by_state = cells.is_some();
    let timing = timing(report, node);
    let status = Status::of(timing);
    let is_group = matches!(node, Node::Group(_));
    let color = match node {
        Node::Pair { index, .. } => style.pair(index as usize),
        Node::Group(_) => style.dim(),
    };
    let mark = mark(status, style).map(|m| {
        let paint = match status {
            Status::Failed => style.late(),
            _ => style.bold(),
        };
        (m, paint)
    });
    let (text, late) = note(report, node, folded, style);
    let note_style = if late { style.late() } else { style.dim() };
    let area = layout.area;
    let mut cells = match (timing.began(), bar_end(report, timing)) {
        _ if by_state => cells.unwrap_or_default(),
        (Some(start), Some(end)) => {
            let (from, to) = (layout.x(start), layout.x(end.max(start)));
            match is_group {
                true => span(from, to, area, style),
                false => bar(
                    from,
                    to,
                    area,
                    matches!(status, Status::Done | Status::Failed),
                    style,
                ),
            }
        }
        _ => " ".repeat(area),
    };
    let pieces = match (timing.began(), timing.ended(), mark) {
        (Some(_), _, _) => {
            if let Some((mark, _)) = mark {
                cells = with_mark(&cells, mark);
            }
            match is_group {
                true => span_pieces(&cells, &text, area),
                false => row_pieces(
                    &cells,
                    &text,
                    area,
                    !matches!(status, Status::Done | Status::Failed),
                ),
            }
        }
        // Never began (skipped, or cancelled while it waited its turn):
        // the mark in the cell of the instant it was cut, and the word.
        (None, at, mark) => {
            let x = at.map_or(0.0, |at| layout.x(at));
            match mark {
                Some((mark, _)) => {
                    let mut cells = vec![' '; area];
                    cells[(x.ceil() as usize).saturating_sub(1).min(area - 1)] = mark;
                    let cells: String = cells.into_iter().collect();
                    row_pieces(&cells, &text, area, false)
                }
                None => {
                    let text = fit::cut(&text, area, style);
                    let column = (x.round() as usize).min(area.saturating_sub(fit::width(&text)));
                    vec![(" ".repeat(column), Piece::Gap), (text, Piece::Note)]
                }
            }
        }
    };
    Drawn {
        color,
        pieces,
        note: note_style,
        mark,
        by_state,
    }
}

/// A group's span from cell `from` to `to`: `├────┤` (`[====]` in ASCII).
fn span(from: f64, to: f64, area: usize, style: &Style) -> String {
    let (left, line, right, one) = match style.unicode {
        true => ('├', '─', '┤', '│'),
        false => ('[', '=', ']', '|'),
    };
    let mut cells = vec![' '; area];
    let last = area.saturating_sub(1);
    // The cells a pair's bar would light between the same instants, so a
    // span starts and ends with its children's bars.
    let (first, end) = match style.unicode {
        true => (
            from.floor() + if from.fract() >= 0.75 { 1.0 } else { 0.0 },
            to.floor()
                + if (to.fract() * 8.0).round() > 0.0 {
                    1.0
                } else {
                    0.0
                },
        ),
        false => (from.round(), to.round()),
    };
    let first = (first as usize).min(last);
    let end = (end as usize).clamp(first + 1, area);
    cells[first..end].fill(line);
    cells[first] = left;
    cells[end - 1] = right;
    if end - first == 1 {
        cells[first] = one;
    }
    cells.into_iter().collect()
}

/// A span's row in pieces: its wall after it when there is room, else
/// inside it (a thin line reads well around a word), else before it.
fn span_pieces(cells: &str, note: &str, area: usize) -> Vec<(String, Piece)> {
    let end = cells.trim_end().chars().count();
    let start = end - cells.trim().chars().count();
    let length = end - start;
    let width = fit::width(note);
    if width == 0 || end + 1 + width <= area || length < width + 4 {
        return row_pieces(cells, note, area, true);
    }
    // Span cells are one column each, so characters count columns.
    let span: Vec<char> = cells.chars().skip(start).take(length).collect();
    let mut pieces = vec![
        (" ".repeat(start), Piece::Gap),
        (span[..length - width - 3].iter().collect(), Piece::Bar),
        (format!(" {note} "), Piece::Note),
        (span[length - 1..].iter().collect(), Piece::Bar),
    ];
    pieces.retain(|(text, _)| !text.is_empty());
    pieces
}

/// `cells` with its last drawn cell replaced by `mark`: the bar is cut
/// where it ends.
fn with_mark(cells: &str, mark: char) -> String {
    let mut cells: Vec<char> = cells.chars().collect();
    if let Some(last) = cells.iter().rposition(|&c| c != ' ') {
        cells[last] = mark;
    }
    cells.into_iter().collect()
}

/// The middle children of a large group: how many of their pairs waited
/// in each column, and how they ended.
fn more_row(report: &Report, pairs: &Range<u32>, layout: &Layout, style: &Style) -> Drawn {
    let range = pairs.start as usize..pairs.end as usize;
    let counts = Counts::of_pairs(report, range.clone(), layout.end, layout.area);
    let cells = shade_row(&counts.waiting, style);
    let note = ended_counts(report, range);
    Drawn {
        color: style.pair(pairs.start as usize),
        pieces: row_pieces(&cells, &note, layout.area, false),
        note: style.dim(),
        mark: None,
        by_state: false,
    }
}

/// How the pairs `pairs` ended, most first: `990 done, 10 cancelled`.
pub(crate) fn ended_counts(report: &Report, pairs: Range<usize>) -> String {
    let mut counts: Vec<(Status, usize)> = Vec::new();
    for timing in report.timings.get(pairs).unwrap_or_default() {
        let status = Status::of(*timing);
        match counts.iter_mut().find(|(s, _)| *s == status) {
            Some((_, n)) => *n += 1,
            None => counts.push((status, 1)),
        }
    }
    counts.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    let counted: Vec<String> = counts
        .iter()
        .map(|(status, n)| format!("{n} {}", status.name()))
        .collect();
    counted.join(", ")
}

/// What the marks mean, under the axis; `shaded` when a plain bar may
/// be shaded for a node that did not finish.
pub(crate) fn legend(shaded: bool, style: &Style, out: &mut dyn Write) -> io::Result<()> {
    let text = match (style.unicode, shaded) {
        (true, true) => {
            "├─┤ group, its wall · ░ did not finish · ✂ cancelled or timed out · ✗ failed"
        }
        (false, true) => {
            "[=] group, its wall; '-' did not finish; / cancelled or timed out; x failed"
        }
        (true, false) => "├─┤ group, its wall · ✂ cancelled or timed out · ✗ failed",
        (false, false) => "[=] group, its wall; / cancelled or timed out; x failed",
    };
    let path = match style.unicode {
        true => "◆ on the critical path",
        false => "* on the critical path",
    };
    for line in [text, path] {
        fit::write_wrapped(out, line, style, |line| {
            style.paint(style.dim(), line).to_string()
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_rows() {
        let node = |depth, position| Row::Node {
            node: Node::Group(0),
            depth,
            position,
            folded: false,
        };
        let rows = [
            node(0, 0),
            node(1, 0),
            node(2, 3),
            Row::More {
                depth: 1,
                children: 5,
                pairs: 0..0,
            },
            node(1, 6),
        ];
        let ids: Vec<Option<String>> = ids(&rows);
        let want = [Some("0"), Some("0.0"), Some("0.0.3"), None, Some("0.6")];
        assert_eq!(ids, want.map(|id| id.map(str::to_owned)));
    }

    #[test]
    fn a_wall_goes_after_its_span_else_inside_it() {
        let row = |cells, note| -> String {
            span_pieces(cells, note, 12)
                .into_iter()
                .map(|(text, piece)| match piece {
                    Piece::Note => format!("[{text}]"),
                    _ => text,
                })
                .collect()
        };
        assert_eq!(row("├──┤        ", "3s"), "├──┤ [3s]");
        assert_eq!(row("  ├───────┤ ", "3s"), "  ├───[ 3s ]┤");
        assert_eq!(row("      ├──┤  ", "3s"), "   [3s] ├──┤");
    }

    #[test]
    fn spans_have_ends_and_marks_replace_the_last_cell() {
        let style = Style::default();
        assert_eq!(span(1.0, 5.0, 6, &style), " ├──┤ ");
        assert_eq!(span(2.0, 2.2, 4, &style), "  │ ");
        let ascii = Style {
            unicode: false,
            ..Style::default()
        };
        assert_eq!(span(0.0, 3.0, 4, &ascii), "[=] ");
        assert_eq!(with_mark(" ├──┤ ", '✂'), " ├──✂ ");
        assert_eq!(with_mark("██▌ ", '✗'), "██✗ ");
    }
}
