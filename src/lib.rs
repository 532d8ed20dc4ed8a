//! saywhen makes async concurrency visible. It runs `DELAY:MESSAGE` pairs
//! on tokio, says each message the moment its delay elapses, and measures
//! the whole: serial takes the sum of the delays, tasks and gather only the
//! longest. It retells the Python asyncio tutorial in Rust's terms.
//!
//! # Layout
//!
//! Data flows one way: argv → [`Plan`] → a [`Mode`] runs it, emitting
//! [`Event`]s → [`Report`] → a [`Renderer`].
//!
//! - [`pair`]: one `DELAY:MESSAGE` pair and its exact parser.
//! - [`plan`]: the checked list of pairs, and where each came from.
//! - [`pair_file`]: pairs read from a file or stdin (`--file`).
//! - [`mode`]: serial, tasks, gather, race, joinset, blocking,
//!   spawn-blocking, threads: one file each, side by side; `work.rs` adds
//!   the timeout and the limit to each pair.
//! - [`clock`]: the real clock or tokio's paused (virtual) one.
//! - [`record`]: where a running mode writes down its timings.
//! - [`event`]: what a run reports while it happens.
//! - [`run`](mod@run): one mode on one clock, from start to report.
//! - [`stop`], [`signal`]: ending a run early (Ctrl-C, SIGTERM, a closed
//!   pipe) with a report of what happened so far.
//! - [`runtime`]: which tokio runtime runs it (current- or multi-thread).
//! - [`feasible`]: which combinations of mode, clock and options can run.
//! - [`schedule`]: the expected wall, by simulating the schedule.
//! - [`report`]: what happened, measured.
//! - [`measure`](mod@measure): repeated runs of one mode (`--runs`, `--warmup`);
//!   [`stats`]: min, median, mean ± σ, max of their wall times.
//! - [`compare`](mod@compare): the same plan in several modes, side by side.
//! - [`check`]: expectations for CI (`--check`, `--tolerance`, `--max-wall`).
//! - [`export`]: `--export FILE`, results written to a file.
//! - [`render`]: the human view, the comparison table, and the machine
//!   formats (JSON, JSON Lines, CSV, Markdown, SVG).
//! - [`printer`]: the thread that owns stdout during a run; [`queue`]: how
//!   events reach it, a batch at a time.
//! - [`wall_clock`]: the local time, read without scanning every time zone.
//! - [`units`], [`escape`]: how durations and user text are written.
//! - [`style`]: colour, ASCII and width, decided once for the human view.
//! - [`progress`]: the live progress bar on stderr.
//! - [`explain`]: each mode told for a learner, quoting its real code.
//! - [`cli`], [`app`], [`error`]: the command line and what it does.
//!
//! # Using the library
//!
//! ```
//! use std::sync::Arc;
//! use saywhen::{Clock, Mode, Plan, RunSpec, Silent};
//!
//! let plan = Plan::new(vec!["1:hello".parse()?, "2:world".parse()?])?;
//! let spec = RunSpec::new(Mode::Serial, Clock::Virtual);
//! let report = saywhen::run(Arc::new(plan), &spec, Arc::new(Silent))?;
//! assert_eq!(report.wall, std::time::Duration::from_secs(3));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod app;
pub mod check;
pub mod cli;
pub mod clock;
pub mod compare;
pub mod error;
pub mod escape;
pub mod event;
pub mod explain;
pub mod export;
pub mod feasible;
pub mod measure;
pub mod mode;
pub mod pair;
pub mod pair_file;
pub mod plan;
pub mod printer;
pub mod progress;
pub mod queue;
pub mod record;
pub mod render;
pub mod report;
pub mod run;
pub mod runtime;
pub mod schedule;
pub mod signal;
pub mod stats;
pub mod stop;
pub mod style;
pub mod units;
pub mod wall_clock;

pub use clock::Clock;
pub use compare::{Comparison, compare};
pub use error::Error;
pub use event::{Event, EventSink, Silent};
pub use measure::{Measurement, Repeat, measure};
pub use mode::Mode;
pub use pair::Pair;
pub use plan::Plan;
pub use render::{Format, Renderer};
pub use report::Report;
pub use run::{RunError, RunSpec, run, run_async};
pub use stop::{Stop, StopReason};
