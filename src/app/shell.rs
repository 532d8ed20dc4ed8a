//! `saywhen completions SHELL`: shell integration, made from the same clap
//! definition the binary parses, so it never drifts from the real options.

use std::io::{self, Write};

use clap_complete::Shell;

use crate::app::help;
use crate::error::Error;

/// Prints the completion script for `shell` on stdout.
pub fn completions(shell: Shell) -> Result<(), Error> {
    let mut command = help::command();
    let mut out = io::stdout().lock();
    clap_complete::generate(shell, &mut command, "saywhen", &mut out);
    out.flush()?;
    Ok(())
}
