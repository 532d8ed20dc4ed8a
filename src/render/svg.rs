//! The timeline as a standalone SVG file (`--export FILE.svg`), for slides
//! and blog posts: the same picture as the terminal's, drawn with shapes.
//!
//! One coloured bar per pair with its message as label, a labelled time
//! axis shared by every report (so `compare` stacks its modes on one
//! scale), and a caption with each mode's measured and expected wall. The
//! file needs nothing but itself: no scripts, no web fonts, only the
//! generic `sans-serif` and `monospace` families every renderer has. Above
//! [`MAX_ROWS`] pairs a report is drawn as counts per slice of time, as in
//! the terminal. A scenario is drawn as its tree, the rows the terminal
//! draws (see `tree_timeline.rs`): one `<g class="node">` per node, groups
//! as thin spans, what was cut short ending in a zigzag (cancelled, timed
//! out) or a red cross (failed), and a legend.
//!
//! Where a run agrees with the model (`state_rows.rs`), each bar is filled
//! by the model's states, each with a pattern of its own so they are told
//! apart without colour (dots: a permit; hatching: ready but not polled;
//! solid dark: holding the thread; solid light: sleeping; cross-hatching:
//! offloaded), the pair's colour kept as the bar's outline; a legend of
//! the states drawn, and a `thread 0` row of who held the thread.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::time::Duration;

use crate::escape::Escaped;
use crate::measure::report::{Report, Status};
use crate::render::fit;
use crate::render::state_rows::{Drawing, Model, THREAD};
use crate::render::states::look;
use crate::render::style::{DEFAULT_WIDTH, Style};
use crate::render::timeline::{Counts, Drawn, MAX_ROWS, axis_end, tick_label, tick_step};
use crate::render::tree_timeline::{self, Row};
use crate::scenario::tree::Node;
use crate::scenario::units::{human, human_signed};
use crate::simulate::{Span, State};

/// Total width of the picture, in SVG user units (pixels).
const WIDTH: f64 = 960.0;
/// Left margin holding the pair labels.
const LABELS: f64 = 220.0;
const RIGHT: f64 = 30.0;
const ROW: f64 = 22.0;
const BAR: f64 = 14.0;
/// Approximate width of one character of the 12 px labels, to keep tick
/// labels apart.
const CHAR: f64 = 7.5;
/// Columns of a label (number and message) shown before it is cut with an ellipsis.
const LABEL_CHARS: usize = 26;
/// Slices of time in a summarised report.
const SLICES: usize = 200;
/// Width of one character of the monospace labels.
const MONO: f64 = 7.2;
/// Characters of a scenario's arithmetic on one line of its caption.
const RULE_CHARS: usize = 140;
/// Colour of a group's span, and of what was cut short.
const GROUP: &str = "#666666";

/// The same hues as the terminal palette, in its order (cyan, magenta,
/// green, yellow, blue, bright cyan), dark enough to read on white.
const PALETTE: [&str; 6] = [
    "#0e9aa7", "#b8329e", "#3a9a3f", "#d49a00", "#2f5fd0", "#2bb5c9",
];
const LATE: &str = "#d62728";

/// Writes the timelines of `drawn`, stacked on one axis, as SVG.
pub fn write(drawn: &[Drawn<'_>], style: &Style, out: &mut dyn Write) -> io::Result<()> {
    out.write_all(render_drawn(drawn, style).as_bytes())
}

/// The SVG document of `reports`, each captioned with its own wall.
pub fn render(reports: &[&Report], style: &Style) -> String {
    let drawn: Vec<Drawn> = reports.iter().map(|report| Drawn::run(report)).collect();
    render_drawn(&drawn, style)
}

/// The SVG document, as text.
pub fn render_drawn(drawn: &[Drawn<'_>], style: &Style) -> String {
    let reports: Vec<&Report> = drawn.iter().map(|d| d.report).collect();
    let reports = &reports[..];
    let end = axis_end(reports);
    let plot = WIDTH - LABELS - RIGHT;
    let x = |t: Duration| LABELS + t.as_secs_f64() / end.as_secs_f64() * plot;
    // A scenario's arithmetic is too long for its caption's line: it
    // gets lines of its own under it.
    let rules: Vec<Vec<String>> = reports
        .iter()
        .map(|r| match r.mode {
            Some(_) => Vec::new(),
            None => {
                let rule = Escaped(&r.expected_rule).to_string();
                let sum = match rule.starts_with("expected") {
                    true => rule,
                    false => format!("expected {} = {rule}", human(r.expected)),
                };
                fit::wrap(&sum, RULE_CHARS)
            }
        })
        .collect();
    let caption_lines = (reports.len() + rules.iter().map(Vec::len).sum::<usize>()).max(1);
    let mut svg = String::new();
    let mut y = 16.0 + caption_lines as f64 * 18.0 + 8.0;
    let mut body = String::new();
    // The model's states, where a run agrees with it (`state_rows.rs`),
    // judged as the terminal judges them at its usual width.
    let cell = end.div_f64(DEFAULT_WIDTH as f64);
    let drawings: Vec<Drawing> = reports
        .iter()
        .map(|report| Drawing::of(report, cell, style))
        .collect();
    let mut seen = BTreeSet::new();
    let mut notes: Vec<String> = Vec::new();
    let mut plain_bars = false;
    let wide = Style {
        unicode: true,
        width: RULE_CHARS,
        ..style.clone()
    };
    for (report, drawing) in reports.iter().zip(&drawings) {
        let model = drawing.states();
        if reports.len() > 1 {
            let _ = writeln!(
                body,
                r#"<text x="8" y="{:.1}" class="mode">{}</text>"#,
                y + 14.0,
                xml(&report.label())
            );
            y += ROW;
        }
        let states = (model, &mut seen);
        if report.mode.is_none() {
            y = tree(report, (&x, end), y, style, states, &mut body);
        } else if report.plan.len() > MAX_ROWS {
            y = summary(report, end, y, &mut body);
        } else {
            y = bars(report, &x, y, style, states, &mut body);
        }
        let label = |line: String| match reports.len() {
            1 => line,
            _ => format!("{}: {line}", report.label()),
        };
        match drawing {
            Drawing::States(model) => {
                if !model.holds().is_empty() {
                    seen.insert(State::Holding);
                    y = thread_row(report, model, &x, y, &mut body);
                }
                notes.extend(model.holders_line(report, &wide).map(label));
            }
            Drawing::Plain(why) => {
                plain_bars = true;
                notes.extend(why.clone().map(label));
            }
        }
    }
    let off_by = drawings
        .iter()
        .filter_map(|d| d.states().map(|m| m.off_by))
        .max()
        .unwrap_or_default();
    let axis_y = y + 6.0;
    let trees = reports.iter().any(|r| r.mode.is_none());
    let legend_lines = match seen
        .iter()
        .any(|&s| !matches!(s, State::Waiting | State::Children))
    {
        true => 2.0,
        false => 0.0,
    };
    let height = axis_y
        + 36.0
        + if trees { ROW } else { 0.0 }
        + legend_lines * ROW
        + notes.len() as f64 * 16.0;
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height:.0}" viewBox="0 0 {WIDTH} {height:.0}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        svg,
        r#"<title>saywhen timeline: {}</title>"#,
        xml(&reports
            .iter()
            .map(|r| r.label().into_owned())
            .collect::<Vec<_>>()
            .join(", "))
    );
    let _ = writeln!(
        svg,
        r#"<style>.mode{{font-weight:bold}} .caption{{font-size:14px}} .tick{{fill:#555}} .label{{font-family:monospace}}</style>"#
    );
    let _ = writeln!(
        svg,
        r##"<rect width="100%" height="100%" fill="#ffffff"/>"##
    );
    let mut line = 0;
    for (Drawn { report, wall }, rule) in drawn.iter().zip(&rules) {
        if report.mode.is_none() {
            let _ = writeln!(
                svg,
                r#"<text x="8" y="{:.1}" class="caption"><tspan font-weight="bold">{}</tspan> ({}): {}, expected {}</text>"#,
                20.0 + line as f64 * 18.0,
                xml(&report.label()),
                xml(&report.summary()),
                xml(wall),
                xml(&human(report.expected)),
            );
            for text in rule {
                line += 1;
                let _ = writeln!(
                    svg,
                    r#"<text x="20" y="{:.1}" class="rule tick">{}</text>"#,
                    20.0 + line as f64 * 18.0,
                    xml(text)
                );
            }
            line += 1;
            continue;
        }
        let _ = writeln!(
            svg,
            r#"<text x="8" y="{:.1}" class="caption"><tspan font-weight="bold">{}</tspan> ({}): {}, expected {} ({}), {} pairs</text>"#,
            20.0 + line as f64 * 18.0,
            xml(&report.label()),
            xml(&report.summary()),
            xml(wall),
            xml(&human(report.expected)),
            xml(&report.expected_rule),
            report.plan.len()
        );
        line += 1;
    }
    let top = 16.0 + caption_lines as f64 * 18.0 + 4.0;
    if !seen.is_empty() {
        patterns(&mut svg);
    }
    grid(end, plot, top, axis_y, style, &mut svg);
    svg.push_str(&body);
    axis(end, plot, axis_y, style, &mut svg);
    let mut below = axis_y + 40.0;
    if trees {
        legend(below, plain_bars, &mut svg);
        below += ROW;
    }
    if legend_lines > 0.0 {
        state_legend(below, &seen, off_by, &mut svg);
        below += legend_lines * ROW;
    }
    for note in &notes {
        let _ = writeln!(
            svg,
            r#"<text x="8" y="{:.1}" class="tick note">{}</text>"#,
            below - 4.0,
            xml(note)
        );
        below += 16.0;
    }
    svg.push_str("</svg>\n");
    svg
}

/// One labelled bar per pair; returns the next free y.
fn bars(
    report: &Report,
    x: &dyn Fn(Duration) -> f64,
    mut y: f64,
    style: &Style,
    (model, seen): (Option<&Model>, &mut BTreeSet<State>),
    svg: &mut String,
) -> f64 {
    for pair in report.pairs() {
        let color = PALETTE[pair.index % PALETTE.len()];
        let message = Escaped(&pair.pair.message).to_string();
        let label = fit::pad(
            &format!("{} {message}", pair.index + 1),
            LABEL_CHARS,
            &Style::default(),
        );
        let label = label.trim_end();
        let _ = writeln!(
            svg,
            r#"<text x="8" y="{:.1}" class="label">{}</text>"#,
            y + 15.0,
            xml(label)
        );
        let start = pair.began();
        let end = match pair.status() {
            Status::Interrupted => start.map(|_| report.wall),
            _ => pair.ended(),
        };
        if let (Some(start), Some(end)) = (start, end) {
            let (x0, x1) = (x(start), x(end.max(start)));
            let late = style.lateness(&pair);
            let (opacity, stroke) = match (pair.status(), late) {
                (Status::Done, None) => ("1", String::new()),
                (Status::Done, Some(_)) => ("1", format!(r#" stroke="{LATE}" stroke-width="2""#)),
                _ => ("0.35", String::new()),
            };
            let node = Node::Pair {
                index: pair.index as u32,
                action: report.scenario.action_of(pair.index),
            };
            let spans = model.and_then(|m| m.spans(report, node));
            let fill = match &spans {
                Some(spans) => {
                    state_rects(spans, x, y, seen, svg);
                    outline(late.is_some(), color)
                }
                None => format!(r#"fill="{color}" fill-opacity="{opacity}"{stroke}"#),
            };
            let _ = writeln!(
                svg,
                r#"<rect x="{x0:.2}" y="{:.1}" width="{:.2}" height="{BAR}" rx="2" {fill}><title>{}</title></rect>"#,
                y + 4.0,
                (x1 - x0).max(1.5),
                xml(&format!(
                    "{message}: {} → {}{}",
                    human(start),
                    human(end),
                    late.map(|l| format!(", late {}", human_signed(l)))
                        .unwrap_or_default()
                ))
            );
            let note = match (pair.status(), late) {
                (Status::Done, Some(late)) => Some((format!("late {}", human_signed(late)), LATE)),
                (Status::Done, None) => None,
                (status, _) => Some((status.name().to_owned(), "#555")),
            };
            if let Some((note, fill)) = note {
                let _ = writeln!(
                    svg,
                    r#"<text x="{:.2}" y="{:.1}" fill="{fill}" font-size="11">{}</text>"#,
                    x1 + 4.0,
                    y + 15.0,
                    xml(&note)
                );
            }
        }
        y += ROW;
    }
    y
}

/// A scenario's tree, the same rows as the terminal draws: one `<g
/// class="node">` per node, a group a thin span with a tick at each end
/// and its wall after it, a pair a bar; what was cut short ends in a
/// zigzag (cancelled, timed out) or a red cross (failed). Returns the
/// next free y.
fn tree(
    report: &Report,
    (x, end): (&dyn Fn(Duration) -> f64, Duration),
    mut y: f64,
    style: &Style,
    (model, seen): (Option<&Model>, &mut BTreeSet<State>),
    svg: &mut String,
) -> f64 {
    let scenario = &report.scenario;
    let selection = tree_timeline::select(scenario, tree_timeline::depth_for(LABEL_CHARS));
    if let Some(note) = &selection.note {
        for line in fit::wrap(note, RULE_CHARS) {
            let _ = writeln!(
                svg,
                r#"<text x="8" y="{:.1}" class="tick note">{}</text>"#,
                y + 15.0,
                xml(&line)
            );
            y += 16.0;
        }
    }
    let unicode = Style {
        unicode: true,
        ..style.clone()
    };
    let ids = tree_timeline::ids(&selection.rows);
    for (row, id) in selection.rows.iter().zip(&ids) {
        let shift = tree_timeline::indent(row.depth(), LABEL_CHARS);
        let label_x = 8.0 + shift as f64 * MONO;
        match row {
            Row::Node { node, folded, .. } => {
                let name = Escaped(&tree_timeline::name(scenario, *node)).to_string();
                let label = fit::cut(&name, LABEL_CHARS - shift, &unicode);
                let id = id.as_deref().unwrap_or_default();
                let spans = model.and_then(|m| m.spans(report, *node));
                if let Some(spans) = &spans {
                    // Before its bar, what it waited for (a group: the
                    // thread, a permit); a pair's bar by state.
                    state_rects(spans, x, y, seen, svg);
                }
                node_element(
                    report,
                    *node,
                    *folded,
                    x,
                    y,
                    style,
                    svg,
                    (label_x, &label, id, spans.is_some()),
                );
            }
            Row::More {
                children, pairs, ..
            } => {
                let label = format!("… {children} more");
                let range = pairs.start as usize..pairs.end as usize;
                let counts = Counts::of_pairs(report, range.clone(), end, SLICES);
                let _ = writeln!(
                    svg,
                    r#"<g class="more"><title>{}</title><text x="{label_x:.1}" y="{:.1}" class="label">{}</text>"#,
                    xml(&format!(
                        "{children} more children: {}",
                        tree_timeline::ended_counts(report, range)
                    )),
                    y + 15.0,
                    xml(&label)
                );
                profile(&counts.waiting, y + 4.0, BAR, PALETTE[0], svg);
                svg.push_str("</g>\n");
            }
        }
        y += ROW;
    }
    y
}

/// A node's `<g>`: its label, its bar or span, its note and its cut mark.
#[allow(clippy::too_many_arguments)]
fn node_element(
    report: &Report,
    node: Node,
    folded: bool,
    x: &dyn Fn(Duration) -> f64,
    y: f64,
    style: &Style,
    svg: &mut String,
    (label_x, label, id, by_state): (f64, &str, &str, bool),
) {
    let scenario = &report.scenario;
    let timing = tree_timeline::timing(report, node);
    let status = Status::of(timing);
    let (kind, color) = match node {
        Node::Pair { index, .. } => ("pair", PALETTE[index as usize % PALETTE.len()]),
        Node::Group(_) => ("group", GROUP),
    };
    let (note, late) = tree_timeline::note(report, node, folded, style);
    let name = Escaped(&tree_timeline::name(scenario, node)).to_string();
    let _ = writeln!(
        svg,
        r#"<g class="node {kind}" data-id="{id}" data-status="{}"><title>{}</title>"#,
        status.name(),
        xml(&format!(
            "{id} {name}: {}",
            match (timing.began(), timing.ended()) {
                (Some(began), Some(ended)) =>
                    format!("{} → {}, {}", human(began), human(ended), status.name()),
                _ => status.name().to_owned(),
            }
        ))
    );
    let label_fill = match status {
        Status::Skipped => r##" fill="#888888""##,
        _ => "",
    };
    let _ = writeln!(
        svg,
        r#"<text x="{label_x:.1}" y="{:.1}" class="label"{label_fill}>{}</text>"#,
        y + 15.0,
        xml(label)
    );
    let (x0, x1) = match (timing.began(), tree_timeline::bar_end(report, timing)) {
        (Some(start), Some(end)) => (x(start), x(end.max(start))),
        // Never began: only its note and mark, where it would have started.
        _ => {
            let at = timing.ended().map_or(LABELS, x);
            if let Some(mark) = tree_timeline::mark(status, style) {
                cut_mark(mark, status, at, y + 11.0, svg);
            }
            let room = note.chars().count() as f64 * 6.0;
            let (at, anchor) = match at + 6.0 + room <= WIDTH - 4.0 {
                true => (at + 6.0, "start"),
                false => (at - 6.0, "end"),
            };
            let _ = writeln!(
                svg,
                r##"<text x="{at:.2}" y="{:.1}" text-anchor="{anchor}" fill="#555" font-size="11" font-style="italic">{}</text>"##,
                y + 15.0,
                xml(&note)
            );
            svg.push_str("</g>\n");
            return;
        }
    };
    let width = (x1 - x0).max(1.5);
    match node {
        Node::Group(_) => {
            let _ = writeln!(
                svg,
                r#"<rect class="span" x="{x0:.2}" y="{:.1}" width="{width:.2}" height="4" fill="{color}"/><line x1="{x0:.2}" y1="{:.1}" x2="{x0:.2}" y2="{:.1}" stroke="{color}" stroke-width="1.5"/>"#,
                y + 12.0,
                y + 8.0,
                y + 20.0
            );
            if tree_timeline::mark(status, style).is_none() {
                // The wall: where the group ended.
                let _ = writeln!(
                    svg,
                    r#"<line class="wall" x1="{x1:.2}" y1="{:.1}" x2="{x1:.2}" y2="{:.1}" stroke="{color}" stroke-width="1.5"/>"#,
                    y + 8.0,
                    y + 20.0
                );
            }
        }
        Node::Pair { .. } => {
            let opacity = match status {
                Status::Done | Status::Failed => "1",
                _ => "0.35",
            };
            let stroke = match late {
                true => format!(r#" stroke="{LATE}" stroke-width="2""#),
                false => String::new(),
            };
            let fill = match by_state {
                true => outline(late, color),
                false => format!(r#"fill="{color}" fill-opacity="{opacity}"{stroke}"#),
            };
            let _ = writeln!(
                svg,
                r#"<rect x="{x0:.2}" y="{:.1}" width="{width:.2}" height="{BAR}" rx="2" {fill}/>"#,
                y + 4.0
            );
        }
    }
    if let Some(mark) = tree_timeline::mark(status, style) {
        let centre = match node {
            Node::Group(_) => y + 14.0,
            Node::Pair { .. } => y + 11.0,
        };
        cut_mark(mark, status, x1, centre, svg);
    }
    if !note.is_empty() {
        let fill = if late { LATE } else { "#555" };
        // After the bar when it fits, else before it, else at its end,
        // above a group's thin span or over a pair's bar.
        let room = note.chars().count() as f64 * 6.0;
        let (at, anchor, baseline) = if x1 + 8.0 + room <= WIDTH - 4.0 {
            (x1 + 8.0, "start", y + 15.0)
        } else if x0 - 6.0 - room >= LABELS {
            (x0 - 6.0, "end", y + 15.0)
        } else if matches!(node, Node::Group(_)) {
            (x1 - 4.0, "end", y + 9.0)
        } else {
            (x1 - 8.0, "end", y + 15.0)
        };
        let _ = writeln!(
            svg,
            r#"<text x="{at:.2}" y="{baseline:.1}" text-anchor="{anchor}" fill="{fill}" font-size="11">{}</text>"#,
            xml(&note)
        );
    }
    svg.push_str("</g>\n");
}

/// The mark at `x` that ends a node cut short, centred on `centre`: a
/// zigzag, as if torn, for cancelled and timed out; a red cross for failed.
fn cut_mark(mark: char, status: Status, x: f64, centre: f64, svg: &mut String) {
    let _ = match status {
        Status::Failed => writeln!(
            svg,
            r#"<path class="cut failed" d="M{:.2},{:.1} l8,8 m0,-8 l-8,8" stroke="{LATE}" stroke-width="2.2" fill="none"><title>{mark} failed</title></path>"#,
            x - 4.0,
            centre - 4.0
        ),
        _ => writeln!(
            svg,
            r##"<path class="cut cancelled" d="M{x:.2},{:.1} l3,2.5 l-3,2.5 l3,2.5 l-3,2.5 l3,2.5 l-3,2.5" stroke="#222" stroke-width="1.5" fill="none"><title>{mark} {}</title></path>"##,
            centre - 7.5,
            status.name()
        ),
    };
}

/// Counts per slice as a filled profile `height` high, from `top`.
fn profile(counts: &[u64], top: f64, height: f64, color: &str, svg: &mut String) {
    let most = counts.iter().copied().max().unwrap_or(0).max(1);
    let plot = WIDTH - LABELS - RIGHT;
    let slice = plot / counts.len().max(1) as f64;
    for (i, &n) in counts.iter().enumerate().filter(|(_, n)| **n > 0) {
        let h = n as f64 / most as f64 * height;
        let _ = writeln!(
            svg,
            r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{h:.2}" fill="{color}"/>"#,
            LABELS + i as f64 * slice,
            top + height - h,
            slice + 0.3,
        );
    }
}

/// What a scenario's marks mean, drawn with the marks themselves; with
/// `plain`, the faded bar of a plain node that did not finish.
fn legend(y: f64, plain: bool, svg: &mut String) {
    svg.push_str(r#"<g class="legend">"#);
    let _ = write!(
        svg,
        r#"<rect x="8" y="{:.1}" width="24" height="4" fill="{GROUP}"/><text x="38" y="{:.1}" class="tick">a group, its wall at its end</text>"#,
        y - 6.0,
        y
    );
    if plain {
        let _ = write!(
            svg,
            r#"<rect x="220" y="{:.1}" width="24" height="{BAR}" rx="2" fill="{}" fill-opacity="0.35"/><text x="250" y="{:.1}" class="tick">did not finish</text>"#,
            y - 11.0,
            PALETTE[0],
            y
        );
    }
    cut_mark('✂', Status::Cancelled, 360.0, y - 4.0, svg);
    let _ = write!(
        svg,
        r#"<text x="372" y="{y:.1}" class="tick">cancelled or timed out</text>"#
    );
    cut_mark('✗', Status::Failed, 530.0, y - 4.0, svg);
    let _ = write!(
        svg,
        r#"<text x="542" y="{y:.1}" class="tick">failed</text>"#
    );
    svg.push_str("</g>\n");
}

/// The fill patterns of the states, in the lesson page's colours: each
/// state has a pattern of its own (dots, hatching, solid), so they are
/// told apart without colour too.
fn patterns(svg: &mut String) {
    svg.push_str("<defs>\n");
    for state in State::ALL {
        let fill = look(state).fill;
        let (background, ink) = match state {
            State::Permit => (
                "#ffffff",
                format!(
                    r#"<circle cx="1.5" cy="1.5" r="1" fill="{fill}"/><circle cx="4.5" cy="4.5" r="1" fill="{fill}"/>"#
                ),
            ),
            State::Sleeping => (
                fill,
                r##"<path d="M0 3H6" stroke="#4f9aa1" stroke-width="0.6"/>"##.to_owned(),
            ),
            State::Ready => (
                "#ffffff",
                format!(
                    r#"<path d="M0 6L6 0M-1 1L1 -1M5 7L7 5" stroke="{fill}" stroke-width="1.5"/>"#
                ),
            ),
            State::Holding => (fill, String::new()),
            State::Offloaded => (
                "#ffffff",
                format!(r#"<path d="M0 6L6 0M0 0L6 6" stroke="{fill}" stroke-width="1"/>"#),
            ),
            State::Waiting | State::Children => continue,
        };
        let _ = writeln!(
            svg,
            r#"<pattern id="p-{}" width="6" height="6" patternUnits="userSpaceOnUse"><rect width="6" height="6" fill="{background}"/>{ink}</pattern>"#,
            state.name()
        );
    }
    svg.push_str("</defs>\n");
}

/// The rects of `spans`, each filled with its state's pattern; but
/// waiting (blank) and a group's children (its span, drawn as before).
fn state_rects(
    spans: &[Span],
    x: &dyn Fn(Duration) -> f64,
    y: f64,
    seen: &mut BTreeSet<State>,
    svg: &mut String,
) {
    let shown = spans
        .iter()
        .filter(|span| !matches!(span.state, State::Waiting | State::Children));
    for span in shown {
        seen.insert(span.state);
        let (x0, x1) = (x(span.from), x(span.to));
        let _ = writeln!(
            svg,
            r#"<rect class="state {name}" x="{x0:.2}" y="{:.1}" width="{:.2}" height="{BAR}" fill="url(#p-{name})"><title>{name}: {} → {}</title></rect>"#,
            y + 4.0,
            (x1 - x0).max(1.0),
            xml(&human(span.from)),
            xml(&human(span.to)),
            name = span.state.name(),
        );
    }
}

/// The outline around a bar drawn by state: the pair's colour, or red
/// when it spoke late.
fn outline(late: bool, color: &str) -> String {
    match late {
        true => format!(r#"fill="none" stroke="{LATE}" stroke-width="2""#),
        false => format!(r#"fill="none" stroke="{color}" stroke-width="1.2""#),
    }
}

/// The row of the thread: who held it, when, each hold named inside
/// when it has room. Returns the next free y.
fn thread_row(
    report: &Report,
    model: &Model,
    x: &dyn Fn(Duration) -> f64,
    y: f64,
    svg: &mut String,
) -> f64 {
    let _ = writeln!(
        svg,
        r#"<g class="thread"><text x="8" y="{:.1}" class="label">{THREAD}</text>"#,
        y + 15.0
    );
    for hold in model.holds() {
        let name = Escaped(&tree_timeline::name(&report.scenario, hold.node)).to_string();
        let (x0, x1) = (x(hold.from), x(hold.to));
        let _ = writeln!(
            svg,
            r##"<rect x="{x0:.2}" y="{:.1}" width="{:.2}" height="{BAR}" fill="url(#p-holding)" stroke="#ffffff" stroke-width="0.75"><title>{}</title></rect>"##,
            y + 4.0,
            (x1 - x0).max(1.0),
            xml(&format!(
                "{name} holds {THREAD}: {} → {} ({})",
                human(hold.from),
                human(hold.to),
                human(hold.to.saturating_sub(hold.from))
            ))
        );
        let shown = fit::cut(&name, 24, &Style::default());
        if x1 - x0 >= fit::width(&shown) as f64 * 6.5 + 8.0 {
            let _ = writeln!(
                svg,
                r##"<text x="{:.2}" y="{:.1}" text-anchor="middle" fill="#ffffff" font-size="11">{}</text>"##,
                (x0 + x1) / 2.0,
                y + 15.0,
                xml(&shown)
            );
        }
    }
    svg.push_str("</g>\n");
    y + ROW
}

/// The legend of the states drawn: a line saying whose they are, then a
/// swatch and a meaning for each.
fn state_legend(y: f64, seen: &BTreeSet<State>, off_by: Duration, svg: &mut String) {
    let unicode = Style::default();
    let lead = crate::render::state_rows::legend(seen, off_by, &unicode).unwrap_or_default();
    let lead = lead.split(": ").next().unwrap_or_default();
    let _ = writeln!(
        svg,
        r#"<g class="legend states"><text x="8" y="{y:.1}" class="tick">{}:</text>"#,
        xml(lead)
    );
    let mut at = 8.0;
    let row = y + ROW;
    for &state in seen
        .iter()
        .filter(|s| !matches!(s, State::Waiting | State::Children))
    {
        let meaning = state.meaning();
        let _ = writeln!(
            svg,
            r##"<rect x="{at:.1}" y="{:.1}" width="24" height="{BAR}" fill="url(#p-{})" stroke="#999999" stroke-width="0.5"/><text x="{:.1}" y="{row:.1}" class="tick">{}</text>"##,
            row - 11.0,
            state.name(),
            at + 30.0,
            xml(meaning)
        );
        at += 30.0 + (meaning.chars().count() + 2) as f64 * 6.2 + 16.0;
    }
    svg.push_str("</g>\n");
}

/// Too many pairs for one bar each: how many waited in each slice of
/// time, as a filled profile; returns the next free y.
fn summary(report: &Report, end: Duration, y: f64, svg: &mut String) -> f64 {
    let counts = Counts::new(report, end, SLICES);
    let most = counts.waiting.iter().copied().max().unwrap_or(0).max(1);
    let plot = WIDTH - LABELS - RIGHT;
    let height = 3.0 * ROW;
    let _ = writeln!(
        svg,
        r#"<text x="8" y="{:.1}" class="label">{} pairs</text><text x="8" y="{:.1}" class="tick">waiting (max {most})</text>"#,
        y + 15.0,
        report.plan.len(),
        y + 31.0,
    );
    let slice = plot / SLICES as f64;
    for (i, &n) in counts.waiting.iter().enumerate().filter(|(_, n)| **n > 0) {
        let h = n as f64 / most as f64 * height;
        let _ = writeln!(
            svg,
            r#"<rect x="{:.2}" y="{:.2}" width="{:.2}" height="{h:.2}" fill="{}"/>"#,
            LABELS + i as f64 * slice,
            y + height - h,
            slice + 0.3,
            PALETTE[0]
        );
    }
    y + height + 6.0
}

/// The axis line, ticks and their labels.
/// Faint vertical lines at each tick, behind the bars, so a bar's end can
/// be read against the axis from any row.
fn grid(end: Duration, plot: f64, top: f64, bottom: f64, style: &Style, svg: &mut String) {
    let step = svg_step(end, plot, style);
    let ticks = (end.as_nanos() / step.as_nanos()) as u32;
    for k in 1..=ticks {
        let x = LABELS + (step * k).as_secs_f64() / end.as_secs_f64() * plot;
        let _ = writeln!(
            svg,
            r##"<line x1="{x:.2}" y1="{top:.1}" x2="{x:.2}" y2="{bottom:.1}" stroke="#e4e4e4"/>"##
        );
    }
}

/// The tick step for the SVG axis: labels are measured as Unicode text.
fn svg_step(end: Duration, plot: f64, style: &Style) -> Duration {
    let style = Style {
        unicode: true,
        ..style.clone()
    };
    tick_step(end, (plot / CHAR) as usize, &style)
}

fn axis(end: Duration, plot: f64, y: f64, style: &Style, svg: &mut String) {
    let style = Style {
        unicode: true,
        ..style.clone()
    };
    let step = svg_step(end, plot, &style);
    let _ = writeln!(
        svg,
        r##"<line x1="{LABELS}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#333"/>"##,
        LABELS + plot
    );
    let ticks = (end.as_nanos() / step.as_nanos()) as u32;
    for k in 0..=ticks {
        let t = step * k;
        let x = LABELS + t.as_secs_f64() / end.as_secs_f64() * plot;
        let _ = writeln!(
            svg,
            r##"<line x1="{x:.2}" y1="{y:.1}" x2="{x:.2}" y2="{:.1}" stroke="#333"/><text x="{x:.2}" y="{:.1}" text-anchor="middle" class="tick">{}</text>"##,
            y + 5.0,
            y + 19.0,
            xml(&tick_label(t, &style))
        );
    }
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="end" class="tick">time since start</text>"#,
        LABELS + plot,
        y + 33.0
    );
}

/// Text safe inside an XML element or attribute. XML 1.0 cannot hold
/// control characters (but tab and line breaks) nor U+FFFE and U+FFFF, not
/// even as `&#...;` references: those are shown escaped, as a terminal
/// shows them (`\e`, `\u{ffff}`), which messages mostly already are (by
/// [`Escaped`]); every other character is kept.
pub(super) fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if c < ' ' => out.push_str(&Escaped(c.encode_utf8(&mut [0; 4])).to_string()),
            '\u{fffe}' | '\u{ffff}' => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What XML 1.0 forbids is shown escaped, so the SVG stays well-formed.
    #[test]
    fn characters_xml_forbids_are_escaped() {
        let text = xml("a\u{ffff}b\u{fffe}\x1b\x00\u{fffd}\u{10ffff}\tc");
        assert_eq!(text, "a\\u{ffff}b\\u{fffe}\\e\\0\u{fffd}\u{10ffff}\tc");
        let svg = format!("<svg><text>{text}</text></svg>");
        roxmltree::Document::parse(&svg).expect("well-formed XML");
    }

    #[test]
    fn xml_special_characters_are_escaped() {
        assert_eq!(
            xml(r#"<a href="x">&'"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;"
        );
    }
}
