//! The code behind a scenario (`saywhen run --emit`): the asyncio program,
//! run with python3 on the real clock, says what saywhen's arithmetic says
//! (the same messages, in the same order, at the same times, failing or
//! timing out as it does); the tokio programs kept in `examples/` are what
//! the emitter writes today, byte for byte, so `cargo test` (which builds
//! the examples) proves that emitted Rust compiles; and emitted Rust is
//! laid out as rustfmt would.
//!
//! The Python tests need python3 3.11 or newer (TaskGroup, asyncio.timeout).
//! Without it they print a note and pass; CI sets SAYWHEN_REQUIRE_PYTHON=1,
//! which makes a missing python3 a failure there instead.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

mod common;

use saywhen::engine::arithmetic::Schedule;
use saywhen::engine::record::End;
use saywhen::scenario::parse::parse_argument;
use saywhen::scenario::tree::Scenario;

fn scenario(text: &str) -> Scenario {
    parse_argument(text, 1, false).unwrap_or_else(|e| panic!("{text}: {e}"))
}

// ---------------------------------------------------------------------
// The examples: emitted Rust, kept and compiled.

/// Each example and the scenario it was emitted from.
const EXAMPLES: &[(&str, &str)] = &[
    ("gather_serial", "gather(serial(1:a, 2:b), 3:c)"),
    (
        "timeout_race",
        "timeout(2.5s, gather(race(2:slow, serial(0.5:a, 0.5:b)), 3:late))",
    ),
    (
        "group_fail",
        "serial(group(1:a, fail(0.5:boom), 2:c), 1:never)",
    ),
    (
        "limit_tasks",
        "limit(2, tasks(1:a, fail(1:b)), joinset(0.5:c, 0.25:d), 1:e)",
    ),
    (
        "blocking",
        "serial(tasks(block(0.5:a), block(0.5:b)), tasks(spawn_blocking(0.5:c), spawn_blocking(0.5:d)), threads(0.5:e, 0.5:f))",
    ),
    (
        "quoting",
        "serial(0:'it\\'s \"quoted\"', 0:'back\\\\slash', 0:'tab\there', 0:'line\nbreak', 0:'ünïcödé 👋', 0:'bidi\u{202e}override', 0:'bell\u{7}')",
    ),
];

/// `examples/*.rs` are the emitter's output, byte for byte: since cargo
/// builds every example for `cargo test`, and clippy checks them with
/// `--all-targets`, this proves the emitted programs compile cleanly.
/// After a deliberate change to the emitter, `SAYWHEN_BLESS=1 cargo test
/// --test emit` rewrites them.
#[test]
fn the_examples_are_what_the_emitter_writes() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let bless = std::env::var_os("SAYWHEN_BLESS").is_some();
    for (name, text) in EXAMPLES {
        let path = root.join(format!("{name}.rs"));
        let emitted = saywhen::emit::rust(&scenario(text));
        if bless {
            std::fs::write(&path, &emitted).expect("examples/ is writable");
            continue;
        }
        let kept = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (SAYWHEN_BLESS=1 writes it)", path.display()));
        assert!(
            kept == emitted,
            "examples/{name}.rs is not what the emitter writes for {text} (SAYWHEN_BLESS=1 rewrites it)"
        );
        let header = "// Emitted by saywhen from the scenario: ";
        assert!(
            kept.starts_with(header),
            "{name}: {}",
            kept.lines().next().unwrap_or("")
        );
    }
}

/// Emitted Rust is already rustfmt's layout, for the shapes that push it
/// hardest: long messages (arguments past 60 columns, lines past 100),
/// wide groups, failures (`.map(Ok)`), deep trees (boxed every 8 levels).
#[test]
fn emitted_rust_is_rustfmt_clean() {
    let Some(rustfmt) = tool("rustfmt", &["--version"]) else {
        eprintln!("note: skipping: needs rustfmt");
        return;
    };
    let long = "a message long enough to push its call past the sixty columns rustfmt allows";
    let mut texts: Vec<String> = EXAMPLES.iter().map(|(_, t)| t.to_string()).collect();
    texts.extend([
        format!("gather(1:'{long}', serial(2:'{long}', fail(1:'{long}')), 3:b)"),
        format!("group(tasks(1:a, 1:'{long}'), fail(2:'{long}'), joinset(1:'{long}', fail(1:x)))"),
        format!("limit(3, race(1:'{long}', fail(1:x)), 1:'{long}', timeout(1, 2:'{long}'))"),
        format!(
            "race({}, serial(1:x))",
            (0..12)
                .map(|i| format!("1:'{long} {i}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!(
            "tasks({}, fail(1:x))",
            (0..12)
                .map(|i| format!("1:m{i}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        format!("threads(1:'{long}')"),
        format!("{}1:deep{}", "limit(2, ".repeat(100), ")".repeat(100)),
        format!("{}fail(1:deep){}", "gather(".repeat(100), ")".repeat(100)),
    ]);
    for text in texts {
        let emitted = saywhen::emit::rust(&scenario(&text));
        let formatted = pipe(&rustfmt, &["--edition", "2024"], &emitted);
        assert!(
            formatted == emitted,
            "rustfmt changes the program for {text}:\n{}",
            first_difference(&emitted, &formatted)
        );
    }
}

fn first_difference(a: &str, b: &str) -> String {
    let line = a
        .lines()
        .zip(b.lines())
        .position(|(x, y)| x != y)
        .unwrap_or(0);
    let around = |text: &str| {
        text.lines()
            .skip(line.saturating_sub(2))
            .take(6)
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!("emitted:\n{}\nrustfmt:\n{}", around(a), around(b))
}

// ---------------------------------------------------------------------
// The asyncio programs, run.

/// `python3` if it is 3.11 or newer; `None` (with a note) otherwise,
/// unless CI requires it.
fn python() -> Option<String> {
    let check = "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)";
    let found = tool("python3", &["-c", check]);
    if found.is_none() {
        assert!(
            std::env::var_os("SAYWHEN_REQUIRE_PYTHON").is_none(),
            "SAYWHEN_REQUIRE_PYTHON is set, but python3 3.11 or newer is not there"
        );
        eprintln!("note: skipping: needs python3 3.11 or newer");
    }
    found
}

/// `name` if running it with `args` succeeds.
fn tool(name: &str, args: &[&str]) -> Option<String> {
    let ok = Command::new(name)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    ok.then(|| name.to_owned())
}

/// `program` run with `input` on stdin; its stdout.
fn pipe(program: &str, args: &[&str], input: &str) -> String {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("the program starts");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("the program reads its input");
    let output = child.wait_with_output().expect("the program ends");
    assert!(output.status.success(), "{program} failed");
    String::from_utf8(output.stdout).expect("UTF-8")
}

/// What an emitted program printed: each line after `started at`, with
/// when it arrived, counted from the `started at` line.
struct Printed {
    lines: Vec<(String, Duration)>,
    stderr: String,
}

fn run_python(python: &str, program: &str) -> Printed {
    let mut file = tempfile::Builder::new()
        .suffix(".py")
        .tempfile()
        .expect("a temporary file");
    file.write_all(program.as_bytes())
        .expect("the program is written");
    let mut child = Command::new(python)
        .arg(file.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut started = None;
    let mut lines = Vec::new();
    for line in stdout.lines() {
        let line = line.expect("UTF-8 lines");
        let now = Instant::now();
        match started {
            None => {
                assert!(line.starts_with("started at "), "{line}");
                started = Some(now);
            }
            Some(at) => lines.push((line, now - at)),
        }
    }
    let output = child.wait_with_output().expect("python3 ends");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(
        output.status.success(),
        "python3 failed: {stderr}\n{program}"
    );
    Printed { lines, stderr }
}

/// On a loaded 2-core machine a timer may end a few ms late and a line
/// take a while to arrive: each time is checked to within this (and a
/// run that misses is run again, twice at most).
const TOLERANCE: Duration = Duration::from_millis(60);

fn near(measured: Duration, expected: Duration) -> bool {
    measured.abs_diff(expected) <= TOLERANCE
}

/// Runs the emitted program for `text` and checks it against the
/// arithmetic: the messages said (pairs that end done) in order of their
/// expected end, each near its time; the `failed:` line exactly when the
/// root fails or times out (naming the first failing pair's message, or
/// TimeoutError); `finished at` near the expected wall; nothing on stderr.
fn check_against_arithmetic(python: &str, text: &str) {
    let scenario = scenario(text);
    let schedule = Schedule::of(&scenario);
    let pairs = scenario.plan().pairs();
    let mut said: Vec<(&str, Duration)> = schedule
        .pairs()
        .zip(pairs)
        .filter(|(expected, _)| expected.end == End::Done)
        .map(|(expected, pair)| (pair.message.as_str(), expected.end_at))
        .collect();
    said.sort_by_key(|(_, at)| *at);
    let root = schedule.of_node(scenario.root());
    // What the root's failure names: its first cause, a failing pair (by
    // its message) or a deadline (TimeoutError).
    let failing_pairs = schedule
        .pairs()
        .zip(pairs)
        .filter(|(expected, _)| expected.end == End::Failed)
        .map(|(expected, pair)| (expected.end_at, format!("'{}'", pair.message)));
    let deadlines = schedule
        .groups
        .iter()
        .filter(|expected| expected.end == End::TimedOut)
        .map(|expected| (expected.end_at, "TimeoutError".to_owned()));
    let failure = root
        .end
        .failed()
        .then(|| failing_pairs.chain(deadlines).min_by_key(|(at, _)| *at))
        .flatten()
        .map(|(_, cause)| cause);
    expect_printed(
        python,
        text,
        &scenario,
        &said,
        failure.as_deref(),
        root.end_at,
    );
}

fn expect_printed(
    python: &str,
    text: &str,
    scenario: &Scenario,
    said: &[(&str, Duration)],
    failure: Option<&str>,
    wall: Duration,
) {
    let program = saywhen::emit::python(scenario);
    // A load spike on a shared 2-core machine can hold python3 past the
    // tolerance; what the program says must hold in one of three runs,
    // and the last miss is what the test reports.
    let mut miss = String::new();
    for _ in 0..3 {
        let printed = run_python(python, &program);
        match judge(text, printed, said, failure, wall) {
            Ok(()) => return,
            Err(why) => miss = why,
        }
    }
    panic!("{miss}\n{program}");
}

/// What one run of the emitted program printed, against the arithmetic.
fn judge(
    text: &str,
    printed: Printed,
    said: &[(&str, Duration)],
    failure: Option<&str>,
    wall: Duration,
) -> Result<(), String> {
    if !printed.stderr.is_empty() {
        return Err(format!("{text}: stderr: {}", printed.stderr));
    }
    let mut lines = printed.lines;
    let Some((finished, finished_at)) = lines.pop() else {
        return Err(format!("{text}: no finished line"));
    };
    if !finished.starts_with("finished at ") {
        return Err(format!("{text}: {finished}"));
    }
    if !near(finished_at, wall) {
        return Err(format!("{text}: wall {finished_at:?}, expected {wall:?}"));
    }
    let failed = match lines.last() {
        Some((line, _)) if line.starts_with("failed: ") => lines.pop().map(|(line, _)| line),
        _ => None,
    };
    match (failure, &failed) {
        (None, None) => {}
        (Some(expected), Some(line)) if line.contains(expected) => {}
        _ => {
            return Err(format!(
                "{text}: failed line {failed:?}, expected a failure: {failure:?}"
            ));
        }
    }
    let messages: Vec<&str> = lines.iter().map(|(line, _)| line.as_str()).collect();
    let expected: Vec<&str> = said.iter().map(|(message, _)| *message).collect();
    if messages != expected {
        return Err(format!(
            "{text}: the messages said, in order: {messages:?}, expected {expected:?}"
        ));
    }
    for ((message, at), (_, expected_at)) in lines.iter().zip(said) {
        if !near(*at, *expected_at) {
            return Err(format!(
                "{text}: {message} said at {at:?}, expected {expected_at:?}"
            ));
        }
    }
    Ok(())
}

/// Every kind of group, each with delays far enough apart (50 ms and
/// more) that the order cannot flip on a loaded machine.
#[test]
fn emitted_python_says_what_the_arithmetic_says() {
    let Some(python) = python() else { return };
    let scenarios = [
        // gather over a serial: max(0.1 + 0.2, 0.25)
        "gather(serial(0.1:a, 0.2:b), 0.25:c)",
        "tasks(0.2:a, serial(0.05:b, 0.1:c))",
        // collected as they complete
        "joinset(0.15:a, 0.05:b, 0.1:c)",
        // the first to finish wins, slow is cancelled
        "race(0.3:slow, serial(0.1:a, 0.1:b))",
        // two permits: c waits for a, d for b
        "limit(2, 0.1:a, 0.15:b, 0.1:c, 0.1:d)",
        "limit(1, serial(0.05:a, 0.05:b), 0.1:c)",
        // the deadline cuts b
        "timeout(0.25s, gather(0.1:a, 0.4:b))",
        "timeout(0.3, serial(0.1:a, 0.1:b))",
        "threads(0.1:a, 0.2:b)",
        "tasks(spawn_blocking(0.1:a), spawn_blocking(0.15:b), 0.05:c)",
        // a group of every kind at once
        "serial(gather(0.05:a, tasks(0.1:b)), joinset(0.05:c), race(0.1:d, 0.3:x), limit(1, 0.05:e), threads(0.05:f))",
    ];
    for text in scenarios {
        check_against_arithmetic(&python, text);
    }
}

/// Failures, as the engine has them: a serial stops at one; gather, tasks,
/// joinset and limit let the others finish and then fail; a task group
/// cancels the rest at once; a race is won by the first to finish, even
/// failing; a timeout fails its parent as a failure does.
#[test]
fn emitted_python_fails_where_the_arithmetic_fails() {
    let Some(python) = python() else { return };
    let scenarios = [
        "serial(0.05:a, fail(0.1:boom), 0.1:skipped)",
        "gather(fail(0.05:boom), 0.15:a)",
        "tasks(fail(0.05:boom), 0.15:a)",
        "joinset(fail(0.05:boom), 0.15:a)",
        "limit(1, fail(0.05:boom), 0.1:a)",
        "group(0.2:a, fail(0.1:boom), 0.3:c)",
        "race(fail(0.05:boom), 0.2:a)",
        "race(0.05:a, fail(0.2:boom))",
        "serial(timeout(0.1, 0.3:cut), 0.1:skipped)",
        // a failure inside a group inside a race that it does not win
        "race(0.1:fast, group(fail(0.15:late), 0.3:x))",
        // a timeout cancelling a task group, a joinset and tasks
        "timeout(0.2, gather(group(0.1:a, 0.3:b), joinset(0.15:c, 0.3:d), tasks(0.05:e, 0.4:f)))",
        // a limit cut while children wait for their permits
        "timeout(0.15, limit(1, 0.1:a, 0.1:b, 0.1:c))",
    ];
    for text in scenarios {
        check_against_arithmetic(&python, text);
    }
}

/// The mistake, by hand: the arithmetic counts `block(...)` as if it slept
/// politely, but `time.sleep` in a coroutine holds the event loop, so b's
/// sleep only starts once a has blocked for its 0.1 s.
#[test]
fn emitted_python_blocks_the_event_loop() {
    let Some(python) = python() else { return };
    let text = "tasks(block(0.1:a), 0.05:b)";
    let ms = Duration::from_millis;
    let said = [("a", ms(100)), ("b", ms(150))];
    expect_printed(&python, text, &scenario(text), &said, None, ms(150));
}

/// A hundred levels deep and a thousand pairs wide: the programs nest by
/// functions and loop over tables, and still run.
#[test]
fn emitted_python_runs_deep_and_wide_trees() {
    let Some(python) = python() else { return };
    let deep = format!("{}0.05:deep{}", "serial(".repeat(100), ")".repeat(100));
    check_against_arithmetic(&python, &deep);
    let deep = format!(
        "{}0.05:deep, 0.1:x{}",
        "limit(1, ".repeat(100),
        ")".repeat(100)
    );
    check_against_arithmetic(&python, &deep);
    // 10 µs apart, so that the order is the arguments' on any machine.
    let wide: Vec<String> = (0..1000)
        .map(|i| format!("0.{:06}:m{i}", 100_000 + i * 10))
        .collect();
    check_against_arithmetic(&python, &format!("gather({})", wide.join(", ")));
    let program = saywhen::emit::python(&scenario(&format!("gather({})", wide.join(", "))));
    assert!(program.lines().count() < 1100, "a table: one line per pair");
}

/// Messages come out exactly as written, whatever they hold: quotes,
/// backslashes, newlines, control characters, bidi overrides, emoji.
#[test]
fn emitted_python_says_every_message_exactly() {
    let Some(python) = python() else { return };
    let messages = [
        "it's \"quoted\"",
        "back\\slash \\n not a newline",
        "tab\there",
        "line\nbreak\r\n",
        "ünïcödé 👋 世界",
        "bidi\u{202e}override\u{2028}\u{feff}",
        "esc\u{1b}[31m bell\u{7} nul\0",
        "{braces} and %s",
    ];
    let quoted: Vec<String> = messages
        .iter()
        .enumerate()
        .map(|(i, m)| format!("0.0{i}:'{}'", m.replace('\\', "\\\\").replace('\'', "\\'")))
        .collect();
    let text = format!("serial({})", quoted.join(", "));
    let scenario = scenario(&text);
    let said: Vec<&str> = scenario
        .plan()
        .pairs()
        .iter()
        .map(|p| p.message.as_str())
        .collect();
    assert_eq!(said, messages, "the scenario holds the messages");
    let program = saywhen::emit::python(&scenario);
    let mut file = tempfile::Builder::new()
        .suffix(".py")
        .tempfile()
        .expect("a file");
    file.write_all(program.as_bytes()).expect("written");
    let output = Command::new(&python)
        .arg(file.path())
        .output()
        .expect("python3 runs");
    assert!(output.status.success() && output.stderr.is_empty());
    let stdout = String::from_utf8(output.stdout).expect("UTF-8");
    let body = stdout
        .split_once('\n')
        .map(|(_, rest)| rest)
        .and_then(|rest| rest.strip_suffix('\n'))
        .and_then(|rest| rest.rsplit_once('\n'))
        .map(|(body, _)| body)
        .expect("started, messages, finished");
    assert_eq!(body, messages.join("\n"));
}

/// What a failing root prints, and that only `main` prints it.
#[test]
fn a_failing_root_is_reported_by_main() {
    let program = saywhen::emit::python(&scenario("group(1:a, fail(0.5:boom), 2:c)"));
    assert!(
        program.contains("    except Exception as error:\n        print(f\"failed: {error!r}\")\n")
    );
    let program = saywhen::emit::rust(&scenario("group(1:a, fail(0.5:boom), 2:c)"));
    assert!(program.contains(
        "    if let Err(error) = group_1().await {\n        println!(\"failed: {error}\");\n"
    ));
    // Nothing can fail here, so no Result anywhere.
    let program = saywhen::emit::rust(&scenario("gather(serial(1:a, 2:b), 3:c)"));
    assert!(!program.contains("Result"));
}

// ---------------------------------------------------------------------
// The command line.

/// `saywhen run --emit LANGUAGE SCENARIO` prints the emitter's program,
/// nothing else, and exits 0; `--file` may hold the scenario.
#[test]
fn run_emit_prints_the_program_instead_of_running() {
    let text = "timeout(1h, gather(serial(1h:a, 2h:b), 3h:c))";
    let cases = [
        ("python", saywhen::emit::python(&scenario(text))),
        ("rust", saywhen::emit::rust(&scenario(text))),
    ];
    for (language, program) in cases {
        // An hour-long scenario: only printing it can end this test.
        common::saywhen()
            .args(["run", "--emit", language, text])
            .timeout(Duration::from_secs(20))
            .assert()
            .success()
            .stdout(program.clone())
            .stderr("");
        let file = tempfile::NamedTempFile::new().expect("a file");
        std::fs::write(file.path(), format!("# the scenario\n{text}\n")).expect("written");
        let path = file.path().to_str().expect("a UTF-8 path");
        common::saywhen()
            .args(["run", "--emit", language, "--file", path])
            .timeout(Duration::from_secs(20))
            .assert()
            .success()
            .stdout(program);
    }
}

/// One program per scenario; and the options of a run mean nothing to a
/// program that is printed, not run: refused, not ignored.
#[test]
fn run_emit_refuses_what_it_cannot_do() {
    common::rejects(
        &["run", "--emit", "python", "1:a", "2:b"],
        "--emit writes the program of one scenario, not 2",
    );
    for option in [
        &["--timeout", "1"][..],
        &["--limit", "2"],
        &["--virtual-time"],
        &["--runs", "3"],
        &["--format", "json"],
        &["--export", "out.json"],
    ] {
        let mut args = vec!["run", "--emit", "rust", "1:a"];
        args.extend(option);
        common::rejects(
            &args,
            &format!(
                "{} is an option of a run; 'saywhen run --emit' prints a program",
                option[0]
            ),
        );
    }
    common::rejects(
        &["run", "--emit", "rust", "--dry-run", "1:a"],
        "'--emit <LANGUAGE>' cannot be used with '--dry-run'",
    );
    common::rejects(
        &["run", "--emit", "java", "1:a"],
        "invalid value 'java' for '--emit <LANGUAGE>'",
    );
    common::rejects(&["run", "--emit", "rust", "gather(1:a"], "invalid scenario");
}
