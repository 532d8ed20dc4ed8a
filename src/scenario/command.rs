//! A real command as a leaf of a scenario: `sh('make test')` runs its text
//! with `sh -c`, `exec('cargo', 'build')` runs a program without a shell,
//! and either may carry a label (`sh('make test', name: unit)`).
//!
//! A command's delay is unknown until it has run. The tree keeps its
//! commands in a list of their own, in pre-order beside the plan's pairs
//! (a command takes a pair's place in the plan, so the recorder, the events
//! and every format find it by the same index), and a plain pair pays
//! nothing for them. [`Measured`] is what a run found, filled in after the
//! fact so that the arithmetic can use it.

use std::fmt;
use std::time::Duration;

/// What a command runs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Program {
    /// `sh('TEXT')`: `sh -c TEXT`.
    Shell(String),
    /// `exec('prog', 'arg', ...)`: the program and its arguments, no shell.
    Exec(Vec<String>),
}

/// What a run measured of one command: how long it took, and whether it
/// failed (a non-zero exit, a signal, a program that could not start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Measured {
    pub took: Duration,
    pub failed: bool,
}

/// One command leaf.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Command {
    /// The index of the pair whose place it takes in the plan.
    pub pair: u32,
    pub program: Program,
    /// `name: unit`.
    pub name: Option<String>,
    /// Filled in after a run: what it took (`None` before it has run, or
    /// when it was cut off before it ended).
    pub measured: Option<Measured>,
}

impl Command {
    /// What the live lines and the tables call it: its name, or
    /// `sh 'make test'`, `exec 'cargo' 'build'`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(name) => name.clone(),
            None => self.program.to_string(),
        }
    }

    /// The program to start and its arguments.
    pub fn argv(&self) -> Vec<&str> {
        match &self.program {
            Program::Shell(text) => vec!["sh", "-c", text],
            Program::Exec(argv) => argv.iter().map(String::as_str).collect(),
        }
    }
}

impl fmt::Display for Program {
    /// `sh 'make test'`, `exec 'cargo' 'build'`: how the arithmetic names
    /// an unnamed command.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Program::Shell(text) => write!(f, "sh {}", quote(text)),
            Program::Exec(argv) => {
                f.write_str("exec")?;
                for arg in argv {
                    write!(f, " {}", quote(arg))?;
                }
                Ok(())
            }
        }
    }
}

/// A string as the language reads it back: in single quotes, with `'` and
/// `\` escaped.
pub fn quote(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('\'');
    for c in text.chars() {
        if c == '\'' || c == '\\' {
            quoted.push('\\');
        }
        quoted.push(c);
    }
    quoted.push('\'');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_is_named_by_its_label_or_its_text() {
        let mut command = Command {
            pair: 0,
            program: Program::Shell("make 'x'".into()),
            name: None,
            measured: None,
        };
        assert_eq!(command.label(), r"sh 'make \'x\''");
        assert_eq!(command.argv(), ["sh", "-c", "make 'x'"]);
        command.name = Some("unit".into());
        assert_eq!(command.label(), "unit");
        let exec = Program::Exec(vec!["cargo".into(), "build".into()]);
        assert_eq!(exec.to_string(), "exec 'cargo' 'build'");
    }
}
