//! The spec of a run: the mode, the clock, and the options that shape a
//! run (`--timeout`, `--limit`, `--runtime`, `--workers`, `--deadlines`).
//! Whether a spec can run is [`feasible`](crate::engine::feasible); the
//! runner that carries it out is [`run`](crate::run) (`src/measure/run.rs`).

use std::num::NonZeroUsize;
use std::time::Duration;

use crate::engine::clock::Clock;
use crate::engine::runtime::{Flavor, RuntimeInfo};
use crate::engine::schedule::{self, Expectation};
use crate::engine::stop::Stop;
use crate::scenario::mode::{Deadlines, Mode};
use crate::scenario::plan::Plan;

/// How to run a plan: the mode, the clock, and the options that shape a run.
/// Build it with [`RunSpec::new`] and set the other fields as needed;
/// [`RunSpec::check`] says whether the combination can run.
///
/// ```
/// use std::{num::NonZeroUsize, sync::Arc, time::Duration};
/// use saywhen::{Clock, Mode, Plan, RunSpec, Silent};
///
/// let pairs = ["2:a", "1:b", "1:c"].map(|p| p.parse().unwrap()).to_vec();
/// let mut spec = RunSpec::new(Mode::Tasks, Clock::Virtual);
/// spec.limit = NonZeroUsize::new(2); // c waits for b's permit
/// let report = saywhen::run(Arc::new(Plan::new(pairs)?), &spec, Arc::new(Silent))?;
/// assert_eq!(report.wall, Duration::from_secs(2));
/// assert_eq!(report.expected, report.wall);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RunSpec {
    pub mode: Mode,
    pub clock: Clock,
    /// When asked, the run stops waiting and reports what happened so far,
    /// unfinished pairs marked interrupted (see [`Stop`]).
    pub stop: Option<Stop>,
    /// Pairs not finished by then are cancelled (`--timeout`).
    pub timeout: Option<Duration>,
    /// At most this many pairs wait at once (`--limit`).
    pub limit: Option<NonZeroUsize>,
    /// The runtime [`run`](crate::run) builds (`--runtime`);
    /// [`run_async`](crate::run_async) uses the
    /// caller's.
    pub runtime: Flavor,
    /// Worker threads of a multi-thread runtime (`--workers`); `None` is
    /// tokio's default, one per core.
    pub workers: Option<NonZeroUsize>,
    /// How serial counts its sleeps (`--deadlines`).
    pub deadlines: Deadlines,
    /// How command leaves run (`--kill-after`, `--show-output`).
    pub commands: CommandOptions,
}

/// How a run treats its command leaves (`--kill-after`, `--show-output`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CommandOptions {
    /// How long a cancelled command's process group has between SIGTERM
    /// and SIGKILL.
    pub kill_after: Duration,
    /// Pass every line a command prints on, as it arrives.
    pub show_output: bool,
}

impl Default for CommandOptions {
    fn default() -> CommandOptions {
        CommandOptions {
            kill_after: Duration::from_secs(2),
            show_output: false,
        }
    }
}

impl RunSpec {
    /// A spec for a scenario on `clock`, on a current-thread runtime. A
    /// scenario brings its own shape, so the mode is not used.
    pub fn on(clock: Clock) -> RunSpec {
        RunSpec::new(Mode::Gather, clock)
    }

    /// `mode` on `clock`, with no timeout, no limit, relative deadlines,
    /// on a current-thread runtime.
    pub fn new(mode: Mode, clock: Clock) -> RunSpec {
        RunSpec {
            mode,
            clock,
            stop: None,
            timeout: None,
            limit: None,
            runtime: Flavor::CurrentThread,
            workers: None,
            deadlines: Deadlines::Relative,
            commands: CommandOptions::default(),
        }
    }

    /// The same spec, stopping early when `stop` is asked.
    pub fn with_stop(mut self, stop: Stop) -> RunSpec {
        self.stop = Some(stop);
        self
    }
}

impl Mode {
    /// The wall time this mode should take for `plan` on a perfect clock,
    /// with no options, on a current-thread runtime, and why; see
    /// [`crate::engine::schedule`] for any options and runtime.
    pub fn expected(self, plan: &Plan) -> Expectation {
        let one_thread = RuntimeInfo {
            flavor: Flavor::CurrentThread,
            workers: 1,
        };
        schedule::expect(plan, &RunSpec::new(self, Clock::Real), one_thread)
    }

    /// The wall time of [`Mode::expected`].
    pub fn expected_wall(self, plan: &Plan) -> Duration {
        self.expected(plan).wall
    }
}
