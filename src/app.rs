//! What the binary does with a parsed command line: make the plan, run it
//! with a printer attached, let the printer finish with the report.

use std::sync::Arc;

use crate::cli::Cli;
use crate::error::Error;
use crate::plan::Plan;
use crate::printer::Printer;
use crate::run::run;

/// Carries out `cli`, printing to stdout.
pub fn execute(cli: &Cli) -> Result<(), Error> {
    let (mode, args) = cli.command.mode();
    let plan = Arc::new(Plan::from_args(&args.pairs)?);
    let printer = Printer::spawn(plan.clone(), cli.options.format.renderer())?;
    let report = run(plan, mode, cli.options.clock(), printer.sink())?;
    printer.finish(&report)?;
    Ok(())
}
