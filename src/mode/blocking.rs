//! blocking: the classic mistake (`block(PAIR)`). The pair runs in an async
//! task, but it "sleeps" with `std::thread::sleep`, which blocks the whole
//! thread instead of yielding to the runtime. On a current-thread runtime
//! (one thread, like asyncio's event loop; Python's version is `time.sleep`
//! in a coroutine) no other task can run meanwhile: concurrency collapses,
//! and the `blocking` mode's wall = the sum.

use crate::engine::record::End;
use crate::mode::Work;
use crate::mode::node::NodeResult;

pub async fn run(work: Work, index: usize) -> NodeResult {
    let delay = work.scenario().plan().pairs()[index].delay;
    work.recorder().begin(index);
    // The mistake: this blocks the thread, not just this task.
    // No `.await`, so the runtime never gets a chance to switch.
    std::thread::sleep(delay);
    work.recorder().say(index);
    Ok(End::Done)
}
