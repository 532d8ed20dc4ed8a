//! `--at T` on `run` and the flat modes: the state of every node at one
//! instant, as the event-loop model plays it. Nothing runs, so what only
//! a run can give (exports, checks, repeated runs) is refused, not
//! ignored.

use std::io::Write;
use std::time::Duration;

use crate::app::cli::Options;
use crate::engine::runtime::Flavor;
use crate::error::Error;
use crate::render::Format;
use crate::render::at;
use crate::render::style::Style;
use crate::scenario::mode::Deadlines;
use crate::scenario::tree::Scenario;

/// Prints the states of `scenario` at `at` in the format asked for.
pub fn execute(scenario: &Scenario, at: Duration, options: &Options) -> Result<(), Error> {
    refuse_run_only(options)?;
    let format = options.output.format;
    if format == Format::Trace {
        return Err(Error::Usage(
            "--at shows one instant, not a trace: \
             use --format table, json, jsonl, csv or markdown"
                .to_owned(),
        ));
    }
    let style = Style::detect(&options.style_request());
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    at::write(format, scenario, at, &style, &mut out)?;
    out.flush()?;
    Ok(())
}

/// The options that need a run, or a model the event loop does not play.
fn refuse_run_only(options: &Options) -> Result<(), Error> {
    let concurrency = &options.concurrency;
    let given = [
        (!options.report.export.is_empty(), "--export"),
        (options.repeat.runs != 1, "--runs"),
        (options.repeat.warmup != 0, "--warmup"),
        (options.check.check, "--check"),
        (options.check.max_wall.is_some(), "--max-wall"),
        (options.check.baseline.is_some(), "--baseline"),
    ];
    if let Some((_, option)) = given.iter().find(|(given, _)| *given) {
        return Err(Error::Usage(format!(
            "--at shows the model's states and runs nothing, so {option} has nothing to work on: \
             leave out --at to run"
        )));
    }
    let flat = [
        (
            concurrency.timeout.is_some(),
            "--timeout",
            "write it in a scenario: saywhen run 'timeout(2s, tasks(...))' --at 1s",
        ),
        (
            concurrency.limit.is_some(),
            "--limit",
            "write it in a scenario: saywhen run 'limit(2, ...)' --at 1s",
        ),
        (
            concurrency.deadlines == Deadlines::Absolute,
            "--deadlines absolute",
            "leave it out",
        ),
    ];
    if let Some((_, option, instead)) = flat.iter().find(|(given, _, _)| *given) {
        return Err(Error::Usage(format!(
            "--at plays the event-loop model, which has no {option}: {instead}"
        )));
    }
    if concurrency.runtime == Some(Flavor::MultiThread) || concurrency.workers.is_some() {
        return Err(Error::Usage(
            "--at plays the event-loop model of tokio's current-thread runtime: \
             leave out --runtime multi-thread and --workers"
                .to_owned(),
        ));
    }
    Ok(())
}
