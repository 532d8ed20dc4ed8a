//! The library used directly: scale on the virtual clock, and the two entry
//! points (blocking and async).

use std::sync::Arc;
use std::time::Duration;

use saywhen::{Clock, Mode, Pair, Plan, RunError, RunSpec, Silent};

/// `n` pairs; pair `i` waits 1 s + (i mod `spread`) ms.
fn plan_of(n: usize, spread: u64) -> Arc<Plan> {
    let pairs = (0..n)
        .map(|i| {
            Pair::new(
                Duration::from_millis(1000 + i as u64 % spread),
                format!("m{i}"),
            )
        })
        .collect();
    Arc::new(Plan::new(pairs).unwrap())
}

/// join_all re-polls every pending future once tokio's cooperative budget
/// runs out (futures-rs#2053), which made 100,000 pairs take seconds; the
/// gather mode opts out of the budget. The trap needs many futures ready at
/// once, so every pair here has the same deadline; without the fix this
/// test burns 13 s of CPU (debug build), with it about 0.25 s.
///
/// It measures this thread's CPU time, not wall time: a virtual-clock run
/// happens entirely on the calling thread (`block_on` of a current-thread
/// runtime), and CPU time does not grow when a loaded machine makes the
/// test wait for a core.
#[test]
fn gather_of_100_000_pairs_is_linear() {
    let plan = plan_of(100_000, 1);
    let started = thread_cpu_time();
    let report = saywhen::run(
        plan,
        &RunSpec::new(Mode::Gather, Clock::Virtual),
        Arc::new(Silent),
    )
    .unwrap();
    let took = thread_cpu_time() - started;
    assert_eq!(report.wall, Duration::from_secs(1));
    assert!(
        report
            .pairs()
            .all(|p| p.late() == Some(jiff::SignedDuration::ZERO))
    );
    assert!(
        took < Duration::from_secs(1),
        "100,000 pairs took {took:?} of CPU"
    );
}

/// CPU time used by the calling thread so far.
fn thread_cpu_time() -> Duration {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `now` is a valid, writable timespec for the call's duration.
    let status = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut now) };
    assert_eq!(status, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
    Duration::new(now.tv_sec as u64, now.tv_nsec as u32)
}

#[test]
fn tasks_of_100_000_pairs_finish_in_deadline_order() {
    let plan = plan_of(100_000, 1000);
    let report = saywhen::run(
        plan,
        &RunSpec::new(Mode::Tasks, Clock::Virtual),
        Arc::new(Silent),
    )
    .unwrap();
    assert_eq!(report.wall, Duration::from_millis(1999));
    assert_eq!(report.expected, Duration::from_millis(1999));
}

/// Blocking inside a runtime is tokio's "Cannot start a runtime from within
/// a runtime" panic; `run` reports it as an error instead.
#[tokio::test]
async fn the_blocking_entry_point_refuses_to_nest() {
    let plan = plan_of(1, 1);
    let result = saywhen::run(
        plan,
        &RunSpec::new(Mode::Serial, Clock::Virtual),
        Arc::new(Silent),
    );
    assert!(matches!(result, Err(RunError::NestedRuntime)));
}

/// Callers that already run tokio use `run_async`; with the clock paused,
/// a day of delays passes at once.
#[tokio::test(start_paused = true)]
async fn the_async_entry_point_runs_on_the_callers_runtime() {
    let plan =
        Arc::new(Plan::new(vec!["1d:a".parse().unwrap(), "12h:b".parse().unwrap()]).unwrap());
    let report = saywhen::run_async(
        plan,
        &RunSpec::new(Mode::Serial, Clock::Virtual),
        Arc::new(Silent),
    )
    .await
    .unwrap();
    assert_eq!(report.wall, Duration::from_secs(36 * 3600));
}
