//! `--export` never loses data: a file keeps its old content until a
//! complete report replaces it, whatever goes wrong (a usage error, a closed
//! or full stdout, another export failing, a full disk, a signal), and a
//! special file (a FIFO) is opened only once the report is ready. Each test
//! starts from a file holding `{"old":1}` and checks what is left.
//!
//! The signal tests wait for a line on stdout before signalling, as in
//! tests/faults.rs, so they do not depend on timing.

#![cfg(unix)]

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

const OLD: &str = "{\"old\":1}\n";

fn saywhen() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_saywhen"));
    cmd.env("TZ", "UTC").env("RUST_BACKTRACE", "1");
    cmd
}

/// A scratch directory with `name` in it, holding [`OLD`].
fn with_old_file(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, OLD).unwrap();
    (dir, path)
}

fn json_at(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", path.display()))
}

fn statuses(doc: &Value) -> Vec<String> {
    doc["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_str().unwrap().to_owned())
        .collect()
}

/// The files in `dir`, sorted: no temporary file may be left behind.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn stderr_text(output: &Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn a_usage_error_leaves_the_old_file_untouched() {
    let (dir, old) = with_old_file("old.json");
    for args in [
        // Found only once the modes are weighed: none can run here.
        &[
            "--virtual-time",
            "compare",
            "--limit",
            "2",
            "--modes",
            "blocking",
            "1:a",
        ][..],
        &["--virtual-time", "--workers", "2", "tasks", "1:a"],
        &["--virtual-time", "serial", "--file", "/no/such/pairs.txt"],
        &["--virtual-time", "serial", "nonsense"],
    ] {
        let output = saywhen()
            .args(args)
            .arg("--export")
            .arg(&old)
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(stderr_text(&output).starts_with("error: "), "{args:?}");
        assert_eq!(fs::read_to_string(&old).unwrap(), OLD, "{args:?}");
    }
    assert_eq!(files_in(dir.path()), ["old.json"]);
}

#[test]
fn a_stdout_closed_before_the_first_line_still_exports_the_whole_run() {
    let (_dir, report) = with_old_file("r.json");
    // A pipe whose reader is gone before saywhen starts: its very first
    // write fails, every time.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let output = saywhen()
        .args(["--virtual-time", "tasks", "1:a", "30:b", "--export"])
        .arg(&report)
        .stdout(writer)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr_text(&output), "", "a closed stdout is not an error");
    let doc = json_at(&report);
    assert_eq!(statuses(&doc), ["done", "done"]);
    assert_eq!(doc["wall_s"], 30.0);
    assert!(doc.get("interrupted").is_none(), "{doc}");
}

#[test]
fn head_closing_stdout_mid_run_does_not_stop_the_run_its_file_wants() {
    // `saywhen tasks 0:first 300ms:last --export r.json | head -1`
    let (_dir, report) = with_old_file("r.json");
    let mut child = saywhen()
        .args(["tasks", "0:first", "300ms:last", "--export"])
        .arg(&report)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.starts_with("started at"), "{first}");
    drop(stdout);
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stderr_text(&output), "");
    let doc = json_at(&report);
    assert_eq!(statuses(&doc), ["done", "done"], "{doc}");
}

#[test]
fn a_full_stdout_exits_74_and_still_exports() {
    let (_dir, report) = with_old_file("r.json");
    let output = saywhen()
        .args(["--virtual-time", "serial", "1:a", "--export"])
        .arg(&report)
        .stdout(fs::File::create("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(74));
    assert_eq!(
        stderr_text(&output),
        "error: could not write the output: No space left on device (os error 28)\n"
    );
    assert_eq!(statuses(&json_at(&report)), ["done"]);
}

#[test]
fn one_failing_export_does_not_cost_the_others_and_exits_74() {
    let dir = tempfile::tempdir().unwrap();
    let full = dir.path().join("full-link.json");
    std::os::unix::fs::symlink("/dev/full", &full).unwrap();
    let full_md = dir.path().join("full-link.md");
    std::os::unix::fs::symlink("/dev/full", &full_md).unwrap();
    let good = dir.path().join("good.json");
    fs::write(&good, OLD).unwrap();
    let output = saywhen()
        .args(["--virtual-time", "serial", "1:a"])
        .args(["--export".as_ref(), full.as_os_str()])
        .args(["--export".as_ref(), good.as_os_str()])
        .args(["--export".as_ref(), full_md.as_os_str()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(74));
    assert_eq!(statuses(&json_at(&good)), ["done"]);
    // Each failure on a line of its own, each an `error:`.
    let stderr = stderr_text(&output);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(lines[0].starts_with("error: could not write the export file "));
    assert!(lines[0].contains("full-link.json: No space left on device"));
    assert!(lines[1].contains("full-link.md: No space left on device"));
    assert!(
        String::from_utf8_lossy(&output.stdout).contains("finished at"),
        "stdout got its report"
    );
}

#[test]
fn a_disk_full_half_way_keeps_the_old_file_whole() {
    let (dir, report) = with_old_file("r.json");
    let pairs: Vec<String> = (0..2000).map(|i| format!("{i}ms:message {i}")).collect();
    let mut cmd = saywhen();
    cmd.args(["--virtual-time", "-q", "gather", "--export"])
        .arg(&report)
        .args(&pairs)
        .stdout(Stdio::null());
    // A file size limit is a disk that fills up at 16 KiB, for this
    // process only: writing past it fails with EFBIG (once SIGXFSZ, which
    // would kill the process instead, is ignored).
    use std::os::unix::process::CommandExt;
    // SAFETY: setrlimit and signal are async-signal-safe, and nothing else
    // runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            let limit = libc::rlimit {
                rlim_cur: 16 * 1024,
                rlim_max: 16 * 1024,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    let output = cmd.output().unwrap();
    assert_eq!(output.status.code(), Some(74));
    let stderr = stderr_text(&output);
    assert!(
        stderr.starts_with("error: could not write the export file "),
        "{stderr}"
    );
    assert_eq!(fs::read_to_string(&report).unwrap(), OLD);
    assert_eq!(files_in(dir.path()), ["r.json"], "no temporary file left");
}

#[test]
fn a_fifo_without_a_reader_does_not_hold_up_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.json");
    let status = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(status.success());
    let mut child = saywhen()
        .args(["--virtual-time", "--format", "jsonl", "-q", "serial", "1:a"])
        .arg("--export")
        .arg(&fifo)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    // The whole report reaches stdout while no one reads the FIFO; the
    // FIFO is opened only after that (a watchdog makes a hang a failure).
    let (sent, got) = std::sync::mpsc::channel();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    std::thread::spawn(move || {
        // The model's lines, then the summary.
        let mut line = String::new();
        while stdout.read_line(&mut line).is_ok_and(|n| n > 0) {
            if line.starts_with("{\"event\":\"summary\"") {
                break;
            }
            line.clear();
        }
        let _ = sent.send(line);
    });
    let summary = got.recv_timeout(std::time::Duration::from_secs(20));
    let Ok(summary) = summary else {
        let _ = child.kill();
        // Let a saywhen stuck opening the FIFO go.
        let _ = fs::File::open(&fifo);
        panic!("the run waited for the FIFO's reader");
    };
    assert!(summary.starts_with("{\"event\":\"summary\""), "{summary}");
    let mut exported = String::new();
    fs::File::open(&fifo)
        .unwrap()
        .read_to_string(&mut exported)
        .unwrap();
    assert!(child.wait().unwrap().success());
    let doc: Value = serde_json::from_str(&exported).unwrap();
    assert_eq!(statuses(&doc), ["done"]);
}

#[test]
fn a_link_is_followed_and_the_file_keeps_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let (dir, real) = with_old_file("real.csv");
    fs::set_permissions(&real, fs::Permissions::from_mode(0o640)).unwrap();
    let link = dir.path().join("link.csv");
    std::os::unix::fs::symlink("real.csv", &link).unwrap();
    let output = saywhen()
        .args(["--virtual-time", "serial", "1:a", "--export"])
        .arg(&link)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr_text(&output));
    assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
    let csv = fs::read_to_string(&real).unwrap();
    assert!(csv.starts_with("mode,run,index,message,"), "{csv}");
    let mode = fs::metadata(&real).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);
    assert_eq!(files_in(dir.path()), ["link.csv", "real.csv"]);
}

/// Starts saywhen on the real clock and waits for its `now` line.
fn said_now(args: &[&str], exports: &[&Path]) -> (Child, BufReader<std::process::ChildStdout>) {
    let mut cmd = saywhen();
    cmd.args(args);
    for path in exports {
        cmd.arg("--export").arg(path);
    }
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.ends_with("  now\n") {
        line.clear();
        assert!(stdout.read_line(&mut line).unwrap() > 0, "no 'now' line");
    }
    (child, stdout)
}

#[test]
fn sighup_exports_the_report_and_exits_129() {
    let (_dir, report) = with_old_file("r.json");
    let (mut child, mut stdout) = said_now(&["tasks", "0:now", "60:later"], &[&report]);
    common::send(&child, "-HUP");
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(129), "{rest}");
    assert!(rest.contains("interrupted at"), "{rest}");
    let doc = json_at(&report);
    assert_eq!(doc["interrupted"], "SIGHUP");
    assert_eq!(statuses(&doc), ["done", "interrupted"]);
}

#[test]
fn a_second_ctrl_c_in_blocking_leaves_the_old_file_whole() {
    use std::os::unix::process::ExitStatusExt;
    let (dir, report) = with_old_file("r.json");
    // The current-thread runtime's only thread sleeps in
    // std::thread::sleep: the first Ctrl-C cannot end the run, the second
    // ends the process.
    let (mut child, stdout) = said_now(&["blocking", "0:now", "60:later"], &[&report]);
    // Two signals sent at once may arrive as one: send until it is gone
    // (the first asks for a stop that cannot come for a minute, so the
    // process can only end by a later one).
    let status = loop {
        common::send(&child, "-INT");
        std::thread::sleep(std::time::Duration::from_millis(50));
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
    };
    drop(stdout);
    assert_eq!(status.signal(), Some(libc::SIGINT), "{status:?}");
    assert_eq!(fs::read_to_string(&report).unwrap(), OLD);
    assert_eq!(files_in(dir.path()), ["r.json"]);
}

#[test]
fn ctrl_c_leaves_five_valid_exports() {
    let dir = tempfile::tempdir().unwrap();
    let names = ["r.json", "r.jsonl", "r.csv", "r.md", "r.svg"];
    let paths: Vec<PathBuf> = names.iter().map(|n| dir.path().join(n)).collect();
    let exports: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let (mut child, mut stdout) = said_now(&["tasks", "0:now", "60:later"], &exports);
    common::send(&child, "-INT");
    stdout.read_to_string(&mut String::new()).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(130));

    assert_eq!(json_at(&paths[0])["interrupted"], "SIGINT");
    let jsonl = fs::read_to_string(&paths[1]).unwrap();
    let events: Vec<Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(events[2]["event"], "interrupted", "{jsonl}");
    let csv = fs::read_to_string(&paths[2]).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    assert_eq!(&rows[1][8], "interrupted");
    let markdown = fs::read_to_string(&paths[3]).unwrap();
    assert!(markdown.starts_with("| # | message |"), "{markdown}");
    let svg = fs::read_to_string(&paths[4]).unwrap();
    roxmltree::Document::parse(&svg).unwrap();
}
