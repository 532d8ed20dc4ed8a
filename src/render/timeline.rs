//! The timeline: a Gantt chart of *when* each pair waited. One row per
//! pair, a bar from the moment it began waiting to the moment it spoke, on
//! a time axis shared by every report drawn together; so serial shows a
//! staircase, tasks and gather a fan of bars that all start at zero, and a
//! `compare` run stacks the modes on one axis.
//!
//! ```text
//! 1 hello   ███████████████▋
//! 2 world                  ▐███████████████████████████████
//!           ├───────┬───────┬───────┬──────┬───────┬───────┤
//!           0s      500ms   1s      1.5s   2s      2.5s   3s
//! ```
//!
//! Each bar is drawn by the model's states (`state_rows.rs`, with the
//! glyphs of `states.rs`: `░` sleeping, `█` holding the thread, `▒` ready
//! but starved, ...) when the run agrees with the model, with a legend of
//! the states drawn and, for a run that blocks, a row for the thread.
//! Otherwise the bars are plain: Unicode bars end with eighth-cell blocks,
//! so 1.001 s and 1.05 s do not look the same; `--ascii` draws with `#`
//! and `-`. Above [`MAX_ROWS`]
//! pairs, a report is summarised as counts per column (how many pairs were
//! waiting, how many spoke) instead of a million rows, in linear time.
//!
//! A scenario (a report without a mode) is drawn as its tree instead, by
//! `tree_timeline.rs`, on the same axis.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::time::Duration;

use crate::measure::Measurement;
use crate::measure::report::{Report, Status};
use crate::render::state_rows::{self, Drawing, Model};
use crate::render::style::Style;
use crate::render::{fit, tree_timeline};
use crate::scenario::tree::Node;
use crate::scenario::units::{human, human_signed};
use crate::simulate::State;

/// More pairs than this in one report are summarised, not drawn one by one.
pub const MAX_ROWS: usize = 50;

/// Widest message label: longer messages are cut with an ellipsis.
const MAX_LABEL: usize = 24;

/// Left-aligned eighth blocks, from one eighth to seven eighths.
const EIGHTHS: [char; 7] = ['▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/// Shades for the summary rows, from "few" to "most".
const SHADES: [char; 4] = ['░', '▒', '▓', '█'];
const ASCII_SHADES: [char; 4] = ['.', ':', '+', '#'];

/// One run to draw, and what its caption says of the wall.
#[derive(Debug, Clone)]
pub struct Drawn<'a> {
    pub report: &'a Report,
    /// `wall 3s`; with `--runs`, the statistic the tables give (the
    /// median), naming the run drawn: `median wall 3.003s of 5 runs (run
    /// 1 drawn: 3.004s)`.
    pub wall: String,
}

impl<'a> Drawn<'a> {
    /// A run on its own.
    pub fn run(report: &'a Report) -> Drawn<'a> {
        Drawn {
            report,
            wall: format!("wall {}", human(report.wall)),
        }
    }

    /// The first counted run of `m`, captioned with `m`'s median wall when
    /// it ran more than once.
    pub fn first_of(m: &'a Measurement) -> Drawn<'a> {
        match m.counted() {
            1 => Drawn::run(m.first()),
            runs => Drawn {
                report: m.first(),
                wall: format!(
                    "median wall {} of {runs} runs (run 1 drawn: {})",
                    human(m.median()),
                    human(m.first().wall)
                ),
            },
        }
    }
}

/// Draws the timelines of `reports` on one shared axis, stacked, each
/// captioned with its own wall.
pub fn render(reports: &[&Report], style: &Style, out: &mut dyn Write) -> io::Result<()> {
    let drawn: Vec<Drawn> = reports.iter().map(|report| Drawn::run(report)).collect();
    render_drawn(&drawn, style, out)
}

/// Draws the timelines of `drawn` on one shared axis, stacked.
pub fn render_drawn(drawn: &[Drawn<'_>], style: &Style, out: &mut dyn Write) -> io::Result<()> {
    let reports: Vec<&Report> = drawn.iter().map(|d| d.report).collect();
    let Some(layout) = Layout::new(&reports, style) else {
        return Ok(());
    };
    let stacked = reports.len() > 1;
    let mut seen = BTreeSet::new();
    let mut off_by = Duration::ZERO;
    let mut plain_bars = false;
    let mut notes: Vec<String> = Vec::new();
    for Drawn { report, wall } in drawn {
        if stacked {
            let heading = heading(&report.label(), wall, style);
            writeln!(out, "{}", style.paint(style.bold(), heading))?;
        }
        let drawing = Drawing::of(report, layout.end.div_f64(layout.area as f64), style);
        if report.mode.is_none() {
            tree_timeline::rows(report, &layout, &drawing, style, &mut seen, out)?;
        } else if report.plan.len() > MAX_ROWS {
            summary_rows(report, &layout, style, out)?;
        } else {
            pair_rows(report, &layout, &drawing, style, &mut seen, out)?;
        }
        match &drawing {
            Drawing::States(model) => {
                model.thread_row(report, &layout, style, &mut seen, out)?;
                off_by = off_by.max(model.off_by);
                let holders = model.holders_line(report, style);
                notes.extend(holders.map(|line| match stacked {
                    true => format!("{}: {line}", report.label()),
                    false => line,
                }));
            }
            Drawing::Plain(why) => {
                plain_bars = true;
                notes.extend(why.iter().map(|why| match stacked {
                    true => format!("{}: {why}", report.label()),
                    false => why.clone(),
                }));
            }
        }
    }
    axis(&layout, style, out)?;
    let dim = |line: &str| style.paint(style.dim(), line).to_string();
    if let Some(legend) = state_rows::legend(&seen, off_by, style) {
        fit::write_wrapped(out, &legend, style, dim)?;
    }
    if reports.iter().any(|r| r.mode.is_none()) {
        tree_timeline::legend(plain_bars, style, out)?;
    }
    for note in notes {
        fit::write_wrapped(out, &fit::cut(&note, usize::MAX, style), style, dim)?;
    }
    Ok(())
}

/// `label · wall`, fitted to the width: a long label (a scenario as
/// written) is cut, never the wall after it.
fn heading(label: &str, wall: &str, style: &Style) -> String {
    let tail = style.text(format!(" {} {wall}", style.dot()));
    match style.width.checked_sub(fit::width(&tail)) {
        Some(room) if room >= 8 => {
            format!(
                "{}{tail}",
                fit::cut(&style.text(label.to_owned()), room, style)
            )
        }
        _ => fit::cut(&style.text(format!("{label}{tail}")), style.width, style),
    }
}

/// Where things go: the label column, then the bar area.
pub(crate) struct Layout {
    /// Width of the pair number, right-aligned; 0 when only scenarios are
    /// drawn (their rows are labelled by indentation, not numbers).
    pub(crate) number: usize,
    /// Width of the message label.
    pub(crate) label: usize,
    /// Columns of the bar area; the axis has one more, for its end.
    pub(crate) area: usize,
    /// The time at the right edge of the bar area.
    pub(crate) end: Duration,
    /// Time between two ticks.
    step: Duration,
}

impl Layout {
    fn new(reports: &[&Report], style: &Style) -> Option<Layout> {
        reports.first()?;
        let flat = || reports.iter().filter(|r| r.mode.is_some());
        let number = flat()
            .map(|r| r.plan.len().to_string().len().max(1))
            .max()
            .unwrap_or(0);
        let label = flat()
            .filter(|r| r.plan.len() <= MAX_ROWS)
            .flat_map(|r| r.plan.pairs())
            .map(|pair| fit::width(&fit::cut(&pair.message, MAX_LABEL, style)))
            .max()
            .unwrap_or(0)
            // A narrow terminal gives the bars at least two thirds.
            .clamp(
                SUMMARY_LABEL.len(),
                MAX_LABEL.min(style.width / 3).max(SUMMARY_LABEL.len()),
            )
            .max(tree_timeline::label_width(reports, style))
            // Room for the thread's row, which a run that blocks may have.
            .max(match reports.iter().any(|r| r.scenario.blocks()) {
                true => state_rows::THREAD.len(),
                false => 0,
            });
        let end = axis_end(reports);
        let used = Self::left(number, label);
        let area = style.width.saturating_sub(used + 1).max(8);
        let step = tick_step(end, area, style);
        Some(Layout {
            number,
            label,
            area,
            end,
            step,
        })
    }

    /// A bar area of `area` cells ending at `end`, with no labels.
    #[cfg(test)]
    pub(crate) fn fixed(end: Duration, area: usize) -> Layout {
        Layout {
            number: 0,
            label: 0,
            area,
            end,
            step: end,
        }
    }

    /// Columns before the bar area.
    pub(crate) fn indent(&self) -> usize {
        Self::left(self.number, self.label)
    }

    fn left(number: usize, label: usize) -> usize {
        match number {
            0 => label + 1,
            number => number + 1 + label + 1,
        }
    }

    /// Position of `t` in cells from the left of the bar area.
    pub(crate) fn x(&self, t: Duration) -> f64 {
        t.as_secs_f64() / self.end.as_secs_f64() * self.area as f64
    }
}

/// The time at the right end of a shared axis: the last thing that
/// happened in any report (never zero, so it can be divided by).
pub(crate) fn axis_end(reports: &[&Report]) -> Duration {
    reports
        .iter()
        .flat_map(|r| r.timings.iter().filter_map(|t| t.ended()).chain([r.wall]))
        .max()
        .unwrap_or_default()
        .max(Duration::from_nanos(1))
}

/// The smallest round step whose labels do not collide on an axis of
/// `area` character cells.
pub(crate) fn tick_step(end: Duration, area: usize, style: &Style) -> Duration {
    const STEPS_SECONDS: [u64; 20] = [
        15,
        30,
        60,
        120,
        300,
        600,
        900,
        1800,
        3600,
        7200,
        3 * 3600,
        6 * 3600,
        12 * 3600,
        86_400,
        2 * 86_400,
        7 * 86_400,
        30 * 86_400,
        90 * 86_400,
        180 * 86_400,
        365 * 86_400,
    ];
    // 1-2-5 steps from 1 ns to 10 s, then steps a clock would use.
    let small =
        (0..=10).flat_map(|power| [1, 2, 5].map(|m| Duration::from_nanos(m * 10u64.pow(power))));
    let large = STEPS_SECONDS.into_iter().map(Duration::from_secs);
    let fits = |step: Duration| {
        let ticks = (end.as_nanos() / step.as_nanos()) as usize;
        let widest = (0..=ticks)
            .map(|k| fit::width(&tick_label(step * k as u32, style)))
            .max()
            .unwrap_or(1);
        let spacing = step.as_secs_f64() / end.as_secs_f64() * area as f64;
        spacing >= (widest + 2) as f64
    };
    small
        .chain(large)
        .filter(|step| end.as_nanos() / step.as_nanos() <= 1_000)
        .find(|&step| fits(step))
        .unwrap_or(end)
}

pub(crate) fn tick_label(t: Duration, style: &Style) -> String {
    style.text(human(t))
}

/// One row per pair: number, message, bar.
fn pair_rows(
    report: &Report,
    layout: &Layout,
    drawing: &Drawing,
    style: &Style,
    seen: &mut BTreeSet<State>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let model: Option<&Model> = drawing.states();
    for pair in report.pairs() {
        let color = style.pair(pair.index);
        let start = pair.began();
        let end = match pair.status() {
            Status::Interrupted => start.map(|_| report.wall),
            _ => pair.ended(),
        };
        let node = Node::Pair {
            index: pair.index as u32,
            action: report.scenario.action_of(pair.index),
        };
        let by_state = model.and_then(|m| m.cells(report, node, layout, style, seen));
        let bar = match (start, end) {
            _ if by_state.is_some() => by_state.clone().unwrap_or_default(),
            (Some(start), Some(end)) => bar(
                layout.x(start),
                layout.x(end.max(start)),
                layout.area,
                pair.status() == Status::Done,
                style,
            ),
            _ => String::new(),
        };
        let late = style.lateness(&pair);
        let (note, note_style) = match (pair.status(), late) {
            (Status::Done, Some(late)) => (
                style.text(format!("late {}", human_signed(late))),
                style.late(),
            ),
            (Status::Done, None) => (String::new(), style.dim()),
            (status, _) => (status.name().to_owned(), style.dim()),
        };
        let shaded = pair.status() != Status::Done;
        let row = row_pieces(&bar, &note, layout.area, shaded);
        write!(
            out,
            "{:>number$} {} ",
            pair.index + 1,
            style.paint(color, fit::pad(&pair.pair.message, layout.label, style)),
            number = layout.number,
        )?;
        match by_state {
            Some(_) => state_rows::write_pieces(&row, color, note_style, style, out)?,
            None => {
                for (text, piece) in row {
                    match piece {
                        Piece::Gap => write!(out, "{text}")?,
                        Piece::Bar => write!(out, "{}", style.paint(color, text))?,
                        Piece::Note => write!(out, "{}", style.paint(note_style, text))?,
                    }
                }
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

/// What a piece of a row is, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Piece {
    Gap,
    Bar,
    Note,
}

/// A row of the bar area cut into pieces, so the bar and its note (`late
/// +7ms`, `cancelled`) get their own colours and the note never widens the
/// row: it goes after the bar when there is room, else before it, else
/// (for a shaded bar, which text can be read over) inside it, else
/// nowhere: the table has it anyway.
pub(crate) fn row_pieces(
    cells: &str,
    note: &str,
    area: usize,
    shaded: bool,
) -> Vec<(String, Piece)> {
    let trimmed = cells.trim_end();
    let bar = trimmed.trim_start();
    // Bar cells are one column each, so characters count columns.
    let end = trimmed.chars().count();
    let length = bar.chars().count();
    let start = end - length;
    let width = fit::width(note);
    let gap = |n: usize| (" ".repeat(n), Piece::Gap);
    let mut pieces = Vec::with_capacity(5);
    if width == 0 {
        pieces.extend([gap(start), (bar.to_owned(), Piece::Bar)]);
    } else if end + 1 + width <= area {
        pieces.extend([
            gap(start),
            (bar.to_owned(), Piece::Bar),
            gap(1),
            (note.to_owned(), Piece::Note),
        ]);
    } else if start > width {
        pieces.extend([
            gap(start - width - 1),
            (note.to_owned(), Piece::Note),
            gap(1),
            (bar.to_owned(), Piece::Bar),
        ]);
    } else if shaded && length >= width + 4 {
        let head: String = bar.chars().take(length - width - 3).collect();
        let tail: String = bar.chars().skip(length - 1).collect();
        pieces.extend([
            gap(start),
            (head, Piece::Bar),
            (format!(" {note} "), Piece::Note),
            (tail, Piece::Bar),
        ]);
    } else {
        pieces.extend([gap(start), (bar.to_owned(), Piece::Bar)]);
    }
    pieces.retain(|(text, _)| !text.is_empty());
    pieces
}

/// A bar from cell position `from` to `to` (fractions of cells), in a row
/// of `area` cells. Done pairs are solid; cancelled and interrupted ones
/// are shaded.
pub(crate) fn bar(from: f64, to: f64, area: usize, done: bool, style: &Style) -> String {
    let mut cells = vec![' '; area];
    let last = area.saturating_sub(1);
    if !style.unicode {
        let fill = if done { '#' } else { '-' };
        let first = (from.round() as usize).min(last);
        let end = (to.round() as usize).clamp(first + 1, area);
        cells[first..end].fill(fill);
        return cells.into_iter().collect();
    }
    if !done {
        let first = (from.round() as usize).min(last);
        let end = (to.round() as usize).clamp(first + 1, area);
        cells[first..end].fill('░');
        return cells.into_iter().collect();
    }
    // The left edge has half-cell precision (Unicode has no right-aligned
    // eighths but the right half block); the right edge has eighths.
    let start_cell = (from.floor() as usize).min(last);
    let start_fraction = from - start_cell as f64;
    let mut full_from = start_cell;
    if start_fraction >= 0.75 {
        full_from += 1;
    } else if start_fraction >= 0.25 {
        cells[start_cell] = '▐';
        full_from += 1;
    }
    let end_cell = (to.floor() as usize).min(area);
    let eighths = ((to - end_cell as f64) * 8.0).round() as usize;
    for cell in cells.iter_mut().take(end_cell).skip(full_from) {
        *cell = '█';
    }
    if end_cell < area && end_cell >= full_from {
        match eighths {
            0 => {}
            8 => cells[end_cell] = '█',
            n => cells[end_cell] = EIGHTHS[n - 1],
        }
    }
    // A pair that waited (almost) no time still gets a visible mark.
    if cells.iter().all(|&c| c == ' ') {
        cells[start_cell] = '▏';
    }
    cells.into_iter().collect()
}

/// The label shown in the message column of the summary rows.
const SUMMARY_LABEL: &str = "waiting";

/// Too many pairs for one row each: two rows of counts per column, in
/// O(pairs + width). "waiting" shades each column by how many pairs were
/// waiting then; "said" by how many spoke.
fn summary_rows(
    report: &Report,
    layout: &Layout,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let Counts { waiting, said } = Counts::new(report, layout.end, layout.area);
    let busiest = waiting.iter().copied().max().unwrap_or(0);
    let note = format!(
        "{} pairs (more than {MAX_ROWS}): shaded by count, peak {busiest} waiting",
        report.plan.len()
    );
    fit::write_wrapped(out, &note, style, |line| {
        style.paint(style.dim(), line).to_string()
    })?;
    for (name, counts) in [(SUMMARY_LABEL, &waiting), ("said", &said)] {
        writeln!(
            out,
            "{:>number$} {} {}",
            "",
            fit::pad(name, layout.label, style),
            style.paint(style.pair(0), shade_row(counts, style).trim_end()),
            number = layout.number,
        )?;
    }
    Ok(())
}

/// How many pairs were waiting, and how many spoke, in each of `columns`
/// equal slices of `0..end`.
pub(crate) struct Counts {
    pub waiting: Vec<u64>,
    pub said: Vec<u64>,
}

impl Counts {
    /// O(pairs + columns), whatever the delays.
    pub(crate) fn new(report: &Report, end: Duration, columns: usize) -> Counts {
        Counts::of_pairs(report, 0..report.timings.len(), end, columns)
    }

    /// The same for the pairs `pairs` only (a scenario's subtree).
    pub(crate) fn of_pairs(
        report: &Report,
        pairs: std::ops::Range<usize>,
        end: Duration,
        columns: usize,
    ) -> Counts {
        let columns = columns.max(1);
        let end = end.as_secs_f64();
        let column =
            |t: Duration| ((t.as_secs_f64() / end * columns as f64) as usize).min(columns - 1);
        // A difference array: +1 where a wait begins, -1 after it ends; a
        // running sum then gives the waiting count per column.
        let mut change = vec![0i64; columns + 1];
        let mut said = vec![0u64; columns];
        let len = report.timings.len().min(report.plan.len());
        let timings = &report.timings[pairs.start.min(len)..pairs.end.min(len)];
        for timing in timings {
            let Some(start) = timing.began() else {
                continue;
            };
            let ended = timing.ended();
            let last = column(ended.unwrap_or(report.wall));
            change[column(start)] += 1;
            change[last + 1] -= 1;
            // When it said its message (not when it was cut off).
            if timing.finished().is_some() {
                said[last] += 1;
            }
        }
        let waiting = change
            .iter()
            .take(columns)
            .scan(0i64, |sum, d| {
                *sum += d;
                Some((*sum).max(0) as u64)
            })
            .collect();
        Counts { waiting, said }
    }
}

/// Counts as shades, scaled to the largest.
pub(crate) fn shade_row(counts: &[u64], style: &Style) -> String {
    let shades = if style.unicode { SHADES } else { ASCII_SHADES };
    let most = counts.iter().copied().max().unwrap_or(0).max(1);
    counts
        .iter()
        .map(|&n| match n {
            0 => ' ',
            n => shades[((n * shades.len() as u64).div_ceil(most) as usize - 1).min(3)],
        })
        .collect()
}

/// The axis line with its ticks, and the tick labels under it.
fn axis(layout: &Layout, style: &Style, out: &mut dyn Write) -> io::Result<()> {
    let (line, tick, first, last) = if style.unicode {
        ('─', '┬', '├', '┤')
    } else {
        ('-', '+', '+', '+')
    };
    let mut axis = vec![line; layout.area + 1];
    // A run where nothing took any time has one moment to show: 0s.
    let ticks = match layout.end <= Duration::from_nanos(1) {
        true => 0,
        false => (layout.end.as_nanos() / layout.step.as_nanos()) as u32,
    };
    let column = |k: u32| (layout.x(layout.step * k).round() as usize).min(layout.area);
    for k in 1..=ticks {
        axis[column(k)] = tick;
    }
    axis[0] = first;
    axis[layout.area] = last;
    let total = layout.indent() + layout.area + 1;
    let mut labels = String::new();
    let mut used = 0;
    for k in 0..=ticks {
        let label = tick_label(layout.step * k, style);
        let at = (layout.indent() + column(k)).min(total.saturating_sub(fit::width(&label)));
        if at < used + usize::from(used > 0) {
            continue;
        }
        labels.push_str(&" ".repeat(at - used));
        labels.push_str(&label);
        used = at + fit::width(&label);
    }
    let axis: String = axis.into_iter().collect();
    writeln!(
        out,
        "{:indent$}{}",
        "",
        style.paint(style.dim(), axis),
        indent = layout.indent()
    )?;
    writeln!(out, "{}", style.paint(style.dim(), labels))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascii() -> Style {
        Style {
            unicode: false,
            ..Style::default()
        }
    }

    #[test]
    fn bars_have_sub_cell_ends() {
        let style = Style::default();
        assert_eq!(bar(0.0, 2.5, 4, true, &style), "██▌ ");
        assert_eq!(bar(1.5, 3.0, 4, true, &style), " ▐█ ");
        assert_eq!(bar(2.0, 2.0, 4, true, &style), "  ▏ ");
        assert_eq!(bar(0.0, 4.0, 4, true, &style), "████");
        assert_eq!(bar(0.0, 2.5, 4, true, &ascii()), "### ");
        assert_eq!(bar(0.0, 2.4, 4, false, &ascii()), "--  ");
    }

    #[test]
    fn notes_go_after_the_bar_else_before_else_inside_else_nowhere() {
        let row = |cells, note, shaded| -> String {
            row_pieces(cells, note, 10, shaded)
                .into_iter()
                .map(|(text, piece)| match piece {
                    Piece::Note => format!("[{text}]"),
                    _ => text,
                })
                .collect()
        };
        assert_eq!(row("  ██      ", "late", false), "  ██ [late]");
        assert_eq!(row("       ███", "late", false), "  [late] ███");
        assert_eq!(row("  ████████", "late", false), "  ████████");
        assert_eq!(row("░░░░░░░░░░", "late", true), "░░░[ late ]░");
        assert_eq!(row("  ██      ", "", false), "  ██");
    }

    #[test]
    fn shades_scale_to_the_largest_count() {
        assert_eq!(shade_row(&[0, 1, 2, 3, 4], &Style::default()), " ░▒▓█");
        assert_eq!(shade_row(&[0, 1, 4], &ascii()), " .#");
    }

    #[test]
    fn ticks_are_round_and_do_not_collide() {
        let style = Style::default();
        assert_eq!(
            tick_step(Duration::from_secs(3), 30, &style),
            Duration::from_secs(1)
        );
        assert_eq!(
            tick_step(Duration::from_secs(3), 8, &style),
            Duration::from_secs(2)
        );
        assert_eq!(
            tick_step(Duration::from_secs(3 * 3600), 60, &style),
            Duration::from_secs(30 * 60)
        );
        // The longest delay saywhen accepts still gets round ticks.
        assert_eq!(
            tick_step(Duration::from_secs(365 * 86_400 + 1), 48, &style),
            Duration::from_secs(90 * 86_400)
        );
    }
}
