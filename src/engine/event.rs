//! Events: what a run reports while it happens. Modes emit them through the
//! recorder; a sink (usually the printer thread) turns them into live output.

use std::sync::Arc;
use std::sync::mpsc::Sender;
use std::time::Duration;

use jiff::ZonedDateTime;

use crate::engine::clock::Clock;
use crate::engine::command_run::CommandRun;
use crate::engine::stop::StopReason;
use crate::scenario::mode::Mode;
use crate::scenario::tree::Scenario;

/// One thing that happened during a run. Offsets are from the run's start.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The run began: the `started at` line.
    Started {
        /// The flat mode, or `None` for a scenario.
        mode: Option<Mode>,
        /// What runs: a flat mode's one-level tree, or a scenario.
        scenario: Arc<Scenario>,
        clock: Clock,
        at: ZonedDateTime,
        pairs: usize,
        expected: Duration,
    },
    /// Pair `index` finished its sleep and said its message.
    Said { index: usize, at: Duration },
    /// Pair `index` was cancelled before it could say its message.
    Cancelled { index: usize, at: Duration },
    /// Pair `index` (a `fail(...)`) waited its delay and failed.
    Failed { index: usize, at: Duration },
    /// Pair `index` will never start: an earlier sibling in its serial
    /// group failed.
    Skipped { index: usize, at: Duration },
    /// Command leaf `index` ended: how, and what it printed. Sent just
    /// before its `Said` (exit 0) or `Failed`.
    Exited { index: usize, run: Arc<CommandRun> },
    /// A line command leaf `index` printed (on stdout or stderr, which
    /// share one pipe), without its newline (`--show-output` only).
    Output { index: usize, line: String },
    /// Every pair is done: the `finished at` line.
    Finished { at: ZonedDateTime, wall: Duration },
    /// The run was stopped early (Ctrl-C, SIGTERM, closed output): the last
    /// event, instead of `Finished`.
    Interrupted {
        by: StopReason,
        at: ZonedDateTime,
        wall: Duration,
    },
}

/// Where events go. Called from inside the runtime, so it must not block.
pub trait EventSink: Send + Sync {
    fn event(&self, event: Event);

    /// Takes every event in `events`, in order, leaving it empty (its room
    /// is kept for the next batch). A sink that hands events to another
    /// thread does it in one handover (see [`Recorder`]'s batching).
    ///
    /// [`Recorder`]: crate::engine::record::Recorder
    fn events(&self, events: &mut Vec<Event>) {
        for event in events.drain(..) {
            self.event(event);
        }
    }
}

/// A sink that drops every event: for runs whose output is only the report.
#[derive(Debug, Default, Clone, Copy)]
pub struct Silent;

impl EventSink for Silent {
    fn event(&self, _event: Event) {}
}

impl EventSink for Sender<Event> {
    fn event(&self, event: Event) {
        // The receiver only goes away when output has failed (a closed
        // pipe); that error is reported by the printer, not here.
        let _ = self.send(event);
    }
}
