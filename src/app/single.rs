//! `saywhen <MODE> <PAIR>...`: one mode, one run, with live output.

use std::sync::Arc;

use crate::cli::{Options, PairArgs};
use crate::error::Error;
use crate::mode::Mode;
use crate::plan::Plan;
use crate::printer::Printer;
use crate::run::{RunSpec, run};
use crate::signal::stop_on_signals;

/// Makes the plan, runs it with a printer attached, prints the report.
pub fn execute(mode: Mode, args: &PairArgs, options: &Options) -> Result<(), Error> {
    let plan = Arc::new(Plan::from_args_and_file(
        &args.pairs,
        options.input.file.as_deref(),
    )?);
    let stop = stop_on_signals()?;
    let spec = RunSpec::new(mode, options.run.clock()).with_stop(stop.clone());
    let renderer = options.output.format.renderer();
    let printer = Printer::spawn_stopping(plan.clone(), renderer, Some(stop))?;
    let report = run(plan, &spec, printer.sink())?;
    printer.finish(&report)?;
    match report.interrupted {
        Some(reason) => Err(Error::Stopped(reason)),
        None => Ok(()),
    }
}
