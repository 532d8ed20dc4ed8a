//! What one run of a command leaf left behind: how it ended (its exit
//! code, the signal that killed it, why it could not start, or that
//! saywhen cut it off), how long it took, and the end of its output,
//! capped so that a command printing a gigabyte costs what one printing a
//! page costs.

use std::fmt;
use std::time::Duration;

/// How much of a command's output is kept: its last 8 KiB (stdout and
/// stderr together, in the order they came), about a hundred lines. A
/// 2-hour CI job of 200 commands keeps at most 1.6 MB of them.
pub const OUTPUT_CAP: usize = 8 * 1024;

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Exit {
    /// It exited with this status: 0 is success.
    Code(i32),
    /// A signal killed it (not one saywhen sent).
    Signal(i32),
    /// It never started: the program was not found, or not executable.
    NotStarted(String),
    /// saywhen ended it (a race lost, a timeout, a failing sibling, a
    /// stop): its process group got SIGTERM, then SIGKILL after the grace.
    Cancelled,
}

impl Exit {
    /// Whether its leaf fails: anything but exit 0 (a cancellation is the
    /// canceller's doing, reported as cancelled, not failed).
    pub fn failed(&self) -> bool {
        !matches!(self, Exit::Code(0) | Exit::Cancelled)
    }

    /// The exit status, when it exited.
    pub fn code(&self) -> Option<i32> {
        match self {
            Exit::Code(code) => Some(*code),
            _ => None,
        }
    }

    /// The signal that killed it, when one did.
    pub fn signal(&self) -> Option<i32> {
        match self {
            Exit::Signal(signal) => Some(*signal),
            _ => None,
        }
    }
}

impl fmt::Display for Exit {
    /// `exit 0`, `exit 2`, `killed by signal 9 (SIGKILL)`, `cannot start:
    /// ...`, `cancelled`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exit::Code(code) => write!(f, "exit {code}"),
            Exit::Signal(signal) => match signal_name(*signal) {
                Some(name) => write!(f, "killed by signal {signal} ({name})"),
                None => write!(f, "killed by signal {signal}"),
            },
            Exit::NotStarted(why) => write!(f, "cannot start: {why}"),
            Exit::Cancelled => f.write_str("cancelled"),
        }
    }
}

/// The names of the signals a command is usually killed by.
pub fn signal_name(signal: i32) -> Option<&'static str> {
    Some(match signal {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        11 => "SIGSEGV",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        _ => return None,
    })
}

/// The last [`OUTPUT_CAP`] bytes a command printed, and how many it
/// printed in all.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Captured {
    kept: Vec<u8>,
    total: u64,
}

impl Captured {
    /// Appends `bytes`, dropping the oldest beyond the cap.
    pub fn push(&mut self, bytes: &[u8]) {
        self.total += bytes.len() as u64;
        let tail = &bytes[bytes.len().saturating_sub(OUTPUT_CAP)..];
        self.kept.extend_from_slice(tail);
        // Trimmed only once twice the cap has gathered: each byte is moved
        // at most once.
        if self.kept.len() >= 2 * OUTPUT_CAP {
            let cut = self.kept.len() - OUTPUT_CAP;
            self.kept.drain(..cut);
        }
    }

    /// The kept bytes, at most [`OUTPUT_CAP`] of them, starting at a line
    /// when some were dropped.
    pub fn bytes(&self) -> &[u8] {
        let kept = &self.kept[self.kept.len().saturating_sub(OUTPUT_CAP)..];
        if self.total == kept.len() as u64 {
            return kept;
        }
        match kept.iter().position(|&b| b == b'\n') {
            Some(newline) if newline + 1 < kept.len() => &kept[newline + 1..],
            _ => kept,
        }
    }

    /// The kept output as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(self.bytes()).into_owned()
    }

    /// How many bytes it printed in all.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// How many of them are not kept.
    pub fn dropped(&self) -> u64 {
        self.total - self.bytes().len() as u64
    }
}

/// One command's run.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CommandRun {
    pub exit: Exit,
    /// From its start to its exit (or to when saywhen cut it off).
    pub took: Duration,
    /// Its stdout and stderr, interleaved as they came, capped.
    pub output: Captured,
}

impl CommandRun {
    pub fn failed(&self) -> bool {
        self.exit.failed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_bytes_are_kept_from_a_line() {
        let mut output = Captured::default();
        for i in 0..10_000 {
            output.push(format!("line {i}\n").as_bytes());
        }
        assert!(output.bytes().len() <= OUTPUT_CAP);
        assert!(output.text().starts_with("line "));
        assert!(output.text().ends_with("line 9999\n"));
        assert_eq!(
            output.total(),
            output.dropped() + output.bytes().len() as u64
        );
        let mut huge = Captured::default();
        huge.push(&vec![b'x'; 3 * OUTPUT_CAP]);
        assert_eq!(huge.bytes().len(), OUTPUT_CAP);
        assert_eq!(huge.total(), 3 * OUTPUT_CAP as u64);
    }

    #[test]
    fn exits_say_what_happened() {
        assert_eq!(Exit::Code(2).to_string(), "exit 2");
        assert!(Exit::Code(2).failed());
        assert!(!Exit::Code(0).failed());
        assert!(!Exit::Cancelled.failed());
        assert_eq!(Exit::Signal(9).to_string(), "killed by signal 9 (SIGKILL)");
    }
}
