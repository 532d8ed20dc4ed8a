//! `saywhen completions SHELL`: shell integration, made from the same clap
//! definition the binary parses, so it never drifts from the real options.

use std::io::{self, Write};

use clap_complete::Shell;

use crate::app::help;
use crate::error::Error;

/// Prints the completion script for `shell` on stdout.
pub fn completions(shell: Shell) -> Result<(), Error> {
    let mut command = help::command();
    // clap_complete panics when a write fails, and a closed pipe
    // (`saywhen completions bash | head -1`) is a failed write: the script
    // is made in memory, then written where a failure is an error like any
    // other (and a closed pipe a quiet exit 0).
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "saywhen", &mut script);
    let mut out = io::stdout().lock();
    out.write_all(&script)?;
    out.flush()?;
    Ok(())
}
