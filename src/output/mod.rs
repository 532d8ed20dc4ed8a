//! Getting results to the user: the printer thread that owns stdout during
//! a run and the queue that feeds it, the progress bar on stderr, the
//! style decided once at the edge, escaping user text, `--export` files,
//! and what a GitHub Actions step gets (annotations, the job summary).

pub mod escape;
pub mod export;
pub mod github;
pub mod printer;
pub mod progress;
pub mod queue;
pub mod style;
