//! timeout: `async with asyncio.timeout(2.5):` around one child, or
//! `tokio::time::timeout`. When the deadline comes first, the child's
//! future is dropped mid-sleep (that is how a future is cancelled in Rust)
//! and the timeout fails, as `TimeoutError` would propagate in Python.
//! Wall = the shorter of the child's and the deadline.

use std::time::Duration;

use tokio::time::timeout;

use crate::engine::record::End;
use crate::mode::Work;
use crate::mode::node::NodeResult;

pub async fn run(work: &Work, group: u32, deadline: Duration) -> NodeResult {
    let Some(child) = work.children(group).next() else {
        return Ok(End::Done);
    };
    match timeout(deadline, work.clone().run(child)).await {
        Ok(ended) => ended,
        Err(_elapsed) => {
            work.cut_children(group, End::Cancelled);
            work.recorder().end_group(group as usize, End::TimedOut);
            Ok(End::TimedOut)
        }
    }
}
