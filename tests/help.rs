//! Help that teaches: `saywhen MODE --help` says what the mode does, how
//! to write a pair, shows one example and where to learn more, and lists
//! only the options that apply to that mode. The commands that run nothing
//! refuse run options instead of ignoring them.

mod common;

use common::{rejects, saywhen, stdout_of};

const MODES: [&str; 8] = [
    "serial",
    "tasks",
    "gather",
    "race",
    "joinset",
    "blocking",
    "spawn-blocking",
    "threads",
];

/// The options every running command takes, whatever the mode.
const EVERYWHERE: [&str; 15] = [
    "--format",
    "--quiet",
    "--export",
    "--file",
    "--color",
    "--ascii",
    "--width",
    "--no-timeline",
    "--no-progress",
    "--runs",
    "--warmup",
    "--check",
    "--tolerance",
    "--max-wall",
    "--help",
];

/// Whether `mode` takes `option`; the others are refused when it runs.
fn applies(mode: &str, option: &str) -> bool {
    let blocking = ["blocking", "spawn-blocking", "threads"].contains(&mode);
    match option {
        "--timeout" | "--limit" => !blocking,
        "--deadlines" => mode == "serial",
        "--runtime" | "--workers" => mode != "threads",
        _ => true,
    }
}

/// The long options a help text lists, in order.
fn listed_options(help: &str) -> Vec<&str> {
    help.lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let line = line.strip_prefix("-h, ").unwrap_or(line);
            let line = line.split_once(", ").map_or(line, |(_, long)| long);
            line.starts_with("--")
                .then(|| line.split([' ', '=']).next().unwrap_or(line))
        })
        .collect()
}

#[test]
fn each_mode_help_teaches_the_mode() {
    for mode in MODES {
        for flag in ["-h", "--help"] {
            let help = stdout_of(saywhen().args([mode, flag]));
            let first = help.lines().next().unwrap_or_default();
            assert!(first.contains("wall ="), "{mode} {flag}: {first}");
            for part in [
                format!("Usage: saywhen {mode} [OPTIONS] <PAIR>...\n"),
                "<PAIR>...  DELAY:MESSAGE".to_owned(),
                format!("Example:\n  saywhen {mode} "),
                format!("\nsee: saywhen explain {mode}\n"),
            ] {
                assert!(
                    help.contains(&part),
                    "{mode} {flag}: no {part:?} in\n{help}"
                );
            }
        }
    }
}

/// `blocking --help` listed --timeout, --limit and --deadlines, which
/// blocking refuses (--virtual-time it takes: the model plays the run).
#[test]
fn each_mode_help_lists_only_the_options_that_apply() {
    let all = [
        "--virtual-time",
        "--timeout",
        "--limit",
        "--runtime",
        "--workers",
        "--deadlines",
    ];
    for mode in MODES {
        let help = stdout_of(saywhen().args([mode, "--help"]));
        let listed = listed_options(&help);
        for option in EVERYWHERE {
            assert!(
                listed.contains(&option),
                "{mode}: {option} missing: {listed:?}"
            );
        }
        for option in all {
            assert_eq!(
                listed.contains(&option),
                applies(mode, option),
                "{mode} and {option}: {listed:?}"
            );
        }
    }
}

/// Hidden from the help is not hidden from the parser: an option that does
/// not apply still reaches the check that says why, before or after the
/// mode.
#[test]
fn an_option_that_does_not_apply_is_refused_with_its_reason() {
    rejects(
        &["blocking", "--timeout", "1s", "1:a"],
        "--timeout applies to the async modes",
    );
    rejects(
        &["--timeout", "1s", "blocking", "1:a"],
        "--timeout applies to the async modes",
    );
    rejects(
        &["threads", "--limit", "2", "1:a"],
        "--limit applies to the async modes",
    );
    rejects(
        &["tasks", "--deadlines", "absolute", "1:a"],
        "--deadlines applies to serial only",
    );
}

/// threads runs its pairs on OS threads of their own: choosing tokio's
/// runtime for it used to be accepted and changed nothing.
#[test]
fn threads_refuses_tokio_runtime_options() {
    rejects(
        &["threads", "--workers", "2", "1ms:a"],
        "--workers chooses the tokio runtime",
    );
    rejects(
        &["--runtime", "multi-thread", "threads", "1ms:a"],
        "--runtime chooses the tokio runtime",
    );
}

#[test]
fn compare_help_teaches_and_lists_every_option() {
    let help = stdout_of(saywhen().args(["compare", "--help"]));
    assert!(
        help.contains("Usage: saywhen compare [OPTIONS] <PAIR>...\n"),
        "{help}"
    );
    assert!(help.contains("Example:\n  saywhen compare "), "{help}");
    assert!(help.contains("\nsee: saywhen explain compare\n"), "{help}");
    let listed = listed_options(&help);
    for option in [
        "--modes",
        "--virtual-time",
        "--deadlines",
        "--timeout",
        "--runs",
    ] {
        assert!(listed.contains(&option), "{option}: {listed:?}");
    }
}

/// `saywhen explain gather --runs 5 --check` exited 0, as if the options
/// meant something there.
#[test]
fn commands_that_run_nothing_refuse_run_options() {
    let commands: [&[&str]; 3] = [&["explain", "gather"], &["man"], &["completions", "bash"]];
    let options: [&[&str]; 6] = [
        &["--runs", "5"],
        &["--check"],
        &["--virtual-time"],
        &["--format", "json"],
        &["--file", "pairs.txt"],
        &["--width", "80"],
    ];
    for command in commands {
        for option in options {
            let after: Vec<&str> = command.iter().chain(option).copied().collect();
            let before: Vec<&str> = option.iter().chain(command).copied().collect();
            for args in [after, before] {
                rejects(&args, &format!("{} is an option of a run", option[0]));
                rejects(&args, &format!("'saywhen {}' runs nothing", command[0]));
            }
        }
    }
}

#[test]
fn commands_that_run_nothing_list_no_run_options() {
    for command in ["explain", "man", "completions"] {
        let help = stdout_of(saywhen().args([command, "--help"]));
        assert_eq!(listed_options(&help), ["--help"], "{command}:\n{help}");
    }
}
