//! spawn-blocking: the fix for `blocking`. The same blocking sleep, moved to
//! `tokio::task::spawn_blocking`, which runs it on a pool of threads kept
//! for blocking work (Python's `asyncio.to_thread`). The runtime's own thread
//! stays free, the sleeps overlap, and wall = the longest delay again.

use tokio::task::JoinHandle;

use crate::engine::record::Recorder;
use crate::engine::run::RunError;
use crate::scenario::plan::Plan;

pub async fn run(plan: &Plan, recorder: &Recorder) -> Result<(), RunError> {
    let handles: Vec<JoinHandle<()>> = plan
        .pairs()
        .iter()
        .enumerate()
        .map(|(index, pair)| {
            let (delay, recorder) = (pair.delay, recorder.clone());
            tokio::task::spawn_blocking(move || {
                recorder.begin(index);
                // Blocking is fine here: this is a pool thread, not the
                // runtime's.
                std::thread::sleep(delay);
                recorder.say(index);
            })
        })
        .collect();
    // Awaiting a blocking task's handle yields like any other await.
    for handle in handles {
        handle.await?;
    }
    Ok(())
}
