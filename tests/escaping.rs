//! Nothing a user typed reaches the terminal raw, even in clap's own
//! errors: a value given to any option, an unknown subcommand or argument,
//! a topic, a shell. The payload sets the terminal's title (OSC 2), clears
//! the screen and reverses the text (U+202E); every error must show it
//! escaped, in a pipe and on a terminal, where clap still colours the rest.

mod common;

use std::process::{Command, Stdio};

use common::saywhen;

/// Sets the title, clears the screen, reverses what follows.
const PAYLOAD: &str = "\x1b]2;PWNED\x07\x1b[2J\u{202e}";
/// How every message shows it.
const ESCAPED: &str = "\\e]2;PWNED\\a\\e[2J\\u{202e}";

/// Every place clap quotes what was typed, the payload in it: the
/// arguments (`{}` is the payload), and what the message says about it.
fn cases() -> Vec<(Vec<String>, &'static str)> {
    let cases: [(&[&str], &str); 24] = [
        (
            &["--format", "{}", "serial", "1:a"],
            "for '--format <FORMAT>'",
        ),
        (&["--width", "{}", "serial", "1:a"], "for '--width <N>'"),
        (&["--limit", "{}", "serial", "1:a"], "for '--limit <N>'"),
        (&["--workers", "{}", "serial", "1:a"], "for '--workers <N>'"),
        (&["--runs", "{}", "serial", "1:a"], "for '--runs <N>'"),
        (&["--warmup", "{}", "serial", "1:a"], "for '--warmup <N>'"),
        (
            &["--timeout", "{}", "serial", "1:a"],
            "for '--timeout <DURATION>'",
        ),
        (
            &["--check", "--tolerance", "{}", "serial", "1:a"],
            "for '--tolerance <TOLERANCE>'",
        ),
        (
            &["--max-wall", "{}", "serial", "1:a"],
            "for '--max-wall <DURATION>'",
        ),
        (
            &["--runtime", "{}", "serial", "1:a"],
            "for '--runtime <RUNTIME>'",
        ),
        (
            &["--deadlines", "{}", "serial", "1:a"],
            "for '--deadlines <DEADLINES>'",
        ),
        (&["--color", "{}", "serial", "1:a"], "for '--color <WHEN>'"),
        (
            &["--export", "{}", "serial", "1:a"],
            "for '--export <FILE>'",
        ),
        (
            &[
                "--export",
                "{}.json",
                "--export",
                "./{}.json",
                "serial",
                "1:a",
            ],
            "twice",
        ),
        (
            &["compare", "--modes", "{}", "1:a"],
            "for '--modes <MODES>'",
        ),
        (&["explain", "{}"], "for '[TOPIC]'"),
        (&["completions", "{}"], "for '<SHELL>'"),
        (&["{}", "1:a"], "unrecognized subcommand"),
        (&["serial", "1:a", "--{}"], "unexpected argument"),
        (&["serial", "1:a", "-{}"], "unexpected argument"),
        (&["serial", "{}:a"], "invalid pair"),
        (&["serial", "--file", "/no/such/{}"], "cannot read pairs"),
        (&["run", "{}"], "invalid scenario"),
        (&["run", "--file", "/no/such/{}"], "cannot read scenarios"),
    ];
    cases
        .into_iter()
        .map(|(args, says)| {
            let args = args.iter().map(|a| a.replace("{}", PAYLOAD)).collect();
            (args, says)
        })
        .collect()
}

/// Whether `text` holds a character that would act on a terminal, apart
/// from line breaks and (when `styled`) clap's colour codes, `ESC [ n m`.
fn raw(text: &str, styled: bool) -> Option<char> {
    let unstyled = match styled {
        true => strip_colours(text),
        false => text.to_owned(),
    };
    unstyled.chars().find(|&c| {
        (c.is_control() && c != '\n' && c != '\r') || ('\u{202a}'..='\u{202e}').contains(&c)
    })
}

fn strip_colours(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("\x1b[") {
        out.push_str(&rest[..at]);
        let code = &rest[at + 2..];
        match code.find(|c: char| !(c.is_ascii_digit() || c == ';')) {
            Some(end) if code[end..].starts_with('m') => rest = &code[end + 1..],
            // Not a colour: keep the ESC, which `raw` then reports.
            _ => {
                out.push('\x1b');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[test]
fn every_error_escapes_what_was_typed_in_a_pipe() {
    for (args, says) in cases() {
        let output = saywhen()
            .env("RUST_BACKTRACE", "1")
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(raw(&stderr, false), None, "{args:?}: {stderr:?}");
        assert!(stderr.starts_with("error: "), "{args:?}: {stderr}");
        assert!(stderr.contains(says), "{args:?}: {stderr}");
        // Shown escaped, not dropped: the `-x` case shows only the first
        // character clap stopped at.
        let shown = match args.iter().any(|a| a.starts_with("-\x1b")) {
            true => "'-\\e'",
            false => ESCAPED,
        };
        assert!(stderr.contains(shown), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

/// A value clap quotes is cut after 80 characters, like saywhen's own.
#[test]
fn clap_quotes_at_most_80_characters() {
    let long = "j".repeat(100_000);
    let output = saywhen()
        .args(["--format", &long, "serial", "1:a"])
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stderr.len() < 1_000, "{} bytes", stderr.len());
    assert!(
        stderr.contains(&format!("'{}…'", "j".repeat(80))),
        "{stderr}"
    );
}

/// Runs saywhen with `args` on a pseudo-terminal (util-linux `script`);
/// returns what the terminal received. The arguments go through the
/// environment, so no shell quoting can change them.
fn on_a_terminal(args: &[String]) -> String {
    let binary = assert_cmd::cargo::cargo_bin("saywhen");
    let mut inner = format!("exec '{}'", binary.display());
    let mut command = Command::new("script");
    for (i, arg) in args.iter().enumerate() {
        inner.push_str(&format!(" \"$ARG{i}\""));
        command.env(format!("ARG{i}"), arg);
    }
    command
        .args(["-qefc", &inner, "/dev/null"])
        .env("TERM", "xterm-256color")
        .env("SHELL", "/bin/sh")
        .env_remove("NO_COLOR")
        .env_remove("CI")
        .stdin(Stdio::null());
    let output = command.output().expect("script runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
#[ignore = "needs util-linux script (a pseudo-terminal): run by .ci/run"]
fn every_error_escapes_what_was_typed_on_a_terminal() {
    for (args, says) in cases() {
        let screen = on_a_terminal(&args);
        assert_eq!(raw(&screen, true), None, "{args:?}: {screen:?}");
        assert!(
            strip_colours(&screen).contains(says),
            "{args:?}: {screen:?}"
        );
        // clap still styles its message on a terminal (saywhen's own
        // errors, such as an invalid pair, are plain).
        if !says.starts_with("invalid") && !says.starts_with("cannot") {
            assert!(
                screen.contains("\x1b[1m"),
                "{args:?}: no style in {screen:?}"
            );
        }
    }
}
