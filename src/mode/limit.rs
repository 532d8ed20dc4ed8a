//! `limit(N, ...)` and `--limit N`: at most N children (or pairs) wait at
//! once, like `asyncio.Semaphore`. A pair takes one of N permits before it
//! begins and gives it back when it is done. Permits go in argument order on any runtime: pair `i` gets one
//! only once pairs `0..i` have had theirs, even when (on worker threads)
//! pair `i` asks first.
//!
//! Why not `tokio::sync::Semaphore`: it is fair in the order pairs *ask*,
//! and spawned pairs ask in no set order on worker threads, so each pair
//! first had to wait for its turn to ask; every turn then woke every
//! waiting pair (40,000 pairs took minutes). Here the permits and the turns
//! are one queue, and a turn wakes only the pair whose turn it is: O(1)
//! work per pair, and a waiting pair costs one waker in the queue.

use std::collections::VecDeque;
use std::future::Future;
use std::num::NonZeroUsize;
use std::pin::Pin;
use std::sync::{Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use futures_util::future::join_all;
use tokio::task::coop::unconstrained;

use crate::mode::Work;
use crate::mode::node::{NodeResult, combined};

/// N permits, handed out in argument order.
pub struct Limit {
    queue: Mutex<Queue>,
}

struct Queue {
    /// Permits no pair holds.
    free: usize,
    /// The pair whose turn it is: pairs `0..turn` have had theirs.
    turn: usize,
    /// Pairs `turn..`, by `index - turn`: what each is doing about its turn.
    line: VecDeque<Place>,
}

#[derive(Default)]
enum Place {
    /// Has not asked yet.
    #[default]
    NotYet,
    /// Asked; woken when its turn comes and a permit is free.
    Waiting(Waker),
    /// Gave up before its turn (cancelled): the turn skips it.
    Left,
}

impl Limit {
    pub fn new(permits: usize) -> Limit {
        Limit {
            queue: Mutex::new(Queue {
                free: permits,
                turn: 0,
                line: VecDeque::new(),
            }),
        }
    }

    /// A permit for pair `index`, once pairs `0..index` have had theirs; the
    /// pair holds it until the permit is dropped. Each index asks once:
    /// one that asks again, after its turn, gets `None` at once.
    pub fn permit(&self, index: usize) -> Turn<'_> {
        Turn {
            limit: self,
            index,
            granted: false,
        }
    }

    fn queue(&self) -> MutexGuard<'_, Queue> {
        // Nothing panics while holding the lock; if something did, the
        // queue's counts are still whole.
        self.queue.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Pair `index` waiting for its turn and a free permit: `async with
/// semaphore:`. Dropping it before then (a timeout, a lost race) gives up
/// the turn, so the pairs behind it are not stuck.
pub struct Turn<'a> {
    limit: &'a Limit,
    index: usize,
    granted: bool,
}

impl<'a> Future for Turn<'a> {
    type Output = Option<Permit<'a>>;

    /// `async with semaphore:`, in argument order.
    ///
    /// Note: A turn costs one wake-up however many pairs wait: a permit
    /// given back wakes only the pair whose turn it is (`wake_turn`).
    /// tokio's own semaphore serves pairs in the order they ask, which on
    /// worker threads is not the argument order; making each pair wait for
    /// its turn to ask, and waking every waiting pair at each turn, made
    /// 40,000 pairs take minutes.
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut queue = self.limit.queue();
        // A free permit goes to the pair whose turn it is, and to no other.
        if queue.turn == self.index && queue.free > 0 {
            queue.free -= 1;
            queue.pass_turn();
            self.granted = true;
            return Poll::Ready(Some(Permit { limit: self.limit }));
        }
        if !queue.wait(self.index, cx.waker()) {
            // Its turn has passed: this index asked twice. It goes on
            // without a permit rather than wait forever.
            self.granted = true;
            return Poll::Ready(None);
        }
        Poll::Pending
    }
}

impl Drop for Turn<'_> {
    fn drop(&mut self) {
        if self.granted {
            return;
        }
        let mut queue = self.limit.queue();
        match self.index.checked_sub(queue.turn) {
            Some(0) => queue.pass_turn(),
            Some(place) => *queue.place(place) = Place::Left,
            None => {}
        }
    }
}

/// One permit, given back (to the pair whose turn it is) when dropped.
pub struct Permit<'a> {
    limit: &'a Limit,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut queue = self.limit.queue();
        queue.free += 1;
        queue.wake_turn();
    }
}

impl Queue {
    /// The pair at `turn` has had its turn (or left): the next pair that has
    /// not left gets it.
    fn pass_turn(&mut self) {
        loop {
            self.line.pop_front();
            self.turn += 1;
            if !matches!(self.line.front(), Some(Place::Left)) {
                break;
            }
        }
        self.wake_turn();
    }

    /// Wakes the pair whose turn it is, if a permit is free and it waits:
    /// the only wake-up a turn costs.
    fn wake_turn(&self) {
        if let (true, Some(Place::Waiting(waker))) = (self.free > 0, self.line.front()) {
            waker.wake_by_ref();
        }
    }

    /// Pair `index` waits for its turn, to be woken by `waker`; `false`
    /// if its turn has passed.
    fn wait(&mut self, index: usize, waker: &Waker) -> bool {
        let Some(at) = index.checked_sub(self.turn) else {
            return false;
        };
        match self.place(at) {
            Place::Waiting(old) if old.will_wake(waker) => {}
            place => *place = Place::Waiting(waker.clone()),
        }
        true
    }

    fn place(&mut self, at: usize) -> &mut Place {
        if self.line.len() <= at {
            self.line.resize_with(at + 1, Place::default);
        }
        &mut self.line[at]
    }
}

/// `limit(N, ...)`: the children gathered, each behind the semaphore
/// (`async with semaphore:` in Python), so at most N run at once and the
/// rest start in argument order as permits free. Like gather, a failing
/// child does not stop the others.
pub async fn run(work: &Work, group: u32, permits: NonZeroUsize) -> NodeResult {
    let limit = Limit::new(permits.get());
    let futures = work.children(group).enumerate().map(|(turn, child)| {
        let (work, limit) = (work.clone(), &limit);
        async move {
            let _permit = limit.permit(turn).await;
            work.run(child).await
        }
    });
    combined(unconstrained(join_all(futures)).await)
}

#[cfg(test)]
mod tests {
    use std::pin::Pin;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::task::{Context, Poll, Wake, Waker};

    use super::*;

    /// A waker that counts how often it is woken and remembers that it was.
    #[derive(Default)]
    struct Flag {
        woken: AtomicBool,
        wakes: Arc<AtomicUsize>,
    }

    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.wake_by_ref();
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.woken.store(true, Ordering::SeqCst);
            self.wakes.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// `pairs` pairs want one of `permits` permits; they are first polled in
    /// reverse order (the worst a multi-thread runtime can do), then
    /// whichever was woken is polled again, and each permit is given back
    /// as soon as it is granted. Returns the order in which permits were
    /// granted and the number of wake-ups.
    fn run_in_reverse(permits: usize, pairs: usize) -> (Vec<usize>, usize) {
        let limit = Limit::new(permits);
        let wakes = Arc::new(AtomicUsize::new(0));
        let mut waiting: Vec<_> = (0..pairs)
            .map(|index| {
                let flag = Arc::new(Flag {
                    woken: AtomicBool::new(true),
                    wakes: wakes.clone(),
                });
                (index, Box::pin(limit.permit(index)), flag)
            })
            .collect();
        waiting.reverse();
        let mut granted = Vec::new();
        while !waiting.is_empty() {
            let before = waiting.len();
            waiting.retain_mut(|(index, future, flag)| {
                if !flag.woken.swap(false, Ordering::SeqCst) {
                    return true;
                }
                let waker = Waker::from(flag.clone());
                match Pin::as_mut(future).poll(&mut Context::from_waker(&waker)) {
                    Poll::Ready(permit) => {
                        granted.push(*index);
                        drop(permit);
                        false
                    }
                    Poll::Pending => true,
                }
            });
            let woken = waiting.iter().any(|w| w.2.woken.load(Ordering::SeqCst));
            assert!(waiting.len() < before || woken, "stuck: nobody was woken");
        }
        (granted, wakes.load(Ordering::SeqCst))
    }

    /// Each pair is woken a bounded number of times, however many wait:
    /// handing a turn on wakes the one pair whose turn it is, not every
    /// pair in the queue (which made `--limit` quadratic on worker threads).
    #[test]
    fn each_turn_wakes_one_pair() {
        let pairs = 2_000;
        let (granted, wakes) = run_in_reverse(1, pairs);
        assert_eq!(granted, (0..pairs).collect::<Vec<_>>());
        assert!(wakes <= 3 * pairs, "{wakes} wake-ups for {pairs} pairs");
    }

    /// Polls `turn` once with a waker that records whether it was woken.
    fn poll_once<'a>(turn: &mut Turn<'a>, flag: &Arc<Flag>) -> Poll<Option<Permit<'a>>> {
        let waker = Waker::from(flag.clone());
        Pin::new(turn).poll(&mut Context::from_waker(&waker))
    }

    #[test]
    fn permits_go_in_argument_order_at_most_n_at_once() {
        let limit = Limit::new(2);
        let flags: Vec<Arc<Flag>> = (0..4).map(|_| Arc::default()).collect();
        let mut turns: Vec<Turn> = (0..4).map(|i| limit.permit(i)).collect();
        // Pair 3 and 2 ask first, as spawned tasks may on worker threads.
        assert!(poll_once(&mut turns[3], &flags[3]).is_pending());
        assert!(poll_once(&mut turns[2], &flags[2]).is_pending());
        let first = poll_once(&mut turns[0], &flags[0]);
        let second = poll_once(&mut turns[1], &flags[1]);
        assert!(matches!(
            (&first, &second),
            (Poll::Ready(Some(_)), Poll::Ready(Some(_)))
        ));
        // Both permits are held: pair 2 is not woken, and still waits.
        assert!(!flags[2].woken.load(Ordering::SeqCst));
        assert!(poll_once(&mut turns[2], &flags[2]).is_pending());
        // Pair 1 gives its permit back: only pair 2, whose turn it is, wakes.
        drop(second);
        assert!(flags[2].woken.load(Ordering::SeqCst));
        assert!(!flags[3].woken.load(Ordering::SeqCst));
        assert!(matches!(
            poll_once(&mut turns[2], &flags[2]),
            Poll::Ready(Some(_))
        ));
    }

    /// A pair cancelled while it waits gives up its turn: the pairs behind
    /// it are not stuck, whether it was next in line or further back.
    #[test]
    fn a_pair_that_leaves_gives_up_its_turn() {
        let limit = Limit::new(1);
        let flags: Vec<Arc<Flag>> = (0..4).map(|_| Arc::default()).collect();
        let mut turns: Vec<Option<Turn>> = (0..4).map(|i| Some(limit.permit(i))).collect();
        let held = poll_once(turns[0].as_mut().unwrap(), &flags[0]);
        for i in 1..4 {
            assert!(poll_once(turns[i].as_mut().unwrap(), &flags[i]).is_pending());
        }
        turns[2] = None;
        drop(held);
        assert!(flags[1].woken.load(Ordering::SeqCst));
        turns[1] = None;
        // Pair 1 left at its turn and pair 2 before it: the turn is 3's.
        assert!(flags[3].woken.load(Ordering::SeqCst));
        assert!(matches!(
            poll_once(turns[3].as_mut().unwrap(), &flags[3]),
            Poll::Ready(Some(_))
        ));
    }

    #[test]
    fn asking_twice_gets_no_permit_rather_than_a_hang() {
        let limit = Limit::new(1);
        let flag = Arc::default();
        let held = poll_once(&mut limit.permit(0), &flag);
        assert!(matches!(held, Poll::Ready(Some(_))));
        assert!(matches!(
            poll_once(&mut limit.permit(0), &flag),
            Poll::Ready(None)
        ));
    }

    #[test]
    fn the_largest_limit_is_no_limit() {
        let (granted, _) = run_in_reverse(usize::MAX, 100);
        assert_eq!(granted.len(), 100);
    }
}
