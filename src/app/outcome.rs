//! What every running command does around its runs: make the plan; before
//! anything runs, check the export files (a bad path fails before a long
//! run, and nothing is written yet), install the signal handler and start
//! the printer; then print, export and judge the results.

use std::io::{self, Write};
use std::sync::Arc;

use crate::app::cli::{Options, PairArgs};
use crate::engine::event::{EventSink, Silent};
use crate::engine::signal::stop_on_signals;
use crate::engine::stop::{Listening, Stop};
use crate::error::Error;
use crate::escape::escape;
use crate::measure::baseline::{Baseline, Row};
use crate::measure::check::{Failure, Failures, Verdict};
use crate::measure::repeat::Phase;
use crate::output::export::{ExportFile, ExportKind, Results};
use crate::output::github::GithubActions;
use crate::output::printer::Printer;
use crate::output::progress::{self, Progress};
use crate::render::style::Style;
use crate::render::{Format, Renderer, baseline, fit, lesson};
use crate::scenario::plan::{Plan, PlanError};

/// The pairs of the command line, then those of each `--file`. With none
/// at all, the error suggests `command` with two pairs.
pub fn plan(args: &PairArgs, options: &Options, command: &str) -> Result<Arc<Plan>, Error> {
    match Plan::from_args_and_files(&args.pairs, &options.input.file) {
        Ok(plan) => Ok(Arc::new(plan)),
        Err(PlanError::NoPairs) => Err(Error::NoPairs(format!("saywhen {command} 1:a 2:b"))),
        Err(error) => Err(error.into()),
    }
}

/// How the runs are repeated; every run's pairs are kept only when some
/// output lists them (CSV, on stdout or in an export).
pub fn repeat(options: &Options) -> crate::measure::Repeat {
    let csv = |format| format == Format::Csv;
    let lists_every_run = csv(options.output.format)
        || options
            .report
            .export
            .iter()
            .any(|export| match export.kind {
                ExportKind::Report(format) => csv(format),
                ExportKind::Svg | ExportKind::Junit | ExportKind::Lesson => false,
            });
    options.repeat.repeat(lists_every_run)
}

/// How a command picks its renderer: [`Format::renderer`] or
/// [`Format::compare_renderer`].
pub type PickRenderer = fn(Format, &Style) -> Box<dyn Renderer>;

/// Everything a running command holds until its results are out.
pub struct Session {
    printer: Printer,
    exports: Vec<ExportFile>,
    style: Style,
    quiet: bool,
    /// Show which run is going on, on stderr (a person is watching).
    show_status: bool,
    /// Asked by Ctrl-C, SIGTERM, SIGHUP or a closed stdout; give it to
    /// every run.
    pub stop: Stop,
    /// What stdout carries, which decides where annotations go.
    format: Format,
    /// Running in a GitHub Actions step (`GITHUB_ACTIONS=true`).
    github: Option<GithubActions>,
    /// `--baseline`: the run to compare with.
    baseline: Option<Baseline>,
    /// Held from the start until the results are out: a signal meanwhile,
    /// even between two runs, asks for a stop (and a report) instead of
    /// ending the process.
    listening: Option<Listening>,
}

impl Session {
    /// Checks the export files, then starts listening for signals and the
    /// printer (with progress on stderr when a person is watching).
    pub fn start(
        plan: &Arc<Plan>,
        options: &Options,
        pick: PickRenderer,
    ) -> Result<Session, Error> {
        Session::open(plan, options, pick, false)
    }

    /// [`Session::start`] for scenarios; with command leaves (`commands`),
    /// a JUnit export has a test case for each even without `--check`.
    pub fn start_scenarios(
        plan: &Arc<Plan>,
        options: &Options,
        pick: PickRenderer,
        commands: bool,
    ) -> Result<Session, Error> {
        Session::open(plan, options, pick, commands)
    }

    fn open(
        plan: &Arc<Plan>,
        options: &Options,
        pick: PickRenderer,
        commands: bool,
    ) -> Result<Session, Error> {
        let judged = options.check.expectations().any() || commands;
        refuse_mermaid_without_markdown(options)?;
        refuse_lessons_too_large(plan, options)?;
        let baseline = options
            .check
            .baseline
            .as_deref()
            .map(Baseline::load)
            .transpose()?;
        if let Some(baseline) = &baseline {
            baseline.check_plan(plan, options.run.clock())?;
        }
        let exports = options
            .report
            .export
            .iter()
            .map(|export| export.prepare(judged))
            .collect::<Result<Vec<_>, _>>()?;
        let (stop, listening) = stop_on_signals()?;
        let style = Style::detect(&options.style_request());
        let format = options.output.format;
        let quiet = options.report.quiet;
        let show_status = progress::wanted(
            options.display.no_progress,
            format == Format::Table,
            options.run.clock(),
        );
        let progress = match show_status && !quiet {
            true => Progress::on(&style),
            false => Progress::off(),
        };
        // A closed stdout ends the run only when nothing else wants its
        // report: with exports, the run goes on, its report goes to the
        // files.
        let stop_when_closed = exports.is_empty().then(|| stop.clone());
        let printer = Printer::spawn_with_progress(
            plan.clone(),
            pick(format, &style),
            stop_when_closed,
            progress,
        )?;
        Ok(Session {
            listening: Some(listening),
            printer,
            exports,
            style,
            quiet,
            show_status,
            stop,
            format,
            github: GithubActions::detect(),
            baseline,
        })
    }

    /// An observer of repeated runs that keeps one status line on stderr
    /// (`serial: run 3/5`) while the silent runs go on, so a long series
    /// does not look stuck. It is cleared before the live run, whose own
    /// lines and progress take over, and when the series is over.
    pub fn status(&self) -> impl FnMut(&str, Phase) + use<> {
        let (show, quiet) = (self.show_status, self.quiet);
        let style = progress::on_stderr(&self.style);
        move |mode, phase| {
            if !show {
                return;
            }
            let which = match phase {
                Phase::Warmup { run, of } => format!(": warm-up {run}/{of}"),
                Phase::Counted { run: 1, .. } if !quiet => String::new(),
                Phase::Counted { run, of } => format!(": run {run}/{of}"),
                Phase::Over => String::new(),
            };
            // The mode's name may be a whole scenario, messages and all:
            // it gives way to the run count, to keep the line on one row.
            let line = match which.is_empty() {
                true => which,
                false => {
                    let room = style.width.saturating_sub(which.len());
                    format!("{}{which}", fit::cut(mode, room, &style))
                }
            };
            // `\r` and erase-line: stderr is a terminal here (see
            // `progress::wanted`), and nothing else writes while the
            // silent runs go on.
            let mut stderr = std::io::stderr().lock();
            let _ = write!(stderr, "\r\x1b[2K{line}");
            let _ = stderr.flush();
        }
    }

    /// Where the first run's live events go: the printer, or nowhere with
    /// `--quiet`.
    pub fn live_sink(&self) -> Arc<dyn EventSink> {
        if self.quiet {
            Arc::new(Silent)
        } else {
            self.printer.sink()
        }
    }

    /// Prints the end of the output, writes the exports (a run cut short is
    /// exported too: the picture of what happened), then reports a stop or
    /// judges the expectations. The report is always out before a check
    /// fails. Every output is tried, whatever became of the others: a
    /// closed stdout or a full disk under one export does not cost the
    /// other files their report.
    pub fn finish(mut self, options: &Options, results: Results<'_>) -> Result<(), Error> {
        // From here a signal ends the process at once (a second Ctrl-C
        // need not wait for a huge report), the files left as they were.
        drop(self.listening.take());
        let tolerance = options.check.tolerance.unwrap_or_default();
        let compared = self
            .baseline
            .as_ref()
            .map(|b| b.compare(results.measurements(), tolerance));
        let shown = match (&self.baseline, &compared) {
            (Some(baseline), Some(Ok(rows))) => Some((baseline, rows.as_slice())),
            _ => None,
        };
        let (style, format) = (&self.style, self.format);
        let printed = self.printer.finish_with(|renderer, out| {
            results.render(renderer, out)?;
            show_baseline(shown, format, style, out)
        });
        let mut failures = Vec::new();
        let mut stdout_closed = None;
        match printed {
            Ok(()) => {}
            // Whoever closed stdout has what they wanted: not an error.
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => stdout_closed = Some(e),
            Err(e) => failures.push(Error::Output(e)),
        }
        let mut verdicts = options
            .check
            .expectations()
            .verdicts(results.measurements());
        if options.check.check
            && let Some((_, rows)) = shown
        {
            with_baseline(&mut verdicts, rows);
        }
        // Special files last: a FIFO waits for its reader, and the regular
        // files need not wait with it.
        let (direct, regular): (Vec<_>, Vec<_>) =
            self.exports.iter().partition(|export| export.is_direct());
        for export in regular.into_iter().chain(direct) {
            if let Err(e) = export.write(results, &verdicts, &self.style) {
                failures.push(e.into());
            }
        }
        let mut github = self.github;
        if let Some(github) = &mut github {
            github.summarise(results, &verdicts, shown);
        }
        if let Some(failed) = Error::all(failures) {
            return Err(failed);
        }
        if let Some(Err(other_plan)) = compared {
            return Err(other_plan.into());
        }
        // A stop asked after the last run still says so in the exit code.
        if let Some(reason) = results.interrupted().or(self.stop.reason()) {
            return Err(Error::Stopped(reason));
        }
        if let Some(closed) = stdout_closed {
            return Err(Error::Output(closed));
        }
        let failures: Vec<_> = verdicts.into_iter().filter_map(|v| v.failure).collect();
        let commands = failed_commands(results);
        if let Some(github) = &github {
            annotate(github, &failures, self.format)?;
            annotate_commands(github, &commands, self.format)?;
        }
        if !failures.is_empty() {
            return Err(Failures(failures).into());
        }
        if let Some(failed) = commands_failed(&commands) {
            return Err(failed);
        }
        if let Some(passed) = options
            .check
            .expectations()
            .passed(results.measurements())
            .filter(|_| !self.quiet)
        {
            // Not eprintln!: it panics when stderr is closed.
            let _ = writeln!(std::io::stderr(), "{passed}");
        }
        Ok(())
    }
}

/// GitHub reads workflow commands from stdout and stderr alike: they go to
/// stdout, as GitHub documents, unless stdout carries a document (JSON,
/// CSV, a trace) that a stray line would break.
fn annotate(github: &GithubActions, failures: &[Failure], format: Format) -> Result<(), Error> {
    match format {
        Format::Table | Format::Markdown => github.annotate(failures, &mut io::stdout().lock())?,
        _ => github.annotate(failures, &mut io::stderr().lock())?,
    }
    Ok(())
}

/// A command leaf that failed, in the first counted run of a scenario
/// whose root failed with it.
struct FailedCommand {
    label: String,
    id: String,
    exit: String,
    output: String,
}

fn failed_commands(results: Results<'_>) -> Vec<FailedCommand> {
    let mut failed = Vec::new();
    for report in results.first_runs() {
        let scenario = &report.scenario;
        let root_failed = match scenario.root() {
            crate::scenario::tree::Node::Group(g) => report.groups.get(g as usize),
            crate::scenario::tree::Node::Pair { index, .. } => report.timings.get(index as usize),
        }
        .is_some_and(|t| t.ended().is_some() && t.end().failed());
        if !root_failed {
            continue;
        }
        let ids = crate::render::nodes::Ids::of(scenario);
        for (command, run) in scenario.commands().iter().zip(&report.commands) {
            let Some(run) = run.as_ref().filter(|run| run.failed()) else {
                continue;
            };
            failed.push(FailedCommand {
                label: command.label(),
                id: ids.pair(scenario, command.pair as usize),
                exit: run.exit.to_string(),
                output: run.output.text(),
            });
        }
    }
    failed
}

/// The error a run whose commands failed ends with: exit 1, naming them.
fn commands_failed(commands: &[FailedCommand]) -> Option<Error> {
    let named: Vec<String> = commands
        .iter()
        .map(|c| format!("{} ({}, node {})", escape(&c.label), escape(&c.exit), c.id))
        .collect();
    let count = match commands.len() {
        0 => return None,
        1 => "a command failed".to_owned(),
        n => format!("{n} commands failed"),
    };
    Some(Error::CommandsFailed(format!(
        "the scenario failed: {count}: {}",
        named.join(", ")
    )))
}

/// One `::error` annotation per failed command, naming it, with the end of
/// its output.
fn annotate_commands(
    github: &GithubActions,
    commands: &[FailedCommand],
    format: Format,
) -> Result<(), Error> {
    let mut out: Box<dyn Write> = match format {
        Format::Table | Format::Markdown => Box::new(io::stdout().lock()),
        _ => Box::new(io::stderr().lock()),
    };
    for command in commands {
        let tail: Vec<&str> = command.output.lines().rev().take(10).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        let mut message = format!(
            "{} failed: {} (node {})",
            escape(&command.label),
            command.exit,
            command.id
        );
        for line in tail {
            message.push('\n');
            message.push_str(&escape(line));
        }
        github.annotate_command(&command.label, &message, &mut out)?;
    }
    out.flush()?;
    Ok(())
}

/// A lesson page holds every node's life and both programs (4.8 MB at
/// 10,000 pairs): past [`lesson::MAX_PAIRS`] pairs it is refused before
/// anything runs, not found too large at the end.
fn refuse_lessons_too_large(plan: &Plan, options: &Options) -> Result<(), Error> {
    let lesson = options
        .report
        .export
        .iter()
        .find(|export| export.kind == ExportKind::Lesson);
    match lesson {
        Some(export) if plan.len() > lesson::MAX_PAIRS => Err(Error::Usage(format!(
            "--export {}: a lesson page plays at most {} pairs, and this run has {}; \
             --export FILE.svg draws a run of any size",
            crate::escape::Quoted(&export.path.to_string_lossy()),
            lesson::MAX_PAIRS,
            plan.len()
        ))),
        _ => Ok(()),
    }
}

/// `--mermaid` shapes Markdown; with none asked for it would do nothing,
/// which is a mistake to point out.
fn refuse_mermaid_without_markdown(options: &Options) -> Result<(), Error> {
    let markdown_export = options
        .report
        .export
        .iter()
        .any(|export| export.kind == ExportKind::Report(Format::Markdown));
    if options.report.mermaid && options.output.format != Format::Markdown && !markdown_export {
        return Err(Error::Usage(
            "--mermaid adds a chart to Markdown: use it with --format markdown \
             or --export FILE.md"
                .to_owned(),
        ));
    }
    Ok(())
}

/// Baseline against now, after the report: in the human view or the
/// Markdown on stdout; on stderr when stdout carries a machine format.
fn show_baseline(
    shown: Option<(&Baseline, &[Row])>,
    format: Format,
    style: &Style,
    out: &mut dyn Write,
) -> io::Result<()> {
    let Some((baseline, rows)) = shown else {
        return Ok(());
    };
    match format {
        Format::Table => baseline::write_human(baseline, rows, style, out),
        Format::Markdown => {
            writeln!(out)?;
            baseline::write_markdown(baseline, rows, out)
        }
        _ => {
            let plain = Style::default();
            let _ = baseline::write_human(baseline, rows, &plain, &mut io::stderr().lock());
            Ok(())
        }
    }
}

/// Adds each mode's baseline verdict after its other expectations.
fn with_baseline(verdicts: &mut Vec<Verdict>, rows: &[Row]) {
    for verdict in rows.iter().filter_map(Row::verdict) {
        let after = verdicts
            .iter()
            .rposition(|v| v.mode == verdict.mode)
            .map_or(verdicts.len(), |i| i + 1);
        verdicts.insert(after, verdict);
    }
}
