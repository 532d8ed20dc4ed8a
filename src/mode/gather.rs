//! gather: `await asyncio.gather(say_after(...), ...)`. Every child is a
//! future inside this one task, polled together by `join_all`, without
//! spawning: the sleeps overlap, wall = the longest delay. Shorter to write
//! than tasks, but there is no handle for each child. A failing child does
//! not stop the others (asyncio's default); the group reports it.

use futures_util::future::join_all;
use tokio::task::coop::unconstrained;

use crate::mode::Work;
use crate::mode::node::{NodeResult, combined};

/// Joins every child's future in this one task.
///
/// Note: `unconstrained` is there for speed, not for the lesson. tokio gives
/// each task a budget of work per poll. Once join_all's sleeps have spent it,
/// every further sleep reports "not ready" and join_all polls all pending
/// futures again and again: quadratic (100,000 pairs took 2.3 s instead of
/// 0.05 s; futures-rs #2053). Opting this one task out of the budget keeps
/// gather linear.
pub async fn run(work: &Work, group: u32) -> NodeResult {
    let children = work.children(group);
    let futures = children.map(|child| work.run_here(child));
    let results = unconstrained(join_all(futures)).await;
    combined(results)
}
