//! One pair's work as every async mode awaits it: the tutorial's
//! `say_after`, behind the `--limit` permits and the `--timeout` deadline.
//! The modes differ only in how they await these futures, so the options
//! live here once instead of in every mode.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::FutureExt;
use futures_util::future::Either;
use tokio::time::{Instant, sleep_until};

use crate::engine::process_group::Reaper;
use crate::engine::record::End;
use crate::engine::record::Recorder;
use crate::engine::spec::{CommandOptions, RunSpec};
use crate::mode::limit::Limit;
use crate::mode::say::{fail_after, say_after, say_at};
use crate::scenario::mode::Deadlines;
use crate::scenario::tree::{Action, Scenario};

/// What a mode needs to run its children: the scenario, the recorder and
/// the run's options. Cheap to clone (a few `Arc`s and words), so each
/// child's future can own one and be spawned.
#[derive(Clone)]
pub struct Work {
    scenario: Arc<Scenario>,
    recorder: Recorder,
    /// `None` without `--limit` and `--timeout`: a plain pair pays nothing
    /// for them.
    guards: Option<Arc<Guards>>,
    deadlines: Deadlines,
    /// `None` without command leaves: a plain pair pays nothing for them.
    commands: Option<Arc<(CommandOptions, Reaper)>>,
}

/// The run's `--limit` and `--timeout`, shared by all its pairs, with the
/// recorder (so a guarded pair holds one pointer for all three).
struct Guards {
    recorder: Recorder,
    limit: Option<Limit>,
    /// The start plus `--timeout`.
    deadline: Option<Instant>,
}

/// When a pair's sleep ends: its delay after it begins (`say_after`), or
/// a fixed instant (`say_at`).
#[derive(Clone, Copy)]
enum Due {
    After(Duration),
    At(Instant),
}

impl Work {
    /// Work on `scenario`, recorded into `recorder`, shaped by `spec`'s
    /// options.
    pub fn new(scenario: Arc<Scenario>, recorder: Recorder, spec: &RunSpec) -> Work {
        let guards = Guards {
            recorder: recorder.clone(),
            limit: spec.limit.map(|n| Limit::new(n.get())),
            deadline: spec
                .timeout
                .and_then(|timeout| recorder.start().checked_add(timeout)),
        };
        let guarded = guards.limit.is_some() || guards.deadline.is_some();
        let commands = scenario
            .runs_commands()
            .then(|| Arc::new((spec.commands, Reaper::default())));
        Work {
            scenario,
            guards: guarded.then(|| Arc::new(guards)),
            deadlines: spec.deadlines,
            recorder,
            commands,
        }
    }

    /// How commands run, and the reaper that sees their process groups
    /// gone (see [`crate::engine::process_group`]).
    pub fn commands(&self) -> (CommandOptions, Reaper) {
        match &self.commands {
            Some(commands) => (commands.0, commands.1.clone()),
            None => (CommandOptions::default(), Reaper::default()),
        }
    }

    /// Whether no `--limit` or `--timeout` guards the pairs.
    pub fn unguarded(&self) -> bool {
        self.guards.is_none()
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
        let fails = matches!(action, Action::Fail);
        match (self.guards, fails) {
            // `map`, not an `async` block: a block would keep a second copy
            // of the future's space for its `.await`.
            (None, false) => Either::Left(Either::Left(
                say_after(index, delay, self.recorder).map(|()| End::Done),
            )),
            (None, true) => Either::Left(Either::Right(
                fail_after(index, delay, self.recorder).map(|()| End::Failed),
            )),
            (Some(guards), _) => Either::Right(guarded(index, Due::After(delay), fails, guards)),
        }
    }

    /// Pair `index`, sleeping until `due` rather than for its delay.
    pub fn say_at(self, index: usize, due: Instant) -> impl Future<Output = End> + Send + 'static {
        match self.guards {
            None => Either::Left(say_at(index, due, self.recorder).map(|()| End::Done)),
            Some(guards) => Either::Right(guarded(index, Due::At(due), false, guards)),
        }
    }
}

#[allow(clippy::manual_async_fn)]
/// `say_after` (or `fail_after`) within the limit and the timeout, like
/// `asyncio.wait_for` around `async with semaphore: await say_after(...)`.
///
/// Note: The deadline shares the pair's one timer. The pair sleeps until
/// its due time or the deadline, whichever comes first, and is cancelled
/// if the deadline came first. Wrapping the pair in `tokio::time::timeout_at`
/// does the same with a second timer and a second copy of the pair: a
/// million pairs took four times the memory. This future is no larger
/// than a plain pair's (the modes hold either kind in one type, as large
/// as the larger), and is an `async` block, not an `async fn`, which would
/// keep a second copy of its arguments.
fn guarded(
    index: usize,
    due: Due,
    fails: bool,
    guards: Arc<Guards>,
) -> impl Future<Output = End> + Send + 'static {
    async move {
        // The pair begins (its recorded start) only once it holds a permit.
        let _permit = match &guards.limit {
            Some(limit) => limit.permit(index).await,
            None => None,
        };
        let Some((ends, cut_short)) = guards.begin(index, due) else {
            return End::Cancelled;
        };
        sleep_until(ends).await;
        let recorder = &guards.recorder;
        let end = match (cut_short, fails) {
            (true, _) => End::Cancelled,
            (false, false) => End::Done,
            (false, true) => End::Failed,
        };
        match end {
            End::Cancelled => recorder.cancel(index),
            End::Failed => recorder.fail(index),
            _ => recorder.say(index),
        }
        end
    }
}

impl Guards {
    /// Begins pair `index` now, unless the deadline has come: nothing
    /// begins at or after it. A pair that waited for a permit needs no
    /// timer of its own to be cancelled: every permit is given back by the
    /// deadline, and each waiting pair then reaches this in turn. Returns
    /// when the pair's sleep ends, and whether the deadline cuts it short
    /// (a pair due exactly at the deadline still finishes).
    fn begin(&self, index: usize, due: Due) -> Option<(Instant, bool)> {
        let now = Instant::now();
        if self.deadline.is_some_and(|deadline| now >= deadline) {
            self.recorder.cancel(index);
            return None;
        }
        self.recorder.begin(index);
        let due = match due {
            // Cannot overflow: a delay is at most 365 days.
            Due::After(delay) => now.checked_add(delay).unwrap_or(now),
            Due::At(due) => due,
        };
        let ends = self.deadline.map_or(due, |deadline| due.min(deadline));
        Some((ends, ends < due))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::clock::Clock;
    use crate::engine::event::Silent;
    use crate::scenario::mode::Mode;

    /// Why `--timeout` and `--limit` cost a plain pair's memory: a guarded
    /// pair's future fits in the space of a plain one, which the modes'
    /// futures have anyway (see `guarded`).
    #[tokio::test]
    async fn a_guarded_pair_is_no_larger_than_a_plain_one() {
        let plan =
            Arc::new(crate::scenario::plan::Plan::new(vec!["1:a".parse().unwrap()]).unwrap());
        let scenario = Arc::new(Scenario::flat(Mode::Gather, plan));
        let recorder = Recorder::new(1, 0, Arc::new(Silent));
        let plain = RunSpec::new(Mode::Gather, Clock::Virtual);
        let mut guarded = plain.clone();
        guarded.timeout = Some(Duration::from_secs(1));
        guarded.limit = std::num::NonZeroUsize::new(1);
        let size = |spec: &RunSpec| {
            let work = Work::new(scenario.clone(), recorder.clone(), spec);
            std::mem::size_of_val(&work.pair(0, Duration::ZERO, Action::Say))
        };
        assert_eq!(size(&guarded), size(&plain));
        let bare = say_after(0, Duration::ZERO, recorder.clone()).map(|()| End::Done);
        assert!(size(&plain) <= std::mem::size_of_val(&bare) + 8);
    }
}
