//! The saywhen binary: parse, run, render, and map errors to exit codes.
//! Everything else lives in the library.

use std::process::ExitCode;

use saywhen::cli::Cli;

fn main() -> ExitCode {
    // Invalid usage exits 2 here, with clap's message; --help and
    // --version exit 0.
    let cli = Cli::try_parse_args(std::env::args_os()).unwrap_or_else(|e| e.exit());
    match saywhen::app::execute(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
