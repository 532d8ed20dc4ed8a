//! Pairs from a file or standard input (`--file PATH`, `-` for stdin): one
//! `DELAY:MESSAGE` pair per line, in the same syntax as on the command line.
//! This is how a user runs 100,000 pairs, which no command line holds.
//!
//! Blank lines and lines whose first non-blank character is `#` are skipped;
//! a `\r\n` line ending and a leading UTF-8 byte order mark are tolerated,
//! since editors on Windows write both. Reading is buffered and line by line
//! into one reused buffer, so a million lines cost a million parses and
//! nothing more; the file's name is only copied when a line is bad.

use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::path::Path;

use crate::output::escape::escape;
use crate::scenario::pair::Pair;
use crate::scenario::plan::{Origin, PlanError};

/// The path that means "standard input".
pub const STDIN: &str = "-";

/// Large reads: a pairs file is read once, front to back.
const BUFFER: usize = 64 * 1024;

/// Appends the pairs of `path` (or of stdin for `-`) to `pairs`.
pub fn read_pairs(path: &Path, pairs: &mut Vec<Pair>) -> Result<(), PlanError> {
    if path == Path::new(STDIN) {
        return read_from(io::stdin().lock(), "stdin", pairs);
    }
    let name = escape(&path.to_string_lossy()).into_owned();
    let file = File::open(path).map_err(|source| PlanError::Read {
        file: name.clone(),
        source,
    })?;
    read_from(BufReader::with_capacity(BUFFER, file), &name, pairs)
}

/// Appends the pairs read from `reader` to `pairs`; `name` is how errors
/// call the source (`pairs.txt`, `stdin`).
pub fn read_from(
    mut reader: impl BufRead,
    name: &str,
    pairs: &mut Vec<Pair>,
) -> Result<(), PlanError> {
    let mut line = Vec::new();
    let mut number = 0;
    let origin = |line: usize| Origin::Line {
        file: name.to_owned(),
        line,
    };
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .map_err(|source| PlanError::Read {
                file: name.to_owned(),
                source,
            })?;
        if read == 0 {
            return Ok(());
        }
        number += 1;
        let mut bytes = line.strip_suffix(b"\n").unwrap_or(&line);
        bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if number == 1 {
            bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        }
        let text = std::str::from_utf8(bytes).map_err(|_| PlanError::NotUtf8 {
            origin: origin(number),
        })?;
        let content = text.trim_start();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let pair = text.parse().map_err(|reason| PlanError::InvalidPair {
            text: text.to_owned(),
            origin: origin(number),
            reason,
        })?;
        pairs.push(pair);
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn read(text: &[u8]) -> Result<Vec<Pair>, PlanError> {
        let mut pairs = Vec::new();
        read_from(text, "pairs.txt", &mut pairs).map(|()| pairs)
    }

    #[test]
    fn skips_blank_lines_and_comments() {
        let pairs = read(b"# a comment\n\n1:hello\n   \n  # indented\n2:world\n").unwrap();
        assert_eq!(
            pairs,
            [
                Pair::new(Duration::from_secs(1), "hello"),
                Pair::new(Duration::from_secs(2), "world")
            ]
        );
    }

    #[test]
    fn keeps_the_message_exactly_but_not_the_line_ending() {
        let pairs = read(b"\xef\xbb\xbf1: two  spaces \r\n250ms:a#b:c").unwrap();
        assert_eq!(pairs[0].message, " two  spaces ");
        assert_eq!(pairs[1], Pair::new(Duration::from_millis(250), "a#b:c"));
    }

    #[test]
    fn a_bad_line_names_the_file_and_line() {
        let err = read(b"1:a\n\n# c\nabc:hi\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid pair 'abc:hi' (pairs.txt line 4): 'abc' is not a duration (try 1.5, 250ms, 2s, 1m30s)"
        );
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let err = read(b"1:a\n2:\xff\xfe\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "pairs.txt line 2 is not valid UTF-8: a pair is text such as 1:hello"
        );
    }

    #[test]
    fn an_empty_file_adds_nothing() {
        assert!(read(b"").unwrap().is_empty());
        assert!(read(b"\n# only comments\n").unwrap().is_empty());
    }

    #[test]
    fn a_missing_file_is_a_read_error() {
        let mut pairs = Vec::new();
        let err = read_pairs(Path::new("/no/such/pairs.txt"), &mut pairs).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("cannot read pairs from /no/such/pairs.txt: "),
            "{err}"
        );
    }
}
