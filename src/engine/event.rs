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
    fn events(&self, events: &mut Vec<Batched>) {
        for event in events.drain(..) {
            self.event(event.event());
        }
    }
}

/// A per-pair event in the form a burst carries it: 16 bytes, where an
/// [`Event`] takes 80 (its run-level variants carry zoned times).
///
/// Note: a million pairs said at once write a million of these on the
/// run's core and read them on the printer's, so their size is the cost
/// of the handover (measured: a third of what `tasks` spent beyond the
/// bare-tokio floor when the queue held 32 bytes an event).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairEnd {
    nanos: u64,
    index: u32,
    kind: PairEvent,
}

/// Which per-pair event a [`PairEnd`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairEvent {
    Said,
    Cancelled,
    Failed,
    Skipped,
}

impl PairEnd {
    /// Pair `index`'s `kind` event at `at`; `None` where the compact form
    /// cannot hold it (an index beyond 2^32, an offset beyond 584 years).
    pub fn new(kind: PairEvent, index: usize, at: Duration) -> Option<PairEnd> {
        Some(PairEnd {
            nanos: u64::try_from(at.as_nanos()).ok()?,
            index: u32::try_from(index).ok()?,
            kind,
        })
    }

    /// Which event it is.
    pub fn kind(self) -> PairEvent {
        self.kind
    }

    /// The pair's index.
    pub fn index(self) -> usize {
        self.index as usize
    }

    /// When, from the start.
    pub fn at(self) -> Duration {
        Duration::from_nanos(self.nanos)
    }

    /// The event itself.
    pub fn event(self) -> Event {
        self.kind.event(self.index(), self.at())
    }
}

impl PairEvent {
    /// This event of pair `index`, at `at`.
    pub fn event(self, index: usize, at: Duration) -> Event {
        match self {
            PairEvent::Said => Event::Said { index, at },
            PairEvent::Cancelled => Event::Cancelled { index, at },
            PairEvent::Failed => Event::Failed { index, at },
            PairEvent::Skipped => Event::Skipped { index, at },
        }
    }
}

/// An event as a batch holds it: a per-pair one compact, the few others
/// (started, finished, a command's exit) boxed. 16 bytes either way.
#[derive(Debug, Clone, PartialEq)]
pub enum Batched {
    Pair(PairEnd),
    Other(Box<Event>),
}

impl Batched {
    /// `event` in a batch's form.
    pub fn of(event: Event) -> Batched {
        let pair = match event {
            Event::Said { index, at } => PairEnd::new(PairEvent::Said, index, at),
            Event::Cancelled { index, at } => PairEnd::new(PairEvent::Cancelled, index, at),
            Event::Failed { index, at } => PairEnd::new(PairEvent::Failed, index, at),
            Event::Skipped { index, at } => PairEnd::new(PairEvent::Skipped, index, at),
            _ => None,
        };
        match pair {
            Some(pair) => Batched::Pair(pair),
            None => Batched::Other(Box::new(event)),
        }
    }

    /// The event again (a boxed one cloned: they are few).
    pub fn event(&self) -> Event {
        match self {
            Batched::Pair(pair) => pair.event(),
            Batched::Other(event) => (**event).clone(),
        }
    }

    /// Whether it is the run's `interrupted` event.
    pub fn interrupted(&self) -> bool {
        matches!(self, Batched::Other(event) if matches!(**event, Event::Interrupted { .. }))
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Why batches keep their own form of events: a burst writes a
    /// million of them.
    #[test]
    fn a_batched_event_takes_16_bytes_and_gives_the_event_back() {
        assert_eq!(std::mem::size_of::<Batched>(), 16);
        let finished = Event::Finished {
            at: jiff::Timestamp::UNIX_EPOCH.in_tz("UTC").unwrap(),
            wall: Duration::from_secs(1),
        };
        let at = Duration::new(3, 141_592_653);
        let events = [
            Event::Said { index: 3, at },
            Event::Cancelled { index: 0, at },
            Event::Failed {
                index: u32::MAX as usize,
                at,
            },
            Event::Skipped {
                index: 9,
                at: Duration::ZERO,
            },
            // Beyond the compact form: boxed, and still the same event.
            Event::Said {
                index: u32::MAX as usize + 1,
                at,
            },
            Event::Said {
                index: 1,
                at: Duration::MAX,
            },
            finished,
        ];
        for event in events {
            let batched = Batched::of(event.clone());
            assert_eq!(batched.event(), event);
        }
        assert!(matches!(
            Batched::of(Event::Said {
                index: 1,
                at: Duration::MAX
            }),
            Batched::Other(_)
        ));
        assert!(matches!(
            Batched::of(Event::Said { index: 1, at }),
            Batched::Pair(_)
        ));
    }
}
