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

/// A negative number given to an option is refused by that option, by
/// name: it was taken for a pair with no ':' (`invalid pair '-1'`).
#[test]
fn a_negative_option_value_names_the_option() {
    for (args, says) in [
        (&["--runs", "-1"][..], "invalid value '-1' for '--runs <N>'"),
        (&["--warmup", "-1"], "invalid value '-1' for '--warmup <N>'"),
        (&["--limit", "-1"], "invalid value '-1' for '--limit <N>'"),
        (
            &["--workers", "-1"],
            "invalid value '-1' for '--workers <N>'",
        ),
        (&["--width", "-1"], "invalid value '-1' for '--width <N>'"),
        (
            &["--max-wall", "-1"],
            "invalid value '-1' for '--max-wall <DURATION>'",
        ),
        (
            &["--max-wall", "-1s"],
            "invalid value '-1s' for '--max-wall <DURATION>'",
        ),
        (
            &["--timeout", "-1s"],
            "invalid value '-1s' for '--timeout <DURATION>'",
        ),
        (
            &["--check", "--tolerance", "-10%"],
            "invalid value '-10%' for '--tolerance <TOLERANCE>'",
        ),
    ] {
        let before: Vec<&str> = [args, &["--virtual-time", "serial", "1:a"]].concat();
        rejects(&before, says);
        // After the mode too.
        let after: Vec<&str> = [&["--virtual-time", "serial", "1:a"][..], args].concat();
        rejects(&after, says);
    }
}

/// `-inf:x` looked like the short options `-i -n -f`; like `-1:x`, it is a
/// pair, refused as one, by its argument number.
#[test]
fn a_negative_pair_is_a_pair_whatever_its_number() {
    rejects(
        &["serial", "-inf:x"],
        "invalid pair '-inf:x' (argument 1): '-inf' is not a finite number",
    );
    rejects(
        &["serial", "1:a", "-NaN:x"],
        "invalid pair '-NaN:x' (argument 2): '-NaN' is not a finite number",
    );
    rejects(
        &["gather", "1:a", "2:b", "-0.5:x"],
        "invalid pair '-0.5:x' (argument 3): '-0.5' is negative",
    );
    // A scenario too: `run` quotes it with a caret, as any bad scenario.
    rejects(
        &["run", "-1:a"],
        "invalid scenario: '-1' is negative: a delay is 0 or more",
    );
    rejects(
        &["run", "gather(1:a)", "-inf:x"],
        "invalid scenario (argument 2): '-inf' is not a finite number",
    );
}

/// `1m` is a minute and `1M` would be a month: `M` is refused, alone or in
/// a compound, with a hint. Greek μ reads like the micro sign.
#[test]
fn capital_m_is_refused_and_greek_mu_is_micro() {
    let hint = "use 1m for a minute, 30d for a month";
    rejects(
        &["serial", "1M:x"],
        &format!("'1M' has M, which would be a month: {hint}"),
    );
    rejects(&["serial", "1M 2d:x"], hint);
    rejects(&["--timeout", "1M", "serial", "1:a"], hint);
    let out = common::stdout_of(&mut common::virtual_run(&[
        "serial",
        "250μs:a",
        "1s 5μs:b",
        "--format",
        "json",
    ]));
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["pairs"][0]["delay_s"], 0.00025);
    assert_eq!(doc["pairs"][1]["delay_s"], 1.000005);
}
