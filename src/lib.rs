//! saywhen makes async concurrency visible. It runs `DELAY:MESSAGE` pairs
//! on tokio, says each message the moment its delay elapses, and measures
//! the whole: serial takes the sum of the delays, tasks and gather only the
//! longest. It retells the Python asyncio tutorial in Rust's terms.
//!
//! # Layout
//!
//! Data flows one way, and `ls src/` shows it: argv → a [`Scenario`] (a
//! tree of pairs; a flat [`Mode`] is a one-level tree over a [`Plan`]) →
//! the runner runs it on the engine, the modes emitting [`Event`]s →
//! [`Report`] → a [`Renderer`]. Arrows between the folders point down (a
//! lower module never names the one that uses it; `tests/layout.rs`
//! checks it), from the bottom up:
//!
//! - [`escape`](mod@escape): terminal safety, used by every layer that
//!   shows user text: control characters in a message are shown escaped.
//! - [`scenario`]: what to run. One `DELAY:MESSAGE` pair and its exact
//!   parser, durations and how they are written, the checked plan, pairs
//!   read from a file or stdin (`--file`), the tree (`tree.rs`) and its
//!   language (`parse.rs`), a command leaf's text (`command.rs`: `sh(...)`,
//!   `exec(...)`), node ids (`ids.rs`), the flat modes' names and
//!   `--deadlines` (`mode.rs`), and how a node can end (`end.rs`).
//! - [`engine`]: what a run is made of. The real or virtual clock, the
//!   current- or multi-thread runtime, a run's spec (`spec.rs`) and which
//!   specs can run (`feasible.rs`), the recorder modes write into, the
//!   events a run emits, stopping early (Ctrl-C, SIGTERM, SIGHUP, a closed
//!   pipe), the expected wall found by simulating a flat mode's schedule,
//!   a scenario's arithmetic (`arithmetic.rs`), what a command leaf left
//!   (`command_run.rs`: its exit, its capped output) and ending a
//!   command's process group (`process_group.rs`).
//! - [`mode`]: how each kind of group awaits its children (serial, tasks,
//!   gather, joinset, race, group, limit, timeout, threads) and how each
//!   kind of leaf runs (say, fail, block, spawn_blocking, and a real
//!   command: `command.rs`): one file each, side by side; `node.rs` runs
//!   any node; `work.rs` adds the flat modes'
//!   `--timeout` and `--limit` to each pair.
//! - [`measure`](mod@measure): running and what a run measured. The runner
//!   (`run.rs`: one run, from the `started at` line to the report), the
//!   report, repeated runs (`--runs`, `--warmup`) and their statistics,
//!   modes compared side by side, the expectations CI checks (`--check`,
//!   `--max-wall`) and baselines (`--baseline`).
//! - [`render`]: the style decided once at the edge (`style.rs`), the human
//!   view, the comparison table and timeline (each node's states drawn by
//!   one table, `states.rs`), and the machine formats
//!   (JSON, JSON Lines, CSV, Markdown and its Mermaid chart, SVG, the
//!   Chrome trace that Perfetto and speedscope open, JUnit XML of the
//!   checks).
//! - [`output`]: the printer thread that owns stdout during a run, the
//!   progress bar on stderr, `--export` files, and GitHub Actions'
//!   annotations and job summary.
//! - [`explain`]: each mode and kind told for a learner, quoting its real
//!   code. [`emit`]: the code behind a scenario (`run --emit`): the asyncio
//!   script or tokio `main.rs` that does what the tree does, laid out as
//!   rustfmt would.
//! - [`error`]: every error and its exit code; [`app`]: the command line
//!   and what it does, at the top.
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
//!
//! A scenario brings its own shape; the spec gives the clock and runtime:
//!
//! ```
//! use std::{sync::Arc, time::Duration};
//! use saywhen::scenario::parse::parse_argument;
//! use saywhen::{Clock, RunSpec, Silent};
//!
//! let scenario = parse_argument("gather(serial(1:a, 2:b), 3:c)", 1, false)?;
//! let spec = RunSpec::on(Clock::Virtual);
//! let report = saywhen::run_scenario(Arc::new(scenario), &spec, Arc::new(Silent))?;
//! assert_eq!(report.wall, Duration::from_secs(3));
//! assert_eq!(report.expected_rule, "max(serial 1s + 2s = 3s, c 3s)");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod app;
pub mod emit;
pub mod engine;
pub mod error;
pub mod escape;
pub mod explain;
pub mod measure;
pub mod mode;
pub mod output;
pub mod render;
pub mod scenario;
pub mod simulate;

pub use engine::clock::Clock;
pub use engine::event::{Event, EventSink, Silent};
pub use engine::run_error::RunError;
pub use engine::spec::RunSpec;
pub use engine::stop::{Stop, StopReason};
pub use error::Error;
pub use measure::compare::{Comparison, compare};
pub use measure::repeat::{Measurement, Repeat, measure};
pub use measure::report::Report;
pub use measure::run::{run, run_async, run_scenario, run_scenario_async};
pub use render::{Format, Renderer};
pub use scenario::mode::Mode;
pub use scenario::pair::Pair;
pub use scenario::plan::Plan;
pub use scenario::tree::Scenario;
