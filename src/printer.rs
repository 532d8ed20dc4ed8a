//! The printer: one thread that owns stdout for the whole run.
//!
//! Modes must never block on output (a slow terminal would distort the very
//! timings we measure), so they only send events down a channel. This thread
//! renders them into a buffer and flushes whenever the channel runs empty:
//! a message reaches the screen (or the pipe) the moment it is said, yet a
//! burst of a thousand messages becomes a few large writes, not a thousand
//! small ones.

use std::io::{self, BufWriter, Write};
use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};

use crate::event::{Event, EventSink};
use crate::plan::Plan;
use crate::render::Renderer;
use crate::report::Report;

/// A running printer thread and the way to feed it.
pub struct Printer {
    sender: Sender<Event>,
    thread: JoinHandle<io::Result<Box<dyn Renderer>>>,
}

const BUFFER: usize = 64 * 1024;

impl Printer {
    /// Starts a thread that renders events for `plan` to stdout.
    pub fn spawn(plan: Arc<Plan>, renderer: Box<dyn Renderer>) -> io::Result<Printer> {
        let (sender, receiver) = mpsc::channel();
        let thread = thread::Builder::new()
            .name("saywhen-printer".into())
            .spawn(move || print_events(&receiver, &plan, renderer))?;
        Ok(Printer { sender, thread })
    }

    /// A sink that feeds this printer; give it to the run.
    pub fn sink(&self) -> Arc<dyn EventSink> {
        Arc::new(self.sender.clone())
    }

    /// Waits until every event has been printed, then prints the report.
    pub fn finish(self, report: &Report) -> io::Result<()> {
        let Printer { sender, thread } = self;
        drop(sender);
        let mut renderer = thread
            .join()
            .map_err(|_| io::Error::other("the printer thread panicked"))??;
        let mut out = BufWriter::with_capacity(BUFFER, io::stdout().lock());
        renderer.report(report, &mut out)?;
        out.flush()
    }
}

/// The printer thread: render each event; flush when none are waiting.
/// Ends when every sender (the printer's and the run's) is gone.
fn print_events(
    receiver: &Receiver<Event>,
    plan: &Plan,
    mut renderer: Box<dyn Renderer>,
) -> io::Result<Box<dyn Renderer>> {
    let mut out = BufWriter::with_capacity(BUFFER, io::stdout().lock());
    while let Ok(event) = receiver.recv() {
        renderer.event(&event, plan, &mut out)?;
        while let Ok(event) = receiver.try_recv() {
            renderer.event(&event, plan, &mut out)?;
        }
        out.flush()?;
    }
    Ok(renderer)
}
