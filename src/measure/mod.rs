//! What a run measured and what is made of it: the report of one run,
//! repeated runs and their statistics, modes compared side by side, the
//! expectations CI checks, and baselines kept from an earlier run.

pub mod baseline;
pub mod check;
pub mod compare;
pub mod repeat;
pub mod report;
pub mod stats;

pub use repeat::{Measurement, Repeat, measure};
