//! group: a task group (Python 3.11's `asyncio.TaskGroup`). Every child is
//! spawned into a `JoinSet`; the first child to fail cancels the siblings
//! still running, and the group fails. Without a failure it is `joinset`:
//! wall = the longest delay.

use tokio::task::JoinSet;

use crate::engine::record::End;
use crate::mode::Work;
use crate::mode::node::NodeResult;

/// Spawns every child, and on the first failure aborts the rest.
///
/// Note: Before aborting, siblings that end at the failure's very instant
/// are let finish (`Work::settle_set`), so that a tie comes out the same on
/// every run.
pub async fn run(work: &Work, group: u32) -> NodeResult {
    let mut set = JoinSet::new();
    for child in work.children(group) {
        set.spawn(work.clone().run(child));
    }
    while let Some(joined) = set.join_next().await {
        if joined.map_err(|e| Box::new(e.into()))??.failed() {
            work.settle_set(&mut set).await?;
            // Aborting the JoinSet cancels every task still in it.
            set.abort_all();
            work.cut_children(group, End::Cancelled);
            return Ok(End::Failed);
        }
    }
    Ok(End::Done)
}
