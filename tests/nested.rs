//! A runtime inside a runtime. tokio panics with "Cannot start a runtime
//! from within a runtime" when `block_on` is called on a runtime's thread
//! (Python: "asyncio.run() cannot be called from a running event loop").
//! saywhen's blocking entry point detects it and returns an error instead;
//! its async entry point runs on the caller's runtime, whichever it is.

use std::sync::Arc;
use std::time::Duration;

use saywhen::engine::runtime::Flavor;
use saywhen::{Clock, Mode, Plan, RunError, RunSpec, Silent};

fn plan() -> Arc<Plan> {
    Arc::new(Plan::new(vec!["1:a".parse().unwrap(), "2:b".parse().unwrap()]).unwrap())
}

/// On both runtime flavours, and for every mode, `run` refuses to nest
/// rather than panicking.
#[tokio::test]
async fn run_refuses_inside_a_current_thread_runtime() {
    for mode in Mode::ALL {
        let result = saywhen::run(
            plan(),
            &RunSpec::new(mode, Clock::Virtual),
            Arc::new(Silent),
        );
        assert!(matches!(result, Err(RunError::NestedRuntime)), "{mode}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_refuses_inside_a_multi_thread_runtime() {
    let result = saywhen::run(
        plan(),
        &RunSpec::new(Mode::Tasks, Clock::Real),
        Arc::new(Silent),
    );
    let error = result.unwrap_err();
    assert!(matches!(error, RunError::NestedRuntime));
    assert!(error.to_string().contains("use saywhen::run_async"));
}

/// Outside any runtime, `run` builds its own, as asked.
#[test]
fn run_builds_its_own_runtime_outside_one() {
    let report = saywhen::run(
        plan(),
        &RunSpec::new(Mode::Gather, Clock::Virtual),
        Arc::new(Silent),
    )
    .unwrap();
    assert_eq!(report.wall, Duration::from_secs(2));
    assert_eq!(report.runtime.flavor, Flavor::CurrentThread);
}

/// `run_async` on the caller's paused runtime: the lesson modes too.
#[tokio::test(start_paused = true)]
async fn run_async_runs_every_async_mode_on_the_callers_runtime() {
    for (mode, wall) in [
        (Mode::Serial, 3),
        (Mode::Tasks, 2),
        (Mode::Gather, 2),
        (Mode::Race, 1),
        (Mode::Joinset, 2),
    ] {
        let report = saywhen::run_async(
            plan(),
            &RunSpec::new(mode, Clock::Virtual),
            Arc::new(Silent),
        )
        .await
        .unwrap();
        assert_eq!(report.wall, Duration::from_secs(wall), "{mode}");
        assert_eq!(report.expected, report.wall, "{mode}");
    }
}

/// The report states the runtime it really ran on: the caller's, asked of
/// tokio, not the one the spec would have built.
#[tokio::test(flavor = "multi_thread", worker_threads = 3)]
async fn run_async_reports_the_callers_runtime() {
    let plan = Arc::new(Plan::new(vec!["10ms:a".parse().unwrap()]).unwrap());
    let report = saywhen::run_async(
        plan,
        &RunSpec::new(Mode::Tasks, Clock::Real),
        Arc::new(Silent),
    )
    .await
    .unwrap();
    assert_eq!(report.runtime.flavor, Flavor::MultiThread);
    assert_eq!(report.runtime.workers, 3);
}

/// `run_async` checks the spec like `run` does.
#[tokio::test(start_paused = true)]
async fn run_async_refuses_what_run_refuses() {
    let mut spec = RunSpec::new(Mode::Blocking, Clock::Virtual);
    spec.limit = std::num::NonZeroUsize::new(1);
    let result = saywhen::run_async(plan(), &spec, Arc::new(Silent)).await;
    assert!(matches!(result, Err(RunError::Spec(_))));
}

/// On a paused runtime the blocking mode is played by the model of the
/// event loop: each task holds the one thread in turn, the sum, at once.
#[tokio::test(start_paused = true)]
async fn run_async_plays_blocking_on_the_virtual_clock() {
    let report = saywhen::run_async(
        plan(),
        &RunSpec::new(Mode::Blocking, Clock::Virtual),
        Arc::new(Silent),
    )
    .await
    .unwrap();
    assert!(report.simulated());
    assert_eq!(report.wall, report.plan.total_delay());
}
