//! tasks: `asyncio.create_task(say_after(...))` for every child, then await
//! each task. `tokio::spawn` hands each future to the runtime, which starts
//! it right away: all the sleeps overlap, so wall = the longest delay, and
//! messages appear in the order their deadlines come, not the order given.

use tokio_util::task::AbortOnDropHandle;

use crate::engine::record::End;
use crate::mode::Work;
use crate::mode::node::NodeResult;

pub async fn run(work: &Work, group: u32) -> NodeResult {
    // Why abort on drop: dropping a plain JoinHandle detaches its task,
    // which would go on sleeping after this group was cancelled (a lost
    // race, a timeout). Aborting makes cancellation reach the children.
    let handles: Vec<_> = work
        .children(group)
        .map(|child| AbortOnDropHandle::new(tokio::spawn(work.run_spawned(child))))
        .collect();
    // Awaiting a handle only waits; the task has been running since spawn.
    let mut ended = End::Done;
    for mut handle in handles {
        let result = (&mut handle).await;
        // Its task is over: let the handle go without aborting it (a
        // million finished tasks need no abort).
        drop(handle.detach());
        if result.map_err(|e| Box::new(e.into()))??.failed() {
            ended = End::Failed;
        }
    }
    Ok(ended)
}
