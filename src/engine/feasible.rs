//! Which runs are feasible: the combinations of mode, clock and options
//! that can be honoured. Checked before a runtime is built, so one that
//! cannot is refused with a reason (exit 2), never a fake measurement.

use crate::engine::clock::Clock;
use crate::engine::runtime::Flavor;
use crate::engine::spec::RunSpec;
use crate::scenario::mode::{Deadlines, Mode};
use crate::scenario::tree::Scenario;

/// A run that cannot be carried out as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error(
        "the {0} mode sleeps with std::thread::sleep, which the virtual clock cannot skip: run it without --virtual-time"
    )]
    BlockingOnVirtualClock(Mode),
    #[error(
        "--runtime multi-thread needs the real clock: tokio pauses time only on a current-thread runtime (drop --virtual-time)"
    )]
    MultiThreadOnVirtualClock,
    /// `--workers` alone asks for a multi-thread runtime: the error names
    /// the option the user typed.
    #[error(
        "--workers needs the real clock: worker threads mean a multi-thread runtime, and tokio pauses time only on a current-thread one (drop --virtual-time)"
    )]
    WorkersOnVirtualClock,
    #[error("--workers needs --runtime multi-thread: a current-thread runtime has one thread")]
    WorkersWithoutMultiThread,
    #[error(
        "--deadlines applies to serial only: the {0} mode sleeps once per pair, from the start"
    )]
    DeadlinesNotSerial(Mode),
    #[error(
        "--{option} applies to the async modes, not {mode}: a blocking sleep cannot be cancelled or held back once it runs"
    )]
    NotAsync { option: &'static str, mode: Mode },
    #[error(
        "--{option} chooses the tokio runtime, and the threads mode runs its pairs on OS threads of their own, not on tokio"
    )]
    NotOnTokio { option: &'static str },
    #[error(
        "the scenario blocks a thread (block, spawn_blocking or threads), which the virtual clock cannot skip: run it without --virtual-time"
    )]
    BlockingScenarioOnVirtualClock,
    #[error(
        "the scenario runs real commands (sh, exec), which take real time: the virtual clock cannot skip them (drop --virtual-time)"
    )]
    CommandsOnVirtualClock,
    #[error("--{option} shapes the pairs of a flat mode; in a scenario, write it in: {hint}")]
    NotForScenarios {
        option: &'static str,
        hint: &'static str,
    },
}

impl RunSpec {
    /// Whether `scenario` can run with this spec's clock and runtime. The
    /// spec's mode is not used, and the options that shape a flat mode's
    /// pairs are refused: a scenario says them itself.
    pub fn check_scenario(&self, scenario: &Scenario) -> Result<(), SpecError> {
        if self.clock == Clock::Virtual && scenario.runs_commands() {
            return Err(SpecError::CommandsOnVirtualClock);
        }
        self.check_runtime()?;
        let refused = [
            (
                self.timeout.is_some(),
                "timeout",
                "timeout(2s, gather(1:a, 3:b))",
            ),
            (self.limit.is_some(), "limit", "limit(2, 1:a, 1:b, 1:c)"),
            (
                self.deadlines == Deadlines::Absolute,
                "deadlines",
                "serial(...) sleeps each delay from the previous wake-up",
            ),
        ];
        match refused.into_iter().find(|(asked, _, _)| *asked) {
            Some((_, option, hint)) => Err(SpecError::NotForScenarios { option, hint }),
            None => Ok(()),
        }
    }

    fn check_runtime(&self) -> Result<(), SpecError> {
        if self.clock == Clock::Virtual && self.workers.is_some() {
            return Err(SpecError::WorkersOnVirtualClock);
        }
        if self.clock == Clock::Virtual && self.runtime == Flavor::MultiThread {
            return Err(SpecError::MultiThreadOnVirtualClock);
        }
        if self.workers.is_some() && self.runtime != Flavor::MultiThread {
            return Err(SpecError::WorkersWithoutMultiThread);
        }
        Ok(())
    }

    /// Whether this spec can run as asked.
    pub fn check(&self) -> Result<(), SpecError> {
        let mode = self.mode;
        self.check_runtime()?;
        if self.deadlines == Deadlines::Absolute && mode != Mode::Serial {
            return Err(SpecError::DeadlinesNotSerial(mode));
        }
        if mode == Mode::Threads {
            if self.workers.is_some() {
                return Err(SpecError::NotOnTokio { option: "workers" });
            }
            if self.runtime == Flavor::MultiThread {
                return Err(SpecError::NotOnTokio { option: "runtime" });
            }
        }
        if mode.is_blocking() {
            if self.timeout.is_some() {
                return Err(SpecError::NotAsync {
                    option: "timeout",
                    mode,
                });
            }
            if self.limit.is_some() {
                return Err(SpecError::NotAsync {
                    option: "limit",
                    mode,
                });
            }
        }
        Ok(())
    }
}
