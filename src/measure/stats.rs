//! Statistics over the wall times of repeated runs, in the spirit of
//! hyperfine: min, median, mean ± σ and max. One run is a sample too; its
//! standard deviation is undefined, not zero, so it is `None`.

use std::time::Duration;

/// A summary of one or more durations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stats {
    pub min: Duration,
    /// The middle value; with an even count, the mean of the two middle ones.
    pub median: Duration,
    pub mean: Duration,
    /// The sample standard deviation (n − 1); `None` for a single sample.
    pub stddev: Option<Duration>,
    pub max: Duration,
    /// How many durations were summarised.
    pub count: usize,
    /// Their sum (saturating).
    pub total: Duration,
}

impl Stats {
    /// The summary of a single duration.
    pub fn single(d: Duration) -> Stats {
        Stats {
            min: d,
            median: d,
            mean: d,
            stddev: None,
            max: d,
            count: 1,
            total: d,
        }
    }

    /// Summarises `samples`; `None` when there are none.
    pub fn of(samples: &[Duration]) -> Option<Stats> {
        Stats::of_owned(samples.to_vec())
    }

    /// [`Stats::of`], sorting `samples` where they are: a million runs'
    /// walls need no second copy.
    pub fn of_owned(mut sorted: Vec<Duration>) -> Option<Stats> {
        sorted.sort_unstable();
        let count = sorted.len();
        let (&min, &max) = (sorted.first()?, sorted.last()?);
        let middle = count / 2;
        let median = if count % 2 == 1 {
            sorted[middle]
        } else {
            midpoint(sorted[middle - 1], sorted[middle])
        };
        let total: u128 = sorted.iter().map(Duration::as_nanos).sum();
        let mean_nanos = total / count as u128;
        let stddev = (count > 1).then(|| {
            // f64 is exact enough here: nanoseconds of runs up to months
            // keep 15 significant digits, far more than a timing can claim.
            let mean = total as f64 / count as f64;
            let squares: f64 = sorted
                .iter()
                .map(|d| (d.as_nanos() as f64 - mean).powi(2))
                .sum();
            Duration::from_nanos((squares / (count - 1) as f64).sqrt().round() as u64)
        });
        Some(Stats {
            min,
            median,
            mean: nanos(mean_nanos),
            stddev,
            max,
            count,
            total: nanos(total),
        })
    }
}

fn midpoint(a: Duration, b: Duration) -> Duration {
    nanos((a.as_nanos() + b.as_nanos()) / 2)
}

fn nanos(n: u128) -> Duration {
    Duration::from_nanos(u64::try_from(n).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(list: &[u64]) -> Vec<Duration> {
        list.iter().map(|&m| Duration::from_millis(m)).collect()
    }

    #[test]
    fn one_sample_has_no_spread() {
        let stats = Stats::of(&ms(&[7])).unwrap();
        assert_eq!(stats.min, Duration::from_millis(7));
        assert_eq!(stats.median, Duration::from_millis(7));
        assert_eq!(stats.mean, Duration::from_millis(7));
        assert_eq!(stats.max, Duration::from_millis(7));
        assert_eq!(stats.stddev, None);
        assert_eq!(stats.count, 1);
    }

    #[test]
    fn odd_and_even_medians() {
        assert_eq!(
            Stats::of(&ms(&[30, 10, 20])).unwrap().median,
            Duration::from_millis(20)
        );
        assert_eq!(
            Stats::of(&ms(&[40, 10, 20, 30])).unwrap().median,
            Duration::from_millis(25)
        );
    }

    #[test]
    fn mean_and_sample_standard_deviation() {
        // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32/7.
        let stats = Stats::of(&ms(&[2, 4, 4, 4, 5, 5, 7, 9])).unwrap();
        assert_eq!(stats.mean, Duration::from_millis(5));
        assert_eq!(stats.min, Duration::from_millis(2));
        assert_eq!(stats.max, Duration::from_millis(9));
        let expected = (32.0f64 / 7.0).sqrt() * 1e6;
        assert_eq!(
            stats.stddev,
            Some(Duration::from_nanos(expected.round() as u64))
        );
    }

    #[test]
    fn equal_samples_have_zero_spread() {
        let stats = Stats::of(&ms(&[3, 3, 3])).unwrap();
        assert_eq!(stats.stddev, Some(Duration::ZERO));
    }

    #[test]
    fn nothing_to_summarise() {
        assert_eq!(Stats::of(&[]), None);
    }
}
