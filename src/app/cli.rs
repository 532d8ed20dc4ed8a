//! The command line, declared with clap's derive API. It lives in the
//! library so tests (and shell completions) can reach the same definition
//! the binary parses.

use std::ffi::OsString;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use clap::parser::ValueSource;
use clap::{ArgMatches, Args, FromArgMatches, Parser, Subcommand};

use crate::app::help;

use crate::engine::clock::Clock;
use crate::engine::runtime::Flavor;
use crate::engine::spec::RunSpec;
use crate::escape::{EscapedLines, Quoted};
use crate::measure::Repeat;
use crate::measure::check::{Expectations, Tolerance, parse_max_wall};
use crate::measure::compare::DEFAULT_MODES;
use crate::measure::repeat::MAX_RUNS;
use crate::output::export::Export;
use crate::render::Format;
use crate::render::style::{ColorWhen, MIN_WIDTH, StyleRequest};
use crate::scenario::mode::{Deadlines, Mode, UnknownMode};

/// The top-level help's end: the examples, then how to write a pair (the
/// man page shows them as two sections, split at the blank line).
pub const EXAMPLES: &str = "\
Examples:
  saywhen serial 1:hello 2:world      # ~3 s: the delays add up
  saywhen tasks  1:hello 2:world      # ~2 s: the longest delay
  saywhen gather 1:hello 2:world      # ~2 s: the longest delay
  saywhen --virtual-time serial 1h:a 2h:b   # instant, reports exactly 3h
  saywhen tasks 250ms:fast 1.5s:slow --format json
  saywhen race 3:slow 1:fast              # ~1 s: the first wins, the rest are cancelled
  saywhen blocking 1:a 1:b                # ~2 s: the mistake, concurrency collapses
  saywhen --virtual-time --limit 2 tasks 2:a 1:b 1:c    # 2 s, in waves
  saywhen explain race                    # the code and the story behind a mode
  saywhen compare 1:hello 2:world         # every mode side by side, one table
  saywhen run 'gather(serial(1:a, 2:b), 3:c)'   # a tree: 3 s = max(1 s + 2 s, 3 s)
  saywhen compare --runs 5 --quiet 100ms:a 200ms:b
  saywhen --virtual-time compare 1:a 2:b --check --format json   # for CI
  saywhen gather --file pairs.txt --export run.csv --export run.svg

A PAIR is DELAY:MESSAGE, split at the first ':'. DELAY is seconds (1, 0.25,
1.5) or a duration (250ms, 2s, 1m30s, 2h), at most 365 days.";

/// Make async concurrency visible: say each message when its delay elapses,
/// and see why serial takes the sum of the delays while tasks and gather
/// take only the longest.
#[derive(Debug, Parser)]
#[command(
    name = "saywhen",
    version,
    after_help = EXAMPLES,
    subcommand_value_name = "MODE",
    subcommand_help_heading = "Modes and commands",
    override_usage = "saywhen [OPTIONS] <MODE> <PAIR>...\n       \
                      saywhen [OPTIONS] compare <PAIR>...\n       \
                      saywhen [OPTIONS] run <SCENARIO>...\n       \
                      saywhen explain [TOPIC]",
    arg_required_else_help = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    #[command(flatten)]
    pub options: Options,
}

/// Options that may come before or after the mode. Grouped by concern,
/// one struct per group, so each can grow on its own.
#[derive(Debug, Args)]
pub struct Options {
    #[command(flatten)]
    pub run: RunOptions,
    #[command(flatten)]
    pub output: OutputOptions,
    #[command(flatten)]
    pub input: InputOptions,
    #[command(flatten)]
    pub display: DisplayOptions,
    #[command(flatten)]
    pub concurrency: ConcurrencyOptions,
    #[command(flatten)]
    pub repeat: RepeatOptions,
    #[command(flatten)]
    pub report: ReportOptions,
    #[command(flatten)]
    pub check: CheckOptions,
}

/// How many times each mode runs (in the spirit of hyperfine).
#[derive(Debug, Args)]
#[command(next_help_heading = "Repeat")]
pub struct RepeatOptions {
    /// Run each mode N times (1 to 1000000) and report min, median, mean ± σ and max of the wall times; live lines show the first run only
    #[arg(short, long, global = true, value_name = "N", default_value_t = 1, value_parser = parse_runs, allow_negative_numbers = true)]
    pub runs: u32,
    /// Run each mode N times first (0 to 1000000), uncounted and silent
    #[arg(
        short,
        long,
        global = true,
        value_name = "N",
        default_value_t = 0,
        value_parser = parse_warmup,
        allow_negative_numbers = true
    )]
    pub warmup: u32,
}

/// What else is shown or written besides the chosen format.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct ReportOptions {
    /// Hide the live lines (and live JSON Lines events): print only the summary
    #[arg(short, long, global = true)]
    pub quiet: bool,
    /// Also write the report to FILE, in the format its extension names: .json, .jsonl, .csv, .md, .trace.json (for trace viewers), .svg (the timeline as a picture), .junit.xml (the checks, for CI), or .html (a lesson page that plays the run back); may be repeated
    #[arg(long, global = true, value_name = "FILE", value_parser = Export::parse)]
    pub export: Vec<Export>,
    /// End Markdown (--format markdown, a .md export) with the timeline as a Mermaid gantt chart, which GitHub draws
    #[arg(long, global = true)]
    pub mermaid: bool,
}

/// Expectations for CI: exit 1 when they are not met.
#[derive(Debug, Args)]
#[command(next_help_heading = "Checks")]
pub struct CheckOptions {
    /// Exit 1 if a mode's measured wall (the median, with --runs) strays from its expected wall by more than --tolerance
    #[arg(long, global = true)]
    pub check: bool,
    /// How far --check lets the wall stray: a duration (50ms) or a share of the expected wall (10%) [default: 10%, at least 50ms]
    #[arg(
        long,
        global = true,
        value_name = "TOLERANCE",
        requires = "check",
        allow_hyphen_values = true
    )]
    pub tolerance: Option<Tolerance>,
    /// Exit 1 if a mode's measured wall (the median, with --runs) exceeds DURATION
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_max_wall, allow_hyphen_values = true)]
    pub max_wall: Option<Duration>,
    /// Compare each mode's median wall with the one kept in FILE (a JSON report: --export base.json); with --check, exit 1 when a mode is slower by more than --tolerance plus both runs' spread
    #[arg(long, global = true, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

impl RepeatOptions {
    /// Every run's pairs are kept only when `keep_pairs` (CSV lists them).
    pub fn repeat(&self, keep_pairs: bool) -> Repeat {
        Repeat {
            keep_pairs,
            ..Repeat::new(self.runs, self.warmup)
        }
    }
}

impl CheckOptions {
    pub fn expectations(&self) -> Expectations {
        Expectations {
            expected_wall: self.check.then(|| self.tolerance.unwrap_or_default()),
            max_wall: self.max_wall,
        }
    }
}

/// Reads `--runs`: a whole number from 1 to [`MAX_RUNS`].
fn parse_runs(text: &str) -> Result<u32, String> {
    match count_of_runs(text, "--runs 5")? {
        0 => Err("at least one run is needed (try --runs 5)".to_owned()),
        n => Ok(n),
    }
}

/// Reads `--warmup`: a whole number from 0 to [`MAX_RUNS`].
fn parse_warmup(text: &str) -> Result<u32, String> {
    count_of_runs(text, "--warmup 3")
}

/// A whole number of runs, at most [`MAX_RUNS`]: a series keeps every
/// run's wall, so there has to be a most.
fn count_of_runs(text: &str, example: &str) -> Result<u32, String> {
    let shown = Quoted(text);
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    match text.parse::<u32>() {
        Ok(n) if n <= MAX_RUNS => Ok(n),
        _ if digits => Err(format!("'{shown}' is too many runs: at most {MAX_RUNS}")),
        _ => Err(format!("'{shown}' is not a number of runs (try {example})")),
    }
}

/// Where pairs come from besides the command line.
#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
pub struct InputOptions {
    /// Also read pairs from PATH (- for stdin), one DELAY:MESSAGE per line (at most 1 MiB a line), after those given as arguments; blank lines and lines starting with # are skipped; may be repeated
    #[arg(long, global = true, value_name = "PATH")]
    pub file: Vec<PathBuf>,
}

/// How the pairs are run.
#[derive(Debug, Args)]
#[command(next_help_heading = "Run")]
pub struct RunOptions {
    /// Run on tokio's paused clock: instant, exact and repeatable
    #[arg(long, global = true)]
    pub virtual_time: bool,
}

/// What goes to stdout.
#[derive(Debug, Args)]
#[command(next_help_heading = "Output")]
pub struct OutputOptions {
    /// What to print on stdout
    #[arg(long, global = true, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Print the state of every node at instant TIME (1s, 250ms), as the event-loop model plays it, instead of running; past the end, the final states
    #[arg(long, global = true, value_name = "TIME", value_parser = parse_at, allow_hyphen_values = true)]
    pub at: Option<Duration>,
}

/// Reads `--at`: a time as a delay is written.
fn parse_at(text: &str) -> Result<Duration, String> {
    crate::scenario::pair::parse_delay(text)
        .map_err(|reason| format!("{reason}; --at takes a time such as 1s or 250ms"))
}

/// How the human view looks on a terminal.
#[derive(Debug, Args)]
#[command(next_help_heading = "Display")]
pub struct DisplayOptions {
    /// When to use colours
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    /// Plain ASCII only: timeline, table borders, units (us), arrows
    #[arg(long, global = true)]
    pub ascii: bool,
    /// Draw for this many columns [default: the terminal's width, or 80]
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(MIN_WIDTH as i64..=1000), allow_negative_numbers = true)]
    pub width: Option<u16>,
    /// Do not draw the timeline after the tables
    #[arg(long, global = true)]
    pub no_timeline: bool,
    /// Do not show live progress on stderr
    #[arg(long, global = true)]
    pub no_progress: bool,
}

impl Options {
    /// The request for [`crate::render::style::Style::detect`]: the display
    /// options, and `--tolerance` for how late a pair may be before it is
    /// highlighted.
    pub fn style_request(&self) -> StyleRequest {
        let display = &self.display;
        StyleRequest {
            color: display.color,
            ascii: display.ascii,
            width: display.width.map(usize::from),
            no_timeline: display.no_timeline,
            late_tolerance: self.check.tolerance,
            mermaid: self.report.mermaid,
        }
    }
}

/// Timeouts, limits, runtimes and deadlines: the options the lessons on
/// cancellation and scheduling use.
#[derive(Debug, Args)]
#[command(next_help_heading = "Concurrency")]
pub struct ConcurrencyOptions {
    /// Cancel every pair not finished by then, like asyncio.wait_for (async modes)
    #[arg(long, global = true, value_name = "DURATION", value_parser = parse_timeout, allow_hyphen_values = true)]
    pub timeout: Option<Duration>,
    /// At most N pairs wait at once, like asyncio.Semaphore (async modes)
    #[arg(long, global = true, value_name = "N", value_parser = parse_limit, allow_negative_numbers = true)]
    pub limit: Option<NonZeroUsize>,
    /// The tokio runtime (multi-thread: real clock only) [default: current-thread]
    #[arg(long, global = true, value_enum)]
    pub runtime: Option<Flavor>,
    /// Worker threads of the multi-thread runtime (implies --runtime multi-thread)
    #[arg(long, global = true, value_name = "N", value_parser = parse_workers, allow_negative_numbers = true)]
    pub workers: Option<NonZeroUsize>,
    /// How serial counts its sleeps: from the previous wake-up, or from the start
    #[arg(long, global = true, value_enum, default_value_t = Deadlines::Relative)]
    pub deadlines: Deadlines,
}

impl ConcurrencyOptions {
    /// The spec for running `mode` on `clock` with these options.
    pub fn spec(&self, mode: Mode, clock: Clock) -> RunSpec {
        let mut spec = RunSpec::new(mode, clock);
        spec.timeout = self.timeout;
        spec.limit = self.limit;
        // `--workers 4` alone means a multi-thread runtime with 4 workers;
        // `--runtime current-thread --workers 4` is refused by the check.
        spec.runtime = match (self.runtime, self.workers) {
            (Some(flavor), _) => flavor,
            (None, Some(_)) => Flavor::MultiThread,
            (None, None) => Flavor::CurrentThread,
        };
        spec.workers = self.workers;
        spec.deadlines = self.deadlines;
        spec
    }
}

fn parse_timeout(text: &str) -> Result<Duration, String> {
    crate::scenario::pair::parse_delay(text).map_err(|reason| reason.to_string())
}

fn parse_limit(text: &str) -> Result<NonZeroUsize, String> {
    text.parse()
        .map_err(|_| format!("'{}' is not a whole number of at least 1", Quoted(text)))
}

/// More worker threads than this teach nothing and risk the system's
/// thread limit, where tokio would panic rather than report it.
pub const MAX_WORKERS: usize = 1024;

fn parse_workers(text: &str) -> Result<NonZeroUsize, String> {
    let workers = parse_limit(text)?;
    if workers.get() > MAX_WORKERS {
        return Err(format!(
            "'{}' is more than {MAX_WORKERS} workers",
            Quoted(text)
        ));
    }
    Ok(workers)
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Await each pair in turn, like `await say_after(...)` twice: wall = the sum of the delays
    Serial(PairArgs),
    /// tokio::spawn every pair, then await the handles, like asyncio.create_task: wall = the longest delay
    Tasks(PairArgs),
    /// Join all pairs' futures in one task, like asyncio.gather: wall = the longest delay
    Gather(PairArgs),
    /// All at once, the first to finish wins, the rest are cancelled: wall = the shortest delay
    Race(PairArgs),
    /// Spawn into a JoinSet, collect results as they complete: wall = the longest delay
    Joinset(PairArgs),
    /// The mistake: std::thread::sleep in async tasks: wall = the sum (real clock)
    Blocking(PairArgs),
    /// The fix: the same sleep on spawn_blocking: wall = the longest delay (real clock)
    SpawnBlocking(PairArgs),
    /// One OS thread per pair, spawn + join: wall = the longest delay (real clock)
    Threads(PairArgs),
    /// Run the same pairs in each mode, one after another, and compare their wall times in one table
    Compare(CompareArgs),
    /// Run a scenario, a tree of pairs and groups such as 'gather(serial(1:a, 2:b), 3:c)', and show its arithmetic
    Run(RunArgs),
    /// What a mode does, its Rust code, the asyncio equivalent, the wall to expect
    Explain(ExplainArgs),
    /// Print a shell completion script (see the README for where to put it)
    Completions(CompletionArgs),
    /// Print the man page (roff): saywhen man > saywhen.1
    Man,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// A scenario such as 'gather(serial(1:a, 2:b), 3:c)'; two or more run one after another and are compared
    #[arg(value_name = "SCENARIO")]
    pub scenarios: Vec<OsString>,
    /// Print the tree and the times it should take, without running anything
    #[arg(long)]
    pub dry_run: bool,
    /// Print a program that does the same, an asyncio script or a tokio main.rs, instead of running it
    #[arg(long, value_enum, value_name = "LANGUAGE", conflicts_with = "dry_run")]
    pub emit: Option<crate::emit::Emit>,
    /// A cancelled command's process group gets SIGTERM, then SIGKILL this long after if anything of it is left
    #[arg(long, value_name = "DURATION", default_value = "2s", value_parser = parse_kill_after)]
    pub kill_after: Duration,
    /// Print every line each command prints, as it arrives, after its node (by default a command's output is shown only when it fails)
    #[arg(long)]
    pub show_output: bool,
}

fn parse_kill_after(text: &str) -> Result<Duration, String> {
    let grace = crate::scenario::pair::parse_delay(text).map_err(|reason| reason.to_string())?;
    if grace > Duration::from_secs(3600) {
        return Err(format!(
            "'{}' is longer than an hour, the longest grace a command may have",
            Quoted(text)
        ));
    }
    Ok(grace)
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The modes to compare, in order, separated by commas, or all [default: serial,tasks,gather]
    #[arg(long, value_name = "MODES", default_value = "serial,tasks,gather", hide_default_value = true, value_parser = parse_modes)]
    pub modes: ModeList,
    #[command(flatten)]
    pub pairs: PairArgs,
}

/// The modes `--modes` names, in order, each once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeList(pub Vec<Mode>);

impl Default for ModeList {
    fn default() -> ModeList {
        ModeList(DEFAULT_MODES.to_vec())
    }
}

/// `serial,gather` or `all` (every mode in `Mode::ALL`). Each name goes
/// through `Mode`'s `FromStr`, so a new mode is accepted here at once; a
/// mode named twice runs once.
pub fn parse_modes(text: &str) -> Result<ModeList, UnknownMode> {
    if text.trim() == "all" {
        return Ok(ModeList(Mode::ALL.to_vec()));
    }
    let mut modes = Vec::new();
    for name in text.split(',') {
        let mode: Mode = name.trim().parse()?;
        if !modes.contains(&mode) {
            modes.push(mode);
        }
    }
    Ok(ModeList(modes))
}

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A mode, or a topic: compare, virtual-time, timeout, limit, deadlines, runtime, nested, check; omit to list them all
    #[arg(value_name = "TOPIC", value_parser = crate::explain::Topic::parser())]
    pub topic: Option<crate::explain::Topic>,
}

#[derive(Debug, Args)]
pub struct PairArgs {
    /// DELAY:MESSAGE pairs, e.g. 1:hello 250ms:world
    // Not `required`: the pairs may all come from `--file`, which clap cannot
    // see here when it is given before the mode; an empty plan is refused
    // when the plan is made instead.
    #[arg(value_name = "PAIR")]
    pub pairs: Vec<OsString>,
}

impl RunOptions {
    pub fn clock(&self) -> Clock {
        if self.virtual_time {
            Clock::Virtual
        } else {
            Clock::Real
        }
    }
}

impl Cli {
    /// Parses the command line like `Cli::try_parse_from`, with the help
    /// of [`help::command`], and two additions: a negative delay (`-1:hi`)
    /// looks like an option to clap, which would call it an "unexpected
    /// argument"; it gets the same clear message as any other invalid pair
    /// instead. And the commands that run nothing refuse run options rather
    /// than ignore them.
    pub fn try_parse_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        let mut command = help::command();
        let parsed = command.try_get_matches_from_mut(&args).and_then(|matches| {
            refuse_run_options(&mut command, &matches)?;
            let mut cli = Cli::from_arg_matches(&matches)?;
            add_values_after_the_mode(&mut cli, &matches);
            refuse_repeated_exports(&mut command, &cli.options.report.export)?;
            Ok(cli)
        });
        parsed.map_err(|error| {
            let error = match error.kind() {
                clap::error::ErrorKind::UnknownArgument => negative_pair(&args),
                _ => None,
            }
            .unwrap_or(error);
            safe(error)
        })
    }
}

/// clap's error made as safe as saywhen's own: nothing a user typed
/// reaches the terminal raw. clap quotes the user's text as it came (an
/// invalid value, an unknown argument or subcommand, in a tip on how to
/// pass it): each such piece of its context is escaped and cut to 80
/// characters, and a tip that would repeat it raw is dropped, so clap still
/// styles the rest (colour on a terminal, plain in a pipe). The rest of the
/// message is clap's and saywhen's own text; should one of saywhen's value
/// parsers ever quote raw text, the whole message goes out plain and
/// escaped instead.
fn safe(mut error: clap::Error) -> clap::Error {
    use clap::error::{ContextValue, ErrorKind};
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        return error;
    }
    let quote = |text: &String| Quoted(text).to_string();
    let fixed: Vec<_> = error
        .context()
        .filter_map(|(kind, value)| {
            let value = match value {
                ContextValue::String(text) => ContextValue::String(quote(text)),
                ContextValue::Strings(texts) => {
                    ContextValue::Strings(texts.iter().map(quote).collect())
                }
                ContextValue::StyledStrs(tips) => {
                    let safe = tips
                        .iter()
                        .filter(|tip| styled_is_safe(&tip.ansi().to_string()));
                    ContextValue::StyledStrs(safe.cloned().collect())
                }
                _ => return None,
            };
            Some((kind, value))
        })
        .collect();
    for (kind, value) in fixed {
        match value {
            // No tips left: clap would still leave room for them.
            ContextValue::StyledStrs(tips) if tips.is_empty() => drop(error.remove(kind)),
            value => drop(error.insert(kind, value)),
        }
    }
    let own = std::error::Error::source(&error).map(ToString::to_string);
    if own.is_none_or(|text| is_plain(&text)) {
        return error;
    }
    // What a terminal would get: `to_string` drops escape sequences (and
    // keeps the rest of the text raw).
    let plain = error.to_string();
    let message = plain.strip_prefix("error: ").unwrap_or(&plain);
    clap::Error::raw(error.kind(), EscapedLines(message))
}

/// Whether `text` has no character that [`Escaped`](crate::escape::Escaped)
/// would escape, line breaks aside.
fn is_plain(text: &str) -> bool {
    text.lines().all(|line| crate::escape::escape(line) == line)
}

/// Whether clap's styled `text` holds nothing but text and its own colour
/// and weight codes (SGR: `ESC [ ... m`).
fn styled_is_safe(text: &str) -> bool {
    let mut rest = text;
    let mut unstyled = String::new();
    while let Some(at) = rest.find("\x1b[") {
        unstyled.push_str(&rest[..at]);
        let code = &rest[at + 2..];
        let end = code.find(|c: char| !(c.is_ascii_digit() || c == ';'));
        match end.filter(|&end| code[end..].starts_with('m')) {
            Some(end) => rest = &code[end + 1..],
            None => return false,
        }
    }
    unstyled.push_str(rest);
    is_plain(&unstyled)
}

/// `--file` and `--export` given after the mode, after those given before
/// it (see [`help::REPEATABLE`]).
fn add_values_after_the_mode(cli: &mut Cli, matches: &ArgMatches) {
    let Some((_, sub)) = matches.subcommand() else {
        return;
    };
    if let Ok(Some(files)) = sub.try_get_many::<PathBuf>("file") {
        cli.options.input.file.extend(files.cloned());
    }
    if let Ok(Some(exports)) = sub.try_get_many::<Export>("export") {
        cli.options.report.export.extend(exports.cloned());
    }
}

/// Two `--export`s of one file would write it twice, the second over the
/// first: a mistake to point out. `./run.json` and `run.json` are one file;
/// special files are written as they come, and may be named twice.
fn refuse_repeated_exports(
    command: &mut clap::Command,
    exports: &[Export],
) -> Result<(), clap::Error> {
    let mut seen = std::collections::HashSet::new();
    for export in exports {
        // A device or a FIFO (`/dev/null`, `/dev/stdout`) may take two.
        let special = std::fs::metadata(&export.path).is_ok_and(|m| !m.is_file());
        if !special && !seen.insert(same_file(&export.path)) {
            let name = Quoted(&export.path.to_string_lossy()).to_string();
            return Err(command.error(
                clap::error::ErrorKind::ArgumentConflict,
                format!("--export names '{name}' twice: each file is written once"),
            ));
        }
    }
    Ok(())
}

/// What `path` names, as far as can be told before it exists: the real
/// path of the file, or of its directory joined with its name.
fn same_file(path: &std::path::Path) -> PathBuf {
    let real = |path: &std::path::Path| std::fs::canonicalize(path).ok();
    real(path)
        .or_else(|| {
            let dir = path.parent().filter(|dir| !dir.as_os_str().is_empty());
            Some(real(dir.unwrap_or(std::path::Path::new(".")))?.join(path.file_name()?))
        })
        .or_else(|| std::path::absolute(path).ok())
        .unwrap_or_else(|| path.to_owned())
}

/// `saywhen explain gather --runs 5` runs nothing: an option given to a
/// command that runs nothing is a mistake to point out, not to ignore.
fn refuse_run_options(
    command: &mut clap::Command,
    matches: &ArgMatches,
) -> Result<(), clap::Error> {
    let Some((name, sub_matches)) = matches.subcommand() else {
        return Ok(());
    };
    // `run --emit` prints a program instead of running: only `--file`,
    // where the scenario may come from, still means something.
    let emits = name == "run" && sub_matches.get_one::<crate::emit::Emit>("emit").is_some();
    if !help::RUNLESS.contains(&name) && !emits {
        return Ok(());
    }
    // Every top-level option is a run option; given before the mode it is
    // in `matches`, after it in `sub_matches` (and in both if it is global).
    let typed = |matches: &ArgMatches, id: &str| {
        matches.try_contains_id(id).is_ok()
            && matches.value_source(id) == Some(ValueSource::CommandLine)
    };
    let given = command.get_arguments().find(|arg| {
        let id = arg.get_id().as_str();
        let kept = matches!(id, "help" | "version") || (emits && id == "file");
        !kept && (typed(matches, id) || typed(sub_matches, id))
    });
    let Some(option) = given.and_then(|arg| arg.get_long()).map(str::to_owned) else {
        return Ok(());
    };
    let sub = command
        .find_subcommand_mut(name)
        .expect("the subcommand just parsed");
    let what = match emits {
        true => "'saywhen run --emit' prints a program instead of running",
        false => &format!("'saywhen {name}' runs nothing"),
    };
    Err(sub.error(
        clap::error::ErrorKind::ArgumentConflict,
        format!("--{option} is an option of a run; {what}"),
    ))
}

/// The first argument that is a pair with a negative delay, as an error
/// that names it like any other invalid pair: `(argument 2)`, counting the
/// pairs. To count them, the command line is parsed again with each such
/// argument replaced by a valid stand-in that says which one it was.
fn negative_pair(args: &[OsString]) -> Option<clap::Error> {
    // `-1:hi`, `-.5:hi`, `-inf:hi`: what clap would take for short options.
    let negative = |arg: &OsString| {
        arg.to_str().is_some_and(|text| {
            text.strip_prefix('-').is_some_and(|rest| {
                let number = rest.starts_with(|c: char| c.is_ascii_digit() || c == '.');
                let non_finite = rest.get(..3).is_some_and(|head| {
                    head.eq_ignore_ascii_case("inf") || head.eq_ignore_ascii_case("nan")
                });
                number || (non_finite && rest.contains(':'))
            })
        })
    };
    let stand_in = |i: usize| OsString::from(format!("0:\0{i}"));
    let replaced: Vec<OsString> = args
        .iter()
        .enumerate()
        .map(|(i, arg)| match i > 0 && negative(arg) {
            true => stand_in(i),
            false => arg.clone(),
        })
        .collect();
    // A stand-in that lands where no pair goes (`--runs -1`) fails this
    // parse: clap's own error then stands.
    let matches = help::command().try_get_matches_from(&replaced).ok()?;
    let (_, sub) = matches.subcommand()?;
    // A mode's pairs, or `run`'s scenarios (`saywhen run -1:a`).
    let (id, scenario) = match sub.try_contains_id("scenarios") {
        Ok(true) => ("scenarios", true),
        _ => ("pairs", false),
    };
    let given: Vec<&OsString> = sub.try_get_many::<OsString>(id).ok()??.collect();
    let (position, i) = given.iter().enumerate().find_map(|(position, arg)| {
        let i = (1..args.len()).find(|&i| negative(&args[i]) && **arg == stand_in(i))?;
        Some((position, i))
    })?;
    let text = args[i].to_str()?;
    let message = match scenario {
        true => {
            let several = given.len() > 1;
            let error = crate::scenario::parse::parse_argument(text, position + 1, several);
            crate::scenario::parse::ScenarioError::from(error.err()?).to_string()
        }
        false => crate::scenario::plan::PlanError::InvalidPair {
            text: text.to_owned(),
            origin: crate::scenario::plan::Origin::Argument(position + 1),
            reason: text.parse::<crate::Pair>().err()?,
        }
        .to_string(),
    };
    Some(clap::Error::raw(
        clap::error::ErrorKind::InvalidValue,
        format!("{message}\n"),
    ))
}
