//! threads: no async at all. One OS thread per pair (`std::thread::spawn`),
//! each sleeping with `std::thread::sleep`, then `join` each one (Python's
//! `threading.Thread`). The sleeps overlap, wall = the longest delay, at the
//! price of a whole thread (and its stack) per pair.

use std::thread;

use crate::plan::Plan;
use crate::record::Recorder;
use crate::run::RunError;

pub async fn run(plan: &Plan, recorder: &Recorder) -> Result<(), RunError> {
    let mut handles = Vec::with_capacity(plan.len());
    for (index, pair) in plan.pairs().iter().enumerate() {
        let (delay, recorder) = (pair.delay, recorder.clone());
        // Builder::spawn reports "no more threads" as an error;
        // thread::spawn would panic.
        handles.push(thread::Builder::new().spawn(move || {
            recorder.begin(index);
            thread::sleep(delay);
            recorder.say(index);
        })?);
    }
    // `join` blocks this thread until each thread ends. Fine here: this run
    // has nothing else for the runtime to do meanwhile.
    for handle in handles {
        handle.join().map_err(|_| RunError::ThreadPanicked)?;
    }
    Ok(())
}
