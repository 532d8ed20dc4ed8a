//! tasks: `asyncio.create_task(say_after(...))` for every pair, then await
//! each task. `tokio::spawn` hands each future to the runtime, which starts
//! it right away: all the sleeps overlap, so wall = the longest delay, and
//! messages appear in the order their deadlines come, not the order given.

use tokio::task::JoinHandle;

use crate::engine::run::RunError;
use crate::mode::Work;
use crate::scenario::plan::Plan;

pub async fn run(plan: &Plan, work: &Work) -> Result<(), RunError> {
    let handles: Vec<JoinHandle<usize>> = plan
        .pairs()
        .iter()
        .enumerate()
        .map(|(index, pair)| tokio::spawn(work.clone().say_after(index, pair.delay)))
        .collect();
    // Awaiting a handle only waits; the task has been running since spawn.
    for handle in handles {
        handle.await?;
    }
    Ok(())
}
