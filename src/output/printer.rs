//! The printer: one thread that owns stdout for the whole run.
//!
//! Modes must never block on output (a slow terminal would distort the very
//! timings we measure), so they only append events to a queue (see
//! [`crate::output::queue`]). This thread takes every waiting event at once, renders
//! them into a buffer and flushes whenever the queue runs empty:
//! a message reaches the screen (or the pipe) the moment it is said, yet a
//! burst of a thousand messages becomes a few large writes, not a thousand
//! small ones.

use std::io::{self, BufWriter, Write};
use std::sync::Arc;
use std::thread::{self, JoinHandle};
use std::time::Duration;

use crate::engine::event::{Batched, Event, EventSink};
use crate::engine::stop::{Stop, StopReason};
use crate::measure::report::Report;
use crate::output::progress::Progress;
use crate::output::queue::{QueueReceiver, QueueSender, Taken, queue};
use crate::render::Renderer;
use crate::scenario::plan::Plan;

/// A running printer thread and the way to feed it.
pub struct Printer {
    sender: QueueSender,
    thread: JoinHandle<io::Result<Box<dyn Renderer>>>,
}

const BUFFER: usize = 64 * 1024;

/// How often an idle printer checks that someone still reads stdout, so
/// `saywhen tasks 1h:a | head -1` ends as soon as head does, not in an hour.
const IDLE_CHECK: Duration = Duration::from_millis(100);

impl Printer {
    /// Starts a thread that renders events for `plan` to stdout.
    pub fn spawn(plan: Arc<Plan>, renderer: Box<dyn Renderer>) -> io::Result<Printer> {
        Printer::spawn_stopping(plan, renderer, None)
    }

    /// Like [`Printer::spawn`]; when output fails (most often: the reader
    /// of a pipe went away), asks `stop` to end the run rather than letting
    /// it wait out its delays with no one to tell.
    pub fn spawn_stopping(
        plan: Arc<Plan>,
        renderer: Box<dyn Renderer>,
        stop: Option<Stop>,
    ) -> io::Result<Printer> {
        Printer::spawn_with_progress(plan, renderer, stop, Progress::off())
    }

    /// Like [`Printer::spawn_stopping`], also feeding live progress on
    /// stderr, which is cleared around every write to stdout so the two
    /// never share a line.
    pub fn spawn_with_progress(
        plan: Arc<Plan>,
        renderer: Box<dyn Renderer>,
        stop: Option<Stop>,
        progress: Progress,
    ) -> io::Result<Printer> {
        let (sender, receiver) = queue();
        let thread = thread::Builder::new()
            .name("saywhen-printer".into())
            .spawn(move || {
                let printed = print_events(&receiver, &plan, renderer, progress);
                if let (Err(_), Some(stop)) = (&printed, stop) {
                    stop.request(StopReason::OutputClosed);
                }
                printed
            })?;
        Ok(Printer { sender, thread })
    }

    /// A sink that feeds this printer; give it to the run.
    pub fn sink(&self) -> Arc<dyn EventSink> {
        Arc::new(self.sender.clone())
    }

    /// Waits until every event has been printed, then prints the report.
    pub fn finish(self, report: &Report) -> io::Result<()> {
        self.finish_with(|renderer, out| renderer.report(report, out))
    }

    /// Waits until every event has been printed, then lets `render` print
    /// the end (a measurement, a comparison) with the same renderer.
    pub fn finish_with(
        self,
        render: impl FnOnce(&mut dyn Renderer, &mut dyn Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let Printer { sender, thread } = self;
        drop(sender);
        let mut renderer = thread
            .join()
            .map_err(|_| io::Error::other("the printer thread panicked"))??;
        let mut out = BufWriter::with_capacity(BUFFER, io::stdout().lock());
        render(renderer.as_mut(), &mut out)?;
        out.flush()
    }
}

/// The printer thread: render each event; flush when none are waiting.
/// Ends when every sender (the printer's and the run's) is gone.
fn print_events(
    receiver: &QueueReceiver,
    plan: &Arc<Plan>,
    mut renderer: Box<dyn Renderer>,
    mut progress: Progress,
) -> io::Result<Box<dyn Renderer>> {
    // Scenarios compared (`run A B`) each bring their own pairs: a run's
    // events name the pairs of the plan its `started` event brings.
    let (mut plan, mut progress_plan) = (plan.clone(), plan.clone());
    let mut out = BufWriter::with_capacity(BUFFER, io::stdout().lock());
    // Two buffers take turns with the queue's, so a burst's room is reused.
    let mut batch = Vec::new();
    loop {
        match receiver.take(&mut batch, IDLE_CHECK) {
            Taken::Events => {
                if progress.is_on() {
                    for queued in &batch {
                        let event = queued.event();
                        if let Event::Started { scenario, .. } = &event {
                            progress_plan = scenario.plan().clone();
                        }
                        progress.event(&event, &progress_plan);
                    }
                }
                // After an interruption nothing more belongs to the run, and
                // an OS thread still asleep (threads, spawn-blocking) would
                // keep the queue open: print up to it, then stop.
                let end = batch.iter().position(Batched::interrupted);
                // Every byte of the batch, including any flush the buffer
                // does on its own, is written while the progress bar is off
                // the screen.
                progress.suspend(|| {
                    for queued in batch.iter().take(end.map_or(batch.len(), |at| at + 1)) {
                        let event = match queued {
                            Batched::Pair(pair) => {
                                renderer.pair_event(*pair, &plan, &mut out)?;
                                continue;
                            }
                            Batched::Other(event) => &**event,
                        };
                        if let Event::Started { scenario, .. } = event {
                            plan = scenario.plan().clone();
                        }
                        renderer.event(event, &plan, &mut out)?;
                    }
                    out.flush()
                })?;
                if end.is_some() {
                    return Ok(renderer);
                }
                batch.clear();
            }
            Taken::Timeout if stdout_reader_gone() => {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            Taken::Timeout => {}
            Taken::Closed => return Ok(renderer),
        }
    }
}

/// Whether stdout is a pipe (or socket, or terminal) whose other end has
/// gone, found without writing: poll reports POLLERR on a pipe with no
/// reader, POLLHUP on a hung-up terminal; files and /dev/null report neither.
#[cfg(unix)]
fn stdout_reader_gone() -> bool {
    let mut stdout = libc::pollfd {
        fd: libc::STDOUT_FILENO,
        // No events asked for: errors and hang-ups are always reported.
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd, a count of 1, and a zero timeout; poll only
    // writes `revents`.
    let ready = unsafe { libc::poll(&mut stdout, 1, 0) };
    ready == 1 && stdout.revents & (libc::POLLERR | libc::POLLHUP) != 0
}

#[cfg(not(unix))]
fn stdout_reader_gone() -> bool {
    false
}
