//! The modes: the same pairs, awaited in different ways. One file per mode
//! so they can be read side by side; `say.rs` holds the one building block
//! they share, the tutorial's `say_after`.

mod gather;
mod say;
mod serial;
mod tasks;

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

use crate::plan::Plan;
use crate::record::Recorder;
use crate::run::RunError;

pub use say::say_after;

/// How the pairs are awaited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// One after another: wall = the sum of the delays.
    Serial,
    /// Each pair spawned as its own tokio task: wall = the longest delay.
    Tasks,
    /// All pairs as futures in one task, joined: wall = the longest delay.
    Gather,
}

impl Mode {
    /// Every mode, in teaching order.
    pub const ALL: [Mode; 3] = [Mode::Serial, Mode::Tasks, Mode::Gather];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Serial => "serial",
            Mode::Tasks => "tasks",
            Mode::Gather => "gather",
        }
    }

    /// What the mode does, in a few words.
    pub fn summary(self) -> &'static str {
        match self {
            Mode::Serial => "await each pair in turn",
            Mode::Tasks => "tokio::spawn each pair, await the handles",
            Mode::Gather => "join_all the pairs' futures in one task",
        }
    }

    /// The wall time this mode should take for `plan` on a perfect clock.
    pub fn expected_wall(self, plan: &Plan) -> Duration {
        match self {
            Mode::Serial => plan.total_delay(),
            Mode::Tasks | Mode::Gather => plan.longest_delay(),
        }
    }

    /// Why the expected wall is what it is.
    pub fn expected_rule(self) -> &'static str {
        match self {
            Mode::Serial => "the sum of the delays",
            Mode::Tasks | Mode::Gather => "the longest delay",
        }
    }

    /// Runs every pair of `plan` this mode's way, recording into `recorder`.
    pub async fn run(self, plan: &Plan, recorder: &Recorder) -> Result<(), RunError> {
        match self {
            Mode::Serial => serial::run(plan, recorder).await,
            Mode::Tasks => tasks::run(plan, recorder).await,
            Mode::Gather => gather::run(plan, recorder).await,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown mode name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown mode '{0}' (try serial, tasks or gather)")]
pub struct UnknownMode(pub String);

impl FromStr for Mode {
    type Err = UnknownMode;

    fn from_str(name: &str) -> Result<Mode, UnknownMode> {
        Mode::ALL
            .into_iter()
            .find(|mode| mode.name() == name)
            .ok_or_else(|| UnknownMode(name.to_owned()))
    }
}
