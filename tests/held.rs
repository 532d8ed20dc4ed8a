//! What a red team threw at saywhen and saywhen held (issue 12's "keep these
//! passing"), pinned so it keeps holding: extreme numbers, bytes that are
//! not text, messages that try to drive a terminal or break out of XML,
//! CSV that must read back, readers that stop early, streams that are
//! closed. One table per kind of attack.

mod common;

use std::io::Read;
use std::process::{Command, Stdio};

use common::{saywhen, virtual_run};
use serde_json::Value;

/// Sets the clipboard (OSC 52), then reverses the text (U+202E), with a NUL
/// and XML trying to close a CDATA section and open a script.
const HOSTILE: [&str; 4] = [
    "\x1b]52;c;cHduZWQ=\x07copied",
    "abc\u{202e}txt.exe",
    "nul\0inside",
    "]]>&amp;<script>alert(1)</script>",
];

/// Pairs of the hostile messages, from a file (a NUL cannot be an argument).
fn hostile_file() -> std::path::PathBuf {
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("hostile.txt");
    let lines: Vec<String> = HOSTILE.iter().map(|m| format!("1:{m}")).collect();
    std::fs::write(&path, lines.join("\n")).unwrap();
    path
}

/// A terminal control character or an invisible reordering one.
fn drives_a_terminal(c: char) -> bool {
    (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c)
}

fn run(args: &[&str]) -> std::process::Output {
    let mut cmd = virtual_run(args);
    cmd.env("RUST_BACKTRACE", "1").output().unwrap()
}

/// Numbers and bytes at the edges: each is accepted exactly or refused
/// with a clear error (exit 2), never a panic or a wrong value.
#[test]
fn edge_values_are_exact_or_refused() {
    let cases: [(&[&str], i32, &str); 6] = [
        (&["serial", "1e-2147483649:x"], 0, "\"delay_s\": 0.0"),
        (
            &["serial", "1e2147483648:x"],
            2,
            "longer than the maximum delay of 365 days",
        ),
        (&["serial", "31536000:x"], 0, "\"delay_s\": 31536000.0"),
        (
            &["serial", "31536000.000000001:x"],
            2,
            "'31536000.000000001' is longer than the maximum delay of 365 days",
        ),
        (
            &["--limit", "18446744073709551615", "tasks", "1:a", "2:b"],
            0,
            "\"wall_s\": 2.0",
        ),
        (
            &["--limit", "18446744073709551616", "tasks", "1:a"],
            2,
            "--limit <N>",
        ),
    ];
    for (args, code, says) in cases {
        let args: Vec<&str> = [args, &["--format", "json"]].concat();
        let output = run(&args);
        let text = String::from_utf8_lossy(match code {
            0 => &output.stdout,
            _ => &output.stderr,
        });
        assert_eq!(output.status.code(), Some(code), "{args:?}: {text}");
        assert!(text.contains(says), "{args:?}: {text}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let output = saywhen()
            .arg("serial")
            .arg(std::ffi::OsStr::from_bytes(b"\xff:msg"))
            .output()
            .unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(output.status.code(), Some(2));
        assert_eq!(
            stderr,
            "error: argument 1 is not valid UTF-8: a pair is text such as 1:hello\n"
        );
    }
}

/// Every view of the hostile messages: the views for people show them
/// escaped (nothing reaches the terminal raw), the machine formats keep
/// them exactly, the SVG and JUnit stay well-formed XML.
#[test]
fn hostile_messages_in_every_view() {
    let file = hostile_file();
    let file = file.to_str().unwrap();
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let svg = dir.join("hostile.svg");
    let views: [(&[&str], bool); 8] = [
        (&["serial"], true),
        (&["serial", "--ascii", "--width", "40"], true),
        (&["compare"], true),
        (&["serial", "--format", "markdown"], true),
        (&["serial", "--format", "markdown", "--mermaid"], true),
        (&["serial", "--format", "json"], false),
        (&["serial", "--format", "jsonl"], false),
        (&["serial", "--format", "trace"], false),
    ];
    for (args, for_people) in views {
        let args: Vec<&str> = [args, &["--file", file]].concat();
        let output = run(&args);
        assert!(output.status.success(), "{args:?}: {output:?}");
        let stdout = String::from_utf8(output.stdout).unwrap();
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert_eq!(
            stderr.chars().find(|&c| drives_a_terminal(c)),
            None,
            "{args:?}"
        );
        if args.contains(&"markdown") {
            // Markdown is read as HTML too: no tag may survive.
            assert!(!stdout.contains("<script>"), "{args:?}: {stdout}");
            assert!(stdout.contains("\\<script\\>"), "{args:?}: {stdout}");
        }
        if for_people {
            assert_eq!(
                stdout.chars().find(|&c| drives_a_terminal(c)),
                None,
                "{args:?}"
            );
            // Markdown puts a backslash before its own punctuation.
            let stdout = stdout.replace("\\\\", "\\").replace("\\]", "]");
            assert!(
                stdout.contains("\\e]52;c;cHduZWQ=\\acopied"),
                "{args:?}: {stdout}"
            );
            assert!(stdout.contains("abc\\u{202e}txt.exe"), "{args:?}: {stdout}");
            assert!(stdout.contains("nul\\0inside"), "{args:?}: {stdout}");
        } else {
            let strings = json_strings(&stdout);
            for message in HOSTILE {
                assert!(
                    strings.iter().any(|s| s == message),
                    "{args:?}: {message:?}"
                );
            }
        }
    }
    // The SVG: well-formed, the messages escaped as on a terminal, and no
    // element but the picture's own.
    let output = run(&[
        "serial",
        "-q",
        "--file",
        file,
        "--export",
        svg.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{output:?}");
    let text = std::fs::read_to_string(&svg).unwrap();
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    assert!(!doc.descendants().any(|n| n.has_tag_name("script")));
    let shown: String = doc.descendants().filter_map(|n| n.text()).collect();
    assert!(
        shown.contains("]]>&amp;<script>alert(1)</script>"),
        "{shown}"
    );
    assert!(shown.contains("\\e]52;c;cHduZWQ=\\acopied"), "{shown}");
    assert_eq!(shown.chars().find(|&c| drives_a_terminal(c)), None);
}

/// Every string in a JSON document, or in each line of JSON Lines.
fn json_strings(text: &str) -> Vec<String> {
    fn walk(value: &Value, out: &mut Vec<String>) {
        match value {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => items.iter().for_each(|v| walk(v, out)),
            Value::Object(map) => map.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    match serde_json::from_str::<Value>(text) {
        Ok(doc) => walk(&doc, &mut out),
        Err(_) => {
            for line in text.lines() {
                walk(&serde_json::from_str(line).expect("JSON Lines"), &mut out);
            }
        }
    }
    out
}

/// RFC 4180: what CSV says reads back exactly, quotes, commas, line breaks,
/// a leading `=` or `-` and the hostile messages included.
#[test]
fn csv_reads_back_exactly() {
    let mut messages: Vec<&str> = vec![
        "plain",
        "wor,ld",
        "say \"hi\"",
        "two\nlines",
        "crlf\r\nend",
        "=1+2",
        "-1",
        "@sum",
        "\ttab",
        "",
    ];
    messages.extend(HOSTILE);
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("csv-pairs.json");
    // Line breaks cannot be in a pairs file; they go in as arguments.
    let pairs: Vec<String> = messages.iter().map(|m| format!("1:{m}")).collect();
    let (args, file): (Vec<&String>, Vec<&String>) = pairs.iter().partition(|p| !p.contains('\0'));
    std::fs::write(
        &path,
        file.iter().map(|p| format!("{p}\n")).collect::<String>(),
    )
    .unwrap();
    let mut cmd = virtual_run(&[
        "serial",
        "--format",
        "csv",
        "--file",
        path.to_str().unwrap(),
    ]);
    cmd.args(args);
    let output = cmd.output().unwrap();
    assert!(output.status.success(), "{output:?}");
    let mut reader = csv::Reader::from_reader(output.stdout.as_slice());
    let read: Vec<String> = reader
        .records()
        .map(|record| record.unwrap()[3].to_owned())
        .collect();
    let mut expected: Vec<&str> = messages
        .iter()
        .copied()
        .filter(|m| !m.contains('\0'))
        .collect();
    expected.extend(messages.iter().copied().filter(|m| m.contains('\0')));
    assert_eq!(read, expected);
}

/// `saywhen ... | head -c 10` in every format: the reader stops after ten
/// bytes; saywhen ends quietly and successfully (a closed pipe is the
/// reader saying it has enough), whatever it was writing.
#[test]
fn a_reader_that_stops_early_in_every_format() {
    let file = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("many.txt");
    std::fs::write(&file, "0.001:tick\n".repeat(20_000)).unwrap();
    for format in ["table", "json", "jsonl", "csv", "markdown", "trace"] {
        let mut child = Command::new(assert_cmd::cargo::cargo_bin("saywhen"))
            .args(["--virtual-time", "gather", "--format", format, "--file"])
            .arg(&file)
            .env("RUST_BACKTRACE", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut head = [0; 10];
        child.stdout.take().unwrap().read_exact(&mut head).unwrap();
        let output = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{format}: {stderr}");
        assert!(
            !stderr.contains("error") && !stderr.contains("panicked"),
            "{format}: {stderr}"
        );
    }
}

/// `saywhen ... >&- 2>&-`: with stdout and stderr closed there is nowhere
/// to write, and nothing to say about it; the exit code still tells.
#[cfg(unix)]
#[test]
fn closed_stdout_and_stderr() {
    let binary = assert_cmd::cargo::cargo_bin("saywhen");
    for (args, code) in [
        ("--virtual-time serial 1:a", 0),
        ("--virtual-time --format json tasks 1:a 2:b", 0),
        ("serial abc:x", 2),
        ("--virtual-time --max-wall 1ms serial 1:a", 1),
    ] {
        let script = format!("'{}' {args} >&- 2>&-", binary.display());
        let status = Command::new("sh")
            .args(["-c", &script])
            .env("RUST_BACKTRACE", "1")
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(code), "{args}");
    }
}
