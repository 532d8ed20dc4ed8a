//! Why a run could not be carried out: the errors that stop a run (as
//! opposed to a pair failing, which is part of what a scenario shows).

use std::io;

use tokio::task::JoinError;

use crate::engine::feasible::SpecError;

/// Why a run could not be carried out.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// tokio panics with "Cannot start a runtime from within a runtime";
    /// this is the same mistake, reported instead of panicking.
    #[error(
        "cannot start a tokio runtime from within a runtime (use saywhen::run_async from async code)"
    )]
    NestedRuntime,
    #[error("could not start the tokio runtime: {0}")]
    Runtime(#[from] io::Error),
    #[error("a task failed: {0}")]
    Task(#[from] JoinError),
    #[error("a thread running a pair panicked")]
    ThreadPanicked,
    /// The threads mode needs one OS thread per pair; the system said no.
    #[error(
        "could not start a thread for pair {index} of {pairs} (the threads mode needs one OS thread per pair: try fewer pairs): {error}"
    )]
    Thread {
        index: usize,
        pairs: usize,
        error: io::Error,
    },
    /// The threads mode joins its pairs' threads on one more thread.
    #[error(
        "could not start a thread to join the {pairs} pairs' threads (the threads mode needs one OS thread per pair, and one more: try fewer pairs): {error}"
    )]
    Joiner { pairs: usize, error: io::Error },
    /// The spec asks for something that cannot run (see [`RunSpec::check`](crate::engine::spec::RunSpec::check)).
    #[error(transparent)]
    Spec(#[from] SpecError),
}
