//! Renderers: turn events (live) and the finished report into output. One
//! file per format; adding a format is adding a file and a `Format` variant.
//! Renderers never run anything, and never decide styling on their own:
//! what the terminal can show is decided once, at the edge, and passed in.

mod human;
mod json;
pub mod summary;
pub mod svg;
pub mod timeline;

use std::fmt;
use std::io::{self, Write};

use crate::event::Event;
use crate::plan::Plan;
use crate::report::Report;
use crate::style::Style;

pub use human::Human;
pub use json::Json;

/// An output format.
///
/// `event` is called for every event while the run goes on, on the printer
/// thread; `report` once, when the run is over.
pub trait Renderer: Send {
    fn event(&mut self, _event: &Event, _plan: &Plan, _out: &mut dyn Write) -> io::Result<()> {
        Ok(())
    }

    fn report(&mut self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The formats stdout can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Live lines, then a summary table, for people
    #[default]
    Table,
    /// One JSON document, for programs
    Json,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
        }
    }

    /// The renderer for this format; `style` shapes the human view.
    pub fn renderer(self, style: &Style) -> Box<dyn Renderer> {
        match self {
            Format::Table => Box::new(Human::new(style.clone())),
            Format::Json => Box::new(Json),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
