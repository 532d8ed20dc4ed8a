//! What to run, before anything runs: `DELAY:MESSAGE` pairs, the durations
//! they are written in, and the checked plan read from arguments or files.

pub mod pair;
pub mod pair_file;
pub mod parse;
pub mod plan;
pub mod tree;
pub mod units;
