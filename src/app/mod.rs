//! What the binary does with a parsed command line. One file per
//! subcommand family; `execute` only dispatches.

mod at;
pub mod cli;
mod compare;
mod explain;
pub mod help;
pub mod man;
mod outcome;
mod run;
mod shell;
mod single;

use crate::app::cli::{Cli, Command};
use crate::error::Error;
use crate::scenario::mode::Mode;

/// Carries out `cli`, printing to stdout.
pub fn execute(cli: &Cli) -> Result<(), Error> {
    let options = &cli.options;
    match &cli.command {
        Command::Serial(args) => single::execute(Mode::Serial, args, options),
        Command::Tasks(args) => single::execute(Mode::Tasks, args, options),
        Command::Gather(args) => single::execute(Mode::Gather, args, options),
        Command::Completions(args) => shell::completions(args.shell),
        Command::Man => man::execute(),
        Command::Race(args) => single::execute(Mode::Race, args, options),
        Command::Joinset(args) => single::execute(Mode::Joinset, args, options),
        Command::Blocking(args) => single::execute(Mode::Blocking, args, options),
        Command::SpawnBlocking(args) => single::execute(Mode::SpawnBlocking, args, options),
        Command::Threads(args) => single::execute(Mode::Threads, args, options),
        Command::Explain(args) => explain::execute(args.topic),
        Command::Compare(args) => compare::execute(args, options),
        Command::Run(args) => run::execute(args, options),
    }
}
