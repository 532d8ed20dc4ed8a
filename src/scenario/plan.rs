//! The plan: every pair to run, in the order the user gave them, checked
//! before anything runs. Modes only ever see a valid plan.

use std::ffi::OsString;
use std::fmt;
use std::io;
use std::path::Path;
use std::time::Duration;

use crate::escape::Quoted;
use crate::scenario::pair::{Pair, PairError};

/// The pairs to run, in argument order (index 0 is the first pair given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pairs: Vec<Pair>,
}

/// Where a pair's text came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// The n-th PAIR on the command line, counting from 1.
    Argument(usize),
    /// A line of a pairs file (`-` is standard input), counting from 1.
    Line { file: String, line: usize },
}

/// Why no plan could be made.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("invalid pair '{}' ({origin}): {reason}", Quoted(text))]
    InvalidPair {
        text: String,
        origin: Origin,
        reason: PairError,
    },
    #[error("{origin} is not valid UTF-8: a pair is text such as 1:hello")]
    NotUtf8 { origin: Origin },
    /// Reading stopped there: see [`MAX_LINE`](crate::scenario::pair_file::MAX_LINE).
    #[error(
        "{origin} is longer than 1 MiB, the longest line a pairs file may hold (a pair is one line, such as 1:hello)"
    )]
    LineTooLong { origin: Origin },
    #[error(
        "no pairs to run: give DELAY:MESSAGE pairs or --file PATH (try: saywhen serial 1:hello 2:world)"
    )]
    NoPairs,
    #[error("cannot read pairs from {file}: {source}")]
    Read { file: String, source: io::Error },
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Argument(n) => write!(f, "argument {n}"),
            Origin::Line { file, line } => write!(f, "{file} line {line}"),
        }
    }
}

impl Plan {
    /// A plan of already-parsed pairs; `NoPairs` when empty.
    pub fn new(mut pairs: Vec<Pair>) -> Result<Plan, PlanError> {
        if pairs.is_empty() {
            return Err(PlanError::NoPairs);
        }
        // A list read from a file grew by doubling: up to twice the room it
        // needs, kept for the whole run (40 MB at a million pairs).
        pairs.shrink_to_fit();
        Ok(Plan { pairs })
    }

    /// Parses the PAIR arguments of the command line.
    pub fn from_args(args: &[OsString]) -> Result<Plan, PlanError> {
        Plan::from_args_and_files::<&Path>(args, &[])
    }

    /// Parses the PAIR arguments, then appends the pairs of `file`.
    pub fn from_args_and_file(args: &[OsString], file: Option<&Path>) -> Result<Plan, PlanError> {
        Plan::from_args_and_files(args, file.as_slice())
    }

    /// Parses the PAIR arguments, then appends the pairs of each of `files`
    /// in turn (`-` is stdin; see [`pair_file`](crate::scenario::pair_file)).
    /// A lone `-` among the arguments reads stdin there, like `--file -`.
    pub fn from_args_and_files<P: AsRef<Path>>(
        args: &[OsString],
        files: &[P],
    ) -> Result<Plan, PlanError> {
        let mut pairs = Vec::with_capacity(args.len());
        for (i, arg) in args.iter().enumerate() {
            if arg == crate::scenario::pair_file::STDIN {
                crate::scenario::pair_file::read_pairs(Path::new(arg), &mut pairs)?;
                continue;
            }
            let origin = Origin::Argument(i + 1);
            let text = arg.to_str().ok_or_else(|| PlanError::NotUtf8 {
                origin: origin.clone(),
            })?;
            pairs.push(parse(text, origin)?);
        }
        for file in files {
            crate::scenario::pair_file::read_pairs(file.as_ref(), &mut pairs)?;
        }
        Plan::new(pairs)
    }

    pub fn pairs(&self) -> &[Pair] {
        &self.pairs
    }

    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    /// The message of pair `index`.
    pub fn message(&self, index: usize) -> &str {
        &self.pairs[index].message
    }

    /// Sets pair `index`'s delay: the model's "what if it took longer"
    /// (see `simulate::critical`).
    pub fn set_delay(&mut self, index: usize, delay: Duration) {
        if let Some(pair) = self.pairs.get_mut(index) {
            pair.delay = delay;
        }
    }

    /// The sum of all delays: what running them one after another takes.
    pub fn total_delay(&self) -> Duration {
        self.pairs.iter().map(|p| p.delay).sum()
    }

    /// The longest delay: what running them all at once takes.
    pub fn longest_delay(&self) -> Duration {
        self.pairs.iter().map(|p| p.delay).max().unwrap_or_default()
    }
}

/// Parses one pair's text, naming where it came from on failure.
pub fn parse(text: &str, origin: Origin) -> Result<Pair, PlanError> {
    text.parse().map_err(|reason| PlanError::InvalidPair {
        text: text.to_owned(),
        origin,
        reason,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    #[test]
    fn keeps_argument_order_and_sums() {
        let plan = Plan::from_args(&args(&["1:hello", "2:world"])).unwrap();
        assert_eq!(plan.len(), 2);
        assert_eq!(plan.message(1), "world");
        assert_eq!(plan.total_delay(), Duration::from_secs(3));
        assert_eq!(plan.longest_delay(), Duration::from_secs(2));
    }

    #[test]
    fn errors_name_the_argument() {
        let err = Plan::from_args(&args(&["1:a", "abc:hi"])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid pair 'abc:hi' (argument 2): 'abc' is not a duration (try 1.5, 250ms, 2s, 1m30s)"
        );
    }

    #[test]
    fn an_empty_plan_is_an_error() {
        assert!(matches!(Plan::from_args(&[]), Err(PlanError::NoPairs)));
    }

    #[cfg(unix)]
    #[test]
    fn invalid_utf8_is_an_error() {
        use std::os::unix::ffi::OsStringExt;
        let bad = OsString::from_vec(vec![b'1', b':', 0xff]);
        let err = Plan::from_args(&[bad]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "argument 1 is not valid UTF-8: a pair is text such as 1:hello"
        );
    }
}
