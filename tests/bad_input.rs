//! Bad input never panics: one clear `error:` line naming the offending
//! argument and what is accepted, exit code 2, nothing on stdout.

mod common;

use predicates::prelude::*;

use common::rejects;

#[test]
fn every_rejection_names_the_problem() {
    let try_ = "(try 1.5, 250ms, 2s, 1m30s)";
    rejects(
        &["serial", "1:a", "abc:hi"],
        &format!("error: invalid pair 'abc:hi' (argument 2): 'abc' is not a duration {try_}"),
    );
    rejects(
        &["serial", "hello"],
        "invalid pair 'hello' (argument 1): no ':' between delay and message",
    );
    rejects(
        &["tasks", ":hi"],
        "invalid pair ':hi' (argument 1): the delay before ':' is empty",
    );
    rejects(
        &["gather", "-1:hi"],
        "invalid pair '-1:hi' (argument 1): '-1' is negative: a delay is 0 or more",
    );
    rejects(
        &["gather", "1:a", "-0.5s:hi", "--virtual-time"],
        "'-0.5s' is negative",
    );
    rejects(&["serial", "nan:x"], "'nan' is not a finite number");
    rejects(&["serial", "inf:x"], "'inf' is not a finite number");
    rejects(
        &["serial", "366d:x"],
        "'366d' is longer than the maximum delay of 365 days",
    );
    rejects(
        &["serial", "18446744073709551615s:x"],
        "longer than the maximum delay",
    );
    rejects(
        &["serial"],
        "no pairs to run: give DELAY:MESSAGE pairs or --file PATH",
    );
    rejects(&["bogus", "1:a"], "unrecognized subcommand 'bogus'");
    rejects(
        &["serial", "1:a", "--bogus"],
        "unexpected argument '--bogus'",
    );
    rejects(
        &["serial", "1:a", "--format", "yaml"],
        "invalid value 'yaml'",
    );
}

#[cfg(unix)]
#[test]
fn invalid_utf8_is_an_error_not_a_panic() {
    use std::os::unix::ffi::OsStrExt;
    let bad = std::ffi::OsStr::from_bytes(b"1:\xff");
    common::saywhen()
        .arg("serial")
        .arg(bad)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("argument 1 is not valid UTF-8"));
}

#[test]
fn no_arguments_shows_help() {
    common::saywhen()
        .assert()
        .code(2)
        .stderr(predicate::str::contains("Usage: saywhen"));
}

#[test]
fn help_explains_each_mode_and_shows_examples() {
    common::saywhen()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"\n  serial +Await each pair in turn").unwrap())
        .stdout(predicate::str::is_match(r"\n  tasks +tokio::spawn every pair").unwrap())
        .stdout(predicate::str::is_match(r"\n  gather +Join all pairs' futures").unwrap())
        .stdout(
            predicate::str::is_match(r"\n  race +All at once, the first to finish wins").unwrap(),
        )
        .stdout(predicate::str::is_match(r"\n  explain +What a mode does").unwrap())
        .stdout(predicate::str::contains("saywhen serial 1:hello 2:world"));
    common::saywhen()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("saywhen "));
}
