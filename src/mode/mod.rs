//! The modes: the same children, awaited in different ways. One file per
//! kind of group (serial, tasks, gather, joinset, race, group, limit,
//! timeout, threads) and of blocking pair, so they can be read side by side
//! (and quoted by `saywhen explain`); `say.rs` holds the one building block
//! they share, the tutorial's `say_after`; `node.rs` runs any node of a
//! scenario; `work.rs` wraps each pair in the run's limit and timeout;
//! `os_thread.rs` starts the threads mode's threads.
//!
//! A flat mode's name ([`Mode`](crate::scenario::mode::Mode)) is a
//! scenario concept and lives in `src/scenario/mode.rs`: a flat mode is a
//! one-level scenario, run by the same code. Modes write into the engine's
//! recorder; the runner that runs them is above, in `src/measure/run.rs`.

mod blocking;
pub mod command;
mod gather;
mod group;
mod joinset;
mod limit;
pub mod node;
mod os_thread;
mod race;
mod say;
mod serial;
pub mod simulated;
mod spawn_blocking;
mod tasks;
mod threads;
mod timeout;
mod work;

pub use say::{say_after, say_at};
pub use work::Work;
