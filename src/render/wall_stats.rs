//! The wall-time statistics of repeated runs, for people: `min`, `median`,
//! `mean ± σ`, `max`, and how many runs they cover. Shared by the human
//! view, the comparison table and Markdown, so all three read alike.

use comfy_table::{CellAlignment, Table, presets};

use crate::measure::Measurement;
use crate::measure::stats::Stats;
use crate::output::style::Style;
use crate::scenario::units::human;

/// The column titles of [`cells`].
pub const HEADER: [&str; 4] = ["min", "median", "mean ± σ", "max"];

/// `5 runs (+1 warmup)`, `1 run`.
pub fn runs_label(m: &Measurement) -> String {
    let runs = m.runs().len();
    let plural = if runs == 1 { "" } else { "s" };
    match m.warmup() {
        0 => format!("{runs} run{plural}"),
        w => format!("{runs} run{plural} (+{w} warmup)"),
    }
}

/// `2.001s ± 312.5µs`, or just the mean for a single run.
pub fn mean_and_spread(stats: &Stats) -> String {
    match stats.stddev {
        Some(sigma) => format!("{} ± {}", human(stats.mean), human(sigma)),
        None => human(stats.mean),
    }
}

/// min, median, mean ± σ, max.
pub fn cells(stats: &Stats) -> [String; 4] {
    [
        human(stats.min),
        human(stats.median),
        mean_and_spread(stats),
        human(stats.max),
    ]
}

/// The table under the human view of `saywhen <MODE> --runs N`.
pub fn table(m: &Measurement, style: &Style) -> Table {
    let mut table = Table::new();
    let mut header = vec!["wall over"];
    header.extend(if style.unicode {
        HEADER
    } else {
        ["min", "median", "mean +/- sd", "max"]
    });
    let mut row = vec![runs_label(m)];
    row.extend(cells(m.wall()).map(|cell| match style.unicode {
        true => cell,
        false => style.text(cell).replace('±', "+/-"),
    }));
    table
        .load_style(if style.unicode {
            presets::UTF8_FULL_CONDENSED
        } else {
            presets::ASCII_FULL_CONDENSED
        })
        .set_header(header)
        .add_row(row);
    for column in 1..=4 {
        if let Some(column) = table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    table
}
