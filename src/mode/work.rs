//! One pair's work as every async mode awaits it: the tutorial's
//! `say_after`, behind the `--limit` semaphore and the `--timeout` deadline.
//! The modes differ only in how they await these futures, so the options
//! live here once instead of in every mode.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::Either;
use tokio::time::{Instant, timeout_at};

use crate::engine::record::End;
use crate::engine::record::Recorder;
use crate::engine::run::RunSpec;
use crate::mode::Deadlines;
use crate::mode::limit::Limit;
use crate::mode::say::{fail_after, say_after, say_at};
use crate::scenario::tree::{Action, Scenario};

/// What a mode needs to run its children: the scenario, the recorder and
/// the run's options. Cheap to clone (a few `Arc`s and words), so each
/// child's future can own one and be spawned.
#[derive(Clone)]
pub struct Work {
    scenario: Arc<Scenario>,
    recorder: Recorder,
    limit: Option<Arc<Limit>>,
    deadline: Option<Instant>,
    deadlines: Deadlines,
}

impl Work {
    /// Work on `scenario`, recorded into `recorder`, shaped by `spec`'s
    /// options.
    pub fn new(scenario: Arc<Scenario>, recorder: Recorder, spec: &RunSpec) -> Work {
        Work {
            scenario,
            limit: spec.limit.map(|n| Arc::new(Limit::new(n.get()))),
            deadline: spec
                .timeout
                .and_then(|timeout| recorder.start().checked_add(timeout)),
            deadlines: spec.deadlines,
            recorder,
        }
    }

    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    pub fn scenario(&self) -> &Arc<Scenario> {
        &self.scenario
    }

    /// How serial counts its sleeps (`--deadlines`).
    pub fn deadlines(&self) -> Deadlines {
        self.deadlines
    }

    /// Pair `index`: `say_after(delay)` (or `fail_after`), within the
    /// limit and the timeout. Returns how it ended.
    pub fn pair(
        self,
        index: usize,
        delay: Duration,
        action: Action,
    ) -> impl Future<Output = End> + Send + 'static {
        let recorder = self.recorder.clone();
        let pair = match action {
            Action::Fail => Either::Right(fail_after(index, delay, recorder)),
            _ => Either::Left(say_after(index, delay, recorder)),
        };
        let ended = match action {
            Action::Fail => End::Failed,
            _ => End::Done,
        };
        self.shaped(index, ended, pair)
    }

    /// Pair `index`, sleeping until `due` rather than for its delay.
    pub fn say_at(self, index: usize, due: Instant) -> impl Future<Output = End> + Send + 'static {
        let recorder = self.recorder.clone();
        self.shaped(index, End::Done, say_at(index, due, recorder))
    }

    /// `pair` as is when there is no limit and no timeout; otherwise behind
    /// them, boxed. Why: a million pairs are a million of these futures, and
    /// the guarded one is several times the size of the bare `say_after`
    /// (it holds the permit wait and the timeout's own timer). An unboxed
    /// `Either` would be as large as its larger side, so the rare side goes
    /// on the heap and the common one costs what the tutorial's code costs.
    fn shaped(
        self,
        index: usize,
        ended: End,
        pair: impl Future<Output = ()> + Send + 'static,
    ) -> impl Future<Output = End> + Send + 'static {
        if self.limit.is_none() && self.deadline.is_none() {
            // `map`, not an `async` block: a block would keep a second copy
            // of `pair`'s space for its `.await`.
            return Either::Left(pair.map(move |()| ended));
        }
        Either::Right(Box::pin(self.guarded(index, ended, pair)))
    }

    async fn guarded(self, index: usize, ended: End, pair: impl Future<Output = ()>) -> End {
        let finished = match self.deadline {
            None => self.limited(index, pair).await,
            // `asyncio.wait_for`: when the deadline comes first, the pair's
            // future is dropped mid-sleep (or mid-wait for a permit), which
            // is how a future is cancelled in Rust.
            Some(deadline) => timeout_at(deadline, self.limited(index, pair))
                .await
                .unwrap_or(false),
        };
        if !finished {
            self.recorder.cancel(index);
            return End::Cancelled;
        }
        ended
    }

    /// Runs `pair` once it holds a permit; `false` if by then the deadline
    /// has come, so that nothing begins at or after the deadline.
    async fn limited(&self, index: usize, pair: impl Future<Output = ()>) -> bool {
        // The pair begins (its recorded start) only once it holds a permit.
        let _permit = match &self.limit {
            Some(limit) => limit.permit(index).await,
            None => None,
        };
        if self
            .deadline
            .is_some_and(|deadline| Instant::now() >= deadline)
        {
            return false;
        }
        pair.await;
        true
    }
}
