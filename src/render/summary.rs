//! The human table for many pairs. A million rows are of no use to a person
//! (and laying them out as one table costs seconds and gigabytes), so above
//! [`ROWS_LIMIT`] pairs the human view says so and shows one summary table
//! instead: how the pairs ended, and the spread (min, median, 99th
//! percentile, max) of their delays, starts, finishes and lateness.
//! Machine formats are never summarised: they list every pair.

use std::io::{self, Write};
use std::time::Duration;

use comfy_table::CellAlignment;
use jiff::SignedDuration;

use crate::engine::record::Timing;
use crate::measure::report::{Report, Status};
use crate::render::fit;
use crate::render::style::Style;
use crate::scenario::pair::Pair;
use crate::scenario::units::{human, human_signed, offset};

/// The most pairs the human table lists one per row.
pub const ROWS_LIMIT: usize = 1_000;

/// Whether `report` has too many pairs to list one per row.
pub fn too_many_rows(report: &Report) -> bool {
    report.plan.len() > ROWS_LIMIT
}

/// Writes the note that says the table summarises, then the table.
pub fn write_summary(report: &Report, style: &Style, out: &mut dyn Write) -> io::Result<()> {
    let note = format!(
        "{} pairs: more than {ROWS_LIMIT}, so the table summarises them \
         (--format json lists every pair)",
        report.plan.len()
    );
    fit::write_wrapped(out, &note, style, str::to_owned)?;
    summary_table(report, style).write(style, out)
}

/// At narrow widths the p99, then min and max give way.
fn summary_table(report: &Report, style: &Style) -> fit::Fitted {
    let mut statuses = [
        (Status::Done, 0),
        (Status::Cancelled, 0),
        (Status::Interrupted, 0),
    ];
    for timing in &report.timings {
        let status = Status::of(*timing);
        if let Some((_, count)) = statuses.iter_mut().find(|(s, _)| *s == status) {
            *count += 1;
        }
    }
    // One buffer, refilled for each column: 8 MB for a million pairs, not
    // 48 MB of fresh pages at the very end of the run. Nanoseconds, not
    // durations: selection compares one word instead of two. Each column
    // is read straight off the plan and the timings, a pass apiece.
    let mut column: Vec<u64> = Vec::with_capacity(report.plan.len());
    let mut rows = Vec::new();
    let pairs = report.plan.pairs();
    let timings = &report.timings;
    let seen = refill(&mut column, pairs.iter().map(|p| nanos(p.delay)));
    rows.push(spread("delay", &mut column, seen, |n| {
        human(Duration::from_nanos(n))
    }));
    let seen = refill(&mut column, timings.iter().filter_map(Timing::began_nanos));
    rows.push(spread("started", &mut column, seen, |n| {
        offset(Duration::from_nanos(n))
    }));
    let seen = refill(
        &mut column,
        timings.iter().filter_map(Timing::finished_nanos),
    );
    rows.push(spread("finished", &mut column, seen, |n| {
        offset(Duration::from_nanos(n))
    }));
    let seen = refill(
        &mut column,
        pairs
            .iter()
            .zip(timings)
            .filter_map(|(p, t)| late_word(p, t)),
    );
    rows.push(spread("late by", &mut column, seen, |n| {
        human_signed(SignedDuration::from_nanos((n ^ SIGN) as i64))
    }));
    let header = ["", "pairs", "min", "median", "p99", "max"].map(String::from);
    let mut rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|row| row.into_iter().map(|cell| style.text(cell)).collect())
        .chain(
            statuses
                .into_iter()
                .map(|(status, count)| vec![status.name().to_owned(), count.to_string()]),
        )
        .collect();
    let give = fit::Give {
        cut: None,
        optional: vec![4, 2, 5],
        ..fit::Give::default()
    };
    let mut fitted = fit::table(style, &header, &mut rows, &give);
    for column in 1..6 {
        if let Some(column) = fitted.table.column_mut(column) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
    fitted
}

/// A duration in nanoseconds: exact for anything below 584 years, far
/// beyond any run.
fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// A signed number's sign bit: flipped, it orders two's complement words
/// as unsigned ones.
const SIGN: u64 = 1 << 63;

/// How late a pair said its message ([`crate::measure::report::PairReport::late`]),
/// in nanoseconds, as a word that orders as the signed number: lateness
/// shares the other columns' buffer.
fn late_word(pair: &Pair, timing: &Timing) -> Option<u64> {
    let finished = timing.finished_nanos()?;
    let intended = timing.began_nanos()?.saturating_add(nanos(pair.delay));
    let late = i128::from(finished) - i128::from(intended);
    let late = late.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
    Some(late as u64 ^ SIGN)
}

/// What one pass over a column saw: its least and greatest values, and
/// whether they came in order (starts do, and a million equal delays).
#[derive(Debug, Clone, Copy)]
struct Seen<T> {
    min: T,
    max: T,
    sorted: bool,
}

/// Fills `column` with `values` (cleared first), noting as they pass
/// what [`spread`] would otherwise make more passes for; `None` for none.
fn refill<T: Ord + Copy>(column: &mut Vec<T>, values: impl Iterator<Item = T>) -> Option<Seen<T>> {
    column.clear();
    let mut seen: Option<Seen<T>> = None;
    for value in values {
        column.push(value);
        seen = Some(match seen {
            None => Seen {
                min: value,
                max: value,
                sorted: true,
            },
            Some(s) => Seen {
                min: s.min.min(value),
                max: s.max.max(value),
                sorted: s.sorted && s.max <= value,
            },
        });
    }
    seen
}

/// One row: a label, how many values, and their quantiles (`-` for none).
/// Values that came in order are read at their ranks; others are found
/// by selection, in linear time: no sort of a million values.
fn spread<T: Ord + Copy>(
    label: &str,
    values: &mut [T],
    seen: Option<Seen<T>>,
    show: impl Fn(T) -> String,
) -> Vec<String> {
    let count = values.len().to_string();
    let show = |value: Option<T>| value.map_or_else(|| "-".to_owned(), &show);
    // Nearest rank: the value below which a fraction q of them lie.
    let rank = |q: f64| (values.len().saturating_sub(1) as f64 * q).round() as usize;
    let (median_rank, p99_rank) = (rank(0.5), rank(0.99));
    let (min, median, p99, max) = match seen {
        None => (None, None, None, None),
        Some(seen) if seen.sorted => (
            Some(seen.min),
            Some(values[median_rank]),
            Some(values[p99_rank]),
            Some(seen.max),
        ),
        Some(seen) => {
            let p99 = *values.select_nth_unstable(p99_rank).1;
            // Selection leaves every smaller value before the p99 one.
            let median = *values[..=p99_rank].select_nth_unstable(median_rank).1;
            (Some(seen.min), Some(median), Some(p99), Some(seen.max))
        }
    };
    vec![
        label.to_owned(),
        count,
        show(min),
        show(median),
        show(p99),
        show(max),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::record::End;

    fn shown(values: Vec<u64>) -> Vec<String> {
        let mut column = Vec::new();
        let seen = refill(&mut column, values.into_iter());
        spread("x", &mut column, seen, |v: u64| v.to_string())
    }

    proptest::proptest! {
        /// Values in order are read at their ranks, others selected: the
        /// same quantiles either way.
        #[test]
        fn in_order_or_not_the_quantiles_agree(values in proptest::collection::vec(0u64..50, 0..300)) {
            let mut sorted = values.clone();
            sorted.sort_unstable();
            proptest::prop_assert_eq!(shown(values), shown(sorted));
        }
    }

    #[test]
    fn quantiles_by_nearest_rank() {
        let hundred_and_one: Vec<u64> = (0..=100).rev().collect();
        assert_eq!(shown(hundred_and_one), ["x", "101", "0", "50", "99", "100"]);
        assert_eq!(shown(vec![7]), ["x", "1", "7", "7", "7", "7"]);
        assert_eq!(shown(vec![]), ["x", "0", "-", "-", "-", "-"]);
    }

    /// Lateness read straight off a pair and its timing is the report's,
    /// early or late, and its words order as the numbers.
    #[test]
    fn lateness_words_are_the_reports_lateness() {
        use crate::measure::report::PairReport;
        let ms = Duration::from_millis;
        let pair = Pair::new(ms(100), "m");
        let mut words = Vec::new();
        for (began, ended, end) in [
            (Some(ms(0)), Some(ms(103)), End::Done),
            (Some(ms(5)), Some(ms(90)), End::Done),
            (Some(ms(5)), Some(ms(105)), End::Failed),
            (Some(ms(5)), Some(ms(50)), End::Cancelled),
            (Some(ms(5)), None, End::Done),
            (None, None, End::Done),
        ] {
            let timing = Timing::new(began, ended, end);
            let report = PairReport {
                index: 0,
                pair: &pair,
                timing,
            };
            let expected = report.late().map(|late| late.as_nanos() as i64);
            let word = late_word(&pair, &timing);
            assert_eq!(word.map(|w| (w ^ SIGN) as i64), expected, "{timing:?}");
            words.extend(word);
        }
        let mut by_word = words.clone();
        by_word.sort_unstable();
        let mut by_number = words;
        by_number.sort_unstable_by_key(|&w| (w ^ SIGN) as i64);
        assert_eq!(by_word, by_number);
    }

    #[test]
    fn durations_and_signed_ones_both_fit() {
        let mut column = Vec::new();
        let seen = refill(&mut column, [Duration::from_secs(2)].into_iter());
        let row = spread("d", &mut column, seen, human);
        assert_eq!(row[2], "2s");
        let mut column = Vec::new();
        let seen = refill(&mut column, [SignedDuration::from_millis(-3)].into_iter());
        let row = spread("l", &mut column, seen, human_signed);
        assert_eq!(row[5], "-3ms");
    }
}
