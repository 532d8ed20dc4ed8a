//! `--export checks.junit.xml`: the expectations of `--check`,
//! `--max-wall` and `--baseline` as a JUnit XML report, the format every CI
//! reads (GitLab's test report, Jenkins' junit step, the GitHub actions that
//! publish test results).
//!
//! One `<testcase>` per mode and expectation: `classname` is the mode,
//! `name` the expectation (`expected wall 3s ± 300ms`), `time` the wall
//! judged (the median, with `--runs`) in seconds with three decimals. A
//! failed expectation holds a `<failure>` whose `message` says what was
//! expected and what was measured; a mode stopped early (Ctrl-C) holds an
//! `<error>` instead, since nothing was really judged.
//!
//! A scenario's command leaves (`sh('make test')`) are test cases too, one
//! each: `classname` the scenario, `name` the command's label, `time` how
//! long it ran; a failing one holds a `<failure>` whose `message` is how it
//! ended (`exit 2`) and whose text is the end of its output; one that did
//! not run to its end (cancelled, skipped) is `<skipped>`.
//!
//! The layout satisfies the strictest schema in use (the Ant JUnit XSD
//! that Jenkins documents): a bare `<testsuites>` root, one `<testsuite>` with
//! `name`, `package`, `id`, `timestamp` (no offset), `hostname`, `tests`,
//! `failures`, `errors` and `time`, its `<properties>` first and
//! `<system-out>`, `<system-err>` last.

use std::io::{self, Write};
use std::time::Duration;

use crate::escape::escape;
use crate::measure::Measurement;
use crate::measure::check::{Criterion, Verdict};

/// What the suite is called and where it ran.
#[derive(Debug, Clone, Copy)]
pub struct Suite<'a> {
    /// `saywhen compare`, `saywhen serial`.
    pub name: &'a str,
    pub hostname: &'a str,
}

/// Writes `verdicts` on `measurements` as one JUnit document.
pub fn write(
    suite: Suite<'_>,
    measurements: &[Measurement],
    verdicts: &[Verdict],
    out: &mut dyn Write,
) -> io::Result<()> {
    let commands = commands(measurements);
    let failures = verdicts
        .iter()
        .filter(|v| v.interrupted.is_none() && v.failure.is_some())
        .count()
        + commands
            .iter()
            .filter(|c| c.outcome == Outcome::Failed)
            .count();
    let errors = verdicts.iter().filter(|v| v.interrupted.is_some()).count();
    let time = seconds(total_wall(measurements));
    let tests = verdicts.len() + commands.len();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    // The root carries no attributes: the Ant schema allows none there, and
    // every reader takes the counts from the suite.
    writeln!(out, "<testsuites>")?;
    let timestamp = measurements
        .first()
        .map(|m| {
            m.first()
                .started_at
                .strftime("%Y-%m-%dT%H:%M:%S")
                .to_string()
        })
        .unwrap_or_default();
    writeln!(
        out,
        r#"  <testsuite name="{}" package="saywhen" id="0" timestamp="{timestamp}" hostname="{}" tests="{tests}" failures="{failures}" errors="{errors}" time="{time}">"#,
        xml(suite.name),
        xml(suite.hostname),
    )?;
    properties(measurements, out)?;
    for verdict in verdicts {
        testcase(verdict, out)?;
    }
    for command in &commands {
        command_case(command, out)?;
    }
    writeln!(out, "    <system-out/>")?;
    writeln!(out, "    <system-err/>")?;
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// The run's settings, so a report read later says what was measured.
fn properties(measurements: &[Measurement], out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "    <properties>")?;
    if let Some(first) = measurements.first() {
        let report = first.first();
        let property = |out: &mut dyn Write, name: &str, value: &str| {
            writeln!(
                out,
                r#"      <property name="{name}" value="{}"/>"#,
                xml(value)
            )
        };
        property(out, "clock", report.clock.name())?;
        property(out, "pairs", &report.plan.len().to_string())?;
        property(out, "runs", &first.counted().to_string())?;
        property(out, "warmup", &first.warmup().to_string())?;
        property(out, "runtime", report.runtime.flavor.name())?;
    }
    writeln!(out, "    </properties>")
}

fn testcase(verdict: &Verdict, out: &mut dyn Write) -> io::Result<()> {
    let open = format!(
        r#"    <testcase name="{}" classname="{}" time="{}""#,
        xml(&verdict.criterion.name()),
        verdict.mode,
        seconds(verdict.measured)
    );
    if let Some(by) = verdict.interrupted {
        writeln!(out, "{open}>")?;
        writeln!(
            out,
            r#"      <error message="{}" type="interrupted"/>"#,
            xml(&format!(
                "interrupted by {by} before the expectation could be judged"
            ))
        )?;
        return writeln!(out, "    </testcase>");
    }
    let Some(failure) = &verdict.failure else {
        return writeln!(out, "{open}/>");
    };
    writeln!(out, "{open}>")?;
    writeln!(
        out,
        r#"      <failure message="{}" type="{}">{}</failure>"#,
        xml(&verdict.expected_vs_measured()),
        kind(&verdict.criterion),
        xml(&failure.to_string())
    )?;
    writeln!(out, "    </testcase>")
}

/// How a command leaf's test case came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Passed,
    Failed,
    /// Cancelled, skipped, or cut off by a stop: it did not run to its end.
    Skipped(&'static str),
}

/// One command leaf of a scenario's first counted run, as a test case.
struct CommandCase {
    /// The scenario, as its report labels it.
    classname: String,
    name: String,
    time: Duration,
    outcome: Outcome,
    /// What it ended with: `exit 2`, `killed by signal 9 (SIGKILL)`.
    exit: String,
    output: String,
}

/// One test case per command leaf, in order, of each measurement's first
/// counted run (only scenarios have them).
fn commands(measurements: &[Measurement]) -> Vec<CommandCase> {
    let mut cases = Vec::new();
    for m in measurements {
        let report = m.first();
        let classname = report.label().into_owned();
        for (command, run) in report.scenario.commands().iter().zip(&report.commands) {
            let timing = report
                .timings
                .get(command.pair as usize)
                .copied()
                .unwrap_or_default();
            let status = crate::measure::report::Status::of(timing);
            let outcome = match (run, status) {
                (Some(run), _) if run.failed() => Outcome::Failed,
                (Some(_), crate::measure::report::Status::Done) => Outcome::Passed,
                (_, status) => Outcome::Skipped(status.name()),
            };
            cases.push(CommandCase {
                classname: classname.clone(),
                name: command.label(),
                time: run.as_ref().map_or(Duration::ZERO, |run| run.took),
                outcome,
                exit: run
                    .as_ref()
                    .map_or_else(String::new, |run| run.exit.to_string()),
                output: run
                    .as_ref()
                    .map_or_else(String::new, |run| run.output.text()),
            });
        }
    }
    cases
}

/// A command's test case: its output goes with a failure.
fn command_case(case: &CommandCase, out: &mut dyn Write) -> io::Result<()> {
    let open = format!(
        r#"    <testcase name="{}" classname="{}" time="{}""#,
        xml(&case.name),
        xml(&case.classname),
        seconds(case.time)
    );
    match case.outcome {
        Outcome::Passed => writeln!(out, "{open}/>"),
        Outcome::Skipped(why) => {
            writeln!(out, "{open}>")?;
            writeln!(out, r#"      <skipped message="{}"/>"#, xml(why))?;
            writeln!(out, "    </testcase>")
        }
        Outcome::Failed => {
            writeln!(out, "{open}>")?;
            writeln!(
                out,
                r#"      <failure message="{}" type="command">{}</failure>"#,
                xml(&case.exit),
                // Line by line: the line breaks stay, control characters
                // inside a line are escaped.
                case.output.lines().map(xml).collect::<Vec<_>>().join("\n")
            )?;
            writeln!(out, "    </testcase>")
        }
    }
}

/// The failure's `type`: which kind of expectation failed.
fn kind(criterion: &Criterion) -> &'static str {
    match criterion {
        Criterion::ExpectedWall { .. } => "expected wall",
        Criterion::MaxWall(_) => "max wall",
        Criterion::Baseline { .. } => "baseline",
    }
}

/// Every counted run's wall, added up: what the suite took.
fn total_wall(measurements: &[Measurement]) -> Duration {
    measurements.iter().map(|m| m.wall().total).sum()
}

/// Seconds with three decimals, as JUnit readers expect: `3.000`.
fn seconds(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64())
}

/// Text for an attribute or element: control characters escaped as in
/// the human view (XML 1.0 cannot hold most of them at all), then XML's
/// own.
fn xml(text: &str) -> String {
    super::svg::xml(&escape(text))
}

/// This machine's name, for the suite's `hostname`; `localhost` when the
/// system will not say.
pub fn hostname() -> String {
    let mut buf = [0u8; 256];
    // SAFETY: gethostname writes at most `buf.len()` bytes into `buf`.
    let ok = unsafe { libc::gethostname(buf.as_mut_ptr().cast(), buf.len()) } == 0;
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    match std::str::from_utf8(&buf[..end]) {
        Ok(name) if ok && !name.is_empty() => name.to_owned(),
        _ => "localhost".to_owned(),
    }
}
