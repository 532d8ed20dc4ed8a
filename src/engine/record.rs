//! The recorder: where a running mode writes down when each pair began and
//! finished. It is shared by every task of a run, so the record is
//! lock-free: one pair of atomic slots per pair, written once each. Because the record is
//! kept as the run goes (rather than returned at the end), a run that is cut
//! short still knows exactly what happened.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use tokio::time::Instant;

use crate::engine::event::{Event, EventSink};

/// A cheap, cloneable handle on one run's record.
#[derive(Clone)]
pub struct Recorder(Arc<Shared>);

struct Shared {
    /// The run's start on the monotonic clock (tokio's, so the virtual clock
    /// drives it too).
    start: Instant,
    slots: Box<[Slot]>,
    /// `None` once the run is over (see [`Recorder::close`]).
    sink: RwLock<Option<Arc<dyn EventSink>>>,
    /// The pairs a mode has collected, in order (see `collected`). A list
    /// of its own rather than a field in every slot: only joinset and race
    /// collect, and a million slots would carry 8 MB for nothing.
    collected: Mutex<Vec<usize>>,
}

/// Offsets from the start in nanoseconds, plus one; 0 means "not yet".
/// The top bit of `ended` marks a pair that was cancelled rather than done.
#[derive(Default)]
struct Slot {
    began: AtomicU64,
    ended: AtomicU64,
}

const CANCELLED: u64 = 1 << 63;

/// What the record says of one pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Timing {
    /// When the pair began waiting; `None` if it never did.
    pub began: Option<Duration>,
    /// When it said its message, or was cancelled; `None` if neither.
    pub ended: Option<Duration>,
    /// `true` when `ended` is a cancellation, not a message said.
    pub cancelled: bool,
}

impl Recorder {
    /// A record for `pairs` pairs, starting now.
    pub fn new(pairs: usize, sink: Arc<dyn EventSink>) -> Recorder {
        let slots = (0..pairs).map(|_| Slot::default()).collect();
        Recorder(Arc::new(Shared {
            start: Instant::now(),
            slots,
            sink: RwLock::new(Some(sink)),
            collected: Mutex::new(Vec::new()),
        }))
    }

    pub fn start(&self) -> Instant {
        self.0.start
    }

    /// Time since the start of the run.
    pub fn elapsed(&self) -> Duration {
        self.0.start.elapsed()
    }

    /// Pair `index` begins waiting now.
    pub fn begin(&self, index: usize) {
        store(&self.0.slots[index].began, self.elapsed(), 0);
    }

    /// Pair `index` has waited its delay: note the time and say it.
    pub fn say(&self, index: usize) {
        let at = self.elapsed();
        store(&self.0.slots[index].ended, at, 0);
        self.send(Event::Said { index, at });
    }

    /// Pair `index` was cancelled before it could say its message.
    pub fn cancel(&self, index: usize) {
        let at = self.elapsed();
        store(&self.0.slots[index].ended, at, CANCELLED);
        self.send(Event::Cancelled { index, at });
    }

    /// Cancels every pair that has not said its message nor been cancelled:
    /// what is left when a mode stops waiting (a race is won).
    pub fn cancel_unfinished(&self) {
        for (index, slot) in self.0.slots.iter().enumerate() {
            if slot.ended.load(Ordering::Relaxed) == 0 {
                self.cancel(index);
            }
        }
    }

    /// The mode has collected pair `index`'s result: for modes that take
    /// results as they complete (joinset, race), whose order is the lesson.
    pub fn collected(&self, index: usize) {
        // One collector at a time (the mode's own task): never contended.
        let mut order = self.0.collected.lock().unwrap_or_else(|e| e.into_inner());
        order.push(index);
    }

    /// The pairs whose results the mode collected, in the order it did.
    pub fn collection_order(&self) -> Vec<usize> {
        let order = self.0.collected.lock().unwrap_or_else(|e| e.into_inner());
        order.clone()
    }

    /// Passes a run-level event (started, finished) to the sink.
    pub fn emit(&self, event: Event) {
        self.send(event);
    }

    /// Ends the run's events: later ones are dropped, and the sink is
    /// let go. A run stopped early (Ctrl-C) can leave blocking sleeps
    /// running on their threads, each holding a recorder; without this
    /// their messages would be printed after the report, and the printer
    /// would wait for them to let go of the sink.
    pub fn close(&self) {
        let mut sink = self.0.sink.write().unwrap_or_else(|e| e.into_inner());
        *sink = None;
    }

    fn send(&self, event: Event) {
        // A read lock: uncontended but for `close`, and many pairs may
        // send at once on a multi-thread runtime.
        let sink = self.0.sink.read().unwrap_or_else(|e| e.into_inner());
        if let Some(sink) = sink.as_ref() {
            sink.event(event);
        }
    }

    /// What has been recorded so far, in pair order.
    pub fn timings(&self) -> Vec<Timing> {
        self.0
            .slots
            .iter()
            .map(|slot| {
                let ended = slot.ended.load(Ordering::Relaxed);
                Timing {
                    began: offset(slot.began.load(Ordering::Relaxed)),
                    ended: offset(ended & !CANCELLED),
                    cancelled: ended & CANCELLED != 0,
                }
            })
            .collect()
    }
}

fn store(slot: &AtomicU64, at: Duration, flags: u64) {
    // 63 bits of nanoseconds last 292 years; saturate rather than wrap.
    let nanos = u64::try_from(at.as_nanos()).map_or(CANCELLED - 2, |n| n.min(CANCELLED - 2));
    // Relaxed is enough: the slots are only read after the run has ended,
    // and ending a run (joining tasks, leaving block_on) synchronises.
    slot.store((nanos + 1) | flags, Ordering::Relaxed);
}

fn offset(stored: u64) -> Option<Duration> {
    match stored {
        0 => None,
        n => Some(Duration::from_nanos(n - 1)),
    }
}
