//! The command line as clap parses it and prints its help: the derive's
//! definition ([`Cli`]), shaped per subcommand. The options may come before
//! or after the mode, so each subcommand holds a copy of every one; clap
//! would list every one of them under every subcommand. Here each mode's
//! help teaches instead: what the mode does, the pair syntax, one example,
//! where to learn more, and only the options that apply to it.

use clap::{Arg, Command, CommandFactory};

use crate::app::cli::Cli;
use crate::scenario::mode::Mode;

/// The subcommands that run nothing: run options mean nothing to them, so
/// they are refused there (see [`Cli::try_parse_args`]) and not listed.
pub const RUNLESS: [&str; 3] = ["explain", "man", "completions"];

/// The options that may be given several times, before and after the mode.
/// A global option keeps only the values given on one side of the mode, so
/// these are not global: the top level and each subcommand have their own,
/// merged after parsing, the ones before the mode first.
pub const REPEATABLE: [&str; 2] = ["file", "export"];

/// The command line, with each subcommand's help trimmed to what applies.
pub fn command() -> Command {
    let mut command = Cli::command();
    command = command.mut_args(|arg| {
        let repeatable = REPEATABLE.contains(&arg.get_id().as_str());
        arg.global(!repeatable)
    });
    // Every top-level argument is an option of a run.
    let options: Vec<Arg> = command.get_arguments().cloned().collect();
    // clap copies each global option into every subcommand that has no
    // option of that id yet. Copies put there first, in the same order,
    // parse the same, and a hidden one stays out of that subcommand's help.
    let copies = |sub: Command, shown: &dyn Fn(&str) -> bool| {
        options.iter().fold(sub, |sub, arg| {
            sub.arg(arg.clone().hide(!shown(arg.get_id().as_str())))
        })
    };
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    for name in names {
        command = command.mut_subcommand(&name, |sub| {
            match (name.parse::<Mode>(), name.as_str()) {
                (Ok(mode), _) => copies(teach(sub, &name, example(mode)), &|id| applies(id, mode)),
                (_, "compare") => copies(teach(sub, "compare", COMPARE_EXAMPLE), &|id| id != "at"),
                // A scenario writes its own timeouts and limits.
                (_, "run") => copies(sub.after_help(RUN_HELP), &|id| {
                    !matches!(id, "timeout" | "limit" | "deadlines")
                }),
                (_, name) if RUNLESS.contains(&name) => copies(sub, &|_| false),
                // Any other command runs something: every option applies.
                _ => copies(sub, &|_| true),
            }
        });
    }
    command
}

/// `saywhen run --help`: the language in brief, and examples.
const RUN_HELP: &str = "\
A SCENARIO is a pair (DELAY:MESSAGE) or a group of nodes:
  serial(...)   await one after another        tasks(...)    tokio::spawn each
  gather(...)   join_all in one task           joinset(...)  collect as they complete
  race(...)     the first to finish wins       group(...)    a failure cancels the rest
  limit(N, ...) at most N at once              timeout(DURATION, NODE)
  fail(PAIR)    sleeps, then fails             block(PAIR)   std::thread::sleep (real clock)
A bare message runs to the next , or ); quote it ('...' or \"...\") to hold anything.

Examples:
  saywhen run 'gather(serial(1:a, 2:b), 3:c)'              # 3 s = max(1 s + 2 s, 3 s)
  saywhen run 'timeout(2.5s, gather(1:a, 3:b))'            # 2.5 s, b cancelled
  saywhen run --dry-run 'limit(2, 1:a, 1:b, 1:c, 1:d)'     # the arithmetic, nothing runs
  saywhen run 'serial(1:a, 1:b)' 'gather(1:a, 1:b)'        # two scenarios compared

see: saywhen explain scenario";

/// Whether the run option with clap id `id` applies to `mode`. The others
/// are refused when the run is checked ([`crate::engine::spec::RunSpec::check`]),
/// so they are not offered in the mode's help.
fn applies(id: &str, mode: Mode) -> bool {
    match id {
        "timeout" | "limit" => !mode.is_blocking(),
        "deadlines" => mode == Mode::Serial,
        "runtime" | "workers" => mode != Mode::Threads,
        _ => true,
    }
}

/// One command that shows what `mode` does, with the time it takes.
fn example(mode: Mode) -> &'static str {
    match mode {
        Mode::Serial => "saywhen serial 1:hello 2:world      # ~3 s: the delays add up",
        Mode::Tasks => "saywhen tasks 1:hello 2:world       # ~2 s: the longest delay",
        Mode::Gather => "saywhen gather 1:hello 2:world      # ~2 s: the longest delay",
        Mode::Race => "saywhen race 3:slow 1:fast          # ~1 s: fast wins, slow is cancelled",
        Mode::Joinset => "saywhen joinset 2:b 1:a             # ~2 s: a comes back first, then b",
        Mode::Blocking => "saywhen blocking 1:a 1:b            # ~2 s, where tasks takes 1 s",
        Mode::SpawnBlocking => {
            "saywhen spawn-blocking 1:a 1:b      # ~1 s: the sleeps leave the runtime free"
        }
        Mode::Threads => "saywhen threads 1:a 1:b             # ~1 s: one OS thread per pair",
    }
}

const COMPARE_EXAMPLE: &str =
    "saywhen compare 1:hello 2:world      # serial, tasks and gather side by side";

/// The pairs, described where clap would list `[PAIR]...`: they are
/// required, but clap cannot require them, because `--file` given before
/// the mode may bring them all.
const PAIRS: &str = "\
Arguments:
  <PAIR>...  DELAY:MESSAGE, split at the first ':': 1:hello, 250ms:world, 1m30s:later.
             DELAY is seconds (1, 0.25, 1.5) or a duration (250ms, 2s, 1m30s).
             A lone - reads pairs from stdin there, one a line, like --file -";

/// Gives the mode (or `compare`) named `name` its teaching help.
fn teach(sub: Command, name: &str, example: &str) -> Command {
    let template = format!(
        "{{about-with-newline}}\n{{usage-heading}} {{usage}}\n\n{PAIRS}\n\n{{all-args}}{{after-help}}"
    );
    sub.override_usage(format!("saywhen {name} [OPTIONS] <PAIR>..."))
        .help_template(template)
        .mut_arg("pairs", |arg| arg.hide(true))
        .after_help(format!(
            "Example:\n  {example}\n\nsee: saywhen explain {name}"
        ))
}
