//! Pairs from a file or standard input (`--file PATH`, `-` for stdin): one
//! `DELAY:MESSAGE` pair per line, in the same syntax as on the command line.
//! This is how a user runs 100,000 pairs, which no command line holds.
//!
//! Blank lines and lines whose first non-blank character is `#` are skipped;
//! a `\r\n` line ending and a leading UTF-8 byte order mark are tolerated,
//! since editors on Windows write both. Reading is buffered and line by line
//! into one reused buffer, so a million lines cost a million parses and
//! nothing more; the file's name is only copied when a line is bad.
//!
//! A line holds at most [`MAX_LINE`] bytes, and reading stops as soon as
//! one is longer: `--file /dev/zero`, or gigabytes with no newline, is an
//! error after its first MiB instead of all the memory there is.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use crate::escape::escape;
use crate::scenario::pair::Pair;
use crate::scenario::plan::{Origin, PlanError};

/// The path that means "standard input".
pub const STDIN: &str = "-";

/// Large reads: a pairs file is read once, front to back.
const BUFFER: usize = 64 * 1024;

/// The longest line a pairs file may hold, its line ending aside: 1 MiB.
/// A pair is a delay and a message; a message that long is no longer one
/// anybody reads, and a file without line breaks is no pairs file.
pub const MAX_LINE: usize = 1 << 20;

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

/// Reads the next line of `reader` into `line` (cleared first), its `\n`
/// included: 0 at the end. Reads at most [`MAX_LINE`] bytes and a line
/// ending; a longer line is then [`too_long`], and nothing more is read.
pub fn read_line(reader: &mut impl BufRead, line: &mut Vec<u8>) -> io::Result<usize> {
    line.clear();
    reader.take(MAX_LINE as u64 + 2).read_until(b'\n', line)
}

/// Whether `line`, read by [`read_line`], is longer than [`MAX_LINE`], its
/// line ending aside.
pub fn too_long(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line).len() > MAX_LINE
}

/// Appends the pairs read from `reader` to `pairs`; `name` is how errors
/// call the source (`pairs.txt`, `stdin`).
///
/// A line that lies whole in the reader's buffer is read where it lies;
/// only one that runs past it is copied out first ([`read_line`]): a
/// million lines are a million slices of a few buffers, not a million
/// copies.
pub fn read_from(
    mut reader: impl BufRead,
    name: &str,
    pairs: &mut Vec<Pair>,
) -> Result<(), PlanError> {
    let mut line = Vec::new();
    let mut number = 0;
    let read_error = |source| PlanError::Read {
        file: name.to_owned(),
        source,
    };
    loop {
        let buffer = reader.fill_buf().map_err(read_error)?;
        if buffer.is_empty() {
            return Ok(());
        }
        number += 1;
        match buffer.iter().position(|&b| b == b'\n') {
            Some(end) => {
                add_line(&buffer[..end], number, name, pairs)?;
                reader.consume(end + 1);
            }
            None => {
                read_line(&mut reader, &mut line).map_err(read_error)?;
                let bytes = line.strip_suffix(b"\n").unwrap_or(&line);
                add_line(bytes, number, name, pairs)?;
            }
        }
    }
}

/// Line `number` (its `\n` left off) as a pair, if it holds one.
fn add_line(
    bytes: &[u8],
    number: usize,
    name: &str,
    pairs: &mut Vec<Pair>,
) -> Result<(), PlanError> {
    let origin = |line: usize| Origin::Line {
        file: name.to_owned(),
        line,
    };
    let mut bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    if number == 1 {
        bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    }
    if bytes.len() > MAX_LINE {
        return Err(PlanError::LineTooLong {
            origin: origin(number),
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| PlanError::NotUtf8 {
        origin: origin(number),
    })?;
    let content = text.trim_start();
    if content.is_empty() || content.starts_with('#') {
        return Ok(());
    }
    let pair = text.parse().map_err(|reason| PlanError::InvalidPair {
        text: text.to_owned(),
        origin: origin(number),
        reason,
    })?;
    pairs.push(pair);
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn read(text: &[u8]) -> Result<Vec<Pair>, PlanError> {
        let mut pairs = Vec::new();
        read_from(text, "pairs.txt", &mut pairs).map(|()| pairs)
    }

    /// Lines that run past the reader's buffer read as those that lie
    /// in it: the same pairs, the same errors on the same lines.
    #[test]
    fn lines_across_the_buffer_read_as_lines_within_it() {
        let texts: [&[u8]; 4] = [
            b"\xef\xbb\xbf1:hello\r\n# c\n\n250ms:a b\n2:world",
            b"1:a\n2:bb\n3:ccc\n4:dddd\n",
            b"1:a\nnope\n",
            b"1:a\n2:\xff\n",
        ];
        for text in texts {
            let whole = read(text).map_err(|e| e.to_string());
            for capacity in 1..8 {
                let mut pairs = Vec::new();
                let small = std::io::BufReader::with_capacity(capacity, text);
                let got = read_from(small, "pairs.txt", &mut pairs)
                    .map(|()| pairs)
                    .map_err(|e| e.to_string());
                assert_eq!(got, whole, "capacity {capacity}");
            }
        }
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
    fn a_line_holds_at_most_one_mib() {
        let mut text = b"1:a\n2:".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_LINE - 2));
        text.extend(b"\r\n3:b");
        let pairs = read(&text).unwrap();
        assert_eq!(pairs[1].message.len(), MAX_LINE - 2);
        let mut text = b"1:a\n2:".to_vec();
        text.extend(std::iter::repeat_n(b'x', MAX_LINE - 1));
        text.extend(b"\n");
        assert_eq!(
            read(&text).unwrap_err().to_string(),
            "pairs.txt line 2 is longer than 1 MiB, the longest line a pairs file may hold (a pair is one line, such as 1:hello)"
        );
    }

    /// An endless line (`--file /dev/zero`) is refused after its first MiB:
    /// reading stops at the cap instead of going on until memory runs out.
    #[test]
    fn reading_stops_at_the_cap() {
        let mut endless = io::BufReader::new(io::repeat(0));
        let mut pairs = Vec::new();
        let err = read_from(&mut endless, "/dev/zero", &mut pairs).unwrap_err();
        assert!(matches!(err, PlanError::LineTooLong { .. }), "{err}");
        let mut rest = [0; 1];
        assert_eq!(endless.read(&mut rest).unwrap(), 1, "still readable");
    }

    #[test]
    fn a_bad_line_is_quoted_short() {
        let mut text = b"abc:".to_vec();
        text.extend(std::iter::repeat_n(b'x', 200_000));
        let err = read(&text).unwrap_err().to_string();
        let quote = format!("'abc:{}…'", "x".repeat(76));
        assert!(
            err.starts_with(&format!("invalid pair {quote} (pairs.txt line 1)")),
            "{err}"
        );
        assert!(err.len() < 200, "{err}");
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
