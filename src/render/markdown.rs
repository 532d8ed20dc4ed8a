//! `--format markdown`: the summary table(s) as GitHub-flavoured Markdown,
//! ready to paste into an issue, a pull request or a lesson.
//!
//! One run: its pairs, then its totals. Repeated runs add the wall-time
//! statistics to the totals. `compare`: the comparison table, the same rows
//! as the terminal shows. A scenario shows its tree instead of its pairs:
//! the scenario as written, one row per node indented by depth, then the
//! arithmetic; `saywhen run --dry-run` shows the tree with its expected
//! times alone. With `--mermaid`, the timeline follows as a
//! Mermaid chart (see [`mermaid`]). Cell text is escaped twice over: control
//! characters as in the human view, then Markdown's own punctuation (`|`
//! would split a cell, `*` start emphasis), so a message shows as typed.

use std::io::{self, Write};

use super::compare_table;
use super::mermaid;
use super::wall_stats;
use crate::escape::Escaped;
use crate::measure::Measurement;
use crate::measure::check::Verdict;
use crate::measure::compare::Comparison;
use crate::measure::report::{Report, Status};
use crate::render::Renderer;
use crate::render::nodes::{NodeRecord, Tree};
use crate::scenario::tree::{Node, Scenario};
use crate::scenario::units::{human, human_signed, offset};

/// Renders summary tables as Markdown.
#[derive(Debug, Default, Clone, Copy)]
pub struct Markdown {
    /// Add the timeline as a Mermaid chart after the tables (`--mermaid`).
    pub mermaid: bool,
    /// Leave out a pairs table longer than this, saying so: GitHub cuts a
    /// job summary at 1 MiB.
    pub max_pair_rows: Option<usize>,
}

impl Markdown {
    /// The chart after the tables, when asked for.
    fn chart(&self, title: &str, reports: &[&Report], out: &mut dyn Write) -> io::Result<()> {
        if !self.mermaid {
            return Ok(());
        }
        writeln!(out)?;
        mermaid::write(title, reports, out)
    }

    fn pairs(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        if let Some(tree) = Tree::of_report(report) {
            return self.tree(&tree, out);
        }
        match self.max_pair_rows {
            Some(most) if report.plan.len() > most => writeln!(
                out,
                "*{} pairs: the table of every pair is left out here \
                 (see `--format json` or `--export run.csv`).*",
                report.plan.len()
            ),
            _ => write_pairs(report, out),
        }
    }
}

impl Markdown {
    /// A scenario's tree: as written, the table of its nodes, its
    /// arithmetic. Above `max_pair_rows` nodes the table lists the groups
    /// only, and the scenario is named by its label.
    fn tree(&self, tree: &Tree<'_>, out: &mut dyn Write) -> io::Result<()> {
        let scenario = tree.scenario;
        let cut = self
            .max_pair_rows
            .is_some_and(|most| scenario.node_count() > most);
        let text = match cut {
            true => crate::measure::report::scenario_label(scenario),
            false => tree.text(),
        };
        writeln!(out, "**Scenario**: {}\n", escape_text(&text))?;
        let header: &[&str] = match tree.report {
            Some(_) => &[
                "id", "node", "delay", "expected", "started", "ended", "status", "late by",
            ],
            None => &["id", "node", "delay", "starts", "ends", "as"],
        };
        let rows: Vec<Vec<String>> = tree
            .records()
            .filter(|record| !cut || matches!(record.node, Node::Group(_)))
            .map(|record| node_cells(&record))
            .collect();
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        write_table(&header, &rows, out)?;
        if cut {
            writeln!(
                out,
                "\n*{} pairs: their rows are left out here \
                 (see `--format json` or `--export run.csv`).*",
                scenario.plan().len()
            )?;
        }
        writeln!(out)?;
        write_arithmetic(tree, !cut, out)
    }
}

/// The dry run of `scenarios`: each one's tree with its expected times.
pub fn write_planned(scenarios: &[&Scenario], out: &mut dyn Write) -> io::Result<()> {
    for (n, scenario) in scenarios.iter().enumerate() {
        if n > 0 {
            writeln!(out)?;
        }
        Markdown::default().tree(&Tree::planned(scenario), out)?;
    }
    Ok(())
}

/// One row of the tree: the node's id, its name indented by depth (with
/// no-break spaces, which a table cell keeps where it trims plain ones),
/// then what happened beside what was expected, or in a dry run what is
/// expected alone.
fn node_cells(node: &NodeRecord<'_>) -> Vec<String> {
    let mut cells = vec![
        node.id.to_string(),
        format!("{}{}", "\u{a0}\u{a0}".repeat(node.depth), node_name(node)),
        node.delay.map_or_else(|| "-".to_owned(), human),
    ];
    let expected_status = node.expected_status();
    match node.measured {
        None => cells.extend([
            node.expected.start.map_or_else(|| "-".to_owned(), offset),
            offset(node.expected.end_at),
            expected_status.name().to_owned(),
        ]),
        Some(measured) => {
            let status = measured.status;
            cells.extend([
                offset(node.expected.end_at),
                measured.started.map_or_else(|| "-".to_owned(), offset),
                match (status, measured.finished) {
                    (Status::Skipped, _) | (_, None) => "-".to_owned(),
                    (_, Some(at)) => offset(at),
                },
                match status == expected_status || status == Status::Interrupted {
                    true => status.name().to_owned(),
                    false => format!("{} (expected {})", status.name(), expected_status.name()),
                },
                measured.late.map_or_else(|| "-".to_owned(), human_signed),
            ]);
        }
    }
    cells
}

/// A node as the tree names it: a pair's message (with what it does when
/// it is not a plain say), or a group's kind with its parameter.
fn node_name(node: &NodeRecord<'_>) -> String {
    match (node.message, node.kind) {
        (Some(message), "pair") => Escaped(message).to_string(),
        (Some(message), kind) => format!("{kind}: {}", Escaped(message)),
        (None, kind) => match (node.limit, node.timeout) {
            (Some(n), _) => format!("{kind}({n})"),
            (_, Some(limit)) => format!("{kind}({})", human(limit)),
            _ => kind.to_owned(),
        },
    }
}

/// The arithmetic: the whole in one line, then (with `each_group`) a list
/// of how each group's time follows from its children's, as the human
/// view shows it.
fn write_arithmetic(tree: &Tree<'_>, each_group: bool, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "**Arithmetic**: {}", escape_text(&tree.arithmetic()))?;
    let groups = tree.scenario.groups();
    if !each_group || groups.len() < 2 {
        return Ok(());
    }
    writeln!(out)?;
    for record in tree.records() {
        let (Some(formula), Some(total)) = (record.formula, record.formula_total) else {
            continue;
        };
        if record.depth == 0 || record.expected.start.is_none() {
            // The root is the line above; a group that never starts adds
            // nothing up.
            continue;
        }
        let mut line = format!(
            "{} {}: {formula} = {}",
            record.id,
            node_name(&record),
            human(total)
        );
        match record.expected_status() {
            Status::Done | Status::Failed => {}
            cut => line.push_str(&format!(
                ", {} at {}",
                cut.name(),
                offset(record.expected.end_at)
            )),
        }
        writeln!(out, "- {}", escape_text(&line))?;
    }
    Ok(())
}

/// The command that made a report: its mode, or `run` for a scenario.
fn command(report: &Report) -> &'static str {
    report.mode.map_or("run", |mode| mode.name())
}

/// `saywhen serial · 2 pairs · virtual clock`: what a chart is of.
pub fn chart_title(command: &str, report: &Report) -> String {
    let pairs = report.plan.len();
    let plural = if pairs == 1 { "" } else { "s" };
    format!(
        "saywhen {command} · {pairs} pair{plural} · {} clock",
        report.clock
    )
}

impl Renderer for Markdown {
    fn report(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        self.pairs(report, out)?;
        writeln!(out)?;
        let (header, row) = totals(report);
        write_table(&header, &[row], out)?;
        self.chart(&chart_title(command(report), report), &[report], out)
    }

    fn measurement(&mut self, m: &Measurement, out: &mut dyn Write) -> io::Result<()> {
        let report = m.first();
        self.pairs(report, out)?;
        writeln!(out)?;
        let (mut header, mut row) = totals(report);
        if m.is_repeated() {
            header.push("runs".to_owned());
            header.extend(wall_stats::HEADER.map(String::from));
            row.push(wall_stats::runs_label(m));
            row.extend(wall_stats::cells(m.wall()));
        }
        write_table(&header, &[row], out)?;
        write_note(wall_stats::series_note(m), out)?;
        self.chart(&chart_title(command(report), report), &[report], out)
    }

    fn comparison(&mut self, c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
        let (header, rows) = compare_table::rows(c);
        write_table(&header, &rows, out)?;
        write_note(wall_stats::comparison_note(c), out)?;
        // Scenarios compared: each one's tree, as its first run saw it.
        for m in &c.modes {
            if let Some(tree) = Tree::of_report(m.first()) {
                writeln!(out)?;
                self.tree(&tree, out)?;
            }
        }
        let first_runs: Vec<&Report> = c.modes.iter().map(Measurement::first).collect();
        match first_runs.first() {
            Some(first) => {
                let command = if first.mode.is_some() {
                    "compare"
                } else {
                    "run"
                };
                self.chart(&chart_title(command, first), &first_runs, out)
            }
            None => Ok(()),
        }
    }
}

/// A paragraph under the table, when there is something to note.
fn write_note(note: Option<String>, out: &mut dyn Write) -> io::Result<()> {
    match note {
        Some(note) => writeln!(out, "\n{}", markdown_escape(&note)),
        None => Ok(()),
    }
}

/// The expectations judged, one row each: what was expected, what was
/// measured, and whether it held.
pub fn write_checks(verdicts: &[Verdict], out: &mut dyn Write) -> io::Result<()> {
    let failed = verdicts.iter().filter(|v| v.failure.is_some()).count();
    match failed {
        0 => writeln!(out, "**Checks**: all {} held.\n", verdicts.len())?,
        n => writeln!(out, "**Checks**: {n} of {} failed.\n", verdicts.len())?,
    }
    let header = ["mode", "expectation", "measured", "result"].map(String::from);
    let rows: Vec<Vec<String>> = verdicts
        .iter()
        .map(|verdict| {
            let result = match (verdict.interrupted, &verdict.failure) {
                (Some(by), _) => format!("⚠️ not judged: interrupted by {by}"),
                (None, Some(_)) => format!("❌ {}", verdict.expected_vs_measured()),
                (None, None) => "✅ held".to_owned(),
            };
            vec![
                verdict.mode.to_string(),
                verdict.criterion.name(),
                human(verdict.measured),
                result,
            ]
        })
        .collect();
    write_table(&header, &rows, out)
}

/// Text for Markdown outside a table: control characters escaped as in
/// the human view, Markdown's punctuation backslash-escaped.
pub fn escape_text(text: &str) -> String {
    markdown_escape(&Escaped(text).to_string())
}

fn write_pairs(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let header = ["#", "message", "delay", "started", "finished", "late by"].map(String::from);
    let rows: Vec<Vec<String>> = report
        .pairs()
        .map(|pair| {
            vec![
                (pair.index + 1).to_string(),
                Escaped(&pair.pair.message).to_string(),
                human(pair.pair.delay),
                pair.began().map_or_else(|| "-".into(), offset),
                match (pair.status(), pair.ended()) {
                    (Status::Done, Some(at)) => offset(at),
                    (status, Some(at)) => format!("{} {}", status.name(), offset(at)),
                    (status, None) => status.name().to_owned(),
                },
                pair.late().map_or_else(|| "-".into(), human_signed),
            ]
        })
        .collect();
    write_table(&header, &rows, out)
}

fn totals(report: &Report) -> (Vec<String>, Vec<String>) {
    let header = [
        "mode",
        "clock",
        "expected wall",
        "measured wall",
        "overhead",
    ];
    let row = vec![
        report.label().into_owned(),
        report.clock.to_string(),
        format!("{} ({})", human(report.expected), report.expected_rule),
        human(report.wall),
        report
            .overhead()
            .map_or_else(|| "-".to_owned(), human_signed),
    ];
    (header.map(String::from).into(), row)
}

/// A GFM table. Columns whose cells all read as numbers are right-aligned.
pub(crate) fn write_table(
    header: &[String],
    rows: &[Vec<String>],
    out: &mut dyn Write,
) -> io::Result<()> {
    let line = |cells: &[String], out: &mut dyn Write| -> io::Result<()> {
        for cell in cells {
            write!(out, "| {} ", markdown_escape(cell))?;
        }
        writeln!(out, "|")
    };
    line(header, out)?;
    for column in 0..header.len() {
        let numeric = rows
            .iter()
            .all(|row| row.get(column).is_some_and(|cell| is_number(cell)));
        write!(out, "| {} ", if numeric { "---:" } else { "---" })?;
    }
    writeln!(out, "|")?;
    rows.iter().try_for_each(|row| line(row, out))
}

/// `+1.001s`, `250ms`, `1.50×`, `3`: starts with a digit or a sign.
fn is_number(cell: &str) -> bool {
    cell.starts_with(|c: char| c.is_ascii_digit() || c == '+' || c == '-')
}

/// Backslash-escapes the ASCII punctuation that Markdown or a table cell
/// would act on; CommonMark allows a backslash before any of them.
fn markdown_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '|' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}
