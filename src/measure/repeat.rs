//! Repeated runs of one mode (`--runs N`, `--warmup N`), measured the way
//! hyperfine measures a command: warm-up runs first, discarded; then the
//! counted runs, summarised by [`Stats`].
//!
//! Only the first counted run is watched live: its events go to the given
//! sink (the printer), every other run is silent. A reader sees the story
//! once, and the numbers of all runs. Only the first run's [`Report`] is
//! kept (every run's, when an output lists them all): of the others, the
//! wall alone, so a million runs cost 16 MB, not a gigabyte.
//!
//! A stop (Ctrl-C) ends the series, whenever it comes: the series listens
//! for one from its first run to its last, gaps included. A silent run cut
//! short is left out of the statistics (its wall measures the stop, not the
//! mode); a first run cut short is reported as it is, like a single run.
//! The measurement says how far the series got.

use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use jiff::SignedDuration;

use crate::engine::arithmetic::Schedule;
use crate::engine::clock::Clock;
use crate::engine::event::{EventSink, Silent};
use crate::engine::record::Timing;
use crate::engine::run_error::RunError;
use crate::engine::spec::RunSpec;
use crate::engine::stop::{Stop, StopReason};
use crate::measure::report::{Report, Status, signed};
use crate::measure::run::{run, run_scenario};
use crate::measure::stats::Stats;
use crate::scenario::command::Measured;
use crate::scenario::mode::Mode;
use crate::scenario::plan::Plan;
use crate::scenario::tree::Scenario;

/// The most runs (and warm-up runs) `--runs` and `--warmup` accept. A
/// series keeps each run's wall (16 bytes), so the statistics of the
/// longest series fit in 16 MB; and at a few microseconds a run on the
/// virtual clock, a million runs take seconds, not days.
pub const MAX_RUNS: u32 = 1_000_000;

/// How many times to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Repeat {
    /// Counted runs; at least one is always made.
    pub runs: u32,
    /// Runs made first and thrown away (caches, lazy initialisation).
    pub warmup: u32,
    /// Keep every counted run's pair timings (CSV lists every run's
    /// pairs). Either way only the first run's report is kept whole, and of
    /// the others their wall: a series costs one run's memory, plus 16
    /// bytes a run (and its pairs' timings, 16 bytes a pair, when kept).
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
    /// The runs asked for.
    asked: Repeat,
    /// Warm-up runs that ran to their end.
    warmup: u32,
    /// The first counted run: the one shown live.
    first: Report,
    /// What is kept of the other counted runs, with [`Repeat::keep_pairs`]:
    /// a whole report is ten times the size.
    others: Kept,
    /// Over every counted run, kept or not.
    wall: Stats,
    /// A stop that ended the series after a run that is not kept.
    stopped: Option<StopReason>,
    /// A scenario's command leaves, in command order: what each measured
    /// in every counted run it ran to its end in (see
    /// [`Measurement::leaf_stats`]). Empty without commands.
    leaves: Vec<Vec<Duration>>,
}

/// What each command leaf of `report` measured, added to `leaves`.
fn add_leaves(leaves: &mut Vec<Vec<Duration>>, report: &Report) {
    if report.commands.is_empty() {
        return;
    }
    leaves.resize_with(report.commands.len(), Vec::new);
    for (durations, run) in leaves.iter_mut().zip(&report.commands) {
        if let Some(run) = run
            && run.exit != crate::engine::command_run::Exit::Cancelled
            && report.interrupted.is_none()
        {
            durations.push(run.took);
        }
    }
}

/// The counted runs after the first, as kept for the outputs that list
/// every run (CSV): their walls and timings, the rest being the first
/// run's. One list for all of them rather than one per run: a run of one
/// pair costs its 16-byte wall and its 40-byte timing, not the ~110 bytes
/// a list per run took with its own allocation.
#[derive(Debug, Clone, Default)]
struct Kept {
    walls: Vec<Duration>,
    /// Every kept run's pair timings, run after run.
    timings: Vec<Timing>,
    /// Every kept run's group timings (scenarios only: a flat mode's one
    /// group is the run itself, and its CSV lists pairs only).
    groups: Vec<Timing>,
}

impl Kept {
    fn push(&mut self, report: Report) {
        self.walls.push(report.wall);
        self.timings.extend(report.timings);
        if report.mode.is_none() {
            self.groups.extend(report.groups);
        }
    }

    fn len(&self) -> usize {
        self.walls.len()
    }

    /// Run `n`'s wall, pair timings and group timings.
    fn get(&self, n: usize) -> Option<(Duration, &[Timing], &[Timing])> {
        let wall = *self.walls.get(n)?;
        let runs = self.walls.len();
        Some((
            wall,
            run_slice(&self.timings, n, runs),
            run_slice(&self.groups, n, runs),
        ))
    }
}

/// Run `n`'s part of `all`, which holds `runs` runs' equal parts in turn.
fn run_slice(all: &[Timing], n: usize, runs: usize) -> &[Timing] {
    let each = all.len() / runs;
    &all[n * each..(n + 1) * each]
}

/// Where a series was when a stop ended it (see [`Measurement::cut`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cut {
    /// In warm-up run `run` of `of` (from 1): no run was counted.
    Warmup { run: u32, of: u32 },
    /// After `completed` of `of` counted runs had run to their end; with
    /// none, the first run, cut short, is what there is.
    Runs { completed: u32, of: u32 },
}

impl Measurement {
    /// The measurement of `first` and the `rest` of the counted runs (all
    /// of one mode), after `warmup` discarded runs. Taking the first run
    /// apart makes an empty measurement impossible to build.
    pub fn new(first: Report, rest: Vec<Report>, warmup: u32) -> Measurement {
        let mut walls = vec![first.wall];
        walls.extend(rest.iter().map(|r| r.wall));
        let asked = Repeat::new(u32::try_from(walls.len()).unwrap_or(u32::MAX), warmup);
        let mut leaves = Vec::new();
        add_leaves(&mut leaves, &first);
        rest.iter()
            .for_each(|report| add_leaves(&mut leaves, report));
        let mut others = Kept::default();
        rest.into_iter().for_each(|report| others.push(report));
        Measurement::of_series(first, others, walls, asked, warmup, None, leaves)
    }

    /// `first`, what was kept of the `others`, the walls of every
    /// counted run, what was asked and how far it got.
    fn of_series(
        first: Report,
        others: Kept,
        walls: Vec<Duration>,
        asked: Repeat,
        warmup: u32,
        stopped: Option<StopReason>,
        leaves: Vec<Vec<Duration>>,
    ) -> Measurement {
        let wall = Stats::of_owned(walls).unwrap_or_else(|| Stats::single(first.wall));
        let mut measurement = Measurement {
            mode: first.mode,
            clock: first.clock,
            expected: first.expected,
            asked,
            warmup,
            wall,
            first,
            others,
            stopped,
            leaves,
        };
        // Repeated commands: what one run should take is worked out from
        // each leaf's median, not from the first run alone.
        if let Some((scenario, schedule)) = measurement.median_schedule() {
            measurement.expected = schedule.wall(&scenario);
        }
        measurement
    }

    /// Each command leaf's durations over the counted runs it ran to its
    /// end in, in command order (`None`: in none of them).
    pub fn leaf_stats(&self) -> Vec<Option<Stats>> {
        self.leaves
            .iter()
            .map(|durations| Stats::of_owned(durations.clone()))
            .collect()
    }

    /// With `--runs` and command leaves: the scenario with each command's
    /// median, and the arithmetic worked out from it (how it fails is the
    /// first counted run's).
    pub fn median_schedule(&self) -> Option<(Scenario, Schedule)> {
        if !self.is_repeated() || self.leaves.is_empty() {
            return None;
        }
        let first = &self.first;
        let measured: Vec<Option<Measured>> = self
            .leaf_stats()
            .into_iter()
            .zip(&first.commands)
            .map(|(stats, run)| {
                Some(Measured {
                    took: stats?.median,
                    failed: run.as_ref().is_some_and(|run| run.failed()),
                })
            })
            .collect();
        let scenario = first.scenario.with_measured(&measured);
        let schedule = Schedule::of(&scenario);
        Some((scenario, schedule))
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

    /// The earliest and latest wall one run may take, when tokio's work
    /// stealing decides it (a multi-thread runtime); `None` when certain.
    pub fn expected_bounds(&self) -> Option<crate::simulate::bounds::Range> {
        self.first().schedule.as_ref()?.wall_bounds()
    }

    /// Why the expected wall is what it is ("the longest delay").
    pub fn expected_rule(&self) -> &str {
        &self.first().expected_rule
    }

    /// Why the series was cut short, if a run was stopped early.
    pub fn interrupted(&self) -> Option<StopReason> {
        self.first.interrupted.or(self.stopped)
    }

    /// Where the series was when it was stopped, if it was.
    pub fn cut(&self) -> Option<Cut> {
        self.interrupted()?;
        if self.warmup < self.asked.warmup {
            return Some(Cut::Warmup {
                run: self.warmup + 1,
                of: self.asked.warmup,
            });
        }
        Some(Cut::Runs {
            completed: self.completed(),
            of: self.asked.runs,
        })
    }

    /// How many runs were made first and not counted (those that ran to
    /// their end).
    pub fn warmup(&self) -> u32 {
        self.warmup
    }

    /// The runs asked for: counted and warm-up.
    pub fn asked(&self) -> Repeat {
        self.asked
    }

    /// More than one plain run was asked for: the summary shows statistics.
    pub fn is_repeated(&self) -> bool {
        self.asked.is_repeated()
    }

    /// The counted runs the statistics cover: as many as were asked,
    /// unless the series was stopped (a first run cut short counts).
    pub fn counted(&self) -> u32 {
        u32::try_from(self.wall.count).unwrap_or(u32::MAX)
    }

    /// The counted runs that ran to their end.
    pub fn completed(&self) -> u32 {
        let first_cut = self.first().interrupted.is_some();
        self.counted() - u32::from(first_cut)
    }

    /// How many counted runs were kept: the first alone, unless
    /// [`Repeat::keep_pairs`] kept them all.
    pub fn kept_runs(&self) -> usize {
        1 + self.others.len()
    }

    /// Kept counted run `run` (from 0, the first) as a report: the first as
    /// it is; another rebuilt from its wall and timings, the rest (its
    /// timestamps, say) being the first run's, and for a flat mode without
    /// group timings. `None` when it was not kept.
    pub fn run(&self, run: usize) -> Option<Cow<'_, Report>> {
        let Some(other) = run.checked_sub(1) else {
            return Some(Cow::Borrowed(&self.first));
        };
        let (wall, timings, groups) = self.others.get(other)?;
        // Rebuilt only while an output writes it, then dropped: memory
        // stays at what was kept.
        let mut report = self.first.clone();
        report.wall = wall;
        report.interrupted = None;
        report.timings = timings.to_vec();
        report.groups = groups.to_vec();
        report.collected = Vec::new();
        Some(Cow::Owned(report))
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
        &self.first
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
    /// `None` when the series was stopped: a stopped mode is not measured
    /// against anything.
    pub fn overhead(&self) -> Option<SignedDuration> {
        match self.interrupted() {
            None => Some(signed(self.wall.median) - signed(self.expected)),
            Some(_) => None,
        }
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
    // Listening from the first run to the last: a Ctrl-C between two runs
    // (where a fast series spends most of its time) is noticed here
    // instead of ending the process with no report.
    let _listening = spec.stop.as_ref().map(Stop::listen);
    let asked_to_stop = || spec.stop.as_ref().and_then(Stop::reason);
    let silent: Arc<dyn EventSink> = Arc::new(Silent);
    let runs = repeat.runs.max(1);
    let asked = Repeat { runs, ..repeat };
    let mut warmups = 0;
    while warmups < repeat.warmup && asked_to_stop().is_none() {
        observe(Phase::Warmup {
            run: warmups + 1,
            of: repeat.warmup,
        });
        if subject.run(spec, silent.clone())?.interrupted.is_some() {
            break;
        }
        warmups += 1;
    }
    // Made even after a stop: the live view and the report need a run,
    // and a run asked to stop before it begins ends at once, every pair
    // interrupted.
    observe(Phase::Counted { run: 1, of: runs });
    let first = subject.run(spec, live)?;
    let mut walls = vec![first.wall];
    let mut leaves = Vec::new();
    add_leaves(&mut leaves, &first);
    let mut others = Kept::default();
    let mut stopped = None;
    if first.interrupted.is_none() {
        for n in 2..=runs {
            if let Some(reason) = asked_to_stop() {
                stopped = Some(reason);
                break;
            }
            observe(Phase::Counted { run: n, of: runs });
            let report = subject.run(spec, silent.clone())?;
            if report.interrupted.is_some() {
                stopped = report.interrupted;
                break;
            }
            walls.push(report.wall);
            add_leaves(&mut leaves, &report);
            if repeat.keep_pairs {
                others.push(report);
            }
        }
    }
    Ok(Measurement::of_series(
        first, others, walls, asked, warmups, stopped, leaves,
    ))
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
        assert_eq!(m.kept_runs(), 3);
        assert_eq!(m.warmup(), 2);
        assert_eq!(m.wall().count, 3);
        assert_eq!(m.median(), Duration::from_secs(2));
        assert!((0..3).all(|run| m.run(run).unwrap().timings.len() == 2));
        let second = m.run(1).unwrap();
        let second: Vec<_> = second.pairs().map(|p| p.finished()).collect();
        assert_eq!(
            second,
            [Some(Duration::from_secs(1)), Some(Duration::from_secs(2))]
        );
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
        assert_eq!(m.kept_runs(), 1, "only the first run's report is kept");
        assert_eq!(m.run(0).unwrap().timings.len(), 2);
        assert!(m.run(1).is_none());
        assert_eq!(m.wall().count, 3, "every wall still counts");
        assert_eq!(m.wall().max, Duration::from_secs(3));
        assert_eq!(m.wall().total, Duration::from_secs(9));
    }

    /// Asks `stop` when the series reaches `at`, between two runs: no run
    /// is listening then, only the series. Returns the measurement and
    /// whether the request was taken.
    fn stopped_at(at: Phase, repeat: Repeat) -> (Measurement, bool) {
        let stop = Stop::new();
        let spec = RunSpec::new(Mode::Serial, Clock::Virtual).with_stop(stop.clone());
        let mut taken = false;
        let subject = Subject::Flat(plan());
        let m = measure_observed(
            &subject,
            &spec,
            repeat,
            Arc::new(Silent),
            &mut |_, phase| {
                if phase == at {
                    taken = stop.request(StopReason::Interrupt);
                }
            },
        )
        .unwrap();
        (m, taken)
    }

    #[test]
    fn a_stop_between_two_runs_ends_the_series_with_what_was_counted() {
        let (m, taken) = stopped_at(Phase::Counted { run: 3, of: 5 }, Repeat::new(5, 1));
        assert!(taken, "the series was listening between its runs");
        assert_eq!(m.interrupted(), Some(StopReason::Interrupt));
        assert_eq!((m.counted(), m.completed(), m.warmup()), (2, 2, 1));
        assert_eq!(
            m.cut(),
            Some(Cut::Runs {
                completed: 2,
                of: 5
            })
        );
        assert_eq!(m.median(), Duration::from_secs(3));
        assert_eq!(m.overhead(), None, "a stopped mode has no overhead");
    }

    #[test]
    fn a_stop_in_the_warmup_counts_nothing() {
        let (m, taken) = stopped_at(Phase::Warmup { run: 2, of: 3 }, Repeat::new(5, 3));
        assert!(taken);
        assert_eq!(m.cut(), Some(Cut::Warmup { run: 2, of: 3 }));
        assert_eq!((m.counted(), m.completed(), m.warmup()), (1, 0, 1));
        // The first run was asked to stop before it began.
        assert_eq!(m.first().interrupted, Some(StopReason::Interrupt));
        assert_eq!(m.first().wall, Duration::ZERO);
    }

    #[test]
    fn a_first_run_stopped_at_once_is_what_there_is() {
        let (m, _) = stopped_at(Phase::Counted { run: 1, of: 4 }, Repeat::new(4, 0));
        assert_eq!(
            m.cut(),
            Some(Cut::Runs {
                completed: 0,
                of: 4
            })
        );
        assert_eq!((m.counted(), m.completed()), (1, 0));
        let (m, _) = stopped_at(Phase::Over, Repeat::new(4, 0));
        assert_eq!(m.cut(), None, "a stop after the last run cuts nothing");
        assert_eq!(m.counted(), 4);
    }
}
