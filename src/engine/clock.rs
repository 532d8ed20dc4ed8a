//! Clocks: a run happens on the real clock, or on tokio's paused (virtual)
//! clock, where time jumps straight to the next timer whenever every task is
//! waiting. The same mode code runs on both; only the runtime differs.

use std::fmt;
use std::io;

use tokio::runtime::{Builder, Runtime};

/// Which clock drives the sleeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Clock {
    /// Real time: sleeps take as long as they say (plus the timer's slack).
    Real,
    /// tokio's paused clock: an hour of sleeps takes microseconds, and every
    /// run is exact and repeatable.
    Virtual,
}

impl Clock {
    pub fn name(self) -> &'static str {
        match self {
            Clock::Real => "real",
            Clock::Virtual => "virtual",
        }
    }

    /// A runtime that runs on this clock.
    ///
    /// Both are current-thread runtimes: one thread driving every task, like
    /// asyncio's single event loop, so what the modes show is concurrency,
    /// not parallelism. The virtual clock requires it: tokio can only pause
    /// time on a current-thread runtime (`start_paused`), and with the clock
    /// paused the runtime auto-advances to the next timer whenever it idles.
    pub fn runtime(self) -> io::Result<Runtime> {
        let mut builder = Builder::new_current_thread();
        builder.enable_time();
        if self == Clock::Virtual {
            builder.start_paused(true);
        }
        builder.build()
    }
}

impl fmt::Display for Clock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
