//! The report: what happened in one run, measured. Renderers read it; they
//! never run anything.

use std::borrow::Cow;
use std::num::NonZeroUsize;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use jiff::{SignedDuration, ZonedDateTime};

use crate::engine::arithmetic::Schedule;
use crate::engine::clock::Clock;
use crate::engine::command_run::CommandRun;
use crate::engine::record::{End, Timing};
use crate::engine::runtime::RuntimeInfo;
use crate::engine::stop::StopReason;
use crate::measure::concurrency::Concurrency;
use crate::scenario::mode::{Deadlines, Mode};
use crate::scenario::pair::Pair;
use crate::scenario::plan::Plan;
use crate::scenario::tree::Scenario;

/// One finished run.
#[derive(Debug, Clone)]
pub struct Report {
    /// The flat mode that ran, or `None` for a scenario.
    pub mode: Option<Mode>,
    pub clock: Clock,
    /// Local wall-clock time when the run began.
    pub started_at: ZonedDateTime,
    /// `started_at` + `wall` (so under the virtual clock, virtual time).
    pub finished_at: ZonedDateTime,
    /// What the run should take on a perfect clock (see [`crate::engine::schedule`]).
    pub expected: Duration,
    /// Why: "the longest delay, 2 at a time".
    pub expected_rule: String,
    /// What it took, on the monotonic clock.
    pub wall: Duration,
    pub plan: Arc<Plan>,
    /// The tree that ran (a flat mode's is one level).
    pub scenario: Arc<Scenario>,
    /// For a scenario: when every node should start and end, and why.
    pub schedule: Option<Arc<Schedule>>,
    /// When each pair began and finished, in pair order.
    pub timings: Vec<Timing>,
    /// When each group of the scenario began and ended, in pre-order.
    pub groups: Vec<Timing>,
    /// Why the run stopped before every pair was done, if it did; `wall`
    /// then ends at the stop.
    pub interrupted: Option<StopReason>,
    /// For modes that collect results as they complete (joinset, race):
    /// the pairs' indices in the order their results were collected.
    /// Empty for the other modes.
    pub collected: Vec<usize>,
    /// The runtime the run used.
    pub runtime: RuntimeInfo,
    /// The `--timeout`, if any.
    pub timeout: Option<Duration>,
    /// The `--limit`, if any.
    pub limit: Option<NonZeroUsize>,
    /// How serial counted its sleeps.
    pub deadlines: Deadlines,
    /// What each command leaf left, in command order (see
    /// [`Scenario::commands`]); `None` for one that never started. Empty
    /// without commands.
    pub commands: Vec<Option<CommandRun>>,
    /// The run's concurrency figures, worked out once, when a view first
    /// asks (see [`Report::concurrency`]).
    pub figures: Figures,
}

/// A report's concurrency figures, kept once worked out: the tree view,
/// the timeline and the tables all show them, and for a million pairs
/// each working-out is a pass over every pair. A clone starts empty, as
/// a clone is how a report is changed (`--runs` puts another run's
/// timings into a copy of the first).
#[derive(Default)]
pub struct Figures {
    /// With each node's slack.
    full: OnceLock<Concurrency>,
    /// Without it, for views that only mark the path.
    path: OnceLock<Concurrency>,
}

impl Clone for Figures {
    fn clone(&self) -> Figures {
        Figures::default()
    }
}

impl std::fmt::Debug for Figures {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Figures { .. }")
    }
}

impl Report {
    /// This run's figures (see [`Concurrency`]): pairs in flight, how
    /// busy the thread was, the critical path and each node's slack.
    pub fn concurrency(&self) -> &Concurrency {
        self.figures
            .full
            .get_or_init(|| self.work_out_figures(true))
    }

    /// The figures and the path, without each node's slack (which a
    /// scenario's model works out leaf by leaf): for views that only mark
    /// the path (the timeline). The whole figures, once worked out, serve.
    pub fn critical_path(&self) -> &Concurrency {
        match self.figures.full.get() {
            Some(full) => full,
            None => self
                .figures
                .path
                .get_or_init(|| self.work_out_figures(false)),
        }
    }

    fn work_out_figures(&self, slack: bool) -> Concurrency {
        match (self.mode, &self.schedule) {
            (Some(mode), _) => Concurrency::of_flat(
                &self.timings,
                &self.scenario,
                self.wall,
                mode,
                self.limit.is_none() && self.timeout.is_none(),
            ),
            (None, Some(schedule)) => Concurrency::of_tree_with(&self.scenario, schedule, slack),
            (None, None) => {
                Concurrency::of_tree_with(&self.scenario, &Schedule::of(&self.scenario), slack)
            }
        }
    }
}

/// How a node's wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// It waited its delay and said its message (a group: saw its
    /// children through).
    Done,
    /// A `fail(...)` pair failed, or a group reported a failure.
    Failed,
    /// It was cancelled (a timeout, a lost race) before it could finish.
    Cancelled,
    /// A `timeout(...)` whose deadline came first.
    TimedOut,
    /// It never started: an earlier sibling in its serial group failed.
    Skipped,
    /// The run was stopped (Ctrl-C, SIGTERM, SIGHUP) before it ended.
    Interrupted,
}

impl Status {
    pub fn name(self) -> &'static str {
        match self {
            Status::Interrupted => "interrupted",
            Status::Done => End::Done.name(),
            Status::Failed => End::Failed.name(),
            Status::Cancelled => End::Cancelled.name(),
            Status::TimedOut => End::TimedOut.name(),
            Status::Skipped => End::Skipped.name(),
        }
    }

    /// How a node with this record ended.
    pub fn of(timing: Timing) -> Status {
        match timing.ended() {
            None => Status::Interrupted,
            Some(_) => Status::from(timing.end()),
        }
    }
}

impl From<End> for Status {
    fn from(end: End) -> Status {
        match end {
            End::Done => Status::Done,
            End::Failed => Status::Failed,
            End::Cancelled => Status::Cancelled,
            End::TimedOut => Status::TimedOut,
            End::Skipped => Status::Skipped,
        }
    }
}

/// One pair's line of the report.
#[derive(Debug, Clone, Copy)]
pub struct PairReport<'a> {
    /// 0-based, in argument order.
    pub index: usize,
    pub pair: &'a Pair,
    pub timing: Timing,
}

impl Report {
    /// What ran, in a word or a line: the mode's name (`gather`), or the
    /// scenario as written, cut to 48 characters.
    pub fn label(&self) -> Cow<'static, str> {
        match self.mode {
            Some(mode) => Cow::Borrowed(mode.name()),
            None => Cow::Owned(scenario_label(&self.scenario)),
        }
    }

    /// What the mode does in a few words, or how deep the scenario is.
    pub fn summary(&self) -> Cow<'static, str> {
        match self.mode {
            Some(mode) => Cow::Borrowed(mode.summary()),
            None => {
                let (pairs, groups) = (self.plan.len(), self.scenario.groups().len());
                let plural = |n: usize| if n == 1 { "" } else { "s" };
                Cow::Owned(format!(
                    "a scenario of {pairs} pair{} in {groups} group{}",
                    plural(pairs),
                    plural(groups)
                ))
            }
        }
    }

    /// The tokio runtime that ran the pairs; `None` for threads, whose
    /// pairs run on OS threads of their own (tokio only waits for them).
    pub fn pairs_runtime(&self) -> Option<RuntimeInfo> {
        (self.mode != Some(crate::scenario::mode::Mode::Threads)).then_some(self.runtime)
    }

    /// Whether the event-loop model played this run instead of tokio: a
    /// run that blocks, on the virtual clock.
    pub fn simulated(&self) -> bool {
        self.clock == Clock::Virtual && self.scenario.blocks()
    }

    /// The clock, as the human view names it: `virtual (simulated)` when
    /// the model played the run.
    pub fn clock_label(&self) -> String {
        match self.simulated() {
            true => format!("{} (simulated)", self.clock),
            false => self.clock.to_string(),
        }
    }

    /// Measured minus expected wall: what the runtime and timer added.
    /// Where tokio's work stealing decides (multi-thread), only what lies
    /// outside the bounds: a wall within them is what the model explains.
    ///
    /// `None` for an interrupted run: measured against a run that never
    /// ended, it would mean nothing (and come out negative).
    pub fn overhead(&self) -> Option<SignedDuration> {
        if self.interrupted.is_some() {
            return None;
        }
        let bounds = self.schedule.as_ref().and_then(|s| s.wall_bounds());
        let expected = match bounds {
            Some(range) => self.wall.clamp(range.earliest, range.latest),
            None => self.expected,
        };
        Some(signed(self.wall) - signed(expected))
    }

    /// For serial: how far the last message said ran behind its ideal
    /// moment (the start plus every delay up to it). With relative
    /// deadlines each sleep's lateness adds to it; with absolute ones it
    /// stays at one sleep's lateness. `None` for the other modes, or when
    /// no message was said.
    pub fn drift(&self) -> Option<SignedDuration> {
        if self.mode != Some(Mode::Serial) {
            return None;
        }
        let mut ideal = Duration::ZERO;
        let mut drift = None;
        for pair in self.pairs() {
            ideal = ideal.saturating_add(pair.pair.delay);
            if let Some(finished) = pair.finished() {
                drift = Some(signed(finished) - signed(ideal));
            }
        }
        drift
    }

    /// What command leaf `index` (a pair index) left, if it is one and
    /// started.
    pub fn command_run(&self, index: usize) -> Option<&CommandRun> {
        let slot = self.scenario.command_slot(index)?;
        self.commands.get(slot)?.as_ref()
    }

    /// Every pair with its timing, in argument order.
    pub fn pairs(&self) -> impl ExactSizeIterator<Item = PairReport<'_>> + '_ {
        self.plan
            .pairs()
            .iter()
            .zip(&self.timings)
            .enumerate()
            .map(|(index, (pair, &timing))| PairReport {
                index,
                pair,
                timing,
            })
    }
}

impl PairReport<'_> {
    pub fn status(&self) -> Status {
        Status::of(self.timing)
    }

    /// When the pair began waiting, if it did.
    pub fn began(&self) -> Option<Duration> {
        self.timing.began()
    }

    /// When the pair said its message (`None` if it was cancelled or
    /// interrupted).
    pub fn finished(&self) -> Option<Duration> {
        self.timing.finished()
    }

    /// When the pair's wait ended, however it ended.
    pub fn ended(&self) -> Option<Duration> {
        self.timing.ended()
    }

    /// When the pair should have finished: its start plus its delay.
    pub fn intended_finish(&self) -> Option<Duration> {
        self.began().and_then(|b| b.checked_add(self.pair.delay))
    }

    /// How much later than intended the pair said its message: the timer's
    /// slack and the scheduler's delay for this one sleep.
    pub fn late(&self) -> Option<SignedDuration> {
        Some(signed(self.finished()?) - signed(self.intended_finish()?))
    }

    /// How late the pair spoke, when that is more than `tolerance`.
    pub fn late_beyond(&self, tolerance: Duration) -> Option<SignedDuration> {
        self.late()
            .filter(|late| late.is_positive() && late.unsigned_abs() > tolerance)
    }
}

/// A scenario as written, on one line, cut to 48 characters.
pub fn scenario_label(scenario: &Scenario) -> String {
    // Written only as far as the label shows (four bytes a character at
    // most), not the whole of a million-pair scenario.
    let text = scenario.text_up_to(4 * 48 + 4);
    match text.char_indices().nth(47) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// A duration as a signed one (saturating: no run lasts 292 billion years).
pub fn signed(d: Duration) -> SignedDuration {
    SignedDuration::try_from(d).unwrap_or(SignedDuration::MAX)
}
