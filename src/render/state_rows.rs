//! The model's states on a run's timeline: whether they may be drawn, the
//! cells of each node's bar drawn by state (with the glyphs of
//! `states.rs`), and the row of the thread, drawn by who holds it.
//!
//! The states are the model's (`simulate/`), and a run measures only when
//! each node began and ended. So they are drawn only where the two agree:
//! on the virtual clock exactly, on the real one within the tolerance of
//! lateness (or one cell of the drawing, if wider); the bar still spans
//! the measured times, and the model fills it. A run the model does not
//! describe (a multi-thread runtime, a flat mode's `--limit` or
//! `--timeout`, a stopped run, a command that took what it took) keeps
//! its plain bars, and the legend says why.

use std::collections::BTreeSet;
use std::io::{self, Write};
use std::time::Duration;

use crate::engine::runtime::Flavor;
use crate::measure::report::Report;
use crate::render::fit;
use crate::render::style::Style;
use crate::render::timeline::{Layout, Piece};
use crate::render::tree_timeline::{self, bar_end, timing};
use crate::render::{states, timeline};
use crate::scenario::tree::Node;
use crate::scenario::units::human;
use crate::simulate::{self, Hold, Span, State};

/// The label of the thread's row (the model's thread 0 is the one thread
/// of a current-thread runtime).
pub(crate) const THREAD: &str = "thread 0";

/// How one run's bars are drawn.
#[derive(Debug)]
pub(crate) enum Drawing {
    /// By the model's states.
    States(Model),
    /// As measured, one fill; and why not by state, when that is worth
    /// saying.
    Plain(Option<String>),
}

/// The model's view of a run that agrees with it.
#[derive(Debug)]
pub(crate) struct Model {
    /// Each pair's spans, in pair order, then each group's, in pre-order;
    /// with when the model has it begin.
    pairs: Vec<(Option<Duration>, Vec<Span>)>,
    groups: Vec<(Option<Duration>, Vec<Span>)>,
    /// Who held the thread, in time order.
    holds: Vec<Hold>,
    /// The most the run's starts and ends are off the model's.
    pub(crate) off_by: Duration,
}

impl Drawing {
    /// How `report` is drawn, in a picture whose cells (its resolution)
    /// are `cell` long.
    pub(crate) fn of(report: &Report, cell: Duration, style: &Style) -> Drawing {
        let scenario = &report.scenario;
        let summarised = match report.mode {
            Some(_) => report.plan.len() > timeline::MAX_ROWS,
            None => scenario.node_count() > tree_timeline::MAX_ROWS,
        };
        if summarised {
            return Drawing::Plain(None);
        }
        let plain = |why: &str| Drawing::Plain(Some(format!("plain bars: {why}")));
        if report.runtime.flavor == Flavor::MultiThread {
            return plain("the model's states are a current-thread runtime's");
        }
        if report.mode.is_some() && (report.limit.is_some() || report.timeout.is_some()) {
            return plain("the model's states have no --limit or --timeout");
        }
        if report.interrupted.is_some() {
            return plain("the run was stopped, so it is not the model's");
        }
        let (_, trace) = simulate::trace(scenario);
        let mut off_by = Duration::ZERO;
        let mut agree = true;
        for (node, _) in scenario.walk() {
            let measured = timing(report, node);
            let model = trace.ends.of(node);
            let ended = measured
                .ended()
                .filter(|_| model.end_at != simulate::UNKNOWN);
            match (measured.began(), model.start, ended) {
                (None, None, _) => {}
                (Some(began), Some(start), Some(ended)) => {
                    off_by = off_by
                        .max(began.abs_diff(start))
                        .max(ended.abs_diff(model.end_at));
                }
                _ => agree = false,
            }
        }
        let allowed = style.late_tolerance.allowance(report.wall).max(cell);
        if !agree {
            return plain("the run did not go as the model has it");
        }
        if off_by > allowed {
            return plain(&format!(
                "the run is up to {} off the model, so its states are not drawn",
                human(off_by)
            ));
        }
        let mut model = Model {
            pairs: vec![(None, Vec::new()); scenario.plan().len()],
            groups: vec![(None, Vec::new()); scenario.groups().len()],
            holds: trace.holds.clone(),
            off_by,
        };
        for life in trace.lives(scenario) {
            *model.slot(life.node) = (life.began, life.spans);
        }
        model.holds.sort_by_key(|hold| hold.from);
        Drawing::States(model)
    }

    pub(crate) fn states(&self) -> Option<&Model> {
        match self {
            Drawing::States(model) => Some(model),
            Drawing::Plain(_) => None,
        }
    }
}

impl Model {
    fn slot(&mut self, node: Node) -> &mut (Option<Duration>, Vec<Span>) {
        match node {
            Node::Pair { index, .. } => &mut self.pairs[index as usize],
            Node::Group(g) => &mut self.groups[g as usize],
        }
    }

    fn life(&self, node: Node) -> &(Option<Duration>, Vec<Span>) {
        match node {
            Node::Pair { index, .. } => &self.pairs[index as usize],
            Node::Group(g) => &self.groups[g as usize],
        }
    }

    /// Who held the thread, in time order.
    pub(crate) fn holds(&self) -> &[Hold] {
        &self.holds
    }

    /// What `node`'s bar shows, in time order, for a picture that draws
    /// with shapes: what it waited for to start, up to its measured start,
    /// then what it did, from its measured start to its measured end (a
    /// group: its children, all along). `None` for a node that never
    /// began.
    pub(crate) fn spans(&self, report: &Report, node: Node) -> Option<Vec<Span>> {
        let measured = timing(report, node);
        let (began, end) = (measured.began()?, bar_end(report, measured)?);
        let end = end.max(began);
        let (model_began, spans) = self.life(node);
        let model_began = model_began.unwrap_or(began);
        let mut drawn: Vec<Span> = spans
            .iter()
            .filter(|span| span.from < model_began)
            .map(|span| Span {
                from: span.from.min(began),
                to: span.to.min(began),
                ..*span
            })
            .collect();
        if let Some(last) = drawn.last_mut() {
            last.to = began;
        }
        drawn.retain(|span| span.to > span.from);
        let during: Vec<&Span> = spans.iter().filter(|s| s.from >= model_began).collect();
        let count = during.len();
        match node {
            Node::Group(_) => drawn.push(Span {
                state: State::Children,
                from: began,
                to: end,
            }),
            Node::Pair { .. } => {
                for (n, span) in during.into_iter().enumerate() {
                    let from = if n == 0 {
                        began
                    } else {
                        span.from.clamp(began, end)
                    };
                    let to = if n + 1 == count {
                        end
                    } else {
                        span.to.clamp(began, end)
                    };
                    if to > from {
                        drawn.push(Span { from, to, ..*span });
                    }
                }
            }
        }
        Some(drawn)
    }

    /// The cells of `node`'s row, or `None` for a node that never began
    /// (drawn as before: a mark and a word). Before its bar, what it
    /// waited for to start (a permit, the thread); in its bar (the
    /// measured start to end), what it did; a group's bar is its span.
    /// Adds the states drawn to `seen`.
    pub(crate) fn cells(
        &self,
        report: &Report,
        node: Node,
        layout: &Layout,
        style: &Style,
        seen: &mut BTreeSet<State>,
    ) -> Option<String> {
        let measured = timing(report, node);
        let (began, end) = (measured.began()?, bar_end(report, measured)?);
        let (model_began, spans) = self.life(node);
        let model_began = model_began.unwrap_or(began);
        let (before, during): (Vec<Span>, Vec<Span>) =
            spans.iter().partition(|span| span.from < model_began);
        let area = layout.area;
        let mut cells = vec![' '; area];
        let cell = |x: f64| (x.round().max(0.0) as usize).min(area);
        let first = cell(layout.x(began)).min(area - 1);
        let stop = cell(layout.x(end.max(began))).max(first + 1);
        if let Some(earliest) = before.first() {
            for (c, slot) in cells
                .iter_mut()
                .enumerate()
                .take(first)
                .skip(cell(layout.x(earliest.from)))
            {
                let state = most(&before, c, layout).unwrap_or(before[before.len() - 1].state);
                *slot = states::glyph(state, style);
                seen.insert(state);
            }
        }
        match node {
            Node::Group(_) => {
                let (left, right, one) = match style.unicode {
                    true => ('├', '┤', '│'),
                    false => ('[', ']', '|'),
                };
                cells[first..stop].fill(states::glyph(State::Children, style));
                cells[first] = left;
                cells[stop - 1] = right;
                if stop - first == 1 {
                    cells[first] = one;
                }
            }
            Node::Pair { .. } if during.is_empty() => {
                // Nothing to show but an instant: a zero delay.
                cells[first] = if style.unicode { '▏' } else { '|' };
            }
            Node::Pair { .. } => {
                for (c, slot) in cells.iter_mut().enumerate().take(stop).skip(first) {
                    let state =
                        most(&during, c, layout).unwrap_or_else(|| nearest(&during, c, layout));
                    *slot = states::glyph(state, style);
                    seen.insert(state);
                }
            }
        }
        Some(cells.into_iter().collect())
    }

    /// The thread's row, when anything held it: each hold's cells in its
    /// holder's colour, its name inside when there is room.
    pub(crate) fn thread_row(
        &self,
        report: &Report,
        layout: &Layout,
        style: &Style,
        seen: &mut BTreeSet<State>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        if self.holds.is_empty() {
            return Ok(());
        }
        seen.insert(State::Holding);
        let area = layout.area;
        let mut holder: Vec<Option<usize>> = vec![None; area];
        for (c, slot) in holder.iter_mut().enumerate() {
            let (from, to) = cell_time(c, layout);
            *slot = self
                .holds
                .iter()
                .enumerate()
                .map(|(h, hold)| (h, overlap(hold.from, hold.to, from, to)))
                .filter(|&(_, o)| o > Duration::ZERO)
                .max_by_key(|&(_, o)| o)
                .map(|(h, _)| h);
        }
        let columns = layout.indent() - 1;
        write!(out, "{} ", fit::pad(THREAD, columns, style))?;
        let glyph = states::glyph(State::Holding, style);
        let mut c = 0;
        while c < area {
            let h = holder[c];
            let run = holder[c..].iter().take_while(|&&x| x == h).count();
            let text: String = match h {
                None => " ".repeat(run),
                Some(h) => {
                    // A name cut to less than three columns and an
                    // ellipsis says nothing: whole, or cut long, or not.
                    let name = holder_name(report, self.holds[h].node);
                    let name = fit::cut(&name, run.saturating_sub(2), style);
                    let width = fit::width(&name);
                    let whole = !name.ends_with(style.ellipsis());
                    match width > 0 && run >= width + 2 && (whole || width >= 6) {
                        true => {
                            let left = (run - width) / 2;
                            let right = run - width - left;
                            let fill = |n: usize| glyph.to_string().repeat(n);
                            format!("{}{name}{}", fill(left), fill(right))
                        }
                        false => glyph.to_string().repeat(run),
                    }
                }
            };
            let paint = match h.map(|h| self.holds[h].node) {
                Some(Node::Pair { index, .. }) => style.pair(index as usize),
                _ => anstyle::Style::new(),
            };
            let text = match h {
                None if c + run == area => String::new(),
                _ => text,
            };
            write!(out, "{}", style.paint(paint, text))?;
            c += run;
        }
        writeln!(out)
    }

    /// `thread 0 held by a1 30ms, a2 10ms, …`: who held the thread, in
    /// time order, as many as fit in the width; `None` if nobody did.
    pub(crate) fn holders_line(&self, report: &Report, style: &Style) -> Option<String> {
        let mut held: Vec<(Node, Duration)> = Vec::new();
        for hold in &self.holds {
            let length = hold.to.saturating_sub(hold.from);
            match held.last_mut() {
                Some((node, total)) if *node == hold.node => *total += length,
                _ => held.push((hold.node, length)),
            }
        }
        if held.is_empty() {
            return None;
        }
        let ellipsis = format!(", {}", style.ellipsis());
        let mut line = format!("{THREAD} held by");
        for (n, (node, length)) in held.iter().enumerate() {
            let name = fit::cut(&holder_name(report, *node), 24, style);
            let item = style.text(format!(
                "{}{name} {}",
                if n == 0 { " " } else { ", " },
                human(*length)
            ));
            let room = match n + 1 == held.len() {
                true => style.width,
                false => style.width.saturating_sub(fit::width(&ellipsis)),
            };
            if fit::width(&line) + fit::width(&item) > room {
                line.push_str(&ellipsis);
                return Some(line);
            }
            line.push_str(&item);
        }
        Some(line)
    }
}

/// What a thread's holder is called: a pair's message (a group holds no
/// thread, but if one did, its kind).
fn holder_name(report: &Report, node: Node) -> String {
    tree_timeline::name(&report.scenario, node).into_owned()
}

/// The instants cell `c` covers.
fn cell_time(c: usize, layout: &Layout) -> (Duration, Duration) {
    let at = |c: usize| layout.end.mul_f64(c as f64 / layout.area as f64);
    (at(c), at(c + 1))
}

fn overlap(from: Duration, to: Duration, start: Duration, end: Duration) -> Duration {
    to.min(end).saturating_sub(from.max(start))
}

/// The state that takes most of cell `c`, if any is in it; at a tie, the
/// one that explains more (holding the thread over being starved of it,
/// over sleeping).
fn most(spans: &[Span], c: usize, layout: &Layout) -> Option<State> {
    let (from, to) = cell_time(c, layout);
    spans
        .iter()
        .map(|span| {
            (
                overlap(span.from, span.to, from, to),
                rank(span.state),
                span.state,
            )
        })
        .filter(|&(o, _, _)| o > Duration::ZERO)
        .max_by_key(|&(o, rank, _)| (o, rank))
        .map(|(_, _, state)| state)
}

/// The state of the span nearest cell `c`: for the cells of a measured
/// bar a little longer than the model's (a real timer ends a little late).
fn nearest(spans: &[Span], c: usize, layout: &Layout) -> State {
    let (from, to) = cell_time(c, layout);
    let distance = |span: &Span| match () {
        _ if span.to <= from => from - span.to,
        _ if span.from >= to => span.from - to,
        _ => Duration::ZERO,
    };
    spans
        .iter()
        .min_by_key(|span| distance(span))
        .map_or(State::Sleeping, |span| span.state)
}

fn rank(state: State) -> u8 {
    match state {
        State::Holding => 6,
        State::Ready => 5,
        State::Offloaded => 4,
        State::Permit => 3,
        State::Sleeping => 2,
        State::Children => 1,
        State::Waiting => 0,
    }
}

/// Writes `text`, a row's bar, each state's cells in its colour and any
/// other cell (an instant, a group's ends, a mark) in `other`.
pub(crate) fn write_bar(
    text: &str,
    other: anstyle::Style,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let paint_of = |c: char| match states::state_of(c, style) {
        Some(State::Children) | None => other,
        Some(state) => states::color(state),
    };
    let mut run = String::new();
    let mut current = None;
    for c in text.chars() {
        let paint = paint_of(c);
        if current.is_some_and(|p| p != paint) {
            write!(out, "{}", style.paint(current.unwrap_or(other), &run))?;
            run.clear();
        }
        current = Some(paint);
        run.push(c);
    }
    if let Some(paint) = current {
        write!(out, "{}", style.paint(paint, &run))?;
    }
    Ok(())
}

/// Writes a row's pieces, its bar by state.
pub(crate) fn write_pieces(
    pieces: &[(String, Piece)],
    bar: anstyle::Style,
    note: anstyle::Style,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    for (text, piece) in pieces {
        match piece {
            Piece::Gap => write!(out, "{text}")?,
            Piece::Note => write!(out, "{}", style.paint(note, text))?,
            Piece::Bar => write_bar(text, bar, style, out)?,
        }
    }
    Ok(())
}

/// What the legend says of the states drawn: `lead` then their glyphs.
pub(crate) fn legend(seen: &BTreeSet<State>, off_by: Duration, style: &Style) -> Option<String> {
    let shown = seen
        .iter()
        .copied()
        .filter(|&s| s != State::Children && s != State::Waiting);
    let items = states::legend(shown, style);
    if items.is_empty() {
        return None;
    }
    let lead = match off_by.is_zero() {
        true => "the model's states (the run agrees exactly)".to_owned(),
        false => "the model's states, in the measured bars (they agree within the \
                  tolerance)"
            .to_owned(),
    };
    Some(style.text(format!("{lead}: {items}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(state: State, from: u64, to: u64) -> Span {
        Span {
            state,
            from: Duration::from_millis(from),
            to: Duration::from_millis(to),
        }
    }

    #[test]
    fn a_cell_shows_what_takes_most_of_it_and_holding_wins_a_tie() {
        let layout = Layout::fixed(Duration::from_millis(100), 10);
        let spans = [span(State::Sleeping, 0, 14), span(State::Holding, 14, 30)];
        assert_eq!(most(&spans, 0, &layout), Some(State::Sleeping));
        assert_eq!(most(&spans, 1, &layout), Some(State::Holding));
        let tie = [span(State::Sleeping, 0, 15), span(State::Holding, 15, 30)];
        assert_eq!(most(&tie, 1, &layout), Some(State::Holding));
        assert_eq!(most(&tie, 5, &layout), None);
        assert_eq!(nearest(&tie, 5, &layout), State::Holding);
    }
}
