//! joinset: spawn every child into a `tokio::task::JoinSet`, then collect
//! the results as they complete (Python's `asyncio.as_completed`). `tasks`
//! awaits its handles in argument order; a JoinSet hands back whichever
//! task finished first, so the report lists the order of completion.
//! Wall = the longest delay.

use futures_util::FutureExt;
use tokio::task::JoinSet;

use crate::engine::record::End;
use crate::mode::Work;
use crate::mode::node::NodeResult;
use crate::scenario::tree::Node;

pub async fn run(work: &Work, group: u32) -> NodeResult {
    let mut set = JoinSet::new();
    for child in work.children(group) {
        set.spawn(work.run_spawned(child).map(move |ended| (child, ended)));
    }
    let mut ended = End::Done;
    // join_next waits for the next task to finish, whichever it is.
    while let Some(joined) = set.join_next().await {
        let (child, result) = joined.map_err(|e| Box::new(e.into()))?;
        if let Node::Pair { index, .. } = child {
            work.recorder().collected(index as usize);
        }
        if result?.failed() {
            ended = End::Failed;
        }
    }
    Ok(ended)
}
