//! The event queue between a run and the printer thread, taken a batch at a
//! time. A channel hands over one message per send, and with the run on one
//! core and the printer on the other, every send and every receive fight
//! over the same cache lines: measured, 330 ns an event, a third of a
//! second for a million pairs said at once. Here the run appends to a
//! `Vec` under a mutex the printer touches only to swap the whole `Vec`
//! out, so a burst costs a few handovers, and the printer is woken (a system
//! call) only when it has been idle for a while; in a burst it naps 1 ms
//! at most between batches. Live lines stay live.

use std::mem;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::engine::event::{Batched, Event, EventSink};

/// How long the receiver waits for more before it asks to be woken: the
/// most a line can lag behind its event in the middle of a burst.
const NAP: Duration = Duration::from_millis(1);

struct Shared {
    state: Mutex<State>,
    wake: Condvar,
}

struct State {
    events: Vec<Batched>,
    /// Live [`QueueSender`]s: at zero, the queue is closed once drained.
    senders: usize,
    /// The receiver is waiting on `wake` (so a push must wake it).
    waiting: bool,
    /// The receiver is gone: pushed events are dropped.
    abandoned: bool,
}

/// The sending half: an [`EventSink`] for a run. Cheap to clone.
pub struct QueueSender(Arc<Shared>);

/// The receiving half, for the printer thread.
pub struct QueueReceiver(Arc<Shared>);

/// What [`QueueReceiver::take`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taken {
    /// Events were moved into the batch.
    Events,
    /// None came within the timeout.
    Timeout,
    /// None are left, and every sender is gone.
    Closed,
}

/// A new, empty queue.
pub fn queue() -> (QueueSender, QueueReceiver) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            events: Vec::new(),
            senders: 1,
            waiting: false,
            abandoned: false,
        }),
        wake: Condvar::new(),
    });
    (QueueSender(shared.clone()), QueueReceiver(shared))
}

impl Shared {
    /// The state, even if a thread panicked while holding it: it holds no
    /// invariant a panic could break halfway.
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl EventSink for QueueSender {
    fn event(&self, event: Event) {
        let mut state = self.0.lock();
        if state.abandoned {
            return;
        }
        state.events.push(Batched::of(event));
        let wake = mem::take(&mut state.waiting);
        drop(state);
        if wake {
            self.0.wake.notify_one();
        }
    }

    /// A batch in one handover: one lock, and the printer's core sees the
    /// run's writes a batch at a time rather than one event at a time.
    /// Into an empty queue the batch goes whole (its buffer is swapped
    /// in, not copied), and the sender keeps the queue's empty one.
    fn events(&self, events: &mut Vec<Batched>) {
        let mut state = self.0.lock();
        if state.abandoned {
            events.clear();
            return;
        }
        if state.events.is_empty() {
            mem::swap(&mut state.events, events);
        } else {
            state.events.append(events);
        }
        let wake = mem::take(&mut state.waiting);
        drop(state);
        if wake {
            self.0.wake.notify_one();
        }
    }
}

impl Clone for QueueSender {
    fn clone(&self) -> QueueSender {
        self.0.lock().senders += 1;
        QueueSender(self.0.clone())
    }
}

impl Drop for QueueSender {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.senders -= 1;
        if state.senders == 0 {
            drop(state);
            self.0.wake.notify_one();
        }
    }
}

impl QueueReceiver {
    /// Moves every waiting event into `batch` (which should be empty, so
    /// its room is reused), waiting up to `timeout` for the first one.
    pub fn take(&self, batch: &mut Vec<Batched>, timeout: Duration) -> Taken {
        let mut state = self.0.lock();
        let mut napped = false;
        loop {
            if !state.events.is_empty() {
                mem::swap(&mut state.events, batch);
                return Taken::Events;
            }
            if state.senders == 0 {
                return Taken::Closed;
            }
            // A short nap first, without asking to be woken: in the middle
            // of a burst the next events come within it, and the run never
            // pays for a wake-up (a system call, each time the printer has
            // caught up). Only a queue still empty after it is worth a wake.
            if !napped {
                napped = true;
                state = self
                    .0
                    .wake
                    .wait_timeout(state, NAP)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
                continue;
            }
            state.waiting = true;
            let (guard, wait) = self
                .0
                .wake
                .wait_timeout(state, timeout)
                .unwrap_or_else(|e| e.into_inner());
            state = guard;
            state.waiting = false;
            if wait.timed_out() && state.events.is_empty() && state.senders > 0 {
                return Taken::Timeout;
            }
        }
    }
}

impl Drop for QueueReceiver {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.abandoned = true;
        state.events = Vec::new();
    }
}

#[cfg(test)]
mod tests {
    use std::thread;

    use super::*;

    fn said(index: usize) -> Event {
        Event::Said {
            index,
            at: Duration::ZERO,
        }
    }

    #[test]
    fn events_arrive_in_order_in_batches_then_the_queue_closes() {
        let (sender, receiver) = queue();
        let producer = thread::spawn(move || {
            for index in 0..10_000 {
                sender.event(said(index));
            }
        });
        let mut seen = Vec::new();
        let mut batch = Vec::new();
        loop {
            match receiver.take(&mut batch, Duration::from_secs(10)) {
                Taken::Events => seen.extend(batch.drain(..).map(|queued| queued.event())),
                Taken::Timeout => panic!("the producer stalled"),
                Taken::Closed => break,
            }
        }
        producer.join().unwrap();
        let indexes: Vec<usize> = seen
            .iter()
            .map(|event| match event {
                Event::Said { index, .. } => *index,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(indexes, (0..10_000).collect::<Vec<_>>());
    }

    /// A batch goes in whole, after what waits, and the sender gets an
    /// empty buffer back.
    #[test]
    fn batches_keep_their_order_whole_or_appended() {
        let (sender, receiver) = queue();
        let mut first: Vec<Batched> = (0..3).map(|i| Batched::of(said(i))).collect();
        sender.events(&mut first);
        assert!(first.is_empty());
        let mut second: Vec<Batched> = (3..5).map(|i| Batched::of(said(i))).collect();
        sender.events(&mut second);
        assert!(second.is_empty());
        let mut batch = Vec::new();
        assert_eq!(
            receiver.take(&mut batch, Duration::from_millis(10)),
            Taken::Events
        );
        let events: Vec<Event> = batch.iter().map(Batched::event).collect();
        assert_eq!(events, (0..5).map(said).collect::<Vec<_>>());
    }

    #[test]
    fn waiting_with_nothing_sent_times_out() {
        let (_sender, receiver) = queue();
        let mut batch = Vec::new();
        let taken = receiver.take(&mut batch, Duration::from_millis(10));
        assert_eq!(taken, Taken::Timeout);
    }

    #[test]
    fn a_clone_keeps_the_queue_open() {
        let (sender, receiver) = queue();
        let other = sender.clone();
        drop(sender);
        let mut batch = Vec::new();
        assert_eq!(
            receiver.take(&mut batch, Duration::from_millis(10)),
            Taken::Timeout
        );
        other.event(said(7));
        drop(other);
        assert_eq!(
            receiver.take(&mut batch, Duration::from_millis(10)),
            Taken::Events
        );
        assert_eq!(batch.len(), 1);
        batch.clear();
        assert_eq!(
            receiver.take(&mut batch, Duration::from_millis(10)),
            Taken::Closed
        );
    }

    #[test]
    fn events_for_a_gone_receiver_are_dropped() {
        let (sender, receiver) = queue();
        drop(receiver);
        sender.event(said(1));
        assert!(sender.0.lock().events.is_empty());
    }
}
