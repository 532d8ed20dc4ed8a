//! The saywhen binary: parse, run, render, and map errors to exit codes.
//! Everything else lives in the library.

use std::io::Write;
use std::process::ExitCode;

use saywhen::app::cli::Cli;

fn main() -> ExitCode {
    // Invalid usage exits 2 here, with clap's message; --help and
    // --version exit 0.
    let cli = Cli::try_parse_args(std::env::args_os()).unwrap_or_else(|e| e.exit());
    match saywhen::app::execute(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            // Not eprintln!: it panics when stderr is closed too.
            let _ = writeln!(std::io::stderr(), "error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
