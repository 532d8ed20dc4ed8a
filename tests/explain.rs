//! `saywhen explain`: every lesson has its four parts, and the code it
//! quotes is really in the source file it names.

mod common;

use std::path::Path;

use common::{saywhen, stdout_of};

const TOPICS: [&str; 24] = [
    "serial",
    "tasks",
    "gather",
    "race",
    "joinset",
    "blocking",
    "spawn-blocking",
    "threads",
    "compare",
    "virtual-time",
    "timeout",
    "limit",
    "deadlines",
    "runtime",
    "nested",
    "check",
    "scenario",
    "group",
    "fail",
    "block",
    "sh",
    "ties",
    "critical",
    "play",
];

#[test]
fn explain_alone_lists_every_mode_and_topic() {
    let out = stdout_of(saywhen().arg("explain"));
    let listed: Vec<&str> = out
        .lines()
        .skip(1)
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(listed, TOPICS);
}

#[test]
fn every_lesson_has_its_four_parts() {
    for topic in TOPICS {
        let out = stdout_of(saywhen().args(["explain", topic]));
        assert!(out.starts_with(&format!("{topic}: ")), "{out}");
        for heading in [
            "\nWhat it does\n",
            "\nThe Rust code (src/",
            "\nIn asyncio\n",
            "\nWall to expect\n",
        ] {
            assert!(out.contains(heading), "{topic}: no {heading:?} in\n{out}");
        }
    }
}

/// The quoted code is cut from the binary's own copy of the source; this
/// checks it against the file on disk, line by line, so a lesson can never
/// show code that saywhen does not run.
#[test]
fn the_quoted_code_is_in_the_named_file() {
    for topic in TOPICS {
        let out = stdout_of(saywhen().args(["explain", topic]));
        let (_, rest) = out.split_once("\nThe Rust code (").unwrap();
        let (file, rest) = rest.split_once(")\n").unwrap();
        let (quoted, _) = rest.split_once("\n\nIn asyncio").unwrap();
        let (code, note) = quoted
            .split_once("\n\nBeside the code\n")
            .unwrap_or((quoted, ""));
        let source = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file))
            .unwrap_or_else(|e| panic!("{topic}: {file}: {e}"));
        let lines: Vec<&str> = code.lines().map(|l| l.trim()).collect();
        assert!(lines.len() >= 5, "{topic}: {code}");
        for line in lines.iter().filter(|l| !l.is_empty()) {
            assert!(source.contains(line), "{topic}: {line:?} not in {file}");
        }
        // The note is the doc comment above the quoted item.
        for (i, line) in note.lines().map(|l| l.trim()).enumerate() {
            let doc = match i {
                0 => format!("/// Note: {line}"),
                _ => format!("/// {line}"),
            };
            assert!(source.contains(&doc), "{topic}: {doc:?} not in {file}");
        }
    }
}

/// What `explain gather` quoted read as a lesson about tokio's cooperative
/// budget half-way through: a note on speed now stands beside the code.
#[test]
fn a_speed_note_stands_beside_the_quote() {
    let out = stdout_of(saywhen().args(["explain", "gather"]));
    let (code, rest) = out.split_once("\nBeside the code\n").expect("a note");
    assert!(
        !code.contains("budget") && !code.contains("quadratic"),
        "{code}"
    );
    let (note, _) = rest.split_once("\nIn asyncio\n").unwrap();
    assert!(
        note.contains("budget") && note.contains("quadratic"),
        "{note}"
    );
}

/// A newcomer meets `compare` and `--virtual-time` first: both are lessons.
#[test]
fn compare_and_virtual_time_are_explained() {
    for (topic, key) in [
        ("compare", "speedup_vs_serial"),
        ("virtual-time", "start_paused(true)"),
    ] {
        let out = stdout_of(saywhen().args(["explain", topic]));
        assert!(out.starts_with(&format!("{topic}: ")), "{out}");
        assert!(out.contains(key), "{topic}: no {key} in\n{out}");
    }
}

#[test]
fn lessons_quote_the_call_they_teach() {
    let quotes = [
        ("race", "select_all(racers).await"),
        ("joinset", "set.join_next().await"),
        ("blocking", "std::thread::sleep(delay);"),
        ("spawn-blocking", "tokio::task::spawn_blocking(move ||"),
        ("threads", "handle.join()"),
        ("timeout", "sleep_until(ends).await"),
        ("limit", "queue.pass_turn();"),
        ("deadlines", "tokio::time::sleep_until(due).await"),
        ("runtime", "Builder::new_multi_thread()"),
        ("nested", "Handle::try_current()"),
        ("check", "tolerance.allowance(baseline)"),
        (
            "scenario",
            "GroupKind::Race => race::run(&self, index).await,",
        ),
        ("group", "set.abort_all();"),
        ("fail", "recorder.fail(index);"),
        ("block", "std::thread::sleep(delay);"),
        ("ties", "self.fire(target, timer::at_step(step));"),
        ("critical", "at = candidate.part.from;"),
        (
            "play",
            "Action::Back => self.go(model, self.cursor.saturating_sub(1)),",
        ),
    ];
    for (topic, call) in quotes {
        let out = stdout_of(saywhen().args(["explain", topic]));
        assert!(out.contains(call), "{topic}: {out}");
    }
    let out = stdout_of(saywhen().args(["explain", "nested"]));
    // Prose is wrapped; compare it with the line breaks taken out.
    let out = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(out.contains("asyncio.run() cannot be called from a running event loop"));
    assert!(out.contains("Cannot start a runtime from within a runtime"));
}

#[test]
fn an_unknown_topic_lists_the_known_ones() {
    let output = saywhen()
        .args(["explain", "bogus"])
        .assert()
        .code(2)
        .stdout("")
        .get_output()
        .clone();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.starts_with("error: invalid value 'bogus'"),
        "{stderr}"
    );
    assert!(
        stderr.contains("race") && stderr.contains("nested"),
        "{stderr}"
    );
}
