//! threads: no async at all. One OS thread per pair (`std::thread::spawn`),
//! each sleeping with `std::thread::sleep`, then `join` each one (Python's
//! `threading.Thread`). The sleeps overlap, wall = the longest delay, at the
//! price of a whole thread (and its stack) per pair.

use std::thread;

use crate::engine::record::End;
use crate::engine::run_error::RunError;
use crate::mode::Work;
use crate::mode::node::NodeResult;
use crate::mode::os_thread;
use crate::scenario::tree::Node;

/// Starts one OS thread per pair, then joins them all.
///
/// Note: `os_thread::start` is `thread::spawn` that reports "no more
/// threads" as an error (`RunError::Thread`) where `thread::spawn` would
/// panic, or the process abort: thousands of pairs can run out of threads
/// (see `src/mode/os_thread.rs`). The joins get a thread of their own the
/// same way, for the same reason: tokio's `spawn_blocking` panics when the
/// pairs have taken the last thread there was.
pub async fn run(work: &Work, group: u32) -> NodeResult {
    let pairs = work.children(group).len();
    let mut handles = Vec::with_capacity(pairs);
    for (position, child) in work.children(group).enumerate() {
        // The parser lets only pairs into threads(...).
        let Node::Pair { index, .. } = child else {
            continue;
        };
        let index = index as usize;
        let delay = work.scenario().plan().pairs()[index].delay;
        let recorder = work.recorder().clone();
        let spawned = os_thread::start(move || {
            recorder.begin(index);
            thread::sleep(delay);
            recorder.say(index);
        });
        handles.push(spawned.map_err(|error| RunError::Thread {
            index: position + 1,
            pairs,
            error,
        })?);
    }
    // `join` blocks until its thread ends. The joins run on a thread of
    // their own, so the runtime's thread stays free meanwhile (to notice a
    // Ctrl-C, say) while the pairs' threads sleep.
    let (joined_tx, joined) = tokio::sync::oneshot::channel();
    let joiner = os_thread::start(move || {
        let _ = joined_tx.send(handles.into_iter().try_for_each(|handle| handle.join()));
    });
    joiner.map_err(|error| RunError::Joiner { pairs, error })?;
    match joined.await {
        Ok(Ok(())) => Ok(End::Done),
        _ => Err(Box::new(RunError::ThreadPanicked)),
    }
}
