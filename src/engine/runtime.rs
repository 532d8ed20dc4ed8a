//! Which tokio runtime runs a plan. A current-thread runtime drives every
//! task from one thread, like asyncio's single event loop; a multi-thread
//! runtime spreads tasks over worker threads. For sleeps the two look the
//! same; for the `blocking` mode they do not, which is the lesson.

use std::fmt;
use std::io;

use tokio::runtime::{Builder, Handle, Runtime, RuntimeFlavor};

use crate::engine::clock::Clock;
use crate::engine::record::FlushOnPark;
use crate::engine::spec::RunSpec;

/// The runtime flavours `--runtime` offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, clap::ValueEnum)]
pub enum Flavor {
    /// One thread drives every task (the default, like asyncio)
    #[default]
    CurrentThread,
    /// Tasks spread over worker threads (--workers, default: one per core)
    MultiThread,
}

impl Flavor {
    pub fn name(self) -> &'static str {
        match self {
            Flavor::CurrentThread => "current-thread",
            Flavor::MultiThread => "multi-thread",
        }
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The runtime a run actually used, as the report states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RuntimeInfo {
    pub flavor: Flavor,
    /// Threads that run tasks: 1 for a current-thread runtime.
    pub workers: usize,
}

impl RuntimeInfo {
    /// The runtime this code is running on. Asked of tokio rather than
    /// taken from the spec, because `run_async` runs on the caller's runtime.
    pub fn current() -> RuntimeInfo {
        let handle = Handle::current();
        match handle.runtime_flavor() {
            RuntimeFlavor::CurrentThread => RuntimeInfo {
                flavor: Flavor::CurrentThread,
                workers: 1,
            },
            _ => RuntimeInfo {
                flavor: Flavor::MultiThread,
                workers: handle.metrics().num_workers(),
            },
        }
    }
}

impl fmt::Display for RuntimeInfo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.flavor {
            Flavor::CurrentThread => f.write_str("current-thread (1 thread)"),
            Flavor::MultiThread => write!(f, "multi-thread ({} workers)", self.workers),
        }
    }
}

/// A runtime for `spec`: its flavour and workers, on its clock.
///
/// tokio can only pause time on a current-thread runtime; [`RunSpec::check`]
/// refuses the other combination before this is called. `io` adds the IO
/// driver, which command leaves read their pipes on (a run of sleeps does
/// without it).
///
/// Note: `park` is for speed: a batched record hands its events to the
/// printer whenever a thread of the runtime goes idle (see
/// [`Recorder::batched`](crate::engine::record::Recorder::batched)).
pub fn build(spec: &RunSpec, io: bool, park: Option<FlushOnPark>) -> io::Result<Runtime> {
    let mut builder = match spec.runtime {
        Flavor::CurrentThread => Builder::new_current_thread(),
        Flavor::MultiThread => {
            let mut builder = Builder::new_multi_thread();
            if let Some(workers) = spec.workers {
                builder.worker_threads(workers.get());
            }
            builder
        }
    };
    builder.enable_time();
    if io {
        builder.enable_io();
    }
    if spec.clock == Clock::Virtual {
        builder.start_paused(true);
    }
    if let Some(park) = park {
        builder.on_thread_park(move || park.flush());
    }
    builder.build()
}
