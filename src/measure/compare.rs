//! `saywhen compare`: the same plan in several modes, one mode after
//! another, measured alike, so the lesson shows at a glance: serial takes
//! the sum of the delays, the concurrent modes only the longest.
//!
//! A [`Comparison`] keeps everything: the plan, and for each mode its
//! [`Measurement`] (every counted [`Report`](crate::Report) and the wall
//! statistics). Renderers draw tables and timelines from it; nothing here
//! formats anything.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use saywhen::measure::compare::{DEFAULT_MODES, compare};
//! use saywhen::{Clock, Mode, Plan, Repeat, RunSpec, Silent};
//!
//! let plan = Arc::new(Plan::new(vec!["1:hello".parse()?, "2:world".parse()?])?);
//! // The spec's mode is replaced by each compared mode in turn.
//! let base = RunSpec::new(Mode::Serial, Clock::Virtual);
//! let repeat = Repeat::new(3, 0);
//! let c = compare(&plan, &base, &DEFAULT_MODES, repeat, Arc::new(Silent))?;
//! let serial = c.serial().expect("serial was compared");
//! assert_eq!(serial.median(), Duration::from_secs(3));
//! assert_eq!(c.fastest().and_then(|m| m.mode()), Some(Mode::Tasks));
//! assert_eq!(c.speedup_vs_serial(&c.modes[2]), Some(1.5)); // gather
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

use crate::engine::clock::Clock;
use crate::engine::event::EventSink;
use crate::engine::feasible::SpecError;
use crate::engine::run_error::RunError;
use crate::engine::spec::RunSpec;
use crate::engine::stop::{Stop, StopReason};
use crate::measure::repeat::{Measurement, Phase, Repeat, Subject, measure_observed};
use crate::scenario::mode::{Deadlines, Mode};
use crate::scenario::plan::Plan;
use crate::scenario::tree::Scenario;

/// The modes compared when `--modes` is not given: the tutorial's three.
pub const DEFAULT_MODES: [Mode; 3] = [Mode::Serial, Mode::Tasks, Mode::Gather];

/// Why no comparison could be made.
#[derive(Debug, thiserror::Error)]
pub enum CompareError {
    #[error("none of the chosen modes can run as asked: {0}")]
    NothingRuns(SpecError),
    #[error(transparent)]
    Run(#[from] RunError),
}

/// One plan, measured in each of several modes.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub plan: Arc<Plan>,
    pub clock: Clock,
    pub repeat: Repeat,
    /// One measurement per mode, in the order the modes ran.
    pub modes: Vec<Measurement>,
    /// Modes asked for that cannot run with this clock and these options,
    /// and why (see [`feasible`](crate::engine::feasible)).
    pub skipped: Vec<(Mode, SpecError)>,
    /// What could run but did not, because a stop ended the comparison
    /// first: modes, or scenarios as written.
    pub not_run: Vec<String>,
}

/// Splits `modes` into the specs that can run (`base` with each mode) and
/// the modes that cannot, with the reason. The one place that decides: it
/// asks [`RunSpec::check`], so a new mode or option is judged here the
/// same way as for a single run (a blocking mode on the virtual clock, say).
pub fn feasible(base: &RunSpec, modes: &[Mode]) -> (Vec<RunSpec>, Vec<(Mode, SpecError)>) {
    let mut runnable = Vec::new();
    let mut skipped = Vec::new();
    for &mode in modes {
        let mut spec = base.clone();
        spec.mode = mode;
        // `--deadlines` is serial's: the other modes sleep once per pair,
        // from the start, so they run alongside unchanged.
        if mode != Mode::Serial {
            spec.deadlines = Deadlines::Relative;
        }
        match spec.check() {
            Ok(()) => runnable.push(spec),
            Err(reason) => skipped.push((mode, reason)),
        }
    }
    (runnable, skipped)
}

/// Runs `plan` in each of `modes` (with `base`'s other settings), one after
/// another, skipping those that cannot run (see [`feasible`]). The first
/// counted run of each mode reports to `live`, which is dropped on return
/// (a printer waits for every sink to be gone). A stop ends the
/// comparison: the modes measured so far are returned (the last one cut
/// short), and those left are listed as not run.
pub fn compare(
    plan: &Arc<Plan>,
    base: &RunSpec,
    modes: &[Mode],
    repeat: Repeat,
    live: Arc<dyn EventSink>,
) -> Result<Comparison, CompareError> {
    compare_observed(plan, base, modes, repeat, live, &mut |_, _| {})
}

/// [`compare`], telling `observe` before each run of each mode (see
/// [`measure_observed`]).
pub fn compare_observed(
    plan: &Arc<Plan>,
    base: &RunSpec,
    modes: &[Mode],
    repeat: Repeat,
    live: Arc<dyn EventSink>,
    observe: &mut dyn FnMut(&str, Phase),
) -> Result<Comparison, CompareError> {
    let (runnable, mut skipped) = feasible(base, modes);
    if runnable.is_empty() {
        return match skipped.pop() {
            Some((_, reason)) => Err(CompareError::NothingRuns(reason)),
            None => Ok(Comparison {
                plan: plan.clone(),
                clock: base.clock,
                repeat,
                modes: Vec::new(),
                skipped,
                not_run: Vec::new(),
            }),
        };
    }
    // Listening from the first mode to the last, gaps included (see
    // `measure_observed`).
    let _listening = base.stop.as_ref().map(Stop::listen);
    let mut measured: Vec<Measurement> = Vec::with_capacity(runnable.len());
    let mut not_run = Vec::new();
    let subject = Subject::Flat(plan.clone());
    for spec in runnable {
        if measured.iter().any(|m| m.interrupted().is_some()) {
            not_run.push(spec.mode.name().to_owned());
            continue;
        }
        measured.push(measure_observed(
            &subject,
            &spec,
            repeat,
            live.clone(),
            observe,
        )?);
    }
    Ok(Comparison {
        plan: plan.clone(),
        clock: base.clock,
        repeat,
        modes: measured,
        skipped,
        not_run,
    })
}

/// Runs each of `scenarios` in turn (with `base`'s clock and runtime) and
/// compares them: `saywhen run A B`, "waterfall vs parallel". The plan of
/// the comparison is the first scenario's.
pub fn compare_scenarios(
    scenarios: &[Arc<Scenario>],
    base: &RunSpec,
    repeat: Repeat,
    live: Arc<dyn EventSink>,
    observe: &mut dyn FnMut(&str, Phase),
) -> Result<Comparison, CompareError> {
    let _listening = base.stop.as_ref().map(Stop::listen);
    let mut measured: Vec<Measurement> = Vec::with_capacity(scenarios.len());
    let mut not_run = Vec::new();
    for scenario in scenarios {
        let subject = Subject::Scenario(scenario.clone());
        if measured.iter().any(|m| m.interrupted().is_some()) {
            not_run.push(subject.label(base));
            continue;
        }
        measured.push(measure_observed(
            &subject,
            base,
            repeat,
            live.clone(),
            observe,
        )?);
    }
    Ok(Comparison {
        plan: scenarios
            .first()
            .map_or_else(|| Arc::new(Plan::default()), |s| s.plan().clone()),
        clock: base.clock,
        repeat,
        modes: measured,
        skipped: Vec::new(),
        not_run,
    })
}

impl Comparison {
    /// Why the comparison was cut short, if a run was stopped early.
    pub fn interrupted(&self) -> Option<StopReason> {
        self.modes.iter().find_map(Measurement::interrupted)
    }

    /// The mode with the shortest median wall (the first of equals) among
    /// those that saw every pair through. race cancels all pairs but one:
    /// ranking it fastest would compare less work with more. When every
    /// mode left pairs undone (a `--timeout`, say), all of them rank. A mode
    /// stopped early (Ctrl-C) never does: its wall ends at the stop.
    pub fn fastest(&self) -> Option<&Measurement> {
        let ranked = self.ranked();
        self.modes
            .iter()
            .filter(|m| ranked(m))
            .min_by_key(|m| m.median())
    }

    /// Whether `m` is ranked against the fastest (see [`Comparison::fastest`]).
    pub fn ranked(&self) -> impl Fn(&Measurement) -> bool + use<> {
        // Scenarios cut pairs short by design (a timeout, a failure): each
        // is ranked as written. A mode stopped early (Ctrl-C) never is.
        let scenarios = self.modes.iter().any(|m| m.mode().is_none());
        let all_undone = self
            .modes
            .iter()
            .filter(|m| m.interrupted().is_none())
            .all(|m| m.undone() > 0);
        move |m| m.interrupted().is_none() && (scenarios || all_undone || m.undone() == 0)
    }

    /// What the others are measured against: the serial mode's
    /// measurement, if serial was compared; for scenarios, the first.
    pub fn serial(&self) -> Option<&Measurement> {
        match self.modes.first()?.mode() {
            None => self.modes.first(),
            Some(_) => self.modes.iter().find(|m| m.mode() == Some(Mode::Serial)),
        }
    }

    /// How many times faster than serial `m` ran (serial's median wall over
    /// `m`'s); `None` without serial, when either was stopped early, or
    /// when a wall is zero.
    pub fn speedup_vs_serial(&self, m: &Measurement) -> Option<f64> {
        let serial = self.serial()?;
        match (serial.interrupted(), m.interrupted()) {
            (None, None) => ratio(serial, m),
            _ => None,
        }
    }

    /// How many times the fastest mode's median wall `m` took (1 for the
    /// fastest), like hyperfine's "relative" column; `None` when a wall is
    /// zero, for a mode stopped early, or for a mode that left pairs undone
    /// while others did not.
    pub fn relative_to_fastest(&self, m: &Measurement) -> Option<f64> {
        match self.ranked()(m) {
            true => ratio(m, self.fastest()?),
            false => None,
        }
    }
}

/// `a`'s median wall over `b`'s.
fn ratio(a: &Measurement, b: &Measurement) -> Option<f64> {
    let (a, b) = (a.median().as_secs_f64(), b.median().as_secs_f64());
    (a > 0.0 && b > 0.0).then(|| a / b)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::engine::event::Silent;

    fn plan() -> Arc<Plan> {
        let pairs = vec!["1:hello".parse().unwrap(), "2:world".parse().unwrap()];
        Arc::new(Plan::new(pairs).unwrap())
    }

    #[test]
    fn serial_is_the_sum_and_the_others_the_longest() {
        let silent: Arc<dyn EventSink> = Arc::new(Silent);
        let spec = RunSpec::new(Mode::Serial, Clock::Virtual);
        let repeat = Repeat::new(3, 1);
        let c = compare(&plan(), &spec, &DEFAULT_MODES, repeat, silent).unwrap();
        let medians: Vec<Duration> = c.modes.iter().map(Measurement::median).collect();
        assert_eq!(
            medians,
            [3, 2, 2].map(Duration::from_secs),
            "serial, tasks, gather"
        );
        assert!(c.modes.iter().all(|m| m.kept_runs() == 3));
        assert_eq!(c.fastest().unwrap().mode(), Some(Mode::Tasks));
        assert_eq!(c.speedup_vs_serial(&c.modes[2]), Some(1.5));
        assert_eq!(c.relative_to_fastest(&c.modes[0]), Some(1.5));
        assert_eq!(c.relative_to_fastest(&c.modes[1]), Some(1.0));
    }

    /// race's 1 s beat everyone's 2 s by cancelling the 2 s pair: it was
    /// ranked fastest, and every other mode 2.00× slower than it.
    #[test]
    fn a_mode_that_cancels_pairs_is_not_ranked_fastest() {
        let base = RunSpec::new(Mode::Serial, Clock::Virtual);
        let modes = [Mode::Serial, Mode::Tasks, Mode::Race];
        let c = compare(&plan(), &base, &modes, Repeat::default(), Arc::new(Silent)).unwrap();
        let race = &c.modes[2];
        assert_eq!(race.undone(), 1);
        assert_eq!(c.fastest().and_then(Measurement::mode), Some(Mode::Tasks));
        assert_eq!(c.relative_to_fastest(&c.modes[1]), Some(1.0));
        assert_eq!(c.relative_to_fastest(race), None);
    }

    #[test]
    fn a_stopped_mode_has_no_rank_and_the_rest_do_not_run() {
        let stop = Stop::new();
        let spec = RunSpec::new(Mode::Serial, Clock::Virtual).with_stop(stop.clone());
        let silent: Arc<dyn EventSink> = Arc::new(Silent);
        // Between tasks' first and second runs, when no run is listening.
        let mut observe = |label: &str, phase| {
            if (label, phase) == ("tasks", Phase::Counted { run: 2, of: 3 }) {
                assert!(stop.request(StopReason::Terminate));
            }
        };
        let repeat = Repeat::new(3, 0);
        let c =
            compare_observed(&plan(), &spec, &DEFAULT_MODES, repeat, silent, &mut observe).unwrap();
        assert_eq!(c.interrupted(), Some(StopReason::Terminate));
        let [serial, tasks] = &c.modes[..] else {
            panic!("{:?}", c.modes);
        };
        assert_eq!(c.not_run, ["gather"]);
        assert_eq!(tasks.interrupted(), Some(StopReason::Terminate));
        assert_eq!(tasks.completed(), 1);
        // Tasks' one run (2 s) beats serial's (3 s), but it was stopped.
        assert_eq!(c.fastest().and_then(Measurement::mode), Some(Mode::Serial));
        assert_eq!(c.relative_to_fastest(tasks), None);
        assert_eq!(c.speedup_vs_serial(tasks), None);
        assert_eq!(tasks.overhead(), None);
        assert_eq!(c.relative_to_fastest(serial), Some(1.0));
        assert_eq!(c.speedup_vs_serial(serial), Some(1.0));
    }

    #[test]
    fn without_serial_there_is_no_speedup_vs_serial() {
        let silent: Arc<dyn EventSink> = Arc::new(Silent);
        let spec = RunSpec::new(Mode::Serial, Clock::Virtual);
        let c = compare(&plan(), &spec, &[Mode::Gather], Repeat::default(), silent).unwrap();
        assert_eq!(c.modes.len(), 1);
        assert_eq!(c.speedup_vs_serial(&c.modes[0]), None);
        assert_eq!(c.relative_to_fastest(&c.modes[0]), Some(1.0));
    }

    #[test]
    fn absolute_deadlines_are_serials_and_skip_no_mode() {
        let mut spec = RunSpec::new(Mode::Serial, Clock::Virtual);
        spec.deadlines = Deadlines::Absolute;
        let modes = [Mode::Serial, Mode::Tasks, Mode::Race];
        let (runnable, skipped) = feasible(&spec, &modes);
        assert!(skipped.is_empty(), "{skipped:?}");
        let deadlines: Vec<Deadlines> = runnable.iter().map(|s| s.deadlines).collect();
        assert_eq!(
            deadlines,
            [
                Deadlines::Absolute,
                Deadlines::Relative,
                Deadlines::Relative
            ]
        );
    }

    #[test]
    fn modes_that_cannot_run_are_skipped_with_the_reason() {
        // A limit holds back async waits; a blocking sleep cannot be.
        let mut spec = RunSpec::new(Mode::Serial, Clock::Virtual);
        spec.limit = std::num::NonZeroUsize::new(1);
        let (runnable, skipped) = feasible(&spec, &Mode::ALL);
        assert!(runnable.iter().all(|s| !s.mode.is_blocking()));
        let blocking: Vec<Mode> = skipped.iter().map(|(mode, _)| *mode).collect();
        assert_eq!(
            blocking,
            [Mode::Blocking, Mode::SpawnBlocking, Mode::Threads]
        );
        let silent: Arc<dyn EventSink> = Arc::new(Silent);
        let err = compare(&plan(), &spec, &[Mode::Threads], Repeat::default(), silent).unwrap_err();
        assert!(err.to_string().contains("--limit"), "{err}");
    }

    /// On the virtual clock the blocking modes run too, played by the
    /// event-loop model: the lesson's three walls, instantly.
    #[test]
    fn every_mode_runs_on_the_virtual_clock() {
        let spec = RunSpec::new(Mode::Serial, Clock::Virtual);
        let (runnable, skipped) = feasible(&spec, &Mode::ALL);
        assert!(skipped.is_empty(), "{skipped:?}");
        assert_eq!(runnable.len(), Mode::ALL.len());
    }
}
