//! Expectations for CI (`--check`, `--tolerance`, `--max-wall`): after the
//! run, each mode's measured wall is judged against what it should be. With
//! several runs the median is judged, so one slow run on a busy CI machine
//! does not fail the build.
//!
//! A failed expectation is not a crash: the report is printed in full, then
//! one line per failure goes to stderr and saywhen exits 1.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use jiff::SignedDuration;

use crate::engine::stop::StopReason;
use crate::measure::Measurement;
use crate::measure::report::signed;
use crate::scenario::pair::{PairError, parse_delay};
use crate::scenario::units::human;

/// How far a measured wall may stray from the expected one.
///
/// `50ms` allows a fixed amount, `10%` a share of the expected wall. The
/// default allows both, whichever is larger: a real sleep ends 1–4 ms late,
/// which is a large share of a 20 ms run but nothing in a 10 s one, while
/// a serial run of many pairs gathers that lateness once per pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tolerance {
    absolute: Duration,
    /// A fraction of the expected wall (0.1 for 10%).
    relative: f64,
}

impl Default for Tolerance {
    fn default() -> Tolerance {
        Tolerance {
            absolute: Duration::from_millis(50),
            relative: 0.10,
        }
    }
}

impl Tolerance {
    /// A fixed amount, whatever the expected wall.
    pub fn absolute(amount: Duration) -> Tolerance {
        Tolerance {
            absolute: amount,
            relative: 0.0,
        }
    }

    /// A share of the expected wall, in percent.
    pub fn percent(percent: f64) -> Tolerance {
        Tolerance {
            absolute: Duration::ZERO,
            relative: percent / 100.0,
        }
    }

    /// How far a run expected to take `expected` may stray.
    pub fn allowance(&self, expected: Duration) -> Duration {
        let share = Duration::try_from_secs_f64(expected.as_secs_f64() * self.relative)
            .unwrap_or(Duration::MAX);
        self.absolute.max(share)
    }
}

impl fmt::Display for Tolerance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let percent = format!("{}%", self.relative * 100.0);
        match (self.absolute.is_zero(), self.relative == 0.0) {
            (true, _) => f.write_str(&percent),
            (false, true) => f.write_str(&human(self.absolute)),
            (false, false) => write!(f, "{percent}, at least {}", human(self.absolute)),
        }
    }
}

/// Why a `--tolerance` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("'{}' is not a tolerance (try 50ms, 0.05, 10% or 2.5%)", crate::escape::Quoted(.0))]
pub struct BadTolerance(pub String);

impl FromStr for Tolerance {
    type Err = BadTolerance;

    fn from_str(text: &str) -> Result<Tolerance, BadTolerance> {
        let bad = || BadTolerance(text.to_owned());
        match text.trim().strip_suffix('%') {
            Some(number) => {
                let percent: f64 = number.trim().parse().map_err(|_| bad())?;
                if !percent.is_finite() || percent < 0.0 {
                    return Err(bad());
                }
                Ok(Tolerance::percent(percent))
            }
            None => parse_delay(text)
                .map(Tolerance::absolute)
                .map_err(|_| bad()),
        }
    }
}

/// Reads `--max-wall`: a duration written like a delay.
pub fn parse_max_wall(text: &str) -> Result<Duration, PairError> {
    parse_delay(text)
}

/// What the user asked to be checked.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Expectations {
    /// `--check`: each mode's wall must be its expected wall ± tolerance.
    pub expected_wall: Option<Tolerance>,
    /// `--max-wall`: no mode's wall may exceed this.
    pub max_wall: Option<Duration>,
}

/// One expectation that was not met.
#[derive(Debug, Clone, PartialEq)]
pub enum Failure {
    /// The median wall strayed from the expected wall by more than allowed.
    OffExpected {
        /// The mode (or scenario) that missed.
        mode: String,
        measured: Duration,
        runs: usize,
        /// The earliest wall expected: `expected` itself unless work
        /// stealing decides (then `expected` is the latest).
        earliest: Duration,
        expected: Duration,
        rule: String,
        tolerance: Tolerance,
    },
    /// The median wall exceeded `--max-wall`.
    OverMaxWall {
        mode: String,
        measured: Duration,
        runs: usize,
        max: Duration,
    },
    /// The median wall is slower than the `--baseline`'s by more than the
    /// tolerance and both runs' spread (see [`crate::measure::baseline`]).
    SlowerThanBaseline {
        mode: String,
        measured: Duration,
        runs: usize,
        baseline: Duration,
        /// The tolerance's share of the baseline.
        tolerance: Duration,
        /// Both runs' standard deviations, added up.
        spread: Duration,
    },
}

/// What one mode was judged by.
#[derive(Debug, Clone, PartialEq)]
pub enum Criterion {
    /// `--check`: the wall within `allowance` of `expected` (or, when work
    /// stealing decides, of `earliest`..=`expected`).
    ExpectedWall {
        earliest: Duration,
        expected: Duration,
        allowance: Duration,
    },
    /// `--max-wall`: the wall at most this.
    MaxWall(Duration),
    /// `--baseline` with `--check`: at most `allowance` slower than the
    /// baseline's median.
    Baseline {
        baseline: Duration,
        allowance: Duration,
    },
}

impl Criterion {
    /// What was expected, in a few words: `expected wall 3s ± 300ms`,
    /// `max wall 1s`. A CI report's test case is named after it.
    pub fn name(&self) -> String {
        match self {
            Criterion::ExpectedWall {
                earliest,
                expected,
                allowance,
            } => format!(
                "expected wall {} ± {}",
                span(*earliest, *expected),
                human(*allowance)
            ),
            Criterion::MaxWall(max) => format!("max wall {}", human(*max)),
            // The allowance moves with this run's spread: the name, which
            // CI tracks from run to run, keeps to the baseline.
            Criterion::Baseline { baseline, .. } => {
                format!("no slower than the baseline's {}", human(*baseline))
            }
        }
    }

    /// What the wall should have been: `3s ± 300ms`, `at most 1s`.
    pub fn expected(&self) -> String {
        match self {
            Criterion::ExpectedWall {
                earliest,
                expected,
                allowance,
            } => format!("{} ± {}", span(*earliest, *expected), human(*allowance)),
            Criterion::MaxWall(max) => format!("at most {}", human(*max)),
            Criterion::Baseline {
                baseline,
                allowance,
            } => format!(
                "at most {} (the baseline's {} + {})",
                human(baseline.saturating_add(*allowance)),
                human(*baseline),
                human(*allowance)
            ),
        }
    }
}

/// One expectation judged for one mode: what was expected, what was
/// measured, and whether it held. CI reports (JUnit) list every verdict,
/// passed or not; the exit code only counts the failures.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    /// The mode (or scenario) judged.
    pub mode: String,
    pub criterion: Criterion,
    /// The wall judged: the median of the counted runs.
    pub measured: Duration,
    pub runs: usize,
    /// Why it did not hold; `None` when it did.
    pub failure: Option<Failure>,
    /// A run of this mode was stopped early: its wall measures the stop,
    /// and nothing was really judged.
    pub interrupted: Option<StopReason>,
}

impl Verdict {
    /// `expected 3s ± 300ms, measured 3.5s (median of 5 runs)`.
    pub fn expected_vs_measured(&self) -> String {
        format!(
            "expected {}, measured {}",
            self.criterion.expected(),
            took(self.measured, self.runs)
        )
    }
}

impl Expectations {
    /// Whether anything is to be checked at all.
    pub fn any(&self) -> bool {
        self.expected_wall.is_some() || self.max_wall.is_some()
    }

    /// Every expectation `measurements` fail, in mode order.
    pub fn judge<'a>(
        &self,
        measurements: impl IntoIterator<Item = &'a Measurement>,
    ) -> Vec<Failure> {
        self.verdicts(measurements)
            .into_iter()
            .filter_map(|verdict| verdict.failure)
            .collect()
    }

    /// Every expectation judged for every mode, held or not, in mode order.
    pub fn verdicts<'a>(
        &self,
        measurements: impl IntoIterator<Item = &'a Measurement>,
    ) -> Vec<Verdict> {
        let mut verdicts = Vec::new();
        for m in measurements {
            let (mode, measured, runs) = (m.label().into_owned(), m.median(), m.counted() as usize);
            let verdict = |criterion, failure| Verdict {
                mode: mode.clone(),
                criterion,
                measured,
                runs,
                failure,
                interrupted: m.interrupted(),
            };
            if let Some(tolerance) = self.expected_wall {
                let (earliest, expected) = expected_span(m);
                let allowance = tolerance.allowance(expected);
                let off = outside(measured, earliest, expected);
                let failure = (off > allowance).then(|| Failure::OffExpected {
                    mode: mode.clone(),
                    measured,
                    runs,
                    earliest,
                    expected,
                    rule: m.expected_rule().to_owned(),
                    tolerance,
                });
                verdicts.push(verdict(
                    Criterion::ExpectedWall {
                        earliest,
                        expected,
                        allowance,
                    },
                    failure,
                ));
            }
            if let Some(max) = self.max_wall {
                let failure = (measured > max).then(|| Failure::OverMaxWall {
                    mode: mode.clone(),
                    measured,
                    runs,
                    max,
                });
                verdicts.push(verdict(Criterion::MaxWall(max), failure));
            }
        }
        verdicts
    }
}

impl Expectations {
    /// After a check that held, one line saying what held, for stderr:
    /// `check passed: serial took 3s (expected 3s ± 300ms)`; `None` when
    /// nothing was asked.
    pub fn passed<'a>(
        &self,
        measurements: impl IntoIterator<Item = &'a Measurement>,
    ) -> Option<String> {
        if !self.any() {
            return None;
        }
        let held: Vec<String> = measurements
            .into_iter()
            .map(|m| {
                let mut what = Vec::new();
                if m.counted() > 1 {
                    what.push(format!("median of {} runs", m.counted()));
                }
                if let Some(tolerance) = self.expected_wall {
                    let (earliest, expected) = expected_span(m);
                    let allowance = tolerance.allowance(expected);
                    what.push(format!(
                        "expected {} ± {}",
                        span(earliest, expected),
                        human(allowance)
                    ));
                }
                if let Some(max) = self.max_wall {
                    what.push(format!("at most {}", human(max)));
                }
                format!(
                    "{} took {} ({})",
                    m.label(),
                    human(m.median()),
                    what.join("; ")
                )
            })
            .collect();
        Some(format!("check passed: {}", held.join(", ")))
    }
}

/// The earliest and latest wall `m` should take: one value twice unless
/// tokio's work stealing decides (a multi-thread runtime).
fn expected_span(m: &Measurement) -> (Duration, Duration) {
    match m.expected_bounds() {
        Some(range) => (range.earliest, range.latest),
        None => (m.expected(), m.expected()),
    }
}

/// How far `measured` lies outside `earliest..=latest`.
fn outside(measured: Duration, earliest: Duration, latest: Duration) -> Duration {
    match measured < earliest {
        true => earliest - measured,
        false => measured.saturating_sub(latest),
    }
}

/// `3s`, or `1s–2s` for bounds.
fn span(earliest: Duration, latest: Duration) -> String {
    match earliest == latest {
        true => human(latest),
        false => format!("{}–{}", human(earliest), human(latest)),
    }
}

/// `3.412s` or, with several runs, `3.412s (median of 5 runs)`.
fn took(measured: Duration, runs: usize) -> String {
    match runs {
        1 => human(measured),
        n => format!("{} (median of {n} runs)", human(measured)),
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::OffExpected {
                mode,
                measured,
                runs,
                earliest,
                expected,
                rule,
                tolerance,
            } => {
                let nearest = (*measured).clamp(*earliest, *expected);
                let off = signed(*measured) - signed(nearest);
                let (amount, direction) = (human(off.unsigned_abs()), more_or_less(off));
                write!(
                    f,
                    "{mode} took {}, {amount} {direction} than the expected {} ({rule}); \
                     --tolerance allows {}",
                    took(*measured, *runs),
                    span(*earliest, *expected),
                    human(tolerance.allowance(*expected)),
                )?;
                // A share of the wall is worth spelling out; a plain amount
                // was just written.
                if tolerance.relative > 0.0 {
                    let percent = tolerance.relative * 100.0;
                    write!(f, " ({percent}% of {}", human(*expected))?;
                    if !tolerance.absolute.is_zero() {
                        write!(f, ", at least {}", human(tolerance.absolute))?;
                    }
                    f.write_str(")")?;
                }
                Ok(())
            }
            Failure::OverMaxWall {
                mode,
                measured,
                runs,
                max,
            } => write!(
                f,
                "{mode} took {}, more than --max-wall {}",
                took(*measured, *runs),
                human(*max)
            ),
            Failure::SlowerThanBaseline {
                mode,
                measured,
                runs,
                baseline,
                tolerance,
                spread,
            } => write!(
                f,
                "{mode} took {}, {} slower than the baseline's {}; \
                 allowed {} (--tolerance {} + the runs' spread {})",
                took(*measured, *runs),
                human((signed(*measured) - signed(*baseline)).unsigned_abs()),
                human(*baseline),
                human(tolerance.saturating_add(*spread)),
                human(*tolerance),
                human(*spread)
            ),
        }
    }
}

fn more_or_less(d: SignedDuration) -> &'static str {
    if d.is_negative() { "less" } else { "more" }
}

/// The expectations that failed, as one error; each failure is one line.
#[derive(Debug, Clone, PartialEq)]
pub struct Failures(pub Vec<Failure>);

impl fmt::Display for Failures {
    /// One line per failure. The binary prefixes the first with `error: `,
    /// so the others get the same prefix here, and every line reads alike.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, failure) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\nerror: ")?;
            }
            write!(f, "check failed: {failure}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Failures {}

#[cfg(test)]
mod tests {
    /// A wall within the bounds is not off at all; outside, it is off by
    /// its distance to the nearer bound.
    #[test]
    fn bounds_are_judged_by_the_nearer_one() {
        let ms = std::time::Duration::from_millis;
        assert_eq!(super::outside(ms(200), ms(100), ms(300)), ms(0));
        assert_eq!(super::outside(ms(90), ms(100), ms(300)), ms(10));
        assert_eq!(super::outside(ms(320), ms(100), ms(300)), ms(20));
        assert_eq!(super::span(ms(100), ms(300)), "100ms–300ms");
        assert_eq!(super::span(ms(300), ms(300)), "300ms");
    }

    use super::*;

    #[test]
    fn tolerances_parse_as_durations_or_percentages() {
        assert_eq!(
            "50ms".parse(),
            Ok(Tolerance::absolute(Duration::from_millis(50)))
        );
        assert_eq!(
            "0.25".parse(),
            Ok(Tolerance::absolute(Duration::from_millis(250)))
        );
        assert_eq!("10%".parse(), Ok(Tolerance::percent(10.0)));
        assert_eq!("2.5 %".parse(), Ok(Tolerance::percent(2.5)));
        for bad in ["", "%", "-5%", "abc", "nan%", "10 percent", "-1s"] {
            assert_eq!(
                bad.parse::<Tolerance>(),
                Err(BadTolerance(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn the_default_allows_the_larger_of_50ms_and_10_percent() {
        let default = Tolerance::default();
        assert_eq!(
            default.allowance(Duration::from_millis(100)),
            Duration::from_millis(50)
        );
        assert_eq!(
            default.allowance(Duration::from_secs(3)),
            Duration::from_millis(300)
        );
        assert_eq!(default.to_string(), "10%, at least 50ms");
        assert_eq!(Tolerance::percent(2.5).to_string(), "2.5%");
        assert_eq!(
            Tolerance::absolute(Duration::from_millis(50)).to_string(),
            "50ms"
        );
    }
}

#[cfg(test)]
mod judging {
    use std::sync::Arc;

    use super::*;
    use crate::engine::clock::Clock;
    use crate::engine::event::Silent;
    use crate::engine::spec::RunSpec;
    use crate::measure::report::Report;
    use crate::scenario::mode::Mode;
    use crate::scenario::plan::Plan;

    /// A gather run of one 1 s pair, said to have taken `wall_ms`: the
    /// virtual clock makes every run exact, and these tests need spread.
    fn run(wall_ms: u64) -> Report {
        let plan = Arc::new(Plan::new(vec!["1:a".parse().unwrap()]).unwrap());
        let spec = RunSpec::new(Mode::Gather, Clock::Virtual);
        let mut report = crate::measure::run::run(plan, &spec, Arc::new(Silent)).unwrap();
        report.wall = Duration::from_millis(wall_ms);
        report
    }

    fn measured(walls: &[u64]) -> Measurement {
        let rest = walls[1..].iter().map(|&w| run(w)).collect();
        Measurement::new(run(walls[0]), rest, 0)
    }

    #[test]
    fn one_slow_run_does_not_fail_the_median() {
        let expectations = Expectations {
            expected_wall: Some(Tolerance::absolute(Duration::from_millis(50))),
            max_wall: Some(Duration::from_millis(1100)),
        };
        assert_eq!(expectations.judge([&measured(&[1001, 1900, 1002])]), []);
        let failures = expectations.judge([&measured(&[1001, 1900, 1200])]);
        assert_eq!(failures.len(), 2, "{failures:?}");
        assert_eq!(
            failures[1].to_string(),
            "gather took 1.2s (median of 3 runs), more than --max-wall 1.1s"
        );
    }

    #[test]
    fn every_expectation_is_a_verdict_held_or_not() {
        let expectations = Expectations {
            expected_wall: Some(Tolerance::absolute(Duration::from_millis(50))),
            max_wall: Some(Duration::from_millis(1100)),
        };
        let verdicts = expectations.verdicts([&measured(&[1001]), &measured(&[1200])]);
        let names: Vec<(String, bool)> = verdicts
            .iter()
            .map(|v| (v.criterion.name(), v.failure.is_none()))
            .collect();
        assert_eq!(
            names,
            [
                ("expected wall 1s ± 50ms".to_owned(), true),
                ("max wall 1.1s".to_owned(), true),
                ("expected wall 1s ± 50ms".to_owned(), false),
                ("max wall 1.1s".to_owned(), false),
            ]
        );
        assert_eq!(verdicts[2].measured, Duration::from_millis(1200));
        assert!(verdicts.iter().all(|v| v.interrupted.is_none()));
    }

    #[test]
    fn nothing_asked_nothing_failed() {
        assert!(!Expectations::default().any());
        assert_eq!(Expectations::default().judge([&measured(&[9000])]), []);
    }
}
