//! `saywhen <MODE> <PAIR>...`: one mode, one run, with live output.

use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use crate::cli::{Options, PairArgs};
use crate::error::Error;
use crate::mode::Mode;
use crate::plan::Plan;
use crate::printer::Printer;
use crate::progress::{self, Progress};
use crate::render::{Format, svg};
use crate::report::Report;
use crate::run::{RunError, run};
use crate::signal::stop_on_signals;
use crate::style::Style;

/// Makes the plan, runs it with a printer attached, prints the report.
pub fn execute(mode: Mode, args: &PairArgs, options: &Options) -> Result<(), Error> {
    let plan = Arc::new(Plan::from_args_and_file(
        &args.pairs,
        options.input.file.as_deref(),
    )?);
    let spec = options.concurrency.spec(mode, options.run.clock());
    spec.check().map_err(RunError::from)?;
    let stop = stop_on_signals()?;
    let spec = spec.with_stop(stop.clone());
    let style = Style::detect(&options.display.style_request());
    let format = options.output.format;
    let progress = match progress::wanted(
        options.display.no_progress,
        format == Format::Table,
        spec.clock,
    ) {
        true => Progress::on(&style),
        false => Progress::off(),
    };
    let renderer = format.renderer(&style);
    let printer = Printer::spawn_with_progress(plan.clone(), renderer, Some(stop), progress)?;
    let report = run(plan, &spec, printer.sink())?;
    printer.finish(&report)?;
    // An interrupted run is exported too: the picture of what happened.
    if let Some(path) = &options.display.export {
        export_svg(path, &[&report], &style)?;
    }
    match report.interrupted {
        Some(reason) => Err(Error::Stopped(reason)),
        None => Ok(()),
    }
}

/// Writes the SVG timeline of `reports` to `path`.
pub fn export_svg(path: &Path, reports: &[&Report], style: &Style) -> Result<(), Error> {
    let error = |source| Error::Export {
        path: path.to_owned(),
        source,
    };
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(error)?);
    svg::write(reports, style, &mut file).map_err(error)?;
    file.flush().map_err(error)
}
