//! What a run is made of: the clock and the runtime, a run's spec and
//! which specs can run, the recorder the modes write into, the events a run
//! emits, stopping early (signals, closed output), and the schedule a run
//! should follow on a perfect clock. Below the modes that use it; the
//! runner that runs them is above both, in `src/measure/run.rs`.

pub mod arithmetic;
pub mod clock;
pub mod command_run;
pub mod event;
pub mod feasible;
pub mod process_group;
pub mod record;
pub mod run_error;
pub mod runtime;
pub mod schedule;
pub mod signal;
pub mod spec;
pub mod stop;
pub mod wall_clock;
