//! Which runs are feasible: the combinations of mode, clock and options
//! that can be honoured. Checked before a runtime is built, so one that
//! cannot is refused with a reason (exit 2), never a fake measurement.

use crate::engine::clock::Clock;
use crate::engine::run::RunSpec;
use crate::engine::runtime::Flavor;
use crate::mode::{Deadlines, Mode};

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
}

impl RunSpec {
    /// Whether this spec can run as asked.
    pub fn check(&self) -> Result<(), SpecError> {
        let mode = self.mode;
        if self.clock == Clock::Virtual {
            if mode.is_blocking() {
                return Err(SpecError::BlockingOnVirtualClock(mode));
            }
            if self.runtime == Flavor::MultiThread {
                return Err(SpecError::MultiThreadOnVirtualClock);
            }
        }
        if self.workers.is_some() && self.runtime != Flavor::MultiThread {
            return Err(SpecError::WorkersWithoutMultiThread);
        }
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
