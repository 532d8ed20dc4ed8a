//! Every line of the human view fits the width: the terminal's, else
//! `--width`, else 80 in a pipe. Each mode, `compare`, repeated runs and
//! every mode compared, with short messages and 300-character ones (words,
//! one long word, CJK, a family emoji, combining accents), at 40, 80 and
//! 200 columns, into a pipe and onto a pseudo-terminal.
//!
//! Widths are measured here on their own terms, by grapheme cluster
//! (unicode-segmentation) as a terminal draws each (unicode-width), not with
//! saywhen's code. The tests on a pseudo-terminal need util-linux `script`,
//! which `cargo test` may not have: they are `#[ignore]`d, so cargo's
//! summary counts them, and `.ci/run` runs them where `script` is.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

const WIDTHS: [usize; 3] = [40, 80, 200];

/// Columns a line takes on a terminal.
fn columns(line: &str) -> usize {
    line.graphemes(true).map(UnicodeWidthStr::width).sum()
}

/// Asserts no line of `output` is wider than `width`.
fn assert_fits(output: &str, width: usize, what: &str) {
    for line in output.lines() {
        assert!(
            columns(line) <= width,
            "{what}: a line of {} columns is wider than {width}:\n{line}\n\nin:\n{output}",
            columns(line)
        );
    }
}

/// The messages each case is run with: short ones, then 300-character
/// ones.
fn message_sets() -> Vec<[String; 2]> {
    let words: String = "a long message with 世界 and 👨‍👩‍👧 and café (cafe\u{301}) "
        .chars()
        .cycle()
        .take(300)
        .collect();
    let word = "x".repeat(300);
    vec![["hello".into(), "world".into()], [words, word]]
}

/// What a case runs, before its pairs, and whether on the real clock (the
/// blocking modes need it), where its delays are milliseconds. `run` takes
/// scenarios instead, with `{0}` and `{1}` for the messages.
type Case = (&'static [&'static str], bool);

const MODES: [Case; 8] = [
    (&["serial"], false),
    (&["tasks"], false),
    (&["gather"], false),
    (&["race"], false),
    (&["joinset"], false),
    (&["blocking"], true),
    (&["spawn-blocking"], true),
    (&["threads"], true),
];

const COMPARISONS: [Case; 4] = [
    (&["compare"], false),
    (&["compare", "--runs", "3"], false),
    (&["compare", "--modes", "all"], true),
    (&["compare", "--modes", "all", "--runs", "3"], true),
];

/// Options that add rows and columns to the human view, and scenarios.
const LESSONS: [Case; 5] = [
    (&["--timeout", "1500ms", "--limit", "1", "joinset"], false),
    (&["--runs", "3", "--warmup", "1", "tasks"], false),
    (&["--deadlines", "absolute", "serial"], false),
    (
        &["run", "gather(serial(2:{0}, 1:{1}), race(1:{0}, 2:{1}))"],
        false,
    ),
    (&["run", "gather(2:{0}, 1:{1})", "serial(1:{1})"], false),
];

/// The command line of `case` with `messages`, as arguments.
fn arguments((args, real): &Case, messages: &[String; 2]) -> Vec<String> {
    let mut line: Vec<String> = Vec::new();
    if !real {
        line.push("--virtual-time".into());
    }
    if args.contains(&"run") {
        // A scenario's own punctuation cannot be in its messages.
        let plain = |m: &String| m.replace(['(', ')', ','], " ");
        line.extend(args.iter().map(|arg| {
            arg.replace("{0}", &plain(&messages[0]))
                .replace("{1}", &plain(&messages[1]))
        }));
        return line;
    }
    line.extend(args.iter().map(|a| a.to_string()));
    let delays = match real {
        true => ["2ms", "1ms"],
        false => ["2", "1"],
    };
    for (delay, message) in delays.iter().zip(messages) {
        line.push(format!("{delay}:{message}"));
    }
    line
}

/// Runs every case into a pipe at every width (and with no `--width`, 80).
fn fits_in_a_pipe(cases: &[Case]) {
    for case in cases {
        for messages in message_sets() {
            let args = arguments(case, &messages);
            for width in WIDTHS.map(Some).into_iter().chain([None]) {
                let mut cmd = common::saywhen();
                if let Some(width) = width {
                    cmd.arg(format!("--width={width}"));
                }
                let output = common::stdout_of(cmd.args(&args));
                assert_fits(
                    &output,
                    width.unwrap_or(80),
                    &format!("{args:?} --width {width:?}"),
                );
            }
        }
    }
}

#[test]
fn every_mode_fits_in_a_pipe() {
    fits_in_a_pipe(&MODES);
}

#[test]
fn compare_fits_in_a_pipe() {
    fits_in_a_pipe(&COMPARISONS);
}

#[test]
fn the_lessons_rows_fit_in_a_pipe() {
    fits_in_a_pipe(&LESSONS);
}

#[test]
fn ascii_fits_and_cuts_with_three_dots() {
    let long = "x".repeat(300);
    for width in WIDTHS {
        let output = common::stdout_of(&mut common::virtual_run(&[
            "--ascii",
            &format!("--width={width}"),
            "tasks",
            &format!("1:{long}"),
        ]));
        assert_fits(&output, width, "--ascii");
        assert!(output.is_ascii(), "{output}");
        assert!(output.contains("xxx..."), "{output}");
        assert!(!output.contains(&"x".repeat(width)), "{output}");
    }
}

#[test]
fn a_summarised_table_fits() {
    let pairs: String = (0..1_001).map(|i| format!("{}ms:m{i}\n", i % 7)).collect();
    for width in WIDTHS {
        let output = common::stdout_of(
            common::virtual_run(&[&format!("--width={width}"), "gather", "--file", "-"])
                .write_stdin(pairs.clone()),
        );
        let words = output.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(words.contains("so the table summarises them"), "{output}");
        assert_fits(&output, width, "1,001 pairs");
    }
}

#[test]
fn messages_are_cut_whole_graphemes_with_an_ellipsis() {
    let family = "👨‍👩‍👧".repeat(100);
    let output = common::stdout_of(&mut common::virtual_run(&[
        "--width=40",
        "serial",
        &format!("1:{family}"),
    ]));
    assert_fits(&output, 40, "families");
    // Every family whole: as many joiners as families, two per family.
    for line in output.lines().filter(|line| line.contains('👨')) {
        assert_eq!(
            line.matches('\u{200d}').count(),
            2 * line.matches('👨').count(),
            "{line}"
        );
        assert!(line.contains("👧…"), "{line}");
    }
}

/// Very long messages cost the human view what short ones do: they are
/// cut before any table is laid out. Five messages of 1,000,000 characters
/// (read from stdin, a line each) in every view of `compare --runs`. A
/// watchdog, far above the time this takes, turns a hang into a failure;
/// the widths are the test.
#[test]
fn five_megabytes_of_messages_are_cut_early() {
    let line = format!("1:{}\n", "y".repeat(1_000_000));
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("saywhen"))
        .args([
            "--virtual-time",
            "compare",
            "--runs",
            "2",
            "--modes",
            "serial,tasks,race",
        ])
        .args(["--file", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("saywhen runs");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    let writer = std::thread::spawn(move || stdin.write_all(line.repeat(5).as_bytes()));
    let stdout = child.stdout.take().expect("stdout is piped");
    let reader = std::thread::spawn(move || std::io::read_to_string(stdout));
    let started = Instant::now();
    while child.try_wait().expect("wait works").is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("the human view of 5 MB of messages took over two minutes");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    writer
        .join()
        .expect("the writer ends")
        .expect("stdin takes the pairs");
    let output = reader.join().expect("the reader ends").expect("UTF-8");
    assert!(output.contains("yyy…"), "{output}");
    assert_fits(&output, 80, "5 MB of messages");
    assert!(output.len() < 64 * 1024, "{} bytes", output.len());
}

/// Strips what a terminal does not print: escape sequences (colour, cursor
/// moves, erasing) and carriage returns, which start a line over.
fn printed_lines(screen: &str) -> Vec<String> {
    let mut lines = vec![String::new()];
    let mut chars = screen.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => match chars.next() {
                Some('[') => {
                    for c in chars.by_ref() {
                        if ('\x40'..='\x7e').contains(&c) {
                            break;
                        }
                    }
                }
                Some(']') => {
                    while let Some(c) = chars.next() {
                        if c == '\x07' || (c == '\x1b' && chars.next_if_eq(&'\\').is_some()) {
                            break;
                        }
                    }
                }
                _ => {}
            },
            '\r' | '\n' => lines.push(String::new()),
            c => lines.last_mut().expect("one line at least").push(c),
        }
    }
    lines
}

/// Runs saywhen on a pseudo-terminal `width` columns wide (util-linux
/// `script` makes it), with no `--width`: the terminal's width is the one.
/// Returns what the terminal printed.
fn on_a_terminal(args: &[String], width: usize, stderr: bool) -> String {
    assert!(
        Command::new("script").arg("--version").output().is_ok(),
        "util-linux `script` is not installed to make a pseudo-terminal"
    );
    let binary = assert_cmd::cargo::cargo_bin("saywhen");
    let quoted: Vec<String> = args
        .iter()
        .map(|arg| format!("'{}'", arg.replace('\'', r"'\''")))
        .collect();
    let inner = format!(
        "stty cols {width} rows 50; exec '{}' {} {}",
        binary.display(),
        quoted.join(" "),
        if stderr { "" } else { "2>/dev/null" }
    );
    let output = Command::new("script")
        .args(["-qefc", &inner, "/dev/null"])
        .env("TERM", "xterm-256color")
        .env("TZ", "UTC")
        .env_remove("CI")
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .stdin(Stdio::null())
        .output()
        .expect("script runs");
    assert!(output.status.success(), "{args:?}: {output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn fits_on_a_terminal(cases: &[Case]) {
    for case in cases {
        for messages in message_sets() {
            let args = arguments(case, &messages);
            for width in WIDTHS {
                let screen = on_a_terminal(&args, width, false);
                assert!(
                    screen.contains('\x1b'),
                    "a terminal gets colour: {screen:?}"
                );
                let lines = printed_lines(&screen).join("\n");
                assert_fits(
                    &lines,
                    width,
                    &format!("{args:?} on a {width}-column terminal"),
                );
            }
        }
    }
}

#[test]
#[ignore = "needs util-linux script (a pseudo-terminal): run by .ci/run"]
fn every_mode_fits_a_terminal() {
    fits_on_a_terminal(&MODES);
}

#[test]
#[ignore = "needs util-linux script (a pseudo-terminal): run by .ci/run"]
fn compare_fits_a_terminal() {
    fits_on_a_terminal(&COMPARISONS);
}

/// What a terminal `width` columns wide shows, row by row, as it is
/// drawn: a carriage return, a newline or a cursor move starts a row, and
/// text that reaches the right edge wraps onto the next (indicatif relies
/// on that: it pads each of its lines to the terminal's width).
fn rows_drawn(screen: &str, width: usize) -> Vec<String> {
    let mut rows = Vec::new();
    for line in printed_lines(screen) {
        let (mut row, mut used) = (String::new(), 0);
        for grapheme in line.graphemes(true) {
            if used + grapheme.width() > width {
                rows.push(std::mem::take(&mut row));
                used = 0;
            }
            row.push_str(grapheme);
            used += grapheme.width();
        }
        rows.push(row);
    }
    rows
}

/// The progress bar and the pending pairs under it, on stderr, fit too
/// (they show once a real run has lasted a second): on a 40-column
/// terminal, the bar's row holds the whole bar line and each pending pair's
/// row its whole line, none spilling onto the next row.
#[test]
#[ignore = "needs util-linux script (a pseudo-terminal): run by .ci/run"]
fn progress_fits_a_narrow_terminal() {
    let [words, word] = message_sets().swap_remove(1);
    let args: Vec<String> = [
        "tasks",
        &format!("1.3:{words}"),
        &format!("1.4:{word}"),
        "1.5:c",
    ]
    .map(String::from)
    .into();
    let screen = on_a_terminal(&args, 40, true);
    let rows = rows_drawn(&screen, 40);
    // Not the tables' rows, which say `expected wall`.
    let progress = |row: &&String| !row.contains(['│', '┆']);
    let bars: Vec<&String> = rows
        .iter()
        .filter(progress)
        .filter(|row| row.contains("expected"))
        .collect();
    // `  message  0.3s left`; not a live line (`  +1.3s  message`), nor
    // the timeline's axis.
    let pending: Vec<&String> = rows
        .iter()
        .filter(progress)
        .filter(|row| {
            row.strip_prefix("  ")
                .is_some_and(|rest| !rest.starts_with([' ', '+']))
        })
        .collect();
    assert!(
        !bars.is_empty() && !pending.is_empty(),
        "no progress in {rows:#?}"
    );
    for row in bars {
        assert!(
            row.starts_with('[') && row.trim_end().ends_with("/ 1.5s expected"),
            "{row:?}"
        );
    }
    for row in pending {
        let row = row.trim_end();
        assert!(
            row.ends_with("s left") || row.ends_with("waiting") || row.ends_with("more"),
            "{row:?}"
        );
    }
}

/// The status line of repeated runs (`serial: run 2/3`, on stderr while
/// the silent runs go on) fits too, however long the scenario it names:
/// each drawn row that says which run it is holds the whole line.
#[test]
#[ignore = "needs util-linux script (a pseudo-terminal): run by .ci/run"]
fn the_status_of_repeated_runs_fits_a_narrow_terminal() {
    let [words, _] = message_sets().swap_remove(1);
    let words = words.replace(['(', ')', ','], " ");
    let args: Vec<String> = [
        "-q",
        "--runs",
        "3",
        "--warmup",
        "1",
        "run",
        &format!("serial(300ms:{words})"),
    ]
    .map(String::from)
    .into();
    let screen = on_a_terminal(&args, 40, true);
    let rows = rows_drawn(&screen, 40);
    let status: Vec<&String> = rows
        .iter()
        .filter(|row| row.contains("warm-up 1/1") || row.contains("run 3/3"))
        .collect();
    assert!(status.len() >= 2, "no status line in {rows:#?}");
    for row in status {
        assert!(row.starts_with("serial("), "{row:?} in {rows:#?}");
    }
}
