//! `saywhen run <SCENARIO>...`: a tree of pairs and groups, run once or
//! `--runs` times, shown as a tree with its arithmetic; two or more
//! scenarios run one after another and are compared. `--dry-run` shows the
//! tree and its arithmetic without running anything; `--emit python|rust`
//! prints the program that does the same instead of running it.

use std::io::Write;
use std::sync::Arc;

use crate::app::cli::{Options, RunArgs};
use crate::emit::Emit;
use crate::engine::run_error::RunError;
use crate::engine::spec::CommandOptions;
use crate::engine::spec::RunSpec;
use crate::error::Error;
use crate::measure::compare::compare_scenarios;
use crate::measure::repeat::{Subject, measure_observed};
use crate::output::export::Results;
use crate::render::Format;
use crate::render::style::Style;
use crate::scenario::mode::Mode;
use crate::scenario::parse::read_scenarios;
use crate::scenario::tree::Scenario;

use super::outcome::{self, Session};

pub fn execute(args: &RunArgs, options: &Options) -> Result<(), Error> {
    let scenarios: Vec<Arc<Scenario>> = read_scenarios(&args.scenarios, &options.input.file)?
        .into_iter()
        .map(Arc::new)
        .collect();
    if let Some(language) = args.emit {
        return emit(&scenarios, language);
    }
    // A scenario brings its own shape: the spec's mode is not used.
    let mut spec = options.concurrency.spec(Mode::Gather, options.run.clock());
    spec.commands = CommandOptions {
        kill_after: args.kill_after,
        show_output: args.show_output,
    };
    for scenario in &scenarios {
        // Refused before the session starts: a usage error must leave the
        // export files as they were.
        spec.check_scenario(scenario).map_err(RunError::from)?;
    }
    if let Some(at) = options.output.at {
        if args.dry_run {
            return Err(Error::Usage(
                "--at and --dry-run both run nothing: --at shows the states at one instant, \
                 --dry-run the whole schedule; give one"
                    .to_owned(),
            ));
        }
        let [scenario] = scenarios.as_slice() else {
            return Err(Error::Usage(format!(
                "--at shows the states of one scenario, not {}: give them one at a time",
                scenarios.len()
            )));
        };
        return super::at::execute(scenario, at, options);
    }
    if args.dry_run {
        return dry_run(&scenarios, options);
    }
    let ran = match scenarios.as_slice() {
        [scenario] => run_one(scenario, spec, options),
        _ => run_several(&scenarios, spec, options),
    };
    // Freeing a million pairs one by one takes tens of milliseconds; the
    // process ends right after, and the OS takes the memory back at once.
    std::mem::forget(scenarios);
    ran
}

fn run_one(scenario: &Arc<Scenario>, spec: RunSpec, options: &Options) -> Result<(), Error> {
    let commands = scenario.runs_commands();
    let session = Session::start_scenarios(scenario.plan(), options, Format::renderer, commands)?;
    let spec = spec.with_stop(session.stop.clone());
    let measured = measure_observed(
        &Subject::Scenario(scenario.clone()),
        &spec,
        outcome::repeat(options),
        session.live_sink(),
        &mut session.status(),
    )?;
    let finished = session.finish(options, Results::One(&measured));
    // As the scenarios are (see `execute`).
    std::mem::forget(measured);
    finished
}

fn run_several(scenarios: &[Arc<Scenario>], spec: RunSpec, options: &Options) -> Result<(), Error> {
    let commands = scenarios.iter().any(|s| s.runs_commands());
    let session = Session::start_scenarios(
        scenarios[0].plan(),
        options,
        Format::compare_renderer,
        commands,
    )?;
    let spec = spec.with_stop(session.stop.clone());
    let comparison = compare_scenarios(
        scenarios,
        &spec,
        outcome::repeat(options),
        session.live_sink(),
        &mut session.status(),
    )?;
    let finished = session.finish(options, Results::Compared(&comparison));
    std::mem::forget(comparison);
    finished
}

/// `--emit`: the program behind the one scenario, printed instead of run.
fn emit(scenarios: &[Arc<Scenario>], language: Emit) -> Result<(), Error> {
    let [scenario] = scenarios else {
        return Err(Error::Usage(format!(
            "--emit writes the program of one scenario, not {}: emit them one at a time",
            scenarios.len()
        )));
    };
    if let Some(why) = Emit::refuses(scenario) {
        return Err(Error::Usage(why));
    }
    let mut out = std::io::stdout().lock();
    out.write_all(language.program(scenario).as_bytes())?;
    out.flush()?;
    Ok(())
}

/// The tree of each scenario and the times it should take, in the format
/// asked for.
fn dry_run(scenarios: &[Arc<Scenario>], options: &Options) -> Result<(), Error> {
    let format = options.output.format;
    if !format.shows_dry_run() {
        return Err(Error::Usage(format!(
            "--dry-run runs nothing, so there is no {format} to draw: \
             use --format table, json, jsonl, csv or markdown"
        )));
    }
    if !options.report.export.is_empty() {
        // Refused rather than ignored: an export the user asked for must
        // not silently stay unwritten.
        return Err(Error::Usage(
            "--dry-run runs nothing, so there is nothing to --export: \
             use --format json, jsonl, csv or markdown and redirect stdout"
                .to_owned(),
        ));
    }
    let style = Style::detect(&options.style_request());
    let scenarios: Vec<&Scenario> = scenarios.iter().map(AsRef::as_ref).collect();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    format.write_dry_run(&scenarios, &style, &mut out)?;
    out.flush()?;
    Ok(())
}
