//! blocking: the classic mistake. Each pair is an async task, but it
//! "sleeps" with `std::thread::sleep`, which blocks the whole thread instead
//! of yielding to the runtime. On a current-thread runtime (one thread, like
//! asyncio's event loop; Python's version is `time.sleep` in a coroutine)
//! no other task can run meanwhile: concurrency collapses, wall = the sum.

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
            tokio::spawn(async move {
                recorder.begin(index);
                // The mistake: this blocks the thread, not just this task.
                // No `.await`, so the runtime never gets a chance to switch.
                std::thread::sleep(delay);
                recorder.say(index);
            })
        })
        .collect();
    for handle in handles {
        handle.await?;
    }
    Ok(())
}
