//! spawn-blocking: the fix for `blocking` (`spawn_blocking(PAIR)`). The same
//! blocking sleep, moved to `tokio::task::spawn_blocking`, which runs it on a
//! pool of threads kept for blocking work (Python's `asyncio.to_thread`).
//! The runtime's own thread stays free, the sleeps overlap, and wall = the
//! longest delay again.

use crate::engine::record::End;
use crate::mode::Work;
use crate::mode::node::NodeResult;

pub async fn run(work: Work, index: usize) -> NodeResult {
    let delay = work.scenario().plan().pairs()[index].delay;
    let recorder = work.recorder().clone();
    let sleeper = tokio::task::spawn_blocking(move || {
        recorder.begin(index);
        // Blocking is fine here: this is a pool thread, not the runtime's.
        std::thread::sleep(delay);
        recorder.say(index);
    });
    // Awaiting a blocking task's handle yields like any other await.
    sleeper.await.map_err(|e| Box::new(e.into()))?;
    Ok(End::Done)
}
