//! `saywhen <MODE> <PAIR>...`: one mode, run once or `--runs` times, with
//! the first run's lines live.

use crate::app::cli::{Options, PairArgs};
use crate::engine::run_error::RunError;
use crate::error::Error;
use crate::measure::repeat::{Subject, measure_observed};
use crate::output::export::Results;
use crate::render::Format;
use crate::scenario::mode::Mode;
use crate::scenario::tree::Scenario;

use super::outcome::{self, Session};

/// Makes the plan, runs it with a printer attached, prints the report.
pub fn execute(mode: Mode, args: &PairArgs, options: &Options) -> Result<(), Error> {
    let plan = outcome::plan(args, options, mode.name())?;
    if let Some(at) = options.output.at {
        return super::at::execute(&Scenario::flat(mode, plan), at, options);
    }
    let spec = options.concurrency.spec(mode, options.run.clock());
    spec.check().map_err(RunError::from)?;
    let session = Session::start(&plan, options, Format::renderer)?;
    let spec = spec.with_stop(session.stop.clone());
    let measured = measure_observed(
        &Subject::Flat(plan.clone()),
        &spec,
        outcome::repeat(options),
        session.live_sink(),
        &mut session.status(),
    )?;
    let finished = session.finish(options, Results::One(&measured));
    // Freeing a million pairs one by one takes tens of milliseconds; the
    // process ends right after, and the OS takes the memory back at once.
    std::mem::forget((measured, plan));
    finished
}
