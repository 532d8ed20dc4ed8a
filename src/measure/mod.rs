//! Running and what a run measured: the runner (one run of a plan or a
//! scenario, from the `started at` line to its report), the report,
//! repeated runs and their statistics, modes compared side by side, the
//! expectations CI checks, and baselines kept from an earlier run.

pub mod baseline;
pub mod check;
pub mod compare;
pub mod concurrency;
pub mod repeat;
pub mod report;
pub mod run;
pub mod stats;

pub use repeat::{Measurement, Repeat, measure};
