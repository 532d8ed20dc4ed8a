//! serial: `await say_after(1, 'hello')` then `await say_after(2, 'world')`.
//! Each sleep starts only when the previous one has ended, so the delays add
//! up: wall = the sum of the delays.

use crate::mode::say_after;
use crate::plan::Plan;
use crate::record::Recorder;
use crate::run::RunError;

pub async fn run(plan: &Plan, recorder: &Recorder) -> Result<(), RunError> {
    for (index, pair) in plan.pairs().iter().enumerate() {
        say_after(index, pair.delay, recorder.clone()).await;
    }
    Ok(())
}
