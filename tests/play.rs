//! `saywhen play` in a real terminal: tmux runs it at 80×24, keys are
//! sent with send-keys and the screen read with capture-pane. They need
//! tmux, which a plain `cargo test` may not have: they are `#[ignore]`d,
//! and `.ci/run` runs them where it is.
//!
//! Every test ends its tmux server and the player even when it fails: a
//! [`Tmux`] guard's `Drop` kills the server on its own socket (`tmux -L`,
//! a name per test and process), which hangs up on the player (SIGHUP:
//! it quits), then kills the player's process if it is still there.

use std::process::Command;
use std::time::{Duration, Instant};

/// A tmux server of its own running one `saywhen play`, ended on drop.
struct Tmux {
    socket: String,
    pid: Option<i32>,
}

impl Tmux {
    /// Starts `saywhen ARGS` in a detached 80×24 session.
    fn start(name: &str, args: &str) -> Tmux {
        let socket = format!("saywhen-play-{name}-{}", std::process::id());
        let binary = assert_cmd::cargo::cargo_bin("saywhen");
        let mut tmux = Tmux { socket, pid: None };
        let command = format!(
            "env TERM=xterm-256color NO_COLOR=1 LC_ALL=C.UTF-8 '{}' {args}; sleep 30",
            binary.display()
        );
        tmux.run(&[
            "new-session",
            "-d",
            "-x",
            "80",
            "-y",
            "24",
            "-s",
            "play",
            &command,
        ]);
        // The pane's process is the shell running the player.
        let pane = tmux.run(&["display-message", "-p", "-t", "play", "#{pane_pid}"]);
        tmux.pid = pane.trim().parse().ok();
        tmux
    }

    fn run(&self, args: &[&str]) -> String {
        let output = Command::new("tmux")
            .args(["-L", &self.socket, "-f", "/dev/null"])
            .args(args)
            .output()
            .expect("tmux runs");
        assert!(output.status.success(), "tmux {args:?}: {output:?}");
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", "play"];
        args.extend_from_slice(keys);
        self.run(&args);
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", "play"])
    }

    /// The screen once it shows `text` (within 10 s, a loaded machine).
    fn wait_for(&self, text: &str) -> String {
        self.wait_until(|screen| screen.contains(text), text)
    }

    /// The screen once it is no longer `before`.
    fn wait_change(&self, before: &str) -> String {
        self.wait_until(|screen| screen != before, "a change")
    }

    fn wait_until(&self, done: impl Fn(&str) -> bool, what: &str) -> String {
        let started = Instant::now();
        let mut last = String::new();
        loop {
            // A screen read twice alike, footer and all: not one caught
            // halfway through a draw.
            let screen = self.screen();
            if screen == last && screen.contains("quit") && done(&screen) {
                return screen;
            }
            last = screen;
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "{what} never showed:\n{last}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The players still running under this test's pane.
    fn players(&self) -> Vec<i32> {
        let Some(pid) = self.pid else {
            return Vec::new();
        };
        let output = Command::new("pgrep")
            .args(["-P", &pid.to_string(), "saywhen"])
            .output();
        output
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .filter_map(|l| l.trim().parse().ok())
                    .collect()
            })
            .unwrap_or_default()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let players = self.players();
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .output();
        for pid in players.into_iter().chain(self.pid) {
            // SAFETY: kill(2) with a pid this test started; at worst it
            // names a process that is gone.
            unsafe {
                libc::kill(pid, libc::SIGKILL);
            }
        }
    }
}

/// docs/play.txt is this screen (the README shows it): rewritten with
/// `SAYWHEN_UPDATE_DOCS=1`, checked otherwise.
fn the_screen_in_the_docs(screen: &str) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/play.txt");
    let screen = screen.trim_end().to_owned() + "\n";
    if std::env::var_os("SAYWHEN_UPDATE_DOCS").is_some() {
        std::fs::write(path, &screen).unwrap();
    }
    let kept = std::fs::read_to_string(path).unwrap_or_default();
    assert_eq!(
        kept, screen,
        "docs/play.txt is not the screen: SAYWHEN_UPDATE_DOCS=1 rewrites it"
    );
}

const TREE: &str = "'gather(serial(1:a, block(2:b)), 3:c)'";

#[test]
#[ignore = "needs tmux: run by .ci/run"]
fn it_opens_paused_at_zero_steps_and_goes_back() {
    let tmux = Tmux::start("steps", &format!("play {TREE}"));
    let opened = tmux.wait_for("t = 0s / 3s");
    assert!(opened.contains("paused"), "{opened}");
    assert!(opened.contains("block: b"), "{opened}");
    assert!(opened.contains("q quit"), "{opened}");
    tmux.keys(&["]"]);
    let first = tmux.wait_change(&opened);
    tmux.keys(&["Right", "Right", "Right"]);
    tmux.wait_change(&first);
    tmux.keys(&["Left", "Left", "Left"]);
    // Forward then back: the very same screen.
    tmux.wait_until(|screen| screen == first, "the first instant's screen again");
    tmux.keys(&["g", "1", ".", "5", "Enter"]);
    let at = tmux.wait_for("t = 1.5s");
    assert!(at.contains("holding"), "{at}");
    the_screen_in_the_docs(&at);
    tmux.keys(&["c"]);
    tmux.wait_for("tokio program");
    tmux.keys(&["?"]);
    tmux.wait_for("go to a time");
    tmux.keys(&["Escape", "q"]);
    let started = Instant::now();
    while !tmux.players().is_empty() {
        assert!(started.elapsed() < Duration::from_secs(5), "q did not quit");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
#[ignore = "needs tmux: run by .ci/run"]
fn it_plays_resizes_and_quits_when_the_terminal_goes() {
    let tmux = Tmux::start("plays", "play gather 0.3:a 0.6:b");
    tmux.wait_for("t = 0s / 600ms");
    tmux.keys(&["End"]);
    tmux.wait_for("t = 600ms / 600ms");
    tmux.keys(&["Home", "+", "Space"]);
    tmux.wait_for("2×");
    let done = tmux.wait_for("t = 600ms / 600ms");
    assert!(done.contains("paused"), "{done}");
    tmux.run(&["resize-window", "-t", "play", "-x", "100", "-y", "30"]);
    let wide = tmux.wait_for("q quit");
    assert!(wide.lines().count() >= 30, "{wide}");
    assert!(!tmux.players().is_empty(), "the player is running");
    // The terminal goes away: the player must end, not spin.
    let players = tmux.players();
    let _ = Command::new("tmux")
        .args(["-L", &tmux.socket, "kill-server"])
        .output();
    let started = Instant::now();
    for pid in players {
        // SAFETY: kill(pid, 0) only asks whether the process exists.
        while unsafe { libc::kill(pid, 0) } == 0 {
            assert!(
                started.elapsed() < Duration::from_secs(5),
                "the player outlived its terminal"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Not a terminal: a clear error that says to use `--at`.
#[test]
fn a_pipe_is_told_to_use_at() {
    let output = Command::new(assert_cmd::cargo::cargo_bin("saywhen"))
        .args(["play", "gather(1:a, 2:b)"])
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: saywhen play needs a terminal"),
        "{stderr}"
    );
    assert!(stderr.contains("--at"), "{stderr}");
    let bad = Command::new(assert_cmd::cargo::cargo_bin("saywhen"))
        .args(["play", "gather(1:a"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    let missing = Command::new(assert_cmd::cargo::cargo_bin("saywhen"))
        .args(["play", "--replay", "/no/such/run.json"])
        .output()
        .unwrap();
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--replay"));
}
