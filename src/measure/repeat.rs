//! Repeated runs of one mode (`--runs N`, `--warmup N`), measured the way
//! hyperfine measures a command: warm-up runs first, discarded; then the
//! counted runs, each a full [`Report`], summarised by [`Stats`].
//!
//! Only the first counted run is watched live: its events go to the given
//! sink (the printer), every other run is silent. A reader sees the story
//! once, and the numbers of all runs.
//!
//! A run stopped early (Ctrl-C) ends the series. A silent run cut short
//! is left out of the statistics (its wall measures the stop, not the
//! mode); a first run cut short is reported as it is, like a single run.

use std::sync::Arc;
use std::time::Duration;

use jiff::SignedDuration;

use crate::engine::clock::Clock;
use crate::engine::event::{EventSink, Silent};
use crate::engine::run::{RunError, RunSpec, run, run_scenario};
use crate::engine::stop::StopReason;
use crate::measure::report::{Report, Status, signed};
use crate::measure::stats::Stats;
use crate::mode::Mode;
use crate::scenario::plan::Plan;
use crate::scenario::tree::Scenario;

/// How many times to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repeat {
    /// Counted runs; at least one is always made.
    pub runs: u32,
    /// Runs made first and thrown away (caches, lazy initialisation).
    pub warmup: u32,
    /// Keep every counted run's pair timings (CSV lists them all). When
    /// `false`, runs after the first keep their wall but drop their pairs:
    /// ten runs of a million pairs then cost one run's memory, not ten.
    pub keep_pairs: bool,
}

impl Default for Repeat {
    fn default() -> Repeat {
        Repeat::new(1, 0)
    }
}

impl Repeat {
    /// `runs` counted runs after `warmup` uncounted ones, keeping every
    /// run's pairs.
    pub fn new(runs: u32, warmup: u32) -> Repeat {
        Repeat {
            runs,
            warmup,
            keep_pairs: true,
        }
    }

    /// More than one plain run: the summary shows statistics.
    pub fn is_repeated(self) -> bool {
        self.runs > 1 || self.warmup > 0
    }
}

/// What a series runs: the pairs of a flat mode (the mode is the spec's),
/// or a scenario.
#[derive(Debug, Clone)]
pub enum Subject {
    Flat(Arc<Plan>),
    Scenario(Arc<Scenario>),
}

impl Subject {
    /// Runs it once.
    pub fn run(&self, spec: &RunSpec, sink: Arc<dyn EventSink>) -> Result<Report, RunError> {
        match self {
            Subject::Flat(plan) => run(plan.clone(), spec, sink),
            Subject::Scenario(scenario) => run_scenario(scenario.clone(), spec, sink),
        }
    }

    /// How progress names it: the mode, or the scenario as written.
    pub fn label(&self, spec: &RunSpec) -> String {
        match self {
            Subject::Flat(_) => spec.mode.name().to_owned(),
            Subject::Scenario(scenario) => crate::measure::report::scenario_label(scenario),
        }
    }
}

/// Every counted run of one mode, and what they add up to.
#[derive(Debug, Clone)]
pub struct Measurement {
    mode: Option<Mode>,
    clock: Clock,
    expected: Duration,
    warmup: u32,
    runs: Vec<Report>,
    wall: Stats,
    /// A stop that ended the series after a run that is not kept.
    stopped: Option<StopReason>,
}

impl Measurement {
    /// The measurement of `first` and the `rest` of the counted runs (all
    /// of one mode), after `warmup` discarded runs. Taking the first run
    /// apart makes an empty measurement impossible to build.
    pub fn new(first: Report, rest: Vec<Report>, warmup: u32) -> Measurement {
        let mut runs = Vec::with_capacity(rest.len() + 1);
        runs.push(first);
        runs.extend(rest);
        let walls: Vec<Duration> = runs.iter().map(|r| r.wall).collect();
        let wall = Stats::of(&walls).unwrap_or_else(|| Stats::single(runs[0].wall));
        Measurement {
            mode: runs[0].mode,
            clock: runs[0].clock,
            expected: runs[0].expected,
            warmup,
            wall,
            runs,
            stopped: None,
        }
    }

    /// The flat mode measured, or `None` for a scenario.
    pub fn mode(&self) -> Option<Mode> {
        self.mode
    }

    /// What was measured, in a word or a line (see [`Report::label`]).
    pub fn label(&self) -> std::borrow::Cow<'static, str> {
        self.first().label()
    }

    pub fn clock(&self) -> Clock {
        self.clock
    }

    /// What one run should take on a perfect clock.
    pub fn expected(&self) -> Duration {
        self.expected
    }

    /// Why the expected wall is what it is ("the longest delay").
    pub fn expected_rule(&self) -> &str {
        &self.first().expected_rule
    }

    /// Why the series was cut short, if a run was stopped early.
    pub fn interrupted(&self) -> Option<StopReason> {
        self.runs
            .iter()
            .find_map(|r| r.interrupted)
            .or(self.stopped)
    }

    /// How many runs were made first and not counted.
    pub fn warmup(&self) -> u32 {
        self.warmup
    }

    /// The counted runs, in the order they ran. Without
    /// [`Repeat::keep_pairs`], runs after the first hold no pair timings.
    pub fn runs(&self) -> &[Report] {
        &self.runs
    }

    /// How many pairs of the first counted run ended without saying their
    /// message: cancelled (a lost race, a timeout), failed or skipped. A
    /// mode that leaves pairs undone is not as fast as its wall suggests.
    pub fn undone(&self) -> usize {
        self.first()
            .pairs()
            .filter(|pair| !matches!(pair.status(), Status::Done | Status::Interrupted))
            .count()
    }

    /// The first counted run: the one shown live.
    pub fn first(&self) -> &Report {
        // `new` refuses an empty list of runs.
        &self.runs[0]
    }

    /// Min, median, mean ± σ and max of the counted runs' wall times.
    pub fn wall(&self) -> &Stats {
        &self.wall
    }

    /// The median wall: what `--check` and comparisons judge.
    pub fn median(&self) -> Duration {
        self.wall.median
    }

    /// Median minus expected wall: what the runtime and timer added.
    pub fn overhead(&self) -> SignedDuration {
        signed(self.wall.median) - signed(self.expected)
    }
}

/// Which run of a series is about to start, told to an observer (the
/// binary shows it on stderr when a person is watching); the library itself
/// prints nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Warm-up run `run` of `of` (from 1).
    Warmup { run: u32, of: u32 },
    /// Counted run `run` of `of` (from 1); run 1 is the live one.
    Counted { run: u32, of: u32 },
    /// The series is over (however it ended).
    Over,
}

/// Runs `plan` as `spec` says: `repeat.warmup` silent runs, then
/// `repeat.runs` counted ones, the first of them reporting to `live`.
pub fn measure(
    plan: &Arc<Plan>,
    spec: &RunSpec,
    repeat: Repeat,
    live: Arc<dyn EventSink>,
) -> Result<Measurement, RunError> {
    let subject = Subject::Flat(plan.clone());
    measure_observed(&subject, spec, repeat, live, &mut |_, _| {})
}

/// [`measure`] of any subject, telling `observe` (with the subject's
/// label) before each run and once at the end.
pub fn measure_observed(
    subject: &Subject,
    spec: &RunSpec,
    repeat: Repeat,
    live: Arc<dyn EventSink>,
    observe: &mut dyn FnMut(&str, Phase),
) -> Result<Measurement, RunError> {
    let label = subject.label(spec);
    let measured = series(subject, spec, repeat, live, &mut |phase| {
        observe(&label, phase)
    });
    observe(&label, Phase::Over);
    measured
}

fn series(
    subject: &Subject,
    spec: &RunSpec,
    repeat: Repeat,
    live: Arc<dyn EventSink>,
    observe: &mut dyn FnMut(Phase),
) -> Result<Measurement, RunError> {
    let silent: Arc<dyn EventSink> = Arc::new(Silent);
    let runs = repeat.runs.max(1);
    for done in 0..repeat.warmup {
        observe(Phase::Warmup {
            run: done + 1,
            of: repeat.warmup,
        });
        let warmup = subject.run(spec, silent.clone())?;
        if warmup.interrupted.is_some() {
            // Stopped before anything was counted: the run cut short is
            // all there is to report.
            return Ok(Measurement::new(warmup, Vec::new(), done));
        }
    }
    observe(Phase::Counted { run: 1, of: runs });
    let first = subject.run(spec, live)?;
    if first.interrupted.is_some() {
        return Ok(Measurement::new(first, Vec::new(), repeat.warmup));
    }
    let mut rest = Vec::new();
    let mut stopped = None;
    for n in 2..=runs {
        observe(Phase::Counted { run: n, of: runs });
        let mut report = subject.run(spec, silent.clone())?;
        if report.interrupted.is_some() {
            stopped = report.interrupted;
            break;
        }
        if !repeat.keep_pairs {
            report.timings = Vec::new();
            report.groups = Vec::new();
            report.collected = Vec::new();
        }
        rest.push(report);
    }
    let mut measured = Measurement::new(first, rest, repeat.warmup);
    measured.stopped = stopped;
    Ok(measured)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::clock::Clock;

    fn plan() -> Arc<Plan> {
        let pairs = vec!["1:hello".parse().unwrap(), "2:world".parse().unwrap()];
        Arc::new(Plan::new(pairs).unwrap())
    }

    #[test]
    fn every_counted_run_is_kept_and_warmups_are_not() {
        let spec = RunSpec::new(Mode::Tasks, Clock::Virtual);
        let mut phases = Vec::new();
        let m = measure_observed(
            &Subject::Flat(plan()),
            &spec,
            Repeat::new(3, 2),
            Arc::new(Silent),
            &mut |_, phase| phases.push(phase),
        )
        .unwrap();
        assert_eq!(m.runs().len(), 3);
        assert_eq!(m.warmup(), 2);
        assert_eq!(m.wall().count, 3);
        assert_eq!(m.median(), Duration::from_secs(2));
        assert!(m.runs().iter().all(|r| r.timings.len() == 2));
        assert_eq!(
            phases,
            [
                Phase::Warmup { run: 1, of: 2 },
                Phase::Warmup { run: 2, of: 2 },
                Phase::Counted { run: 1, of: 3 },
                Phase::Counted { run: 2, of: 3 },
                Phase::Counted { run: 3, of: 3 },
                Phase::Over,
            ]
        );
    }

    #[test]
    fn without_keep_pairs_only_the_first_run_keeps_its_pairs() {
        let spec = RunSpec::new(Mode::Serial, Clock::Virtual);
        let repeat = Repeat {
            keep_pairs: false,
            ..Repeat::new(3, 0)
        };
        let m = measure(&plan(), &spec, repeat, Arc::new(Silent)).unwrap();
        let kept: Vec<usize> = m.runs().iter().map(|r| r.timings.len()).collect();
        assert_eq!(kept, [2, 0, 0]);
        assert_eq!(m.wall().count, 3, "every wall still counts");
        assert_eq!(m.wall().max, Duration::from_secs(3));
    }
}
