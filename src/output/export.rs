//! `--export FILE`: a report written to a file while the terminal shows
//! the human view, like hyperfine's exports. The file's extension picks
//! the format: `.json`, `.jsonl`, `.csv`, `.md`, `.trace.json` (the Chrome
//! Trace Event Format), `.svg` for the timeline as a picture, `.xml` for
//! the checks as a JUnit report (`checks.junit.xml`), or `.html` for the
//! lesson page that plays the run back step by step. `--export` may be
//! given more than once.
//!
//! An export never loses what was there before. Each file is checked
//! before anything runs (a mistyped directory fails at once, not after a
//! long run), but nothing is written until the report is complete. A
//! regular file is then written to a temporary file beside it, synced to
//! disk, and renamed over the old one: a full disk, a crash or a second
//! Ctrl-C half-way leaves the old file whole, never a truncated report.
//! A special file (`/dev/stdout`, a FIFO, a device) cannot be replaced,
//! so it is opened and written directly, and only then: a FIFO with no
//! reader yet does not hold up the run.

use std::fs::{self, File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::engine::signal::remove_if_killed;
use crate::escape::escape;
use crate::measure::Measurement;
use crate::measure::check::Verdict;
use crate::measure::compare::Comparison;
use crate::measure::report::Report;
use crate::render::style::Style;
use crate::render::{Format, Renderer, junit, lesson, svg};

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
    /// The run as a lesson page that plays it back step by step.
    Lesson,
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
            Results::One(m) => match m.mode() {
                Some(mode) => format!("saywhen {mode}"),
                None => "saywhen run".to_owned(),
            },
            Results::Compared(c) => match c.modes.first().and_then(|m| m.mode()) {
                None if !c.modes.is_empty() => "saywhen run".to_owned(),
                _ => "saywhen compare".to_owned(),
            },
        }
    }

    /// The first counted run of each mode: what a timeline draws.
    pub fn first_runs(self) -> Vec<&'a Report> {
        self.measurements().iter().map(Measurement::first).collect()
    }

    /// What a picture draws: each mode's first counted run, captioned
    /// with the wall the tables give.
    pub fn drawn(self) -> Vec<crate::render::timeline::Drawn<'a>> {
        let measurements: &'a [Measurement] = self.measurements();
        measurements
            .iter()
            .map(crate::render::timeline::Drawn::first_of)
            .collect()
    }
}

/// Why an export failed.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Found before anything ran: the file could never be written.
    #[error("cannot create the export file {}: {source}", shown(path))]
    Create { path: PathBuf, source: io::Error },
    /// Found at the end: the report could not be written (a regular file
    /// keeps what it held before).
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
            "html" | "htm" => Some(ExportKind::Lesson),
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
                 (use .json, .jsonl, .csv, .md, .svg, .trace.json, .junit.xml or .html)",
                crate::escape::Quoted(text)
            )
        })?;
        Ok(Export { path, kind })
    }

    /// Checks, without touching the file, that it can be written once the
    /// run is over: its directory takes a new file (a temporary one,
    /// removed at once), or the special file it names is writable.
    /// `judged` says whether any expectation will be: a JUnit report
    /// without one would be an empty suite, which CI reads as "no tests".
    pub fn prepare(&self, judged: bool) -> Result<ExportFile, ExportError> {
        if self.kind == ExportKind::Junit && !judged {
            return Err(ExportError::NothingToJudge {
                path: self.path.clone(),
            });
        }
        let create = |source| ExportError::Create {
            path: self.path.clone(),
            source,
        };
        let target = Target::of(&self.path).map_err(create)?;
        match &target {
            Target::Replace(file) => drop(temporary_beside(file).map_err(create)?),
            Target::Direct => writable(&self.path).map_err(create)?,
        }
        Ok(ExportFile {
            export: self.clone(),
            target,
        })
    }
}

/// How an export reaches its file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// A regular file (or none yet), at this path once symbolic links are
    /// followed: written beside it, then renamed over it.
    Replace(PathBuf),
    /// `/dev/stdout`, a FIFO, a device: opened and written as it is.
    Direct,
}

/// The most symbolic links followed before giving up, as the kernel does.
const MAX_LINKS: usize = 40;

impl Target {
    fn of(path: &Path) -> io::Result<Target> {
        let mut current = path.to_owned();
        for _ in 0..MAX_LINKS {
            // `/dev/stdout` and `/proc/self/fd/1` lead to whatever stdout
            // is, a regular file included: renaming over that file would
            // leave stdout writing to a file that has lost its name.
            if current.starts_with("/dev") || current.starts_with("/proc") {
                return Ok(Target::Direct);
            }
            let metadata = match fs::symlink_metadata(&current) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return Ok(Target::Replace(current));
                }
                other => other?,
            };
            let kind = metadata.file_type();
            if kind.is_symlink() {
                // A relative link is relative to the link's directory.
                let link = fs::read_link(&current)?;
                current = match current.parent() {
                    Some(dir) => dir.join(link),
                    None => link,
                };
            } else if kind.is_file() {
                return Ok(Target::Replace(current));
            } else if kind.is_dir() {
                return Err(io::Error::from(io::ErrorKind::IsADirectory));
            } else {
                return Ok(Target::Direct);
            }
        }
        Err(io::Error::other("too many levels of symbolic links"))
    }
}

/// A temporary file in `file`'s directory, with the permissions `file`
/// has (or a new file would get), so the rename changes only the content.
fn temporary_beside(file: &Path) -> io::Result<tempfile::NamedTempFile> {
    let dir = match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let name = file.file_name().unwrap_or_default().to_string_lossy();
    let existing = fs::metadata(file).ok().map(|m| m.permissions());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // As `File::create` would: 0o666 less the umask.
        builder.permissions(fs::Permissions::from_mode(0o666));
    }
    let temporary = builder.tempfile_in(dir)?;
    if let Some(permissions) = existing {
        // Exactly the old file's mode, which the umask may have narrowed.
        temporary.as_file().set_permissions(permissions)?;
    }
    Ok(temporary)
}

/// Whether this process may write to the special file at `path`, asked
/// without opening it: opening a FIFO waits for its reader.
#[cfg(unix)]
fn writable(path: &Path) -> io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let name = std::ffi::CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::from(io::ErrorKind::InvalidInput))?;
    // SAFETY: a valid NUL-terminated path; access only reads it.
    match unsafe { libc::access(name.as_ptr(), libc::W_OK) } {
        0 => Ok(()),
        _ => Err(io::Error::last_os_error()),
    }
}

#[cfg(not(unix))]
fn writable(path: &Path) -> io::Result<()> {
    fs::metadata(path).map(drop)
}

/// An export checked and waiting for the results.
#[derive(Debug)]
pub struct ExportFile {
    export: Export,
    target: Target,
}

impl ExportFile {
    /// The path given on the command line.
    pub fn path(&self) -> &Path {
        &self.export.path
    }

    /// Whether this export writes straight into a special file (which
    /// may block, as a FIFO with no reader does): such exports are best
    /// written after the others.
    pub fn is_direct(&self) -> bool {
        self.target == Target::Direct
    }

    /// Writes `results` in this file's format; `style` shapes the SVG, and
    /// `verdicts` are the expectations judged (what JUnit reports). A
    /// regular file is replaced only once the whole report is on disk.
    pub fn write(
        &self,
        results: Results<'_>,
        verdicts: &[Verdict],
        style: &Style,
    ) -> Result<(), ExportError> {
        let content = Content {
            results,
            verdicts,
            style,
        };
        let written = match &self.target {
            Target::Replace(file) => self.replace(file, content),
            Target::Direct => OpenOptions::new()
                .write(true)
                .truncate(true)
                .open(&self.export.path)
                .and_then(|file| self.fill(file, content).map(drop)),
        };
        written.map_err(|source| ExportError::Write {
            path: self.export.path.clone(),
            source,
        })
    }

    fn replace(&self, file: &Path, content: Content<'_>) -> io::Result<()> {
        let mut temporary = temporary_beside(file)?;
        // A signal that ends the process mid-write takes this file along.
        let _cleanup = remove_if_killed(temporary.path());
        self.fill(temporary.as_file_mut(), content)?;
        // On disk before it takes the old file's name: a crash just after
        // the rename must not leave an empty file there.
        temporary.as_file().sync_all()?;
        temporary.persist(file).map_err(|e| e.error)?;
        // The rename itself lives in the directory; a failure to sync it
        // loses nothing already written, so it is not an error.
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = File::open(dir).and_then(|dir| dir.sync_all());
        }
        Ok(())
    }

    /// Renders into `out`, buffered, and flushes.
    fn fill<W: Write>(&self, out: W, content: Content<'_>) -> io::Result<W> {
        let Content {
            results,
            verdicts,
            style,
        } = content;
        let mut out = BufWriter::new(out);
        match self.export.kind {
            ExportKind::Report(format) => {
                results.render(format.export_renderer(style).as_mut(), &mut out)?
            }
            ExportKind::Svg => svg::write(&results.drawn(), style, &mut out)?,
            ExportKind::Lesson => lesson::write(&results.first_runs(), &mut out)?,
            ExportKind::Junit => {
                let command = results.command();
                let hostname = junit::hostname();
                let suite = junit::Suite {
                    name: &command,
                    hostname: &hostname,
                };
                junit::write(suite, results.measurements(), verdicts, &mut out)?
            }
        }
        out.into_inner().map_err(io::IntoInnerError::into_error)
    }
}

/// What an export is made from.
#[derive(Clone, Copy)]
struct Content<'a> {
    results: Results<'a>,
    verdicts: &'a [Verdict],
    style: &'a Style,
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
            ("lesson.html", ExportKind::Lesson),
            ("Lesson.HTM", ExportKind::Lesson),
        ] {
            assert_eq!(Export::parse(name).map(|e| e.kind), Ok(kind), "{name}");
        }
        for bad in ["out.txt", "out", "json", ".csv.bak", "picture.png"] {
            let err = Export::parse(bad).unwrap_err();
            assert!(
                err.contains(
                    "(use .json, .jsonl, .csv, .md, .svg, .trace.json, .junit.xml or .html)"
                ),
                "{err}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn special_files_are_written_directly_and_links_are_followed() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink("real.json", &link).unwrap();
        assert_eq!(Target::of(&link).unwrap(), Target::Replace(real.clone()));
        assert_eq!(Target::of(&real).unwrap(), Target::Replace(real));
        for special in ["/dev/stdout", "/dev/null", "/proc/self/fd/1"] {
            assert_eq!(Target::of(Path::new(special)).unwrap(), Target::Direct);
        }
        let full = dir.path().join("full.json");
        std::os::unix::fs::symlink("/dev/full", &full).unwrap();
        assert_eq!(Target::of(&full).unwrap(), Target::Direct);
        let err = Target::of(dir.path()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::IsADirectory);
    }
}
