//! serial: `await say_after(1, 'hello')` then `await say_after(2, 'world')`.
//! Each sleep starts only when the previous one has ended, so the delays add
//! up: wall = the sum of the delays. Each sleep also ends a little late (the
//! timer's tick), and with relative deadlines that lateness adds up too.

use crate::engine::run::RunError;
use crate::mode::Work;
use crate::scenario::plan::Plan;

/// How serial counts each sleep (`--deadlines`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum Deadlines {
    /// Sleep each delay from the previous wake-up: lateness adds up (default)
    #[default]
    Relative,
    /// Sleep until the start plus the delays so far: lateness does not add up
    Absolute,
}

impl Deadlines {
    pub fn name(self) -> &'static str {
        match self {
            Deadlines::Relative => "relative",
            Deadlines::Absolute => "absolute",
        }
    }
}

pub async fn run(plan: &Plan, work: &Work) -> Result<(), RunError> {
    let mut due = work.recorder().start();
    for (index, pair) in plan.pairs().iter().enumerate() {
        match work.deadlines() {
            Deadlines::Relative => work.clone().say_after(index, pair.delay).await,
            Deadlines::Absolute => {
                // The deadline is start + every delay so far, so a late
                // wake-up shortens the next sleep instead of pushing it.
                due = due.checked_add(pair.delay).unwrap_or(due);
                work.clone().say_at(index, due).await
            }
        };
    }
    Ok(())
}
