//! `limit(N, ...)` and `--limit N`: at most N children (or pairs) wait at
//! once, like `asyncio.Semaphore`.
//! A pair takes a permit of a fair `tokio::sync::Semaphore` before it
//! begins; permits go in the order pairs queued for them, and this module
//! makes that order the argument order on any runtime.

use std::future::{Future, poll_fn};
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::Poll;

use std::num::NonZeroUsize;

use futures_util::future::join_all;
use tokio::sync::{Notify, Semaphore, SemaphorePermit};
use tokio::task::coop::unconstrained;

use crate::mode::Work;
use crate::mode::node::{NodeResult, combined};

/// The semaphore, and how many pairs have queued on it so far.
pub struct Limit {
    semaphore: Semaphore,
    queued: AtomicUsize,
    turn: Notify,
}

impl Limit {
    pub fn new(permits: usize) -> Limit {
        Limit {
            // tokio's semaphore holds at most MAX_PERMITS (and panics
            // beyond); a limit that high is no limit anyway.
            semaphore: Semaphore::new(permits.min(Semaphore::MAX_PERMITS)),
            queued: AtomicUsize::new(0),
            turn: Notify::new(),
        }
    }

    /// A permit for pair `index`, queued behind pairs `0..index`; the pair
    /// holds it until the permit is dropped.
    pub async fn permit(&self, index: usize) -> Option<SemaphorePermit<'_>> {
        self.wait_for_turn(index).await;
        // `async with semaphore:`. The first poll joins the semaphore's
        // queue (or takes a free permit); only then may the next pair queue.
        let mut acquire = pin!(self.semaphore.acquire());
        let first = poll_fn(|cx| Poll::Ready(acquire.as_mut().poll(cx))).await;
        self.queued.store(index + 1, Ordering::Release);
        self.turn.notify_waiters();
        // Nothing closes the semaphore, so this cannot fail; if it ever
        // did, the pair would run unlimited.
        match first {
            Poll::Ready(permit) => permit.ok(),
            Poll::Pending => acquire.await.ok(),
        }
    }

    /// Waits until every pair before `index` has queued. On a current-thread
    /// runtime they already have (pairs are first polled in order); on
    /// worker threads, spawned pairs start in no set order.
    async fn wait_for_turn(&self, index: usize) {
        loop {
            let mut notified = pin!(self.turn.notified());
            // Registered before the check, so a turn passed in between is
            // not missed.
            notified.as_mut().enable();
            if self.queued.load(Ordering::Acquire) >= index {
                return;
            }
            notified.await;
        }
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
