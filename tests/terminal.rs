//! saywhen under a real pseudo-terminal (util-linux `script` gives it one)
//! against the same run into pipes: colour and live progress must appear
//! on the terminal and never in a pipe, in CI, or with `--no-progress`.
//! These run on the real clock, because progress only shows once a run has
//! lasted a second; they take about two seconds each and assert nothing
//! about timing. They need `script` (and one needs tmux), which a plain
//! `cargo test` may not have: they are `#[ignore]`d, so cargo's summary
//! counts them, and `.ci/run` runs them where the tools are.

mod common;

use std::process::{Command, Stdio};

/// A run long enough for progress to show (it waits a second first).
const ARGS: &str = "tasks 1.5:hello 2:world";

/// Runs saywhen with `args` on a 100x40 pseudo-terminal; returns what the
/// terminal received (stdout and stderr, interleaved as on a screen).
fn on_a_terminal(args: &str, env: &[(&str, &str)]) -> String {
    assert!(
        Command::new("script").arg("--version").output().is_ok(),
        "util-linux `script` is not installed to make a pseudo-terminal"
    );
    let binary = assert_cmd::cargo::cargo_bin("saywhen");
    let inner = format!("stty cols 100 rows 40; exec '{}' {args}", binary.display());
    let mut command = Command::new("script");
    command
        .args(["-qefc", &inner, "/dev/null"])
        .env("TERM", "xterm-256color")
        .env_remove("CI")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("script runs");
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
#[ignore = "needs util-linux script (a pseudo-terminal): run by .ci/run"]
fn a_terminal_gets_colour_and_progress() {
    let screen = on_a_terminal(ARGS, &[]);
    assert!(screen.contains("\x1b[36mhello"), "no colour in {screen:?}");
    assert!(
        screen.contains("/ 2s expected"),
        "no progress bar in {screen:?}"
    );
    assert!(screen.contains("left"), "no pending pairs in {screen:?}");
    // Each live line is written whole, never spliced into a bar's line.
    assert!(screen.contains("  \x1b[35mworld\x1b[0m\r\n"), "{screen:?}");
}

#[test]
#[ignore = "needs util-linux script (a pseudo-terminal): run by .ci/run"]
fn compare_shows_progress_for_each_mode_in_turn() {
    let screen = on_a_terminal("compare --modes tasks,gather 1.5:a", &[]);
    let gather = screen.find("gather:").expect("the gather heading");
    assert!(screen[..gather].contains("/ 1.5s expected"), "{screen:?}");
    assert!(screen[gather..].contains("/ 1.5s expected"), "{screen:?}");
}

#[test]
#[ignore = "needs util-linux script (a pseudo-terminal): run by .ci/run"]
fn ci_and_no_progress_keep_the_terminal_free_of_bars() {
    for (args, env) in [
        (format!("--no-progress {ARGS}"), vec![]),
        (ARGS.to_owned(), vec![("CI", "true")]),
        // stdout into a pipe, stderr still on the terminal: whatever reads
        // the pipe writes to the screen on its own schedule.
        (format!("--color=always {ARGS} | cat"), vec![]),
    ] {
        let screen = on_a_terminal(&args, &env);
        assert!(!screen.contains("/ 2s expected"), "{screen:?}");
        assert!(!screen.contains(" left"), "progress in {screen:?}");
        assert!(
            screen.contains("\x1b[36mhello"),
            "still coloured: {screen:?}"
        );
    }
}

#[test]
#[ignore = "needs util-linux script (a pseudo-terminal): run by .ci/run"]
fn a_machine_format_on_a_terminal_gets_neither() {
    let screen = on_a_terminal(&format!("--format json {ARGS}"), &[]);
    assert!(!screen.contains("/ 2s expected"), "{screen:?}");
    assert!(!screen.contains('\x1b'), "{screen:?}");
    assert!(screen.contains("\"message\": \"hello\""), "{screen:?}");
}

#[test]
fn a_pipe_gets_neither() {
    let output = common::saywhen()
        .args(ARGS.split(' '))
        .env("TERM", "xterm-256color")
        .output()
        .expect("saywhen runs");
    assert!(output.status.success());
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    assert!(!stdout.contains('\x1b'), "{stdout}");
    assert!(stdout.contains("hello"));
    assert!(output.stderr.is_empty(), "{:?}", output.stderr);
}

#[test]
#[ignore = "needs util-linux script (a pseudo-terminal): run by .ci/run"]
fn a_terminal_whose_locale_is_not_utf8_gets_ascii() {
    let args = "--virtual-time --color=never serial 300us:a 1:b";
    let locale = |lang| [("LC_ALL", ""), ("LC_CTYPE", ""), ("LANG", lang)];
    let plain = on_a_terminal(args, &locale("C"));
    assert!(plain.is_ascii(), "{plain:?}");
    assert!(
        plain.contains("300us") && plain.contains("- sleeping on a timer"),
        "{plain:?}"
    );
    let utf8 = on_a_terminal(args, &locale("C.UTF-8"));
    assert!(
        utf8.contains("300µs") && utf8.contains("░ sleeping on a timer"),
        "{utf8:?}"
    );
}

/// Runs tmux on a private server (`-L`), so the test never touches a
/// session of the person running it.
fn tmux(socket: &str, args: &[&str]) -> Option<String> {
    let output = Command::new("tmux")
        .args(["-L", socket])
        .args(args)
        .output()
        .ok()?;
    Some(String::from_utf8_lossy(&output.stdout).into_owned())
}

#[test]
#[ignore = "needs tmux: run by .ci/run"]
fn ctrl_c_leaves_no_stale_progress_line() {
    // What a person sees is the screen, not the byte stream: tmux renders
    // it. The terminal echoes Ctrl-C as `^C` after the bar, which indicatif
    // pads to the right edge, so the echo wraps; clearing must allow for it.
    let socket = format!("saywhen-test-{}", std::process::id());
    assert!(
        tmux(&socket, &["-V"]).is_some(),
        "tmux is not installed to render a terminal screen"
    );
    let binary = assert_cmd::cargo::cargo_bin("saywhen");
    let command = format!(
        "env -u CI -u NO_COLOR TERM=xterm-256color '{}' tasks 1:a 30:b 40:c; sleep 30",
        binary.display()
    );
    tmux(
        &socket,
        &[
            "new-session",
            "-d",
            "-s",
            "t",
            "-x",
            "100",
            "-y",
            "40",
            &command,
        ],
    );
    let screen = |pause: u64| {
        std::thread::sleep(std::time::Duration::from_millis(pause));
        tmux(&socket, &["capture-pane", "-p", "-t", "t"]).unwrap_or_default()
    };
    let before = screen(2_000);
    tmux(&socket, &["send-keys", "-t", "t", "C-c"]);
    let after = screen(1_000);
    tmux(&socket, &["kill-server"]);
    assert!(before.contains("/ 40s expected"), "no progress: {before}");
    assert!(after.contains("interrupted at"), "{after}");
    assert!(
        !after.contains("expected\n") && !after.contains(" left"),
        "{after}"
    );
    assert!(!after.contains("/ 40s expected"), "a stale bar: {after}");
}

#[test]
#[ignore = "needs util-linux script (a pseudo-terminal): run by .ci/run"]
fn on_a_terminal_no_color_and_term_dumb_turn_colour_off() {
    let args = "--virtual-time tasks 1:hello";
    let coloured = on_a_terminal(args, &[]);
    assert!(coloured.contains("\x1b[36mhello"), "{coloured:?}");
    for env in [[("NO_COLOR", "1")], [("TERM", "dumb")]] {
        let plain = on_a_terminal(args, &env);
        assert!(!plain.contains('\x1b'), "{env:?}: {plain:?}");
    }
    // --color=always is a request, and wins over both.
    let forced = on_a_terminal(&format!("--color=always {args}"), &[("NO_COLOR", "1")]);
    assert!(forced.contains("\x1b[36mhello"), "{forced:?}");
}
