//! joinset: spawn every pair into a `tokio::task::JoinSet`, then collect the
//! results as they complete (Python's `asyncio.as_completed`). `tasks`
//! awaits its handles in argument order; a JoinSet hands back whichever
//! task finished first, so the report lists the order of completion.
//! Wall = the longest delay.

use tokio::task::JoinSet;

use crate::engine::run::RunError;
use crate::mode::Work;
use crate::scenario::plan::Plan;

pub async fn run(plan: &Plan, work: &Work) -> Result<(), RunError> {
    let mut set = JoinSet::new();
    for (index, pair) in plan.pairs().iter().enumerate() {
        set.spawn(work.clone().say_after(index, pair.delay));
    }
    // join_next waits for the next task to finish, whichever it is.
    while let Some(result) = set.join_next().await {
        let index = result?;
        work.recorder().collected(index);
    }
    Ok(())
}
