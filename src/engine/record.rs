//! The recorder: where a running mode writes down when each pair (and each
//! group of a scenario) began and how it ended. It is shared by every task
//! of a run, so the record is lock-free: one pair of atomic slots per node,
//! each written once (the first ending wins, so a task aborted a moment
//! too late cannot overwrite its cancellation). Because the record is
//! kept as the run goes (rather than returned at the end), a run that is cut
//! short still knows exactly what happened.

use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock, RwLock, Weak};
use std::time::Duration;

use tokio::time::Instant;

use crate::engine::command_run::CommandRun;
use crate::engine::event::{Batched, Event, EventSink, PairEnd, PairEvent};
/// How a node's wait ended: the vocabulary is the scenario's (a `fail`
/// leaf fails, a `timeout` group times out), so it lives there.
pub use crate::scenario::end::End;

/// A cheap, cloneable handle on one run's record.
#[derive(Clone)]
pub struct Recorder(Arc<Shared>);

struct Shared {
    /// The run's start on the monotonic clock (tokio's, so the virtual clock
    /// drives it too).
    start: Instant,
    /// One slot per pair, in pair order.
    slots: Box<[Slot]>,
    /// One slot per group of the scenario, in pre-order.
    groups: Box<[Slot]>,
    /// `None` once the run is over (see [`Recorder::close`]).
    sink: RwLock<Option<Arc<dyn EventSink>>>,
    /// Per-pair events not yet handed to the sink, when the run batches
    /// them (see [`Recorder::batched`]); `None` sends each at once.
    batch: Option<Mutex<Vec<Batched>>>,
    /// The pairs a mode has collected, in order (see `collected`). A list
    /// of its own rather than a field in every slot: only joinset and race
    /// collect, and a million slots would carry 8 MB for nothing.
    collected: Mutex<Vec<usize>>,
    /// What each command leaf left, in command order (see
    /// [`Scenario::commands`](crate::scenario::tree::Scenario::commands));
    /// empty without any.
    commands: Mutex<Vec<Option<CommandRun>>>,
    /// Pair indices of the command leaves, in order (to find a pair's
    /// entry in `commands`).
    command_pairs: Box<[u32]>,
}

impl Drop for Shared {
    /// What a batch still holds goes out with the record (a run that
    /// ended in an error, without closing its record).
    fn drop(&mut self) {
        let sink = self.sink.get_mut().unwrap_or_else(|e| e.into_inner());
        if let (Some(batch), Some(sink)) = (&mut self.batch, sink.as_ref()) {
            let batch = batch.get_mut().unwrap_or_else(|e| e.into_inner());
            if !batch.is_empty() {
                sink.events(batch);
            }
        }
    }
}

/// The most per-pair events a batched recorder keeps before it hands
/// them over: 20 KB of events, a fraction of a millisecond of a burst.
pub const BATCH: usize = 256;

/// What a runtime's `on_thread_park` hook calls: the batched recorder of
/// the run on that runtime, if there is one, hands over its events.
/// Holds the record weakly, so a finished run's sink is let go.
#[derive(Clone, Default)]
pub struct FlushOnPark(Arc<OnceLock<Weak<Shared>>>);

impl FlushOnPark {
    pub fn flush(&self) {
        if let Some(shared) = self.0.get().and_then(Weak::upgrade) {
            Recorder(shared).flush();
        }
    }
}

/// Offsets from the start in nanoseconds, plus one; 0 means "not yet".
/// The top bits of `ended` say how it ended (an [`End`]).
#[derive(Default)]
struct Slot {
    began: AtomicU64,
    ended: AtomicU64,
}

/// Where the [`End`] sits in a stored `ended`.
const END_SHIFT: u32 = 60;
const OFFSET_MASK: u64 = (1 << END_SHIFT) - 1;

/// What the record says of one node: 16 bytes, the record's own words
/// (a million pairs' timings are read several times over by the report,
/// so their size is its cost).
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct Timing {
    /// The offset it began at, in nanoseconds plus one; 0 if it never did.
    began: u64,
    /// The offset it ended at, the same way, under how (an [`End`]).
    ended: u64,
}

impl Timing {
    /// A node that began at `began` and ended at `ended` as `end` says
    /// (offsets from the start; each exact to 36 years, then saturated).
    pub fn new(began: Option<Duration>, ended: Option<Duration>, end: End) -> Timing {
        let word = |at: Option<Duration>| at.map_or(0, |at| encode(at, End::Done));
        Timing {
            began: word(began),
            ended: word(ended) | (end.code() << END_SHIFT),
        }
    }

    /// When the node began waiting; `None` if it never did.
    pub fn began(&self) -> Option<Duration> {
        offset(self.began)
    }

    /// When it ended, however it ended; `None` if it has not.
    pub fn ended(&self) -> Option<Duration> {
        offset(self.ended & OFFSET_MASK)
    }

    /// [`Timing::began`] in nanoseconds (what a million-pair column
    /// wants, with no `Duration` made and taken apart).
    pub fn began_nanos(&self) -> Option<u64> {
        self.began.checked_sub(1)
    }

    /// [`Timing::ended`] in nanoseconds.
    pub fn ended_nanos(&self) -> Option<u64> {
        (self.ended & OFFSET_MASK).checked_sub(1)
    }

    /// When it said its message or failed (its work done, not cut off).
    pub fn finished(&self) -> Option<Duration> {
        self.ended().filter(|_| self.did_its_work())
    }

    /// [`Timing::finished`] in nanoseconds.
    pub fn finished_nanos(&self) -> Option<u64> {
        self.ended_nanos().filter(|_| self.did_its_work())
    }

    fn did_its_work(&self) -> bool {
        matches!(self.end(), End::Done | End::Failed)
    }

    /// How it ended (meaningless while [`Timing::ended`] is `None`).
    pub fn end(&self) -> End {
        End::of_code(self.ended >> END_SHIFT)
    }

    /// The same, not ended (yet), as a node that has only begun.
    pub fn unended(self) -> Timing {
        Timing { ended: 0, ..self }
    }

    /// Whether it ended without finishing its work: cancelled, timed out
    /// or skipped.
    pub fn cut_short(&self) -> bool {
        self.ended().is_some()
            && matches!(self.end(), End::Cancelled | End::TimedOut | End::Skipped)
    }
}

impl std::fmt::Debug for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Timing")
            .field("began", &self.began())
            .field("ended", &self.ended())
            .field("end", &self.end())
            .finish()
    }
}

impl Recorder {
    /// A record for `pairs` pairs and `groups` groups, starting now.
    pub fn new(pairs: usize, groups: usize, sink: Arc<dyn EventSink>) -> Recorder {
        Recorder::with_commands(pairs, groups, Box::new([]), sink)
    }

    /// A record that also keeps what each command leaf left; `commands`
    /// are their pair indices, in order.
    pub fn with_commands(
        pairs: usize,
        groups: usize,
        commands: Box<[u32]>,
        sink: Arc<dyn EventSink>,
    ) -> Recorder {
        let slots = (0..pairs).map(|_| Slot::default()).collect();
        Recorder(Arc::new(Shared {
            start: Instant::now(),
            slots,
            groups: (0..groups).map(|_| Slot::default()).collect(),
            sink: RwLock::new(Some(sink)),
            batch: None,
            collected: Mutex::new(Vec::new()),
            commands: Mutex::new(vec![None; commands.len()]),
            command_pairs: commands,
        }))
    }

    /// The same record, its per-pair events handed to the sink in batches
    /// of up to [`BATCH`]; a run-level event (started, finished) first
    /// hands over what is waiting, then goes at once.
    ///
    /// Note: for speed, and only where lines stay live. Each handover
    /// crosses to the printer's core; one per event was the largest cost
    /// a million pairs of `tasks` paid beyond bare tokio. A batch waits
    /// for [`Recorder::flush`], which [`FlushOnPark`] calls whenever the
    /// runtime's thread goes idle: a run whose every leaf sleeps on the
    /// timer never holds its thread for long, so a message waits at most
    /// for the rest of its runtime's turn. A run that blocks a thread
    /// (`block`, `spawn_blocking`, `threads`, commands) must not batch.
    pub fn batched(mut self, park: &FlushOnPark) -> Recorder {
        // A runtime flushes one run: a second run on it sends at once.
        if park.0.get().is_some() {
            return self;
        }
        let Some(shared) = Arc::get_mut(&mut self.0) else {
            return self;
        };
        shared.batch = Some(Mutex::new(Vec::with_capacity(BATCH)));
        let _ = park.0.set(Arc::downgrade(&self.0));
        self
    }

    /// Hands every waiting per-pair event to the sink (see
    /// [`Recorder::batched`]).
    pub fn flush(&self) {
        if let Some(batch) = &self.0.batch {
            let mut batch = batch.lock().unwrap_or_else(|e| e.into_inner());
            if !batch.is_empty() {
                self.deliver(&mut batch);
            }
        }
    }

    /// Command leaf `index` ended at `at` as `run` says: done on exit 0,
    /// failed otherwise (unless it was already cut off).
    pub fn end_command(&self, index: usize, at: Duration, run: CommandRun) {
        let end = match run.failed() {
            true => End::Failed,
            false => End::Done,
        };
        let shared = Arc::new(run.clone());
        self.keep_command(index, run);
        if store_end(&self.0.slots[index].ended, at, end) {
            self.send(Event::Exited { index, run: shared });
            self.send(match end {
                End::Failed => Event::Failed { index, at },
                _ => Event::Said { index, at },
            });
        }
    }

    /// Keeps what command leaf `index` left, saying nothing (a command
    /// cut off: its cancellation is recorded by whoever cut it).
    pub fn keep_command(&self, index: usize, run: CommandRun) {
        let Ok(slot) = self.0.command_pairs.binary_search(&(index as u32)) else {
            return;
        };
        let mut commands = self.0.commands.lock().unwrap_or_else(|e| e.into_inner());
        commands[slot] = Some(run);
    }

    /// A line command leaf `index` printed (`--show-output`).
    pub fn output_line(&self, index: usize, line: String) {
        self.send(Event::Output { index, line });
    }

    /// What each command leaf left, in command order (`None`: it never
    /// started).
    pub fn command_runs(&self) -> Vec<Option<CommandRun>> {
        let commands = self.0.commands.lock().unwrap_or_else(|e| e.into_inner());
        commands.clone()
    }

    pub fn start(&self) -> Instant {
        self.0.start
    }

    /// Time since the start of the run.
    pub fn elapsed(&self) -> Duration {
        self.0.start.elapsed()
    }

    /// Pair `index` begins waiting now; returns that instant, so a pair
    /// can count its sleep from it without reading the clock again.
    pub fn begin(&self, index: usize) -> Instant {
        let now = Instant::now();
        store(
            &self.0.slots[index].began,
            now.saturating_duration_since(self.0.start),
            0,
        );
        now
    }

    /// Pair `index` begins now; returns when, from the start.
    pub fn begin_now(&self, index: usize) -> Duration {
        let at = self.elapsed();
        store(&self.0.slots[index].began, at, 0);
        at
    }

    /// Pair `index` has waited its delay: note the time and say it.
    pub fn say(&self, index: usize) {
        let at = self.elapsed();
        if store_end(&self.0.slots[index].ended, at, End::Done) {
            self.send_pair(PairEvent::Said, index, at);
        }
    }

    /// Pair `index` has waited its delay and fails (`fail(...)`).
    pub fn fail(&self, index: usize) {
        let at = self.elapsed();
        if store_end(&self.0.slots[index].ended, at, End::Failed) {
            self.send_pair(PairEvent::Failed, index, at);
        }
    }

    /// Pair `index` was cancelled before it could say its message.
    pub fn cancel(&self, index: usize) {
        self.cut_pair(index, End::Cancelled, self.elapsed());
    }

    fn cut_pair(&self, index: usize, end: End, at: Duration) {
        if store_end(&self.0.slots[index].ended, at, end) {
            let kind = match end {
                End::Skipped => PairEvent::Skipped,
                _ => PairEvent::Cancelled,
            };
            self.send_pair(kind, index, at);
        }
    }

    /// Group `index` begins now.
    pub fn begin_group(&self, index: usize) {
        store(&self.0.groups[index].began, self.elapsed(), 0);
    }

    /// Group `index` ends now, as `end` says (unless it already ended).
    pub fn end_group(&self, index: usize, end: End) {
        store_end(&self.0.groups[index].ended, self.elapsed(), end);
    }

    /// Ends, as `end` says, every pair and group in these ranges that has
    /// not ended yet: what is left when a subtree is dropped (a race is
    /// won, a deadline passes, a sibling fails) or skipped.
    pub fn cut(&self, pairs: Range<u32>, groups: Range<u32>, end: End) {
        let at = self.elapsed();
        for index in groups {
            store_end(&self.0.groups[index as usize].ended, at, end);
        }
        for index in pairs {
            let index = index as usize;
            if self.0.slots[index].ended.load(Ordering::Relaxed) == 0 {
                self.cut_pair(index, end, at);
            }
        }
    }

    /// Cancels every pair that has not said its message nor been cancelled:
    /// what is left when a mode stops waiting (a race is won).
    pub fn cancel_unfinished(&self) {
        self.cut(0..self.0.slots.len() as u32, 0..0, End::Cancelled);
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
        self.flush();
        let mut sink = self.0.sink.write().unwrap_or_else(|e| e.into_inner());
        *sink = None;
    }

    /// A per-pair event: into the batch, in its compact form, when the
    /// run batches (see [`Recorder::batched`]).
    fn send_pair(&self, kind: PairEvent, index: usize, at: Duration) {
        match (&self.0.batch, PairEnd::new(kind, index, at)) {
            (Some(batch), Some(pair)) => {
                let mut batch = batch.lock().unwrap_or_else(|e| e.into_inner());
                batch.push(Batched::Pair(pair));
                if batch.len() >= BATCH {
                    self.deliver(&mut batch);
                }
            }
            _ => self.send(kind.event(index, at)),
        }
    }

    fn send(&self, event: Event) {
        if let Some(batch) = &self.0.batch {
            // What waits goes first, in one handover with this one.
            let mut batch = batch.lock().unwrap_or_else(|e| e.into_inner());
            batch.push(Batched::of(event));
            self.deliver(&mut batch);
            return;
        }
        // A read lock: uncontended but for `close`, and many pairs may
        // send at once on a multi-thread runtime.
        let sink = self.0.sink.read().unwrap_or_else(|e| e.into_inner());
        if let Some(sink) = sink.as_ref() {
            sink.event(event);
        }
    }

    fn deliver(&self, batch: &mut Vec<Batched>) {
        let sink = self.0.sink.read().unwrap_or_else(|e| e.into_inner());
        match sink.as_ref() {
            Some(sink) => sink.events(batch),
            None => batch.clear(),
        }
    }

    /// What has been recorded so far of the pairs, in pair order.
    pub fn timings(&self) -> Vec<Timing> {
        self.0.slots.iter().map(Slot::timing).collect()
    }

    /// What has been recorded so far of the groups, in pre-order.
    pub fn group_timings(&self) -> Vec<Timing> {
        self.0.groups.iter().map(Slot::timing).collect()
    }
}

impl Slot {
    fn timing(&self) -> Timing {
        // A begun slot's word carries no end (`store` writes `Done`'s 0).
        Timing {
            began: self.began.load(Ordering::Relaxed) & OFFSET_MASK,
            ended: self.ended.load(Ordering::Relaxed),
        }
    }
}

fn encode(at: Duration, end: End) -> u64 {
    // 60 bits of nanoseconds last 36 years, far beyond the longest run;
    // saturate rather than wrap.
    let nanos = u64::try_from(at.as_nanos()).map_or(OFFSET_MASK - 1, |n| n.min(OFFSET_MASK - 1));
    (nanos + 1) | (end.code() << END_SHIFT)
}

fn store(slot: &AtomicU64, at: Duration, flags: u64) {
    // Relaxed is enough: the slots are only read after the run has ended,
    // and ending a run (joining tasks, leaving block_on) synchronises.
    slot.store(encode(at, End::Done) | flags, Ordering::Relaxed);
}

/// Stores an ending unless one is there already; `true` if this one won.
fn store_end(slot: &AtomicU64, at: Duration, end: End) -> bool {
    slot.compare_exchange(0, encode(at, end), Ordering::Relaxed, Ordering::Relaxed)
        .is_ok()
}

fn offset(stored: u64) -> Option<Duration> {
    match stored {
        0 => None,
        n => Some(Duration::from_nanos(n - 1)),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc::{Receiver, channel};

    use super::*;

    fn said(events: &Receiver<Event>) -> Vec<usize> {
        events
            .try_iter()
            .map(|event| match event {
                Event::Said { index, .. } => index,
                Event::Finished { .. } => usize::MAX,
                other => panic!("{other:?}"),
            })
            .collect()
    }

    /// A timing keeps what it is given, in the record's 16 bytes.
    #[test]
    fn a_timing_gives_back_what_it_was_given() {
        assert_eq!(std::mem::size_of::<Timing>(), 16);
        let at = [
            None,
            Some(Duration::ZERO),
            Some(Duration::new(7, 123_456_789)),
        ];
        for began in at {
            for ended in at {
                for end in End::ALL {
                    let timing = Timing::new(began, ended, end);
                    assert_eq!(timing.began(), began);
                    assert_eq!(timing.ended(), ended);
                    assert_eq!(timing.end(), end);
                    let nanos = |d: Option<Duration>| d.map(|d| d.as_nanos() as u64);
                    assert_eq!(timing.began_nanos(), nanos(began));
                    assert_eq!(timing.ended_nanos(), nanos(ended));
                    let finished = ended.filter(|_| matches!(end, End::Done | End::Failed));
                    assert_eq!(timing.finished(), finished);
                    assert_eq!(timing.finished_nanos(), nanos(finished));
                    let unended = timing.unended();
                    assert_eq!((unended.began(), unended.ended()), (began, None));
                    assert_eq!(unended, Timing::new(began, None, End::Done));
                }
            }
        }
        assert_eq!(Timing::default(), Timing::new(None, None, End::default()));
    }

    /// A batched record holds per-pair events until its runtime goes
    /// idle (the park hook), a batch fills, or a run-level event comes,
    /// and hands them over in order.
    #[tokio::test(start_paused = true)]
    async fn a_batched_record_hands_over_in_order_on_park_when_full_and_at_the_end() {
        let (sender, events) = channel();
        let park = FlushOnPark::default();
        let recorder = Recorder::new(BATCH + 3, 0, Arc::new(sender)).batched(&park);
        recorder.say(0);
        recorder.say(1);
        assert_eq!(said(&events), Vec::<usize>::new());
        park.flush();
        assert_eq!(said(&events), vec![0, 1]);
        for index in 2..BATCH + 2 {
            recorder.say(index);
        }
        assert_eq!(said(&events), (2..BATCH + 2).collect::<Vec<_>>());
        recorder.say(BATCH + 2);
        recorder.emit(Event::Finished {
            at: jiff::Timestamp::UNIX_EPOCH.in_tz("UTC").unwrap(),
            wall: Duration::ZERO,
        });
        assert_eq!(said(&events), vec![BATCH + 2, usize::MAX]);
    }

    /// One flusher per runtime: a second record on it sends at once; a
    /// record let go hands over what it held, and is flushed no more.
    #[tokio::test(start_paused = true)]
    async fn a_second_record_on_the_same_runtime_is_not_batched() {
        let (sender, events) = channel();
        let park = FlushOnPark::default();
        let first = Recorder::new(1, 0, Arc::new(sender.clone())).batched(&park);
        let second = Recorder::new(1, 0, Arc::new(sender)).batched(&park);
        second.say(0);
        assert_eq!(said(&events), vec![0]);
        first.say(0);
        assert_eq!(said(&events), Vec::<usize>::new());
        drop(first);
        assert_eq!(said(&events), vec![0]);
        park.flush();
        assert_eq!(said(&events), Vec::<usize>::new());
    }
}
