//! The command line, declared with clap's derive API. It lives in the
//! library so tests (and shell completions) can reach the same definition
//! the binary parses.

use std::ffi::OsString;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::clock::Clock;
use crate::mode::{Deadlines, Mode};
use crate::render::Format;
use crate::run::RunSpec;
use crate::runtime::Flavor;
use crate::style::{ColorWhen, MIN_WIDTH, StyleRequest};

const EXAMPLES: &str = "\
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
    subcommand_help_heading = "Modes",
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
}

/// Where pairs come from besides the command line.
#[derive(Debug, Args)]
#[command(next_help_heading = "Input")]
pub struct InputOptions {
    /// Also read pairs from PATH (- for stdin), one DELAY:MESSAGE per line, after those given as arguments; blank lines and lines starting with # are skipped
    #[arg(long, global = true, value_name = "PATH")]
    pub file: Option<PathBuf>,
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
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(MIN_WIDTH as i64..=1000))]
    pub width: Option<u16>,
    /// Do not draw the timeline after the tables
    #[arg(long, global = true)]
    pub no_timeline: bool,
    /// Do not show live progress on stderr
    #[arg(long, global = true)]
    pub no_progress: bool,
    /// Also write the timeline to FILE as a standalone SVG picture
    #[arg(long, global = true, value_name = "FILE.svg", value_parser = svg_path)]
    pub export: Option<PathBuf>,
}

/// `--export` takes a path ending in `.svg`: the format follows the name.
fn svg_path(text: &str) -> Result<PathBuf, String> {
    let path = PathBuf::from(text);
    match path.extension().and_then(|e| e.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("svg") => Ok(path),
        _ => Err("the file name must end in .svg (e.g. timeline.svg)".to_owned()),
    }
}

impl DisplayOptions {
    /// The request for [`Style::detect`].
    pub fn style_request(&self) -> StyleRequest {
        StyleRequest {
            color: self.color,
            ascii: self.ascii,
            width: self.width.map(usize::from),
            no_timeline: self.no_timeline,
            late_tolerance: None,
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
    #[arg(long, global = true, value_name = "N", value_parser = parse_limit)]
    pub limit: Option<NonZeroUsize>,
    /// The tokio runtime (multi-thread: real clock only) [default: current-thread]
    #[arg(long, global = true, value_enum)]
    pub runtime: Option<Flavor>,
    /// Worker threads of the multi-thread runtime (implies --runtime multi-thread)
    #[arg(long, global = true, value_name = "N", value_parser = parse_workers)]
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
    crate::pair::parse_delay(text).map_err(|reason| reason.to_string())
}

fn parse_limit(text: &str) -> Result<NonZeroUsize, String> {
    text.parse()
        .map_err(|_| format!("'{text}' is not a whole number of at least 1"))
}

fn parse_workers(text: &str) -> Result<NonZeroUsize, String> {
    parse_limit(text)
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
    /// What a mode does, its Rust code, the asyncio equivalent, the wall to expect
    Explain(ExplainArgs),
    /// Print a shell completion script (see the README for where to put it)
    Completions(CompletionArgs),
    /// Print the man page (roff): saywhen man > saywhen.1
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// A mode, or `nested` (a runtime inside a runtime); omit to list them
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
    /// Parses the command line like `Cli::try_parse_from`, with one
    /// addition: a negative delay (`-1:hi`) looks like an option to clap,
    /// which would call it an "unexpected argument"; it gets the same clear
    /// message as any other invalid pair instead.
    pub fn try_parse_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<OsString> + Clone,
    {
        let args: Vec<OsString> = args.into_iter().map(Into::into).collect();
        Cli::try_parse_from(&args).map_err(|error| {
            match error.kind() {
                clap::error::ErrorKind::UnknownArgument => negative_pair(&args),
                _ => None,
            }
            .unwrap_or(error)
        })
    }
}

/// The first argument that is a pair with a negative delay, as an error.
fn negative_pair(args: &[OsString]) -> Option<clap::Error> {
    let text = args.iter().skip(1).filter_map(|a| a.to_str()).find(|a| {
        a.strip_prefix('-')
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
    })?;
    let reason = text.parse::<crate::Pair>().err()?;
    let message = format!("invalid pair '{}': {reason}", crate::escape::Escaped(text));
    Some(clap::Error::raw(
        clap::error::ErrorKind::InvalidValue,
        message + "\n",
    ))
}
