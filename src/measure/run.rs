//! The runner: one run of a plan (one mode, one clock) or of a scenario,
//! from the `started at` line to the report. Two entry points: [`run`]
//! builds its own runtime (what the binary uses); [`run_async`] runs on a
//! runtime the caller already has. It sits above what it runs: the modes
//! (`src/mode/`) and the engine's recorder and events they write into.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::Either;
use jiff::{SignedDuration, ZonedDateTime};
use tokio::runtime::Handle;

use crate::engine::arithmetic::Schedule;
use crate::engine::clock::Clock;
use crate::engine::command_run::{CommandRun, Exit};
use crate::engine::event::{Event, EventSink};
use crate::engine::record::{FlushOnPark, Recorder, Timing};
use crate::engine::run_error::RunError;
use crate::engine::runtime::{self, Flavor, RuntimeInfo};
use crate::engine::schedule::{self, Expectation};
use crate::engine::spec::RunSpec;
use crate::engine::wall_clock;
use crate::measure::report::Report;
use crate::mode::{Work, simulated};
use crate::scenario::command::Measured;
use crate::scenario::mode::{Deadlines, Mode};
use crate::scenario::plan::Plan;
use crate::scenario::tree::Scenario;

/// Runs `plan` as `spec` says, on a new runtime, blocking until done.
///
/// Fails with [`RunError::NestedRuntime`] when called from inside a tokio
/// runtime, where blocking would panic; call [`run_async`] there instead.
pub fn run(plan: Arc<Plan>, spec: &RunSpec, sink: Arc<dyn EventSink>) -> Result<Report, RunError> {
    refuse_nesting()?;
    spec.check()?;
    let scenario = Arc::new(Scenario::flat(spec.mode, plan));
    let park = batches(&scenario).then(FlushOnPark::default);
    let run = run_tree(scenario, spec, sink, Some(spec.mode), park.clone());
    block_on(spec, false, park, run)
}

/// Runs `scenario` on a new runtime, blocking until done; `spec` gives the
/// clock and the runtime (its `mode`, and the options that shape a flat
/// mode's pairs, are not for scenarios: see [`RunSpec::check_scenario`]).
pub fn run_scenario(
    scenario: Arc<Scenario>,
    spec: &RunSpec,
    sink: Arc<dyn EventSink>,
) -> Result<Report, RunError> {
    refuse_nesting()?;
    spec.check_scenario(&scenario)?;
    let io = scenario.runs_commands();
    let park = batches(&scenario).then(FlushOnPark::default);
    let run = run_tree(scenario, spec, sink, None, park.clone());
    block_on(spec, io, park, run)
}

/// Whether a run of `scenario` on a runtime of its own batches its events
/// (see [`Recorder::batched`]): only if every leaf sleeps on the timer, so
/// no thread is ever held while a said message waits.
fn batches(scenario: &Scenario) -> bool {
    !scenario.blocks() && !scenario.runs_commands()
}

/// `block_on` inside a runtime would panic ("Cannot start a runtime from
/// within a runtime"): ask first, and say so instead.
fn refuse_nesting() -> Result<(), RunError> {
    match Handle::try_current() {
        Ok(_) => Err(RunError::NestedRuntime),
        Err(_) => Ok(()),
    }
}

fn block_on(
    spec: &RunSpec,
    io: bool,
    park: Option<FlushOnPark>,
    run: impl Future<Output = Result<Report, RunError>>,
) -> Result<Report, RunError> {
    let runtime = runtime::build(spec, io, park)?;
    let report = runtime.block_on(run);
    // After a stop (Ctrl-C), blocking sleeps may still be running on their
    // threads; dropping the runtime would wait for them. The report is
    // ready, so leave them behind.
    runtime.shutdown_background();
    report
}

/// Runs `plan` as `spec` says, on the current tokio runtime.
///
/// `spec.clock` names the clock the caller's runtime uses (a paused runtime
/// is [`Clock::Virtual`](crate::engine::clock::Clock::Virtual)); it labels
/// the report, it does not change the runtime.
pub async fn run_async(
    plan: Arc<Plan>,
    spec: &RunSpec,
    sink: Arc<dyn EventSink>,
) -> Result<Report, RunError> {
    spec.check()?;
    let scenario = Arc::new(Scenario::flat(spec.mode, plan));
    run_tree(scenario, spec, sink, Some(spec.mode), None).await
}

/// Runs `scenario` on the current tokio runtime; see [`run_async`]. A
/// scenario with command leaves needs the runtime's IO driver (built with
/// `enable_io` or `enable_all`): its commands' pipes are read on it.
pub async fn run_scenario_async(
    scenario: Arc<Scenario>,
    spec: &RunSpec,
    sink: Arc<dyn EventSink>,
) -> Result<Report, RunError> {
    spec.check_scenario(&scenario)?;
    run_tree(scenario, spec, sink, None, None).await
}

/// The one engine: a flat mode (`mode`) is a one-level scenario.
async fn run_tree(
    scenario: Arc<Scenario>,
    spec: &RunSpec,
    sink: Arc<dyn EventSink>,
    mode: Option<Mode>,
    park: Option<FlushOnPark>,
) -> Result<Report, RunError> {
    let clock = spec.clock;
    let plan = scenario.plan().clone();
    let runtime = RuntimeInfo::current();
    // A flat mode keeps its rule of thumb (and honours --limit, --timeout
    // and the runtime); a scenario gets the arithmetic, node by node.
    let (expected, schedule) = match mode {
        Some(_) => (flat_expectation(&scenario, spec, runtime), None),
        None => {
            let schedule = schedule_on(&scenario, runtime);
            let expected = Expectation {
                wall: schedule.wall(&scenario),
                rule: schedule.rule(&scenario),
            };
            (expected, Some(Arc::new(schedule)))
        }
    };
    let started_at = wall_clock::now();
    let command_pairs = scenario.commands().iter().map(|c| c.pair).collect();
    let recorder =
        Recorder::with_commands(plan.len(), scenario.groups().len(), command_pairs, sink);
    let recorder = match &park {
        Some(park) => recorder.batched(park),
        None => recorder,
    };
    let work = Work::new(scenario.clone(), recorder.clone(), spec);
    let (_, reaper) = work.commands();
    if scenario.runs_commands() {
        crate::engine::process_group::adopt_orphans();
    }
    // What blocks cannot sleep on the virtual clock: the model plays it.
    let work = match clock == Clock::Virtual && scenario.blocks() {
        true => Either::Left(async move { simulated::run(&work).await }),
        false => Either::Right(work.run(scenario.root())),
    };
    // Racing the stop drops the root's future the moment it is asked, and
    // with it gather's sleeps. Spawned tasks are aborted with their
    // handles, and a current-thread runtime (what `run` builds) polls none
    // of them between here and the snapshot below.
    //
    // The race (which starts listening for a stop when it is created) is
    // set up before the `started` line goes out: a Ctrl-C sent right after
    // that line must find a run listening, or the signal handler, seeing
    // nobody to stop, would end the process without a report.
    let work = match &spec.stop {
        Some(stop) => Either::Left(stop.race(work)),
        None => Either::Right(work.map(Ok)),
    };
    recorder.emit(Event::Started {
        mode,
        scenario: scenario.clone(),
        clock,
        at: started_at.clone(),
        pairs: plan.len(),
        expected: expected.wall,
    });
    let interrupted = match work.await {
        Ok(result) => result.map(|_| None).map_err(|e| *e)?,
        Err(reason) => Some(reason),
    };
    let wall = recorder.elapsed();
    // Every process group a command left is gone before the report: a
    // cancelled command had SIGTERM, and gets SIGKILL at the end of its
    // grace.
    reaper.finish().await;
    let finished_at = after(&started_at, wall);
    recorder.emit(match interrupted {
        None => Event::Finished {
            at: finished_at.clone(),
            wall,
        },
        Some(by) => Event::Interrupted {
            by,
            at: finished_at.clone(),
            wall,
        },
    });
    recorder.close();
    let stopped = interrupted.map(|_| wall);
    let commands = recorder.command_runs();
    // A command's length is known now: the arithmetic is worked out
    // again from what each one measured.
    let (scenario, plan, expected, schedule) = match scenario.runs_commands() {
        false => (scenario, plan, expected, schedule),
        true => {
            let measured = measured(&commands, stopped);
            let scenario = Arc::new(scenario.with_measured(&measured));
            let schedule = schedule_on(&scenario, runtime);
            let expected = Expectation {
                wall: schedule.wall(&scenario),
                rule: schedule.rule(&scenario),
            };
            let plan = scenario.plan().clone();
            (scenario, plan, expected, Some(Arc::new(schedule)))
        }
    };
    Ok(Report {
        commands,
        mode,
        clock,
        started_at,
        finished_at,
        expected: expected.wall,
        expected_rule: expected.rule,
        wall,
        timings: until(recorder.timings(), stopped),
        groups: until(recorder.group_timings(), stopped),
        collected: recorder.collection_order(),
        runtime,
        timeout: spec.timeout,
        limit: spec.limit,
        deadlines: spec.deadlines,
        plan,
        scenario,
        schedule,
        interrupted,
        figures: Default::default(),
    })
}

/// The expected schedule of `scenario` on the runtime that runs it: on
/// several workers, bracketed where work stealing decides.
fn schedule_on(scenario: &Scenario, runtime: RuntimeInfo) -> Schedule {
    match runtime.flavor {
        Flavor::CurrentThread => Schedule::of(scenario),
        Flavor::MultiThread => Schedule::on_workers(scenario, runtime.workers),
    }
}

/// A flat mode's rule of thumb (counted on tokio's timer), checked against
/// the model of the event loop where the model covers the run and can
/// differ: a mode that blocks, with no `--limit`, `--timeout` or absolute
/// deadlines, and one thread or none held. Where they differ the model is
/// right, and says so. A mode that only sleeps needs no model: its rule,
/// counted on the timer's steps, is what the model says (a property test
/// below), and a million pairs are spared simulating.
fn flat_expectation(scenario: &Scenario, spec: &RunSpec, runtime: RuntimeInfo) -> Expectation {
    let mut expected = schedule::expect(scenario.plan(), spec, runtime);
    let plain =
        spec.limit.is_none() && spec.timeout.is_none() && spec.deadlines == Deadlines::Relative;
    let modelled = runtime.workers <= 1 || spec.mode == Mode::Threads;
    if plain && modelled && scenario.blocks() {
        let wall = crate::simulate::wall(scenario);
        if wall != expected.wall {
            expected.rule = format!(
                "{}; the event-loop model says {}",
                expected.rule,
                crate::scenario::units::human(wall)
            );
            expected.wall = wall;
        }
    }
    expected
}

/// What each command measured, for the arithmetic: those that ran to
/// their end (and, in a stopped run, ended before the stop).
fn measured(runs: &[Option<CommandRun>], stopped: Option<Duration>) -> Vec<Option<Measured>> {
    runs.iter()
        .map(|run| {
            let run = run.as_ref()?;
            if run.exit == Exit::Cancelled || stopped.is_some_and(|stop| run.took > stop) {
                return None;
            }
            Some(Measured {
                took: run.took,
                failed: run.failed(),
            })
        })
        .collect()
}

/// The record as of `stop`, when the run was stopped: on a multi-thread
/// runtime, or in an OS thread, a pair may still end between the stop and
/// the snapshot, and the report describes the run up to its stop.
fn until(mut timings: Vec<Timing>, stop: Option<Duration>) -> Vec<Timing> {
    if let Some(stop) = stop {
        for timing in timings.iter_mut().filter(|t| t.ended() > Some(stop)) {
            *timing = timing.unended();
        }
    }
    timings
}

/// The wall-clock time `elapsed` after `start`. Under the virtual clock this
/// is the real start plus virtual time, as the report promises.
fn after(start: &ZonedDateTime, elapsed: std::time::Duration) -> ZonedDateTime {
    SignedDuration::try_from(elapsed)
        .ok()
        .and_then(|d| start.checked_add(d).ok())
        .unwrap_or_else(|| start.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::clock::Clock;
    use crate::engine::runtime::Flavor;
    use crate::scenario::pair::Pair;
    use proptest::prelude::*;

    proptest! {
        /// A flat mode that only sleeps skips the model: its rule of thumb,
        /// counted on the timer's steps, says what the model says, whatever
        /// the delays (fractions of a step, zero, equal ones).
        #[test]
        fn a_sleeping_modes_rule_is_the_models_wall(
            mode in prop::sample::select(vec![
                Mode::Serial, Mode::Tasks, Mode::Gather, Mode::Joinset, Mode::Race,
            ]),
            micros in prop::collection::vec(
                prop_oneof![Just(0u64), 0u64..5_000, (0u64..5).prop_map(|ms| ms * 1000)],
                1..12,
            ),
        ) {
            let pairs = micros
                .iter()
                .enumerate()
                .map(|(i, &us)| Pair::new(Duration::from_micros(us), format!("m{i}")))
                .collect();
            let plan = Arc::new(Plan::new(pairs).unwrap());
            let scenario = Scenario::flat(mode, plan.clone());
            prop_assume!(!scenario.blocks());
            let spec = RunSpec::new(mode, Clock::Virtual);
            let runtime = RuntimeInfo { flavor: Flavor::CurrentThread, workers: 1 };
            let rule = schedule::expect(&plan, &spec, runtime);
            prop_assert_eq!(rule.wall, crate::simulate::wall(&scenario));
            prop_assert_eq!(flat_expectation(&scenario, &spec, runtime), rule);
        }
    }
}
