//! What to run, before anything runs: `DELAY:MESSAGE` pairs, the durations
//! they are written in, the checked plan read from arguments or files, the
//! tree of a scenario and its language, the flat modes' names (a flat mode
//! is a one-level tree) with serial's `--deadlines`, and how a node can end.
//! The bottom of the pipeline: only escaping user text is below it.

pub mod command;
pub mod end;
pub mod ids;
pub mod mode;
pub mod pair;
pub mod pair_file;
pub mod parse;
pub mod plan;
pub mod tree;
pub mod units;
