//! `saywhen compare <PAIR>...`: the same plan in each chosen mode, one
//! after another, then one comparison.

use std::io::Write;

use crate::app::cli::{CompareArgs, Options};
use crate::error::Error;
use crate::measure::compare::{CompareError, compare_observed, feasible};
use crate::output::export::Results;
use crate::render::Format;
use crate::scenario::mode::Mode;

use super::outcome::{self, Session};

/// Runs every chosen mode that can run, prints the comparison.
pub fn execute(args: &CompareArgs, options: &Options) -> Result<(), Error> {
    if options.output.at.is_some() {
        return Err(Error::Usage(
            "--at shows one run's states: use it with a mode (saywhen gather 1:a 2:b --at 1s) \
             or run"
                .to_owned(),
        ));
    }
    let plan = outcome::plan(&args.pairs, options, "compare")?;
    let modes = &args.modes.0;
    // Every setting but the mode, which `compare` sets to each in turn.
    let base = options.concurrency.spec(Mode::Serial, options.run.clock());
    let (runnable, mut skipped) = feasible(&base, modes);
    if runnable.is_empty() {
        // Refused before the session starts: a usage error must leave the
        // export files as they were.
        if let Some((_, reason)) = skipped.pop() {
            return Err(CompareError::NothingRuns(reason).into());
        }
    }
    for (mode, reason) in &skipped {
        // Not eprintln!: it panics when stderr is closed.
        let _ = writeln!(std::io::stderr(), "note: skipping {mode}: {reason}");
    }
    let session = Session::start(&plan, options, Format::compare_renderer)?;
    let base = base.with_stop(session.stop.clone());
    let comparison = compare_observed(
        &plan,
        &base,
        modes,
        outcome::repeat(options),
        session.live_sink(),
        &mut session.status(),
    )?;
    session.finish(options, Results::Compared(&comparison))
}
