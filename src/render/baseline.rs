//! `--baseline base.json`: each mode now against the baseline kept, for
//! people (a table after the report) and in Markdown (`--format markdown`,
//! the GitHub job summary):
//!
//! ```text
//! baseline base.json · virtual clock
//! ┌────────┬──────────┬──────┬────────┬─────────┬─────────┐
//! │ mode   ┆ baseline ┆  now ┆ change ┆ allowed ┆ verdict │
//! ╞════════╪══════════╪══════╪════════╪═════════╪═════════╡
//! │ serial ┆       3s ┆ 3.5s ┆ +500ms ┆  +300ms ┆ slower  │
//! ```
//!
//! `allowed` is the tolerance plus both runs' spread; the verdict is
//! `slower` beyond it, `faster` beyond it the other way, `same` within.

use std::io::{self, Write};

use comfy_table::CellAlignment;

use crate::escape::escape;
use crate::measure::baseline::{Baseline, Row};
use crate::measure::stats::Stats;
use crate::render::style::Style;
use crate::render::{fit, markdown};
use crate::scenario::units::{human, human_signed};

/// The column titles and rows, as plain text.
fn rows(rows: &[Row]) -> (Vec<String>, Vec<Vec<String>>) {
    let header = ["mode", "baseline", "now", "change", "allowed", "verdict"].map(String::from);
    let rows = rows
        .iter()
        .map(|row| match (&row.baseline, row.judged) {
            (Some(baseline), Some(judged)) => {
                let base = Stats {
                    median: baseline.median,
                    stddev: baseline.stddev,
                    ..Stats::single(baseline.median)
                };
                let change = human_signed(judged.slower);
                let verdict = if judged.regressed() {
                    "slower"
                } else if judged.improved() {
                    "faster"
                } else {
                    "same"
                };
                vec![
                    row.mode.clone(),
                    walls(&base, baseline.runs),
                    walls(&row.now, row.runs),
                    change,
                    format!("+{}", human(judged.allowance)),
                    verdict.to_owned(),
                ]
            }
            _ => vec![
                row.mode.clone(),
                "-".to_owned(),
                walls(&row.now, row.runs),
                "-".to_owned(),
                "-".to_owned(),
                "no baseline".to_owned(),
            ],
        })
        .collect();
    (header.into(), rows)
}

/// `3s`, or the median and the spread of repeated runs: `3.001s ± 1.2ms`.
fn walls(stats: &Stats, runs: usize) -> String {
    match (stats.stddev, runs) {
        (Some(sd), n) if n > 1 => format!("{} ± {}", human(stats.median), human(sd)),
        _ => human(stats.median),
    }
}

/// `baseline base.json · virtual clock · 5 runs then, 3 now`.
fn title(baseline: &Baseline, rows: &[Row]) -> String {
    let runs = |n: usize| match n {
        1 => "1 run".to_owned(),
        n => format!("{n} runs"),
    };
    let then = baseline.modes.first().map_or(1, |m| m.runs);
    let now = rows.first().map_or(1, |r| r.runs);
    format!(
        "baseline {} · {} clock · {} then, {} now",
        escape(&baseline.path.to_string_lossy()),
        baseline.clock,
        runs(then),
        runs(now)
    )
}

/// The comparison as a table for people.
pub fn write_human(
    baseline: &Baseline,
    compared: &[Row],
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let (header, rows) = rows(compared);
    let text = |t: String| {
        style
            .text(t)
            .replace('±', if style.unicode { "±" } else { "+/-" })
    };
    let header: Vec<String> = header.into_iter().map(text).collect();
    let mut rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| row.into_iter().map(text).collect())
        .collect();
    // The mode (a scenario's text can be long) is cut; the walls wrap at
    // their spaces; the allowance is the first to go on a narrow terminal.
    let give = fit::Give {
        cut: Some(0),
        optional: vec![3],
        whole: vec![1, 2, 3],
    };
    let mut fitted = fit::table(style, &header, &mut rows, &give);
    for column in 1..5 {
        if let Some(column) = fitted.table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out)?;
    fit::write_wrapped(out, &title(baseline, compared), style, |line| {
        style.paint(style.bold(), line).to_string()
    })?;
    fitted.write(style, out)
}

/// The comparison as a Markdown table, under a bold title.
pub fn write_markdown(
    baseline: &Baseline,
    compared: &[Row],
    out: &mut dyn Write,
) -> io::Result<()> {
    let (header, rows) = rows(compared);
    writeln!(
        out,
        "**{}**\n",
        markdown::escape_text(&title(baseline, compared))
    )?;
    markdown::write_table(&header, &rows, out)
}
