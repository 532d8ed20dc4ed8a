//! Running a plan: the clock and the runtime, the recorder the modes write
//! into, the events a run emits, stopping early (signals, closed output),
//! and the schedule a run should follow on a perfect clock.

pub mod arithmetic;
pub mod clock;
pub mod event;
pub mod feasible;
pub mod record;
pub mod run;
pub mod run_error;
pub mod runtime;
pub mod schedule;
pub mod signal;
pub mod stop;
pub mod wall_clock;
