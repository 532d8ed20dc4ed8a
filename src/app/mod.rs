//! What the binary does with a parsed command line. One file per
//! subcommand family; `execute` only dispatches.

mod shell;
mod single;

use crate::cli::{Cli, Command};
use crate::error::Error;
use crate::mode::Mode;

/// Carries out `cli`, printing to stdout.
pub fn execute(cli: &Cli) -> Result<(), Error> {
    let options = &cli.options;
    match &cli.command {
        Command::Serial(args) => single::execute(Mode::Serial, args, options),
        Command::Tasks(args) => single::execute(Mode::Tasks, args, options),
        Command::Gather(args) => single::execute(Mode::Gather, args, options),
        Command::Completions(args) => shell::completions(args.shell),
        Command::Man => shell::man(),
    }
}
