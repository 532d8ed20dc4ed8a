//! The scenario language: `gather(serial(1:a, 2:b), 3:c)`.
//!
//! ```text
//! node     = pair | wrapper "(" pair ")" | group "(" nodes ")"
//!          | "limit" "(" N "," nodes ")" | "timeout" "(" DURATION "," node ")"
//! pair     = DELAY ":" message          (DELAY exactly as the flat modes read it)
//! message  = 'quoted' | "quoted" | bare  (bare runs to the next , or ) and is trimmed)
//! wrapper  = fail | block | spawn_blocking
//! group    = serial | tasks | gather | joinset | race | group | threads
//! nodes    = node ("," node)* [","]
//! command  = "sh" "(" STRING ["," label] ")"     (run with sh -c)
//!          | "exec" "(" STRING ("," STRING)* ["," label] ")"   (no shell)
//! label    = "name" ":" message
//! ```
//!
//! A command (see [`crate::scenario::command`]) is a leaf like a pair,
//! anywhere a pair may stand.
//!
//! Whitespace and newlines may stand between any two tokens; in a file, `#`
//! starts a comment that runs to the end of the line. A backslash in a
//! quoted message escapes the quote character (or a backslash). Groups nest
//! at most [`MAX_DEPTH`] deep: the parser is recursive, and the bound is
//! what keeps `gather(` × 100,000 an error instead of a stack overflow.
//!
//! Every error points at its place: the line, and a caret under the column.

use std::ffi::OsString;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::num::NonZeroUsize;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use unicode_width::UnicodeWidthStr;

use crate::escape::escape;
use crate::scenario::command::Program;
use crate::scenario::pair::{Pair, parse_delay};
use crate::scenario::plan::Plan;
use crate::scenario::tree::{Action, Builder, GroupKind, MAX_DEPTH, Scenario};

/// Where a scenario's text came from, for error messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// The n-th SCENARIO on the command line, counting from 1.
    Argument(usize),
    /// A scenario file (`-` is standard input).
    File(String),
}

/// A scenario that does not parse, and where.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct SyntaxError {
    pub origin: Source,
    /// What went wrong, in words.
    pub message: String,
    /// The whole text, to quote the offending line.
    text: String,
    /// Byte offset of the caret.
    at: usize,
    /// Whether to name the source: not for a lone argument.
    name_source: bool,
}

impl SyntaxError {
    /// The 1-based line and the byte offset where that line starts.
    fn line(&self) -> (usize, usize) {
        let before = &self.text[..self.at];
        let number = before.matches('\n').count() + 1;
        let start = before.rfind('\n').map_or(0, |i| i + 1);
        (number, start)
    }
}

/// How much of a long line an error quotes on each side of the caret.
const CONTEXT: usize = 36;

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (number, start) = self.line();
        let end = self.text[start..]
            .find('\n')
            .map_or(self.text.len(), |i| start + i);
        f.write_str("invalid scenario")?;
        match (&self.origin, self.name_source) {
            (Source::File(name), _) => write!(f, " ({name} line {number})")?,
            (Source::Argument(n), true) => write!(f, " (argument {n})")?,
            _ => {}
        }
        write!(f, ": {}", self.message)?;
        // Quote the line around the caret, at most ~80 columns of it.
        let (mut from, mut to) = (start, end);
        let mut prefix = "";
        let mut suffix = "";
        if self.at - start > CONTEXT {
            from = floor_char(&self.text, self.at - CONTEXT);
            prefix = "…";
        }
        if to - self.at > CONTEXT {
            to = floor_char(&self.text, self.at + CONTEXT);
            suffix = "…";
        }
        let before = format!("{prefix}{}", escape(&self.text[from..self.at]));
        let after = format!("{}{suffix}", escape(&self.text[self.at..to]));
        let column = UnicodeWidthStr::width(before.as_str());
        write!(f, "\n  {before}{after}\n  {}^", " ".repeat(column))
    }
}

fn floor_char(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Parses one scenario from a command-line argument.
pub fn parse_argument(text: &str, number: usize, several: bool) -> Result<Scenario, SyntaxError> {
    let mut parser = Parser::new(text, Source::Argument(number), false);
    parser.name_source = several;
    let scenario = parser.scenario()?;
    parser.skip_space();
    if !parser.at_end() {
        return Err(parser.error("expected the end of the scenario (one scenario per argument)"));
    }
    Ok(scenario)
}

/// Parses every scenario of a file, one after another (at least one).
pub fn parse_file(text: &str, name: &str) -> Result<Vec<Scenario>, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parser = Parser::new(text, Source::File(name.to_owned()), true);
    let mut scenarios = Vec::new();
    loop {
        parser.skip_space();
        if parser.at_end() {
            break;
        }
        scenarios.push(parser.scenario()?);
    }
    if scenarios.is_empty() {
        return Err(parser.error("the file holds no scenario (try: gather(1:a, 2:b))"));
    }
    Ok(scenarios)
}

/// Names a user may type, for suggestions.
const NAMES: &[&str] = &[
    "serial",
    "tasks",
    "gather",
    "joinset",
    "race",
    "group",
    "limit",
    "timeout",
    "threads",
    "fail",
    "block",
    "spawn_blocking",
    "sh",
    "exec",
];

struct Parser<'a> {
    text: &'a str,
    at: usize,
    source: Source,
    comments: bool,
    name_source: bool,
    builder: Builder,
    pairs: Vec<Pair>,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str, source: Source, comments: bool) -> Parser<'a> {
        Parser {
            text,
            at: 0,
            source,
            comments,
            name_source: true,
            builder: Builder::default(),
            pairs: Vec::new(),
        }
    }

    /// One whole scenario: a node, and the pairs it holds.
    fn scenario(&mut self) -> Result<Scenario, SyntaxError> {
        self.builder = Builder::default();
        self.pairs = Vec::new();
        self.skip_space();
        if self.at_end() {
            return Err(self.error("the scenario is empty (try: gather(1:a, 2:b))"));
        }
        self.node()?;
        let builder = std::mem::take(&mut self.builder);
        let pairs = std::mem::take(&mut self.pairs);
        let plan = Plan::new(pairs).map_err(|e| self.error(&e.to_string()))?;
        Ok(builder.finish(Arc::new(plan)))
    }

    fn node(&mut self) -> Result<(), SyntaxError> {
        self.skip_space();
        let start = self.at;
        let name = self.word();
        if name.is_empty() {
            return self.pair(Action::Say);
        }
        let after_name = self.at;
        self.skip_space();
        if self.peek() != Some('(') {
            if NAMES.contains(&name) {
                return Err(self.error_at(after_name, &format!("expected '(' after '{name}'")));
            }
            // Not a name: a pair whose delay starts with a letter (`inf:x`)
            // gets the pair's own error.
            self.at = start;
            return self.pair(Action::Say);
        }
        let open = self.at;
        self.at += 1;
        match name {
            "fail" => self.wrapped(Action::Fail, name),
            "block" => self.wrapped(Action::Block, name),
            "spawn_blocking" => self.wrapped(Action::SpawnBlocking, name),
            "sh" | "exec" => self.command(name),
            "serial" => self.group(GroupKind::Serial, open),
            "tasks" => self.group(GroupKind::Tasks, open),
            "gather" => self.group(GroupKind::Gather, open),
            "joinset" => self.group(GroupKind::Joinset, open),
            "race" => self.group(GroupKind::Race, open),
            "group" => self.group(GroupKind::Group, open),
            "threads" => self.threads(open),
            "limit" => self.limit(open),
            "timeout" => self.timeout(open),
            _ => Err(self.error_at(start, &unknown_name(name))),
        }
    }

    /// `fail(PAIR)`, `block(PAIR)`, `spawn_blocking(PAIR)`.
    fn wrapped(&mut self, action: Action, name: &str) -> Result<(), SyntaxError> {
        self.skip_space();
        if self.peek() == Some(')') {
            return Err(self.error(&format!("{name}() needs a pair, as in {name}(1:boom)")));
        }
        let start = self.at;
        if !self.word().is_empty() && {
            self.skip_space();
            self.peek() == Some('(')
        } {
            return Err(self.error_at(start, &format!("{name}(...) holds one pair, not a group")));
        }
        self.at = start;
        self.pair(action)?;
        self.skip_space();
        self.expect(')', &format!("expected ')' to close {name}(...)"))
    }

    /// `sh('TEXT'[, name: LABEL])`, `exec('PROG', 'ARG'...[, name: LABEL])`.
    fn command(&mut self, name: &str) -> Result<(), SyntaxError> {
        let example = match name {
            "sh" => "sh('make test') or sh('make test', name: unit)",
            _ => "exec('cargo', 'build') or exec('cargo', 'test', name: unit)",
        };
        let mut argv = Vec::new();
        let mut label = None;
        loop {
            self.skip_space();
            let start = self.at;
            match self.peek() {
                Some(quote @ ('\'' | '"')) if label.is_none() => argv.push(self.quoted(quote)?),
                Some(')') if argv.is_empty() => {
                    return Err(self.error(&format!("{name}() needs a command, as in {example}")));
                }
                Some(_) if self.word() == "name" => {
                    self.skip_space();
                    if label.is_some() || argv.is_empty() || self.peek() != Some(':') {
                        self.at = start;
                        return Err(
                            self.error(&format!("expected a quoted string here, as in {example}"))
                        );
                    }
                    self.at += 1;
                    let text = self.message("name:")?;
                    if text.trim().is_empty() {
                        return Err(self.error_at(start, "name: needs a label, as in name: unit"));
                    }
                    label = Some(text);
                }
                _ => {
                    self.at = start;
                    return Err(
                        self.error(&format!("expected a quoted string here, as in {example}"))
                    );
                }
            }
            self.skip_space();
            match self.peek() {
                Some(',') => self.at += 1,
                Some(')') => {
                    self.at += 1;
                    break;
                }
                _ => {
                    return Err(self.error(&format!(
                        "expected ',' or ')' in {name}(...), as in {example}"
                    )));
                }
            }
        }
        let program = match name {
            "sh" => {
                let [text] = <[String; 1]>::try_from(argv).map_err(|_| {
                    self.error("sh(...) runs one command text: join it into one string, or use exec('prog', 'arg', ...)")
                })?;
                if text.trim().is_empty() {
                    return Err(self.error("sh('') has no command to run"));
                }
                Program::Shell(text)
            }
            _ => {
                if argv[0].is_empty() {
                    return Err(self.error("exec('') has no program to run"));
                }
                Program::Exec(argv)
            }
        };
        let command = crate::scenario::command::Command {
            pair: 0,
            program,
            name: label,
            measured: None,
        };
        self.pairs
            .push(Pair::new(std::time::Duration::ZERO, command.label()));
        self.builder.command(command.program, command.name);
        Ok(())
    }

    fn enter(&mut self, kind: GroupKind, open: usize) -> Result<(), SyntaxError> {
        if self.builder.depth() >= MAX_DEPTH {
            return Err(self.error_at(open, &format!("groups nest at most {MAX_DEPTH} deep")));
        }
        self.builder.open(kind);
        Ok(())
    }

    /// The children of a group, up to and including its `)`.
    fn group(&mut self, kind: GroupKind, open: usize) -> Result<(), SyntaxError> {
        self.enter(kind, open)?;
        self.children(kind.name(), open)
    }

    fn children(&mut self, name: &str, open: usize) -> Result<(), SyntaxError> {
        let mut count = 0;
        loop {
            self.skip_space();
            match self.peek_byte() {
                Some(b')') => {
                    self.at += 1;
                    break;
                }
                None => {
                    return Err(self.error_at(open, &format!("'{name}(' is never closed: add ')'")));
                }
                _ => {}
            }
            // A plain pair ends right at its `,` or `)`: no space to skip.
            if !self.plain_pair() {
                self.node()?;
                self.skip_space();
            }
            count += 1;
            match self.peek_byte() {
                Some(b',') => self.at += 1,
                Some(b')') => {}
                None => {
                    return Err(self.error_at(open, &format!("'{name}(' is never closed: add ')'")));
                }
                Some(_) => return Err(self.error(&self.after_node_message())),
            }
        }
        if count == 0 {
            return Err(self.error_at(
                open,
                &format!("{name}() is empty: give it at least one pair or group"),
            ));
        }
        self.builder.close();
        Ok(())
    }

    /// `threads(...)`: pairs only, each on its own OS thread.
    fn threads(&mut self, open: usize) -> Result<(), SyntaxError> {
        self.enter(GroupKind::Threads, open)?;
        let groups_before = self.builder.group_count();
        self.children("threads", open)?;
        if self.builder.group_count() != groups_before {
            return Err(self.error_at(
                open,
                "threads(...) holds pairs only: an OS thread runs no async code",
            ));
        }
        Ok(())
    }

    /// `limit(N, nodes)`.
    fn limit(&mut self, open: usize) -> Result<(), SyntaxError> {
        self.skip_space();
        let start = self.at;
        let token = self.until_comma();
        let n = token
            .trim()
            .parse::<usize>()
            .ok()
            .and_then(NonZeroUsize::new)
            .ok_or_else(|| {
                self.error_at(
                    start,
                    &format!(
                        "limit needs a whole number of at least 1 first, not '{}' (try limit(2, 1:a, 1:b, 1:c))",
                        escape(token.trim())
                    ),
                )
            })?;
        self.expect(
            ',',
            "expected ',' after limit's number (try limit(2, 1:a, 1:b, 1:c))",
        )?;
        self.enter(GroupKind::Limit(n), open)?;
        self.children("limit", open)
    }

    /// `timeout(DURATION, node)`.
    fn timeout(&mut self, open: usize) -> Result<(), SyntaxError> {
        self.skip_space();
        let start = self.at;
        let token = self.until_comma();
        if self.peek() != Some(',') {
            return Err(self.error_at(
                start,
                "timeout needs a duration and one node (try timeout(2.5s, gather(1:a, 3:b)))",
            ));
        }
        let deadline = parse_delay(token).map_err(|e| self.error_at(start, &e.to_string()))?;
        self.at += 1;
        self.enter(GroupKind::Timeout(deadline), open)?;
        self.skip_space();
        if matches!(self.peek(), Some(')') | None) {
            return Err(self.error(
                "timeout needs a node after its duration (try timeout(2.5s, gather(1:a, 3:b)))",
            ));
        }
        self.node()?;
        self.skip_space();
        if self.peek() == Some(',') {
            return Err(self.error("timeout holds one node: wrap several in a group, as in timeout(2s, gather(1:a, 3:b))"));
        }
        self.expect(')', "expected ')' to close timeout(...)")?;
        self.builder.close();
        Ok(())
    }

    /// The pair most children are, read in one pass: a delay of digits
    /// and points, `:`, and a message of plain ASCII (no space first, no
    /// quote, bracket, colon, `#` or control character) up to the `,` or
    /// `)` after it. Anything else, or a delay that does not parse, is
    /// left to [`Parser::node`] (which reads these the same way, only
    /// slower, and words every error): returns whether it read one.
    fn plain_pair(&mut self) -> bool {
        let bytes = &self.text.as_bytes()[self.at..];
        let colon = bytes
            .iter()
            .position(|&b| CLASS[b as usize] & DELAY == 0)
            .filter(|&i| i > 0 && bytes[i] == b':');
        let Some(colon) = colon else {
            return false;
        };
        let rest = &bytes[colon + 1..];
        let Some(end) = rest.iter().position(|&b| CLASS[b as usize] & MESSAGE == 0) else {
            return false;
        };
        if !matches!(rest[end], b',' | b')') || rest.first() == Some(&b' ') {
            return false;
        }
        let Ok(delay) = parse_delay(&self.text[self.at..self.at + colon]) else {
            return false;
        };
        let message = &self.text[self.at + colon + 1..self.at + colon + 1 + end];
        self.pairs
            .push(Pair::new(delay, message.trim_end_matches(' ')));
        self.builder.pair(Action::Say);
        self.at += colon + 1 + end;
        true
    }

    /// The next byte, for a look at the ASCII that ends a node (no
    /// character decoded: a million children are read).
    fn peek_byte(&self) -> Option<u8> {
        self.text.as_bytes().get(self.at).copied()
    }

    /// `DELAY:MESSAGE`.
    fn pair(&mut self, action: Action) -> Result<(), SyntaxError> {
        self.skip_space();
        let start = self.at;
        let rest = &self.text[start..];
        // Bytes, not chars: the delimiters are ASCII, which no byte of a
        // multi-byte character can be, and a million pairs are searched.
        let colon = rest
            .bytes()
            .position(|b| matches!(b, b':' | b',' | b'(' | b')' | b'\n'));
        let Some(colon) = colon.filter(|&i| rest[i..].starts_with(':')) else {
            let what = rest
                .split([',', '(', ')', '\n'])
                .next()
                .unwrap_or_default()
                .trim();
            return Err(self.error_at(
                start,
                &if what.is_empty() {
                    "expected a pair such as 1:hello, or a group such as gather(...)".to_owned()
                } else {
                    format!(
                        "'{}' is not a pair: a pair is DELAY:MESSAGE, such as 1:hello",
                        escape(&cut(what))
                    )
                },
            ));
        };
        let delay_text = &rest[..colon];
        let delay = parse_delay(delay_text).map_err(|e| self.error_at(start, &e.to_string()))?;
        self.at = start + colon + 1;
        let message = self.message(&rest[..colon + 1])?;
        self.pairs.push(Pair::new(delay, message));
        self.builder.pair(action);
        Ok(())
    }

    fn message(&mut self, head: &str) -> Result<String, SyntaxError> {
        while matches!(self.peek(), Some(' ' | '\t')) {
            self.at += 1;
        }
        if let Some(quote @ ('\'' | '"')) = self.peek() {
            return self.quoted(quote);
        }
        let start = self.at;
        let rest = &self.text[start..];
        let end = rest
            .bytes()
            .position(|b| {
                matches!(b, b',' | b')' | b'\n' | b'(' | b'\'' | b'"')
                    || (self.comments && b == b'#')
            })
            .unwrap_or(rest.len());
        let bare = &rest[..end];
        match rest[end..].chars().next() {
            Some('(') => {
                return Err(self.error_at(
                    start + end,
                    "a message holding '(' must be quoted, as in 1:'a (b)'",
                ));
            }
            Some('\'' | '"') => {
                return Err(self.error_at(
                    start + end,
                    "a message holding a quote must be quoted whole, as in 1:\"it's\"",
                ));
            }
            _ => {}
        }
        // A second pair inside the message is a missing comma: `1:a 2:b`.
        if let Some(offset) = pair_like_word(bare) {
            let message = bare[..offset].trim_end();
            return Err(self.error_at(
                start + offset,
                &format!(
                    "expected ',' or ')' after the pair '{}{}'",
                    escape(&cut(head)),
                    escape(&cut(message))
                ),
            ));
        }
        self.at = start + end;
        Ok(bare.trim_end().to_owned())
    }

    fn quoted(&mut self, quote: char) -> Result<String, SyntaxError> {
        let open = self.at;
        self.at += 1;
        let mut message = String::new();
        let mut chars = self.text[self.at..].char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.clone().next() {
                    Some((_, next)) if next == quote || next == '\\' => {
                        message.push(next);
                        chars.next();
                    }
                    _ => message.push('\\'),
                },
                c if c == quote => {
                    self.at += i + 1;
                    return Ok(message);
                }
                c => message.push(c),
            }
        }
        Err(self.error_at(
            open,
            &format!("this {quote} is never closed: add a closing {quote}"),
        ))
    }

    /// Leading letters, digits, `_`: a name, when one starts here.
    fn word(&mut self) -> &'a str {
        let rest = &self.text[self.at..];
        if !rest.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return "";
        }
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(rest.len());
        self.at += end;
        &rest[..end]
    }

    fn until_comma(&mut self) -> &'a str {
        let rest = &self.text[self.at..];
        let end = rest.find([',', ')', '(']).unwrap_or(rest.len());
        self.at += end;
        &rest[..end]
    }

    fn skip_space(&mut self) {
        // Most calls find the next token right there, or after a line's
        // end and its indent: ASCII spaces, byte by byte.
        let bytes = self.text.as_bytes();
        let mut at = self.at;
        while bytes
            .get(at)
            .is_some_and(|&b| CLASS[b as usize] & SPACE != 0)
        {
            at += 1;
        }
        if let Some(&b) = bytes.get(at)
            && b.is_ascii()
            && b != b'#'
        {
            self.at = at;
            return;
        }
        loop {
            let rest = &self.text[self.at..];
            // ASCII spaces byte by byte; `trim_start` (Unicode spaces) only
            // when a non-ASCII character follows them.
            let bytes = rest.as_bytes();
            let mut ascii = 0;
            while ascii < bytes.len() && CLASS[bytes[ascii] as usize] & SPACE != 0 {
                ascii += 1;
            }
            let trimmed = match rest.as_bytes().get(ascii) {
                Some(b) if !b.is_ascii() => rest[ascii..].trim_start(),
                _ => &rest[ascii..],
            };
            self.at += rest.len() - trimmed.len();
            if self.comments && trimmed.starts_with('#') {
                self.at += trimmed.find('\n').unwrap_or(trimmed.len());
                continue;
            }
            return;
        }
    }

    fn peek(&self) -> Option<char> {
        self.text[self.at..].chars().next()
    }

    fn at_end(&self) -> bool {
        self.at >= self.text.len()
    }

    fn expect(&mut self, c: char, message: &str) -> Result<(), SyntaxError> {
        self.skip_space();
        if self.peek() == Some(c) {
            self.at += 1;
            Ok(())
        } else {
            Err(self.error(message))
        }
    }

    fn after_node_message(&self) -> String {
        "expected ',' or ')' after this node".to_owned()
    }

    fn error(&self, message: &str) -> SyntaxError {
        self.error_at(self.at, message)
    }

    fn error_at(&self, at: usize, message: &str) -> SyntaxError {
        SyntaxError {
            origin: self.source.clone(),
            message: message.to_owned(),
            text: self.text.to_owned(),
            at: at.min(self.text.len()),
            name_source: self.name_source,
        }
    }
}

/// Where a bare message holds a word that starts a pair (`2:b`) or a group
/// (`gather(`): a missing comma, not a message.
fn pair_like_word(message: &str) -> Option<usize> {
    // Most messages hold no ':' at all, and so no pair.
    if !message.as_bytes().contains(&b':') {
        return None;
    }
    let mut offset = 0;
    for word in message.split_inclusive(char::is_whitespace) {
        let at = offset;
        offset += word.len();
        if at == 0 {
            continue;
        }
        let word = word.trim_end();
        if let Some((delay, _)) = word.split_once(':')
            && delay.starts_with(|c: char| c.is_ascii_digit() || c == '.')
            && parse_delay(delay).is_ok()
        {
            return Some(at);
        }
    }
    None
}

/// At most ~40 characters of user text, for an error message.
fn cut(text: &str) -> String {
    match text.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

fn unknown_name(name: &str) -> String {
    let lower = name.to_ascii_lowercase();
    if NAMES.contains(&lower.as_str()) {
        return format!(
            "unknown name '{}': names are lowercase (try {lower})",
            escape(&cut(name))
        );
    }
    let close = NAMES
        .iter()
        .find(|candidate| strsim::levenshtein(&lower, candidate) <= 2);
    match close {
        Some(suggestion) => format!(
            "unknown name '{}' (did you mean {suggestion}?)",
            escape(&cut(name))
        ),
        None => format!(
            "unknown name '{}' (try serial, tasks, gather, joinset, race, group, limit, timeout, threads, fail, block, spawn_blocking, sh or exec)",
            escape(&cut(name))
        ),
    }
}

/// Why no scenario could be read.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error(transparent)]
    Syntax(#[from] SyntaxError),
    #[error("argument {0} is not valid UTF-8: a scenario is text such as 'gather(1:a, 2:b)'")]
    NotUtf8(usize),
    #[error("cannot read scenarios from {file}: {source}")]
    Read { file: String, source: io::Error },
    #[error(
        "no scenario to run: give one such as 'gather(serial(1:a, 2:b), 3:c)', or --file PATH (try: saywhen run 'gather(1:a, 2:b)')"
    )]
    Nothing,
}

/// What each byte can be in the text a million children are read from,
/// looked up rather than compared: [`DELAY`], [`MESSAGE`], [`SPACE`].
const CLASS: [u8; 256] = {
    let mut class = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_digit() || c == b'.' {
            class[b] |= DELAY;
        }
        // Plain ASCII a bare message may hold: no control character, and
        // none of what ends or quotes it.
        if matches!(c, b' '..=b'~') && !matches!(c, b',' | b')' | b'(' | b'\'' | b'"' | b'#' | b':')
        {
            class[b] |= MESSAGE;
        }
        // `char::is_whitespace` of the ASCII characters.
        if matches!(c, b' ' | b'\t'..=b'\r') {
            class[b] |= SPACE;
        }
        b += 1;
    }
    class
};
/// A digit or a point: what a plain delay is written with.
const DELAY: u8 = 1;
/// What a plain message holds.
const MESSAGE: u8 = 2;
/// ASCII white space.
const SPACE: u8 = 4;

/// The scenarios of the command line, then those of each file (`-` is
/// stdin), in order.
pub fn read_scenarios(
    args: &[OsString],
    files: &[PathBuf],
) -> Result<Vec<Scenario>, ScenarioError> {
    let several = args.len() > 1;
    let mut scenarios = Vec::with_capacity(args.len());
    for (i, arg) in args.iter().enumerate() {
        let text = arg.to_str().ok_or(ScenarioError::NotUtf8(i + 1))?;
        scenarios.push(parse_argument(text, i + 1, several)?);
    }
    for path in files {
        let (name, text) = read_text(path)?;
        scenarios.extend(parse_file(&text, &name)?);
    }
    match scenarios.is_empty() {
        true => Err(ScenarioError::Nothing),
        false => Ok(scenarios),
    }
}

/// The whole text of `reader`, read a buffer at a time and counted line by
/// line, so that reading stops at the first line longer than a pairs
/// file's ([`MAX_LINE`]): `--file /dev/zero` is an error after one MiB,
/// not all the memory there is.
///
/// [`MAX_LINE`]: crate::scenario::pair_file::MAX_LINE
fn read_lines(mut reader: impl BufRead) -> io::Result<Vec<u8>> {
    use crate::scenario::pair_file::MAX_LINE;
    let too_long = |number: usize| {
        let message = format!("line {number} is longer than 1 MiB, the longest line it may hold");
        io::Error::new(io::ErrorKind::InvalidData, message)
    };
    let mut bytes = Vec::new();
    // The line being read: its number, its bytes so far, whether the last
    // was `\r` (a line's length leaves out its ending, `\r\n` or `\n`).
    let (mut number, mut length, mut cr) = (1, 0, false);
    loop {
        let chunk = reader.fill_buf()?;
        if chunk.is_empty() {
            break;
        }
        // Line ends found by memchr, many bytes at a time (a million-pair
        // scenario is a million short lines).
        let mut from = 0;
        for at in memchr::memchr_iter(b'\n', chunk) {
            if at > from {
                length += at - from;
                cr = chunk[at - 1] == b'\r';
            }
            if length - usize::from(cr) > MAX_LINE {
                return Err(too_long(number));
            }
            (number, length, cr) = (number + 1, 0, false);
            from = at + 1;
        }
        if from < chunk.len() {
            length += chunk.len() - from;
            cr = chunk[chunk.len() - 1] == b'\r';
        }
        // Stop reading at the first line too long, whatever follows.
        if length > MAX_LINE + 1 {
            return Err(too_long(number));
        }
        let read = chunk.len();
        bytes.extend_from_slice(chunk);
        reader.consume(read);
    }
    if length - usize::from(cr) > MAX_LINE {
        return Err(too_long(number));
    }
    Ok(bytes)
}

fn read_text(path: &Path) -> Result<(String, String), ScenarioError> {
    let name = match path == Path::new(crate::scenario::pair_file::STDIN) {
        true => "stdin".to_owned(),
        false => escape(&path.to_string_lossy()).into_owned(),
    };
    let read = |source| ScenarioError::Read {
        file: name.clone(),
        source,
    };
    let bytes = match name == "stdin" {
        true => read_lines(io::stdin().lock()),
        false => File::open(path).and_then(|file| read_lines(BufReader::new(file))),
    }
    .map_err(read)?;
    let text = String::from_utf8(bytes).map_err(|_| {
        read(io::Error::new(
            io::ErrorKind::InvalidData,
            "it is not valid UTF-8",
        ))
    })?;
    Ok((name, text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The pairs `text` holds, or that it does not parse.
    fn pairs(text: &str) -> Option<Vec<Pair>> {
        parse_argument(text, 1, false)
            .ok()
            .map(|scenario| scenario.plan().pairs().to_vec())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// A group's children take the one-pass reading of a plain pair;
        /// a timeout's one child is read by the general parser. Whatever
        /// the text, both read the same pair, or both refuse it.
        #[test]
        fn the_plain_pair_reads_as_the_parser_does(
            text in "[0-9.]{0,4}(ms|s)?:[ a-z0-9:('\"#\\\\.\u{e9}\t-]{0,8}"
        ) {
            let grouped = pairs(&format!("gather({text})"));
            let alone = pairs(&format!("timeout(1s, {text})"));
            prop_assert_eq!(grouped, alone);
        }
    }

    /// A line may be 1 MiB long, its ending aside; the first longer one
    /// is an error naming it, whether or not a line ending follows.
    #[test]
    fn a_scenario_file_is_read_up_to_its_first_long_line() {
        use crate::scenario::pair_file::MAX_LINE;
        let line = |n: usize, end: &str| format!("{}{end}", "x".repeat(n));
        let read = |text: String| read_lines(io::Cursor::new(text.into_bytes()));
        let fits = format!(
            "{}{}{}",
            line(3, "\n"),
            line(MAX_LINE, "\r\n"),
            line(MAX_LINE, "")
        );
        assert_eq!(read(fits.clone()).unwrap(), fits.into_bytes());
        for (text, number) in [
            (
                format!("{}{}", line(1, "\n"), line(MAX_LINE + 1, "\r\n")),
                2,
            ),
            (format!("{}{}", line(1, "\n"), line(MAX_LINE + 1, "")), 2),
            (line(MAX_LINE + 1, "\n"), 1),
            (line(5 * MAX_LINE, ""), 1),
        ] {
            let error = read(text.clone()).unwrap_err().to_string();
            assert!(error.starts_with(&format!("line {number} is")), "{error}");
            // The same, whatever the reader's chunks (a `\r\n` or a line
            // split between two).
            for capacity in [3, 7, 4096] {
                let cursor = io::Cursor::new(text.clone().into_bytes());
                let error = read_lines(io::BufReader::with_capacity(capacity, cursor))
                    .unwrap_err()
                    .to_string();
                assert!(error.starts_with(&format!("line {number} is")), "{error}");
            }
        }
        let short = "1:a\r\n\r\n2:bb\n\n\r3:c\r".to_owned();
        for capacity in 1..8 {
            let cursor = io::Cursor::new(short.clone().into_bytes());
            let read = read_lines(io::BufReader::with_capacity(capacity, cursor)).unwrap();
            assert_eq!(read, short.as_bytes());
        }
        // A longest line ending `\r\n`: with chunks of 5 bytes, the `\r`
        // ends one and the `\n` begins the next.
        let fits = format!("{}{}", line(2, "\n"), line(MAX_LINE, "\r\n"));
        for capacity in [3, 5, 7] {
            let cursor = io::Cursor::new(fits.clone().into_bytes());
            let read = read_lines(io::BufReader::with_capacity(capacity, cursor)).unwrap();
            assert_eq!(read, fits.as_bytes());
        }
    }

    /// The table of byte classes says what the comparisons it replaced
    /// said, byte for byte.
    #[test]
    fn byte_classes_are_the_comparisons() {
        for b in 0..=255u8 {
            let class = CLASS[b as usize];
            assert_eq!(class & DELAY != 0, matches!(b, b'0'..=b'9' | b'.'), "{b}");
            let message = matches!(b, b' '..=b'~')
                && !matches!(b, b',' | b')' | b'(' | b'\'' | b'"' | b'#' | b':');
            assert_eq!(class & MESSAGE != 0, message, "{b}");
            let space = (b as char).is_whitespace() && b.is_ascii();
            assert_eq!(class & SPACE != 0, space, "{b}");
        }
    }

    #[test]
    fn plain_pairs_and_their_neighbours() {
        for text in [
            "1:a",
            "0.5:a b ",
            "1:",
            "12.25:x-y",
            "1ms:a",
            "1:a:b",
            "1: a",
            "1:é",
        ] {
            assert_eq!(
                pairs(&format!("gather({text}, 2:z)")).map(|p| p[0].clone()),
                pairs(&format!("timeout(1s, {text})")).map(|p| p[0].clone()),
                "{text}"
            );
        }
    }
}
