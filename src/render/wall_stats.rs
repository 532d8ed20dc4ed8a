//! The wall-time statistics of repeated runs, for people: `min`, `median`,
//! `mean ± σ`, `max`, and how many runs they cover. Shared by the human
//! view, the comparison table and Markdown, so all three read alike.

use comfy_table::CellAlignment;

use crate::measure::Measurement;
use crate::measure::stats::Stats;
use crate::output::style::Style;
use crate::render::fit::{self, Fitted, Give};
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
pub fn table(m: &Measurement, style: &Style) -> Fitted {
    spread("wall over", [(runs_label(m), m.wall())], style)
}

/// A table of walls: one row per label (a run count, a mode), then min,
/// median, mean ± σ and max; at narrow widths min, max and the median
/// give way, in that order.
pub fn spread<'a>(
    first: &str,
    rows: impl IntoIterator<Item = (String, &'a Stats)>,
    style: &Style,
) -> Fitted {
    let ascii = |text: String| match style.unicode {
        true => text,
        false => style.text(text).replace('±', "+/-").replace('σ', "sd"),
    };
    let header: Vec<String> = [first]
        .into_iter()
        .chain(HEADER)
        .map(String::from)
        .map(ascii)
        .collect();
    let mut rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(label, stats)| [label].into_iter().chain(cells(stats)).map(ascii).collect())
        .collect();
    let give = Give {
        cut: None,
        optional: vec![1, 4, 2],
        whole: vec![3],
    };
    let mut fitted = fit::table(style, &header, &mut rows, &give);
    for column in 1..=4 {
        if let Some(column) = fitted.table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    fitted
}
