//! `--export FILE`: a report written to a file while the terminal shows
//! the human view, like hyperfine's exports. The file's extension picks
//! the format: `.json`, `.jsonl`, `.csv`, `.md`, `.trace.json` (the Chrome
//! Trace Event Format), `.svg` for the timeline as a picture, or `.xml` for
//! the checks as a JUnit report (`checks.junit.xml`). `--export` may be given more than once.
//!
//! Each file is created before anything runs, so a mistyped directory
//! fails at once rather than after a long run; it is filled once the run is
//! over.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::measure::Measurement;
use crate::measure::check::Verdict;
use crate::measure::compare::Comparison;
use crate::measure::report::Report;
use crate::output::escape::escape;
use crate::output::style::Style;
use crate::render::{Format, Renderer, junit, svg};

/// A file to export to, and the format its extension asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    pub path: PathBuf,
    pub kind: ExportKind,
}

/// What an export file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportKind {
    /// A report in one of the machine (or Markdown) formats.
    Report(Format),
    /// The timeline as a standalone SVG picture; a comparison stacks its
    /// modes on one axis.
    Svg,
    /// The expectations judged (`--check`, `--max-wall`) as JUnit XML.
    Junit,
}

/// What a command measured: one mode, or several compared.
#[derive(Debug, Clone, Copy)]
pub enum Results<'a> {
    One(&'a Measurement),
    Compared(&'a Comparison),
}

impl<'a> Results<'a> {
    /// Writes the end of the output with `renderer`.
    pub fn render(self, renderer: &mut dyn Renderer, out: &mut dyn Write) -> io::Result<()> {
        match self {
            Results::One(m) => renderer.measurement(m, out),
            Results::Compared(c) => renderer.comparison(c, out),
        }
    }

    /// Every measurement: one, or one per compared mode.
    pub fn measurements(self) -> &'a [Measurement] {
        match self {
            Results::One(m) => std::slice::from_ref(m),
            Results::Compared(c) => &c.modes,
        }
    }

    /// Why the runs were cut short, if one was stopped early.
    pub fn interrupted(self) -> Option<crate::engine::stop::StopReason> {
        self.measurements()
            .iter()
            .find_map(Measurement::interrupted)
    }

    /// What the command was: `saywhen serial`, `saywhen compare`.
    pub fn command(self) -> String {
        match self {
            Results::One(m) => format!("saywhen {}", m.mode()),
            Results::Compared(_) => "saywhen compare".to_owned(),
        }
    }

    /// The first counted run of each mode: what a timeline draws.
    pub fn first_runs(self) -> Vec<&'a Report> {
        self.measurements().iter().map(Measurement::first).collect()
    }
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("cannot create the export file {}: {source}", shown(path))]
    Create { path: PathBuf, source: io::Error },
    #[error("could not write the export file {}: {source}", shown(path))]
    Write { path: PathBuf, source: io::Error },
    /// A JUnit report asked for with nothing to judge.
    #[error(
        "--export {}: a JUnit report lists the checks, and none were asked for \
         (add --check or --max-wall)",
        shown(path)
    )]
    NothingToJudge { path: PathBuf },
}

fn shown(path: &Path) -> String {
    escape(&path.to_string_lossy()).into_owned()
}

impl ExportKind {
    /// The kind a file name asks for, by its extension (any case).
    pub fn of(path: &Path) -> Option<ExportKind> {
        let extension = path.extension()?.to_str()?.to_ascii_lowercase();
        // `run.trace.json` is a trace, not the JSON report: the name's
        // last two parts decide before its extension alone.
        let stem = Path::new(path.file_stem()?);
        let inner = stem.extension().and_then(|e| e.to_str());
        if extension == "json" && inner.is_some_and(|e| e.eq_ignore_ascii_case("trace")) {
            return Some(ExportKind::Report(Format::Trace));
        }
        match extension.as_str() {
            "svg" => Some(ExportKind::Svg),
            "xml" => Some(ExportKind::Junit),
            _ => Format::from_extension(&extension).map(ExportKind::Report),
        }
    }
}

impl Export {
    /// Reads `--export`'s value: a path whose extension names a format.
    pub fn parse(text: &str) -> Result<Export, String> {
        let path = PathBuf::from(text);
        let kind = ExportKind::of(&path).ok_or_else(|| {
            format!(
                "cannot tell the format of '{}' from its extension \
                 (use .json, .jsonl, .csv, .md, .svg, .trace.json or .junit.xml)",
                escape(text)
            )
        })?;
        Ok(Export { path, kind })
    }

    /// Creates (or truncates) the file, ready to be written at the end.
    /// `judged` says whether any expectation will be: a JUnit report
    /// without one would be an empty suite, which CI reads as "no tests".
    pub fn create(&self, judged: bool) -> Result<ExportFile, ExportError> {
        if self.kind == ExportKind::Junit && !judged {
            return Err(ExportError::NothingToJudge {
                path: self.path.clone(),
            });
        }
        let file = File::create(&self.path).map_err(|source| ExportError::Create {
            path: self.path.clone(),
            source,
        })?;
        Ok(ExportFile {
            export: self.clone(),
            out: BufWriter::new(file),
        })
    }
}

/// An export file, created and waiting for the results.
#[derive(Debug)]
pub struct ExportFile {
    export: Export,
    out: BufWriter<File>,
}

impl ExportFile {
    /// Writes `results` in this file's format; `style` shapes the SVG, and
    /// `verdicts` are the expectations judged (what JUnit reports).
    pub fn write(
        mut self,
        results: Results<'_>,
        verdicts: &[Verdict],
        style: &Style,
    ) -> Result<(), ExportError> {
        let written = match self.export.kind {
            ExportKind::Report(format) => {
                results.render(format.export_renderer().as_mut(), &mut self.out)
            }
            ExportKind::Svg => svg::write(&results.first_runs(), style, &mut self.out),
            ExportKind::Junit => {
                let command = results.command();
                let hostname = junit::hostname();
                let suite = junit::Suite {
                    name: &command,
                    hostname: &hostname,
                };
                junit::write(suite, results.measurements(), verdicts, &mut self.out)
            }
        };
        written
            .and_then(|()| self.out.flush())
            .map_err(|source| ExportError::Write {
                path: self.export.path.clone(),
                source,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_extension_picks_the_format() {
        for (name, kind) in [
            ("out.json", ExportKind::Report(Format::Json)),
            ("runs/out.JSONL", ExportKind::Report(Format::Jsonl)),
            ("x.ndjson", ExportKind::Report(Format::Jsonl)),
            ("a.b.csv", ExportKind::Report(Format::Csv)),
            ("README.md", ExportKind::Report(Format::Markdown)),
            ("notes.markdown", ExportKind::Report(Format::Markdown)),
            ("timeline.SVG", ExportKind::Svg),
            ("run.trace.json", ExportKind::Report(Format::Trace)),
            ("out/Run.TRACE.JSON", ExportKind::Report(Format::Trace)),
            ("trace.json", ExportKind::Report(Format::Json)),
            ("a.trace.jsonl", ExportKind::Report(Format::Jsonl)),
            ("checks.junit.xml", ExportKind::Junit),
            ("report.XML", ExportKind::Junit),
        ] {
            assert_eq!(Export::parse(name).map(|e| e.kind), Ok(kind), "{name}");
        }
        for bad in ["out.txt", "out", "json", ".csv.bak", "picture.png"] {
            let err = Export::parse(bad).unwrap_err();
            assert!(
                err.contains("(use .json, .jsonl, .csv, .md, .svg, .trace.json or .junit.xml)"),
                "{err}"
            );
        }
    }
}
