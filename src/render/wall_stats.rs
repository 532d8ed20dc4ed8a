//! The wall-time statistics of repeated runs, for people: `min`, `median`,
//! `mean ± σ`, `max`, and how many runs they cover. Shared by the human
//! view, the comparison table and Markdown, so all three read alike; and
//! the note that says a series, or a comparison, was cut short (CSV writes
//! it too).

use comfy_table::CellAlignment;

use crate::measure::Measurement;
use crate::measure::compare::Comparison;
use crate::measure::repeat::{Cut, Repeat};
use crate::measure::stats::Stats;
use crate::render::fit::{self, Fitted, Give};
use crate::render::style::Style;
use crate::scenario::units::human;

/// The column titles of [`cells`].
pub const HEADER: [&str; 4] = ["min", "median", "mean ± σ", "max"];

/// `5 runs (+1 warmup)`, `1 run`; a series cut short says what was
/// asked: `2 of 5 runs (+1 warmup)`, `1 of 5 runs (+1 of 3 warmup)`.
pub fn runs_label(m: &Measurement) -> String {
    let (runs, asked) = (m.counted(), m.asked());
    let of = |done: u32, asked: u32| match done < asked {
        true => format!("{done} of {asked}"),
        false => done.to_string(),
    };
    let plural = if asked.runs == 1 { "" } else { "s" };
    match (m.warmup(), asked.warmup) {
        (_, 0) => format!("{} run{plural}", of(runs, asked.runs)),
        (w, of_w) => format!(
            "{} run{plural} (+{} warmup)",
            of(runs, asked.runs),
            of(w, of_w)
        ),
    }
}

/// What was asked, before any run: `5 runs (+1 warmup)`, `1 run`.
pub fn asked_label(asked: Repeat) -> String {
    let runs = asked.runs.max(1);
    let plural = if runs == 1 { "" } else { "s" };
    match asked.warmup {
        0 => format!("{runs} run{plural}"),
        w => format!("{runs} run{plural} (+{w} warmup)"),
    }
}

/// Where a stopped series was: `after 2 of 5 runs`, `during run 1 of 5`,
/// `during warm-up 2 of 3, before any run was counted`.
pub fn cut_short(cut: Cut) -> String {
    match cut {
        Cut::Warmup { run, of } => {
            format!("during warm-up {run} of {of}, before any run was counted")
        }
        Cut::Runs { completed: 0, of } => format!("during run 1 of {of}"),
        Cut::Runs { completed, of } => {
            let plural = if of == 1 { "" } else { "s" };
            format!("after {completed} of {of} run{plural}")
        }
    }
}

/// The note under a repeated series that was stopped: `interrupted by
/// Ctrl-C (SIGINT) after 2 of 5 runs`. `None` when it ran to its end, and
/// for a single run, whose report says it was interrupted.
pub fn series_note(m: &Measurement) -> Option<String> {
    let by = m.interrupted().filter(|_| m.is_repeated())?;
    Some(format!("interrupted by {by} {}", cut_short(m.cut()?)))
}

/// The note under a comparison that was stopped: `interrupted by Ctrl-C
/// (SIGINT) in tasks after 1 of 3 runs; gather did not run`. The stopped
/// mode's row has no overhead, speedup or rank.
pub fn comparison_note(c: &Comparison) -> Option<String> {
    let stopped = c.modes.iter().find(|m| m.interrupted().is_some())?;
    let by = stopped.interrupted()?;
    let mut note = format!("interrupted by {by} in {}", stopped.label());
    if let Some(cut) = stopped.cut().filter(|_| stopped.is_repeated()) {
        note = format!("{note} {}", cut_short(cut));
    }
    let not_run: Vec<&str> = c.not_run.iter().map(String::as_str).collect();
    match not_run.as_slice() {
        [] => {}
        [one] => note.push_str(&format!("; {one} did not run")),
        [init @ .., last] => {
            note.push_str(&format!("; {} and {last} did not run", init.join(", ")))
        }
    }
    Some(note)
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
