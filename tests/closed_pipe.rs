//! A closed pipe is quiet everywhere: every subcommand, in every format,
//! piped into a reader that takes one byte and goes away (`| head -c 1`),
//! exits 0 and prints nothing on stderr, neither an error nor a panic.
//!
//! The pipe is made small (4 KiB), so anything longer than that meets the
//! closed end for certain rather than by luck; each command is still run
//! many times, because when the reader goes is a race: 20 times each, 5
//! for the runs (a mode in a format), which are many and slower. The lists of
//! subcommands, formats, shells and topics are read from saywhen itself, so
//! a new one is covered without touching this file.

use std::io::Read;
use std::process::{Command, Stdio};

const RUNS: usize = 20;
const RUNS_OF_A_RUN: usize = 5;

fn saywhen() -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("saywhen"));
    cmd.env("RUST_BACKTRACE", "1").env_remove("CI");
    cmd
}

fn stdout_of(args: &[&str]) -> String {
    let output = saywhen().args(args).output().expect("saywhen runs");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr_of(args: &[&str]) -> String {
    let output = saywhen().args(args).output().expect("saywhen runs");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The values clap accepts for `args` + a bad value, from its error:
/// `[possible values: bash, elvish, ...]`.
fn possible_values(args: &[&str]) -> Vec<String> {
    let error = stderr_of(args);
    let (_, list) = error
        .split_once("[possible values: ")
        .unwrap_or_else(|| panic!("no possible values in {error}"));
    let (list, _) = list.split_once(']').expect("a closing bracket");
    list.split(", ").map(String::from).collect()
}

/// The subcommands `saywhen --help` lists under "Modes and commands".
fn commands() -> Vec<String> {
    let help = stdout_of(&["--help"]);
    let (_, list) = help
        .split_once("Modes and commands:\n")
        .expect("a list of commands");
    list.lines()
        .take_while(|line| !line.is_empty())
        .filter(|line| !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next())
        .map(String::from)
        .collect()
}

/// The topics `saywhen explain` lists.
fn topics() -> Vec<String> {
    stdout_of(&["explain"])
        .lines()
        .skip(1)
        .filter_map(|line| line.split_whitespace().next())
        .map(String::from)
        .collect()
}

/// Runs `args` `runs` times with stdout into a 4 KiB pipe whose reader
/// takes one byte and closes it; asserts each run exits 0, quietly.
fn quiet_when_closed(args: &[String], runs: usize) {
    for _ in 0..runs {
        let (mut reader, writer) = std::io::pipe().expect("a pipe");
        #[cfg(target_os = "linux")]
        {
            use std::os::fd::AsRawFd;
            // SAFETY: F_SETPIPE_SZ on a pipe we own; it only sets its size
            // and fails harmlessly (the pipe keeps its size) otherwise.
            unsafe { libc::fcntl(writer.as_raw_fd(), libc::F_SETPIPE_SZ, 4096) };
        }
        let mut child = saywhen()
            .args(args)
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .spawn()
            .expect("saywhen runs");
        let _ = reader.read(&mut [0u8; 1]);
        drop(reader);
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .expect("piped stderr")
            .read_to_string(&mut stderr)
            .expect("stderr is UTF-8");
        let status = child.wait().expect("saywhen ends");
        assert!(
            status.success() && !stderr.contains("panicked") && !stderr.contains("error"),
            "{args:?} into a closed pipe: {status}\n{stderr}"
        );
    }
}

/// Enough pairs that every format is longer than the pipe holds; for
/// `run`, one scenario that gathers them.
fn pairs(command: &str, real_clock: bool) -> Vec<String> {
    let pairs = (0..150).map(|i| match real_clock {
        true => format!("0:message number {i}"),
        false => format!("{}ms:message number {i}", i % 7),
    });
    match command {
        "run" => vec![format!("gather({})", pairs.collect::<Vec<_>>().join(", "))],
        _ => pairs.collect(),
    }
}

/// Modes that sleep for real: no `--virtual-time`.
const REAL_CLOCK: [&str; 3] = ["blocking", "spawn-blocking", "threads"];

fn run_commands() -> Vec<String> {
    commands()
        .into_iter()
        // `play` is full-screen: it refuses a pipe (tests/play.rs).
        .filter(|c| !["explain", "completions", "man", "help", "play"].contains(&c.as_str()))
        .collect()
}

#[test]
fn every_mode_and_format() {
    let formats = possible_values(&["--format", "nope", "serial", "1:a"]);
    assert!(formats.len() >= 5, "{formats:?}");
    let commands = run_commands();
    assert!(commands.len() >= 9, "{commands:?}");
    std::thread::scope(|scope| {
        for command in &commands {
            let formats = &formats;
            scope.spawn(move || {
                let real = REAL_CLOCK.contains(&command.as_str());
                for format in formats {
                    let mut args: Vec<String> = vec![];
                    if !real {
                        args.push("--virtual-time".into());
                    }
                    args.extend([command.clone(), "--format".into(), format.clone()]);
                    args.extend(pairs(command, real));
                    quiet_when_closed(&args, RUNS_OF_A_RUN);
                }
            });
        }
    });
}

#[test]
fn repeated_runs() {
    for command in ["tasks", "compare"] {
        let mut args: Vec<String> = ["--virtual-time", command, "--runs", "3", "--warmup", "1"]
            .map(String::from)
            .into();
        args.extend(pairs(command, false));
        quiet_when_closed(&args, RUNS_OF_A_RUN);
    }
}

#[test]
fn completions_for_every_shell() {
    let shells = possible_values(&["completions", "nope"]);
    assert!(shells.len() >= 5, "{shells:?}");
    for shell in shells {
        quiet_when_closed(&["completions".into(), shell], RUNS);
    }
}

#[test]
fn the_man_page_explain_and_help() {
    let mut cases: Vec<Vec<String>> = vec![
        vec!["man".into()],
        vec!["explain".into()],
        vec!["--help".into()],
        vec!["-h".into()],
        vec!["--version".into()],
        vec!["help".into()],
    ];
    cases.extend(topics().into_iter().map(|t| vec!["explain".into(), t]));
    for command in commands().into_iter().filter(|c| c != "help") {
        cases.push(vec![command.clone(), "--help".into()]);
        cases.push(vec!["help".into(), command]);
    }
    assert!(cases.len() > 30, "{cases:?}");
    std::thread::scope(|scope| {
        for chunk in cases.chunks(cases.len().div_ceil(4)) {
            scope.spawn(move || chunk.iter().for_each(|args| quiet_when_closed(args, RUNS)));
        }
    });
}
