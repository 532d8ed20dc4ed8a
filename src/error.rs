//! The errors a user can meet, and the exit code each one maps to.

use std::io;

use crate::engine::run_error::RunError;
use crate::engine::stop::StopReason;
use crate::measure::baseline::BaselineError;
use crate::measure::check::Failures;
use crate::measure::compare::CompareError;
use crate::output::export::ExportError;
use crate::scenario::parse::ScenarioError;
use crate::scenario::plan::PlanError;

/// Everything that can stop saywhen.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// No pairs at all: the command to try instead.
    #[error("no pairs to run: give DELAY:MESSAGE pairs or --file PATH (try: {0})")]
    NoPairs(String),
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    #[error(transparent)]
    Run(#[from] RunError),
    #[error("could not write the output: {0}")]
    Output(#[from] io::Error),
    /// The run was stopped early; its report has been printed.
    #[error("interrupted by {0}: unfinished pairs are reported as interrupted")]
    Stopped(StopReason),
    #[error(transparent)]
    Compare(#[from] CompareError),
    #[error(transparent)]
    Export(#[from] ExportError),
    /// `--check` or `--max-wall` not met: the report was printed, and each
    /// failure is one line of this error.
    #[error(transparent)]
    Check(#[from] Failures),
    /// Several outputs failed (stdout, exports); each was tried, and each
    /// failure is one line of this error. Never empty.
    #[error("{}", lines(.0))]
    Several(Vec<Error>),
    #[error(transparent)]
    Baseline(#[from] BaselineError),
    /// Command leaves failed and failed their scenario (a job graph run
    /// for CI fails its job): the report was printed; this names them.
    #[error("{0}")]
    CommandsFailed(String),
    /// Options that make no sense together, found after parsing.
    #[error("{0}")]
    Usage(String),
}

/// One error per line; the binary prefixes the first with `error: `, so
/// the others get the same prefix here.
fn lines(errors: &[Error]) -> String {
    let lines: Vec<String> = errors.iter().map(Error::to_string).collect();
    lines.join("\nerror: ")
}

/// An expectation asked for with `--check` or `--max-wall` was not met, or
/// a scenario's commands failed it.
pub const EXIT_CHECK: u8 = 1;
/// Bad usage or bad input (clap's convention).
pub const EXIT_USAGE: u8 = 2;
/// An internal failure: the runtime or a task broke (sysexits' EX_SOFTWARE).
pub const EXIT_SOFTWARE: u8 = 70;
/// Output could not be written (sysexits' EX_IOERR).
pub const EXIT_IO: u8 = 74;

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Plan(_) | Error::NoPairs(_) | Error::Scenario(_) => EXIT_USAGE,
            Error::Run(RunError::Spec(_)) => EXIT_USAGE,
            Error::Run(_) => EXIT_SOFTWARE,
            Error::Output(_) => EXIT_IO,
            Error::Compare(CompareError::NothingRuns(_)) => EXIT_USAGE,
            Error::Compare(CompareError::Run(RunError::Spec(_))) => EXIT_USAGE,
            Error::Compare(CompareError::Run(_)) => EXIT_SOFTWARE,
            Error::Export(ExportError::Create { .. }) => EXIT_USAGE,
            Error::Export(ExportError::Write { .. }) => EXIT_IO,
            Error::Export(ExportError::NothingToJudge { .. }) => EXIT_USAGE,
            Error::Check(_) => EXIT_CHECK,
            Error::CommandsFailed(_) => EXIT_CHECK,
            Error::Usage(_) => EXIT_USAGE,
            Error::Baseline(_) => EXIT_USAGE,
            Error::Stopped(reason) => reason.exit_code(),
            Error::Several(errors) => errors.first().map_or(EXIT_IO, Error::exit_code),
        }
    }

    /// `errors` as one error: the only one, or [`Error::Several`]; `None`
    /// when there are none.
    pub fn all(mut errors: Vec<Error>) -> Option<Error> {
        match errors.len() {
            0 => None,
            1 => errors.pop(),
            _ => Some(Error::Several(errors)),
        }
    }

    /// A closed stdout (`saywhen ... | head -1`) is not worth a message.
    pub fn is_broken_pipe(&self) -> bool {
        match self {
            Error::Output(e) => e.kind() == io::ErrorKind::BrokenPipe,
            Error::Stopped(reason) => *reason == StopReason::OutputClosed,
            _ => false,
        }
    }
}
