//! The saywhen binary: parse, run, render, and map errors to exit codes.
//! Everything else lives in the library.

use std::io::Write;
use std::process::ExitCode;

use saywhen::app::cli::Cli;
use saywhen::escape::EscapedLines;

fn main() -> ExitCode {
    // Invalid usage exits 2 here, with clap's message (made safe to show:
    // see `try_parse_args`); --help and --version exit 0.
    let cli = Cli::try_parse_args(std::env::args_os()).unwrap_or_else(|e| e.exit());
    match saywhen::app::execute(&cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if error.is_broken_pipe() => ExitCode::SUCCESS,
        Err(error) => {
            // Not eprintln!: it panics when stderr is closed too. Each
            // message escapes what the user typed; escaping the whole once
            // more here (which changes nothing already escaped) makes sure
            // no message ever drives the terminal.
            let message = error.to_string();
            let _ = writeln!(std::io::stderr(), "error: {}", EscapedLines(&message));
            ExitCode::from(error.exit_code())
        }
    }
}
