//! GitHub Actions, first-class: when `GITHUB_ACTIONS=true` (the runner
//! sets it in every step), a failed expectation is also a workflow
//! command, `::error title=saywhen check::...`, which GitHub shows as an
//! annotation on the run and the pull request; and when
//! `GITHUB_STEP_SUMMARY` names a file, saywhen appends a Markdown summary
//! to it: the tables, the checks, and the timeline as a Mermaid chart,
//! which GitHub draws on the run's page.
//!
//! The environment is read once, at the start (see [`GithubActions::detect`]);
//! the rest only writes. Outside GitHub Actions nothing here runs.

use std::ffi::OsString;
use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::PathBuf;

use crate::escape::escape;
use crate::measure::baseline::{Baseline, Row};
use crate::measure::check::{Failure, Verdict};
use crate::output::export::Results;
use crate::render::markdown::{self, Markdown};
use crate::render::{self, Renderer, mermaid};

/// The title of every annotation saywhen makes.
pub const TITLE: &str = "saywhen check";

/// A job summary leaves out a pairs table longer than this: GitHub refuses
/// a step's summary past 1 MiB.
pub const MAX_SUMMARY_PAIRS: usize = 1_000;

/// Running inside a GitHub Actions step.
#[derive(Debug)]
pub struct GithubActions {
    /// The job summary, opened to append; `None` when the runner gave none.
    summary: Option<File>,
}

impl GithubActions {
    /// Reads the process's environment: `None` unless `GITHUB_ACTIONS` is
    /// `true`.
    pub fn detect() -> Option<GithubActions> {
        GithubActions::from_env(|name| std::env::var_os(name))
    }

    /// [`GithubActions::detect`] on any environment. The summary file is
    /// opened now, so a run does not go to waste over it; one that cannot
    /// be opened is a warning on stderr, not a failure: the summary is a
    /// courtesy, the run's output is elsewhere.
    pub fn from_env(var: impl Fn(&str) -> Option<OsString>) -> Option<GithubActions> {
        if var("GITHUB_ACTIONS")? != "true" {
            return None;
        }
        let summary = var("GITHUB_STEP_SUMMARY")
            .filter(|path| !path.is_empty())
            .map(PathBuf::from)
            .and_then(|path| match open_to_append(&path) {
                Ok(file) => Some(file),
                Err(error) => {
                    let _ = writeln!(
                        io::stderr(),
                        "warning: cannot append the job summary to GITHUB_STEP_SUMMARY={}: {error}",
                        escape(&path.to_string_lossy())
                    );
                    None
                }
            });
        Some(GithubActions { summary })
    }

    /// Prints one `::error` workflow command per failure to `out`.
    pub fn annotate(&self, failures: &[Failure], out: &mut dyn Write) -> io::Result<()> {
        for failure in failures {
            writeln!(out, "{}", error_command(TITLE, &failure.to_string()))?;
        }
        out.flush()
    }

    /// Prints the `::error` workflow command of a failed command leaf,
    /// titled with its label.
    pub fn annotate_command(
        &self,
        label: &str,
        message: &str,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let title = format!("saywhen: {} failed", escape(label));
        writeln!(out, "{}", error_command(&title, message))
    }

    /// Appends the summary of `results` and `verdicts` to the job summary,
    /// if there is one. A failure is a warning on stderr, like a summary
    /// file that cannot be opened.
    pub fn summarise(
        &mut self,
        results: Results<'_>,
        verdicts: &[Verdict],
        baseline: Option<(&Baseline, &[Row])>,
    ) {
        let Some(file) = &mut self.summary else {
            return;
        };
        let mut text = Vec::new();
        // One write: commands that run at once each append whole summaries.
        let written = summary(results, verdicts, baseline, &mut text)
            .and_then(|()| file.write_all(&text))
            .and_then(|()| file.flush());
        if let Err(error) = written {
            let _ = writeln!(
                io::stderr(),
                "warning: could not append the job summary: {error}"
            );
        }
    }
}

fn open_to_append(path: &std::path::Path) -> io::Result<File> {
    OpenOptions::new().append(true).create(true).open(path)
}

/// The job summary: a heading, the tables, the checks, the baseline, the
/// chart.
pub fn summary(
    results: Results<'_>,
    verdicts: &[Verdict],
    baseline: Option<(&Baseline, &[Row])>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let first_runs = results.first_runs();
    let Some(first) = first_runs.first() else {
        return Ok(());
    };
    let command = results.command();
    let title = markdown::chart_title(command.trim_start_matches("saywhen "), first);
    // A blank line first: what came before may not have ended its line.
    writeln!(out, "\n### {}\n", markdown::escape_text(&title))?;
    let mut tables = Markdown {
        mermaid: false,
        max_pair_rows: Some(MAX_SUMMARY_PAIRS),
    };
    results.render(&mut tables as &mut dyn Renderer, out)?;
    if !verdicts.is_empty() {
        writeln!(out)?;
        markdown::write_checks(verdicts, out)?;
    }
    if let Some((baseline, rows)) = baseline {
        writeln!(out)?;
        render::baseline::write_markdown(baseline, rows, out)?;
    }
    writeln!(out)?;
    mermaid::write(&title, &first_runs, out)?;
    writeln!(out)
}

/// A workflow command, `::error title=TITLE::MESSAGE`, escaped as GitHub's
/// runner unescapes it.
pub fn error_command(title: &str, message: &str) -> String {
    format!(
        "::error title={}::{}",
        escape_property(title),
        escape_data(message)
    )
}

/// A command's message: `%`, CR and LF are the runner's escapes (a line
/// break would end the command; `%` starts an escape).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value: as a message, and `:` and `,`, which would
/// end the value.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_commands_escape_as_the_runner_unescapes() {
        assert_eq!(escape_data("10% of 3s\r\nnext"), "10%25 of 3s%0D%0Anext");
        assert_eq!(escape_data("%0A"), "%250A", "an escape typed is not one");
        assert_eq!(escape_property("a: b, c%"), "a%3A b%2C c%25");
        assert_eq!(
            error_command("saywhen check", "took 3s, 10% more\nsee"),
            "::error title=saywhen check::took 3s, 10%25 more%0Asee"
        );
    }

    #[test]
    fn only_github_actions_turns_it_on() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(key, _)| *key == name)
                    .map(|(_, value)| OsString::from(value))
            }
        };
        assert!(GithubActions::from_env(env(&[])).is_none());
        assert!(GithubActions::from_env(env(&[("GITHUB_ACTIONS", "1")])).is_none());
        let on = GithubActions::from_env(env(&[("GITHUB_ACTIONS", "true")])).unwrap();
        assert!(on.summary.is_none());
        const EMPTY: [(&str, &str); 2] = [("GITHUB_ACTIONS", "true"), ("GITHUB_STEP_SUMMARY", "")];
        assert!(
            GithubActions::from_env(env(&EMPTY))
                .unwrap()
                .summary
                .is_none()
        );
        const BAD: [(&str, &str); 2] = [
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_STEP_SUMMARY", "/no/such/dir/summary.md"),
        ];
        assert!(
            GithubActions::from_env(env(&BAD))
                .unwrap()
                .summary
                .is_none()
        );
    }
}
