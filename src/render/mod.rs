//! Renderers: turn events (live) and the finished report into output. One
//! file per format; adding a format is adding a file and a `Format` variant.
//! Renderers never run anything, and never decide styling on their own:
//! what the terminal can show is decided once, at the edge, as a
//! [`style::Style`] (`style.rs`), and passed in.
//! A scenario's tree reaches the machine formats as the records of
//! [`nodes`], so every format says the same of each node; the model's
//! states of each node, and who holds the thread, as [`state_spans`].

pub mod at;
pub mod baseline;
mod compare_table;
mod csv;
pub mod fit;
mod human;
mod json;
mod jsonl;
pub mod junit;
pub mod lesson;
pub mod markdown;
pub mod mermaid;
pub mod nodes;
pub mod playback;
mod state_rows;
pub mod state_spans;
pub mod states;
pub mod style;
pub mod summary;
pub mod svg;
pub mod timeline;
pub mod trace;
pub mod tree;
mod tree_timeline;
mod wall_stats;

use std::fmt;
use std::io::{self, Write};

use crate::engine::event::{Event, PairEnd};
use crate::measure::Measurement;
use crate::measure::compare::Comparison;
use crate::measure::report::Report;
use crate::render::style::Style;
use crate::scenario::plan::Plan;
use crate::scenario::tree::Scenario;

pub use compare_table::CompareTable;
pub use csv::Csv;
pub use human::Human;
pub use json::Json;
pub use jsonl::Jsonl;
pub use markdown::Markdown;
pub use trace::Trace;

/// An output format.
///
/// `event` is called for every event while the run goes on, on the printer
/// thread; then, once it is over, `report` for one run, `measurement` for
/// repeated runs of one mode (`--runs`), or `comparison` for `compare`.
pub trait Renderer: Send {
    fn event(&mut self, _event: &Event, _plan: &Plan, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    /// A per-pair event, in the compact form the printer takes them in by
    /// the million; by default, [`Renderer::event`] of it.
    fn pair_event(&mut self, pair: PairEnd, plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
        self.event(&pair.event(), plan, out)
    }

    fn report(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()>;

    /// Repeated runs of one mode; by default, the first counted run's report.
    fn measurement(&mut self, m: &Measurement, out: &mut dyn Write) -> io::Result<()> {
        self.report(m.first(), out)
    }

    /// Several modes compared; by default, each mode's measurement in turn.
    fn comparison(&mut self, c: &Comparison, out: &mut dyn Write) -> io::Result<()> {
        c.modes.iter().try_for_each(|m| self.measurement(m, out))
    }
}

/// The formats stdout can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Live lines, then a summary table, for people
    #[default]
    Table,
    /// One JSON document, for programs
    Json,
    /// One JSON object per line, streamed as things happen, then a summary
    Jsonl,
    /// One row per pair (a scenario: per node) per run, for spreadsheets and data tools
    Csv,
    /// The summary table(s) in GitHub-flavoured Markdown
    #[value(alias = "md")]
    Markdown,
    /// The Chrome Trace Event Format, for Perfetto, chrome://tracing, speedscope
    Trace,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Jsonl => "jsonl",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
            Format::Trace => "trace",
        }
    }

    /// The renderer for this format; `style` shapes the human view.
    pub fn renderer(self, style: &Style) -> Box<dyn Renderer> {
        match self {
            Format::Table => Box::new(Human::new(style.clone())),
            Format::Json => Box::new(Json),
            Format::Jsonl => Box::new(Jsonl::live()),
            Format::Csv => Box::new(Csv),
            Format::Markdown => Box::new(Markdown {
                mermaid: style.mermaid,
                max_pair_rows: None,
            }),
            Format::Trace => Box::new(Trace),
        }
    }

    /// The renderer for `compare`: the same, except that the human view
    /// heads each mode's live lines and ends with the comparison table.
    pub fn compare_renderer(self, style: &Style) -> Box<dyn Renderer> {
        match self {
            Format::Table => Box::new(CompareTable::new(style.clone())),
            other => other.renderer(style),
        }
    }

    /// The renderer for an `--export` file, which sees no live events: a
    /// JSON Lines export replays each first run's events from its report.
    /// Of the style, only what is not about the terminal counts
    /// (`--mermaid`).
    pub fn export_renderer(self, style: &Style) -> Box<dyn Renderer> {
        match self {
            Format::Jsonl => Box::new(Jsonl::replaying()),
            other => other.renderer(&Style {
                mermaid: style.mermaid,
                ..Style::default()
            }),
        }
    }

    /// Whether `--dry-run` can print this format: all but the trace, which
    /// draws what ran.
    pub fn shows_dry_run(self) -> bool {
        self != Format::Trace
    }

    /// The trees of `scenarios` with the times they should take, before
    /// anything runs (`saywhen run --dry-run`).
    pub fn write_dry_run(
        self,
        scenarios: &[&Scenario],
        style: &Style,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        match self {
            Format::Json => json::write_planned(scenarios, out),
            Format::Jsonl => jsonl::write_planned(scenarios, out),
            Format::Csv => csv::write_planned(scenarios, out),
            Format::Markdown => markdown::write_planned(scenarios, out),
            Format::Table | Format::Trace => {
                for (n, scenario) in scenarios.iter().enumerate() {
                    if n > 0 {
                        writeln!(out)?;
                    }
                    tree::write_dry_run(scenario, style, out)?;
                }
                Ok(())
            }
        }
    }

    /// The format a file extension (lower case, no dot) asks for: `json`,
    /// `jsonl` (or `ndjson`), `csv`, `md` (or `markdown`).
    pub fn from_extension(extension: &str) -> Option<Format> {
        match extension {
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::Jsonl),
            "csv" => Some(Format::Csv),
            "md" | "markdown" => Some(Format::Markdown),
            _ => None,
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
