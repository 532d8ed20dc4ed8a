//! timeout: `async with asyncio.timeout(2.5):` around one child, or
//! `tokio::time::timeout`. When the deadline comes first, the child's
//! future is dropped mid-sleep (that is how a future is cancelled in Rust)
//! and the timeout fails, as `TimeoutError` would propagate in Python.
//! Wall = the shorter of the child's and the deadline.

use std::pin::pin;
use std::time::Duration;

use tokio::time::sleep;

use crate::engine::record::End;
use crate::mode::Work;
use crate::mode::node::NodeResult;

/// Runs the child, or cancels it at the deadline.
///
/// Note: `tokio::time::timeout(limit, child)` is the one-line version. This
/// one also lets whatever ends at the deadline's very instant end on its
/// own, even inside spawned tasks that run a moment after the timer fires,
/// so that a tie comes out the same on every run (`Work::settle`).
pub async fn run(work: &Work, group: u32, limit: Duration) -> NodeResult {
    let Some(child) = work.children(group).next() else {
        return Ok(End::Done);
    };
    let mut child = pin!(work.clone().run(child));
    tokio::select! {
        biased;
        ended = &mut child => return ended,
        () = sleep(limit) => {}
    }
    if let Some(ended) = work.settle(&mut child).await {
        return ended;
    }
    // The deadline came first: dropping the child cancels it.
    work.cut_children(group, End::Cancelled);
    work.recorder().end_group(group as usize, End::TimedOut);
    Ok(End::TimedOut)
}
