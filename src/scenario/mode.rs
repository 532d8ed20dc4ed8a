//! The flat modes' names: `saywhen serial 1:a 2:b` names how the pairs are
//! awaited, and a flat [`Mode`] is a one-level scenario (see
//! [`Scenario::flat`](crate::scenario::tree::Scenario::flat)). Also the
//! serial option [`Deadlines`] (`--deadlines`). The code that awaits each
//! mode's children is in `src/mode/`, one file each.

use std::fmt;
use std::str::FromStr;

/// How the pairs are awaited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mode {
    /// One after another: wall = the sum of the delays.
    Serial,
    /// Each pair spawned as its own tokio task: wall = the longest delay.
    Tasks,
    /// All pairs as futures in one task, joined: wall = the longest delay.
    Gather,
    /// All pairs at once, the first to finish wins: wall = the shortest delay.
    Race,
    /// Spawned into a JoinSet, collected as they complete: the longest delay.
    Joinset,
    /// The mistake: `std::thread::sleep` in async tasks: wall = the sum.
    Blocking,
    /// The fix: the blocking sleep on `spawn_blocking`: the longest delay.
    SpawnBlocking,
    /// One OS thread per pair, joined: wall = the longest delay.
    Threads,
}

impl Mode {
    /// Every mode, in teaching order.
    pub const ALL: [Mode; 8] = [
        Mode::Serial,
        Mode::Tasks,
        Mode::Gather,
        Mode::Race,
        Mode::Joinset,
        Mode::Blocking,
        Mode::SpawnBlocking,
        Mode::Threads,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Mode::Serial => "serial",
            Mode::Tasks => "tasks",
            Mode::Gather => "gather",
            Mode::Race => "race",
            Mode::Joinset => "joinset",
            Mode::Blocking => "blocking",
            Mode::SpawnBlocking => "spawn-blocking",
            Mode::Threads => "threads",
        }
    }

    /// What the mode does, in a few words.
    pub fn summary(self) -> &'static str {
        match self {
            Mode::Serial => "await each pair in turn",
            Mode::Tasks => "tokio::spawn each pair, await the handles",
            Mode::Gather => "join_all the pairs' futures in one task",
            Mode::Race => "select_all: the first to finish wins, the rest are cancelled",
            Mode::Joinset => "spawn into a JoinSet, collect results as they complete",
            Mode::Blocking => "std::thread::sleep inside async tasks: the mistake",
            Mode::SpawnBlocking => "the blocking sleep moved to spawn_blocking: the fix",
            Mode::Threads => "one OS thread per pair, std::thread::spawn + join",
        }
    }

    /// Whether the mode sleeps with `std::thread::sleep` (and so needs the
    /// real clock, and cannot be cancelled or limited).
    pub fn is_blocking(self) -> bool {
        matches!(self, Mode::Blocking | Mode::SpawnBlocking | Mode::Threads)
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An unknown mode name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown mode '{}' (try serial, tasks, gather, race, joinset, blocking, spawn-blocking or threads)",
    crate::escape::Quoted(.0)
)]
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
