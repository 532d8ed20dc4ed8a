//! Live progress on stderr while a long run waits: the pairs still pending,
//! soonest first, with the time each has left, and an overall bar against
//! the expected wall.
//!
//! ```text
//! [██████████████░░░░░░░░░░░░░░░░░░░░░░░░░░]  1.2s / 3s expected
//!   world          1.8s left
//! ```
//!
//! It is only for a person watching: [`wanted`] turns it off for pipes, CI,
//! machine formats, the virtual clock and `--no-progress`, and it stays
//! hidden for the first second so short runs never flash a bar. The printer
//! feeds it every event and clears it around every write to stdout
//! ([`Progress::suspend`]), so a bar and a message never share a line; it
//! clears itself for good when the run finishes (or is dropped).

use std::io::{IsTerminal, Write};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::engine::clock::Clock;
use crate::engine::event::Event;
use crate::engine::stop::StopReason;
use crate::render::fit;
use crate::render::style::Style;
use crate::scenario::mode::Mode;
use crate::scenario::plan::Plan;
use crate::scenario::units::human;

/// Runs shorter than this never show a bar.
const SHOW_AFTER: Duration = Duration::from_secs(1);

/// How often the bar and the times left are refreshed.
const TICK: Duration = Duration::from_millis(100);

/// Pending pairs listed under the bar; the rest are counted.
const LISTED: usize = 4;

/// Width of the overall bar, when the line has room for it.
const BAR: usize = 40;

/// Widest message label under the bar.
const LABEL: usize = 24;

/// Whether live progress should be shown: a person is watching stderr, this
/// is not CI, the output is the human view, the clock is real, and nobody
/// said `--no-progress`. Not when stdout is a pipe either: whatever reads
/// it (`| tee`, `| less`) writes to the same screen when it likes, and
/// could not be kept off the bar's lines.
pub fn wanted(no_progress: bool, human_view: bool, clock: Clock) -> bool {
    !no_progress
        && human_view
        && clock == Clock::Real
        && std::io::stderr().is_terminal()
        && !stdout_is_pipe()
        && std::env::var_os("CI").is_none()
        && std::env::var_os("TERM").is_none_or(|term| term != "dumb")
}

/// Whether stdout is a pipe or a socket (not a terminal, a file, or
/// /dev/null).
#[cfg(unix)]
fn stdout_is_pipe() -> bool {
    use std::os::fd::AsFd;
    use std::os::unix::fs::FileTypeExt;
    // A duplicate of the descriptor, as a File, to ask fstat safely.
    std::io::stdout()
        .as_fd()
        .try_clone_to_owned()
        .map(std::fs::File::from)
        .and_then(|stdout| stdout.metadata())
        .is_ok_and(|meta| meta.file_type().is_fifo() || meta.file_type().is_socket())
}

#[cfg(not(unix))]
fn stdout_is_pipe() -> bool {
    !std::io::stdout().is_terminal()
}

/// `style` for what is drawn on stderr: as wide as the narrower of
/// stderr's terminal and the style's width (a file on stdout leaves the
/// style at 80 columns, whatever the terminal).
pub fn on_stderr(style: &Style) -> Style {
    let width = terminal_size::terminal_size_of(std::io::stderr())
        .map_or(style.width, |(width, _)| {
            style.width.min(usize::from(width.0))
        });
    Style {
        width,
        ..style.clone()
    }
}

/// Live progress, or nothing (`Progress::off`).
pub struct Progress {
    live: Option<Live>,
}

struct Live {
    bar: ProgressBar,
    bar_style: ProgressStyle,
    state: Arc<Mutex<Option<State>>>,
    style: Style,
    ticker: Option<(Sender<()>, JoinHandle<()>)>,
}

/// What the ticker needs to redraw: known once the run has started.
struct State {
    begun: Instant,
    expected: Duration,
    mode: Option<Mode>,
    plan: Arc<Plan>,
    said: Vec<bool>,
    /// Pairs not yet said.
    unsaid: usize,
    /// Pairs in the order they should speak: by delay when they wait
    /// together, in argument order when serial.
    order: Vec<usize>,
    /// First place in `order` that may still be pending.
    cursor: usize,
    /// Serial: when the last pair spoke, and so the next began.
    last_said: Duration,
    shown: bool,
}

impl Progress {
    /// No progress at all: every call is a no-op.
    pub fn off() -> Progress {
        Progress { live: None }
    }

    /// Progress on stderr, hidden until the run has lasted a second. It
    /// fits the narrower of stderr's terminal and the style's width.
    pub fn on(style: &Style) -> Progress {
        let style = on_stderr(style);
        let bar_style = bar_style(&style, "");
        Progress {
            live: Some(Live {
                bar: hidden_bar(&bar_style),
                bar_style,
                state: Arc::new(Mutex::new(None)),
                style,
                ticker: None,
            }),
        }
    }

    /// Whether there is a bar (it needs the run's events).
    pub fn is_on(&self) -> bool {
        self.live.is_some()
    }

    /// Follows the run: called by the printer for every event, before it
    /// writes anything for it.
    pub fn event(&mut self, event: &Event, plan: &Arc<Plan>) {
        let Some(live) = &mut self.live else { return };
        match event {
            Event::Started { mode, expected, .. } => {
                let mut order: Vec<usize> = (0..plan.len()).collect();
                if *mode != Some(Mode::Serial) {
                    order.sort_by_key(|&i| plan.pairs()[i].delay);
                }
                *lock(&live.state) = Some(State {
                    begun: Instant::now(),
                    expected: *expected,
                    mode: *mode,
                    plan: plan.clone(),
                    said: vec![false; plan.len()],
                    unsaid: plan.len(),
                    order,
                    cursor: 0,
                    last_said: Duration::ZERO,
                    shown: false,
                });
                // The bar gives way to the times beside it, which are
                // known now.
                live.bar_style = bar_style(&live.style, &human(*expected));
                // `compare` runs one mode after another: each gets a bar
                // of its own, the last one having been cleared for good.
                if live.ticker.is_none() && live.bar.is_finished() {
                    live.bar = hidden_bar(&live.bar_style);
                } else {
                    live.bar.set_style(live.bar_style.clone());
                }
                live.start_ticker();
            }
            Event::Said { index, at }
            | Event::Cancelled { index, at }
            | Event::Failed { index, at }
            | Event::Skipped { index, at } => {
                if let Some(state) = lock(&live.state).as_mut() {
                    if let Some(said) = state.said.get_mut(*index) {
                        if !*said {
                            state.unsaid -= 1;
                        }
                        *said = true;
                    }
                    state.last_said = state.last_said.max(*at);
                }
            }
            // Ctrl-C is echoed by the terminal as `^C` where the cursor
            // is: at the end of the bar, which indicatif pads to the right
            // edge, so the echo wraps onto a line of its own.
            Event::Interrupted {
                by: StopReason::Interrupt,
                ..
            } => live.stop_after_echo(),
            Event::Finished { .. } | Event::Interrupted { .. } => live.stop(),
            Event::Exited { .. } | Event::Output { .. } => {}
        }
    }

    /// Runs `write` with the bar cleared from the screen, then redraws it:
    /// the printer writes stdout only through this.
    pub fn suspend<R>(&self, write: impl FnOnce() -> R) -> R {
        match &self.live {
            Some(live) => live.bar.suspend(write),
            None => write(),
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(live) = &mut self.live {
            live.stop();
        }
    }
}

impl Live {
    fn start_ticker(&mut self) {
        if self.ticker.is_some() {
            return;
        }
        let (stop, stopped) = mpsc::channel::<()>();
        let bar = self.bar.clone();
        let state = self.state.clone();
        let style = self.style.clone();
        let handle = thread::Builder::new()
            .name("saywhen-progress".into())
            .spawn(move || {
                while let Err(RecvTimeoutError::Timeout) = stopped.recv_timeout(TICK) {
                    if let Some(state) = lock(&state).as_mut() {
                        state.draw(&bar, &style);
                    }
                }
            });
        // Without a ticker thread there is simply no progress.
        if let Ok(handle) = handle {
            self.ticker = Some((stop, handle));
        }
    }

    /// Like [`Live::stop`], first wiping the line the terminal's `^C` echo
    /// wrapped onto and stepping back up to the bar, so clearing it leaves
    /// no stale line behind.
    fn stop_after_echo(&mut self) {
        let shown = lock(&self.state).as_ref().is_some_and(|state| state.shown);
        if let Some((stop, handle)) = self.ticker.take() {
            drop(stop);
            let _ = handle.join();
        }
        if shown && !self.bar.is_finished() && terminal_echoes_control_characters() {
            let mut stderr = std::io::stderr().lock();
            let _ = stderr.write_all(b"\r\x1b[2K\x1b[1A");
            let _ = stderr.flush();
        }
        self.stop();
    }

    /// Stops the ticker and wipes the bar, leaving the screen as if it had
    /// never been there.
    fn stop(&mut self) {
        if let Some((stop, handle)) = self.ticker.take() {
            drop(stop);
            let _ = handle.join();
        }
        self.bar.finish_and_clear();
    }
}

impl State {
    fn draw(&mut self, bar: &ProgressBar, style: &Style) {
        let elapsed = self.begun.elapsed();
        if !self.shown {
            if elapsed < SHOW_AFTER {
                return;
            }
            self.shown = true;
            bar.set_draw_target(ProgressDrawTarget::stderr());
        }
        let expected_ms = self.expected.as_millis().max(1) as u64;
        bar.set_length(expected_ms);
        bar.set_position((elapsed.as_millis() as u64).min(expected_ms));
        bar.set_prefix(prefix(&short(elapsed), &human(self.expected)));
        bar.set_message(self.pending(elapsed, style));
    }

    /// The soonest pending pairs, one line each, with their time left.
    fn pending(&mut self, elapsed: Duration, style: &Style) -> String {
        while self.order.get(self.cursor).is_some_and(|&i| self.said[i]) {
            self.cursor += 1;
        }
        let pairs = self.plan.pairs();
        // `  message  1.8s left`: the label gives way to the time left.
        let label = style.width.saturating_sub(2 + 1 + LEFT).clamp(1, LABEL);
        let mut lines = String::new();
        let mut listed = 0;
        // Serial: the next pair began when the last one spoke; each later
        // one waits for all before it.
        let mut serial_deadline = self.last_said;
        let pending = self.order[self.cursor..].iter().filter(|&&i| !self.said[i]);
        for &index in pending.take(LISTED) {
            let deadline = match self.mode {
                Some(Mode::Serial) => {
                    serial_deadline = serial_deadline.saturating_add(pairs[index].delay);
                    serial_deadline
                }
                _ => pairs[index].delay,
            };
            // Past its deadline and still pending: held back by --limit,
            // a blocked thread, or a busy machine; no honest estimate.
            let left = match deadline.saturating_sub(elapsed) {
                Duration::ZERO => "waiting".to_owned(),
                left => format!("{} left", short(left)),
            };
            let message = fit::pad(&pairs[index].message, label, style);
            lines.push_str(&format!("\n  {message} {left:>LEFT$}"));
            listed += 1;
        }
        let more = self.unsaid.saturating_sub(listed);
        if more > 0 {
            lines.push_str(&format!("\n  {} and {more} more", style.ellipsis()));
        }
        lines
    }
}

/// Whether the terminal on stderr echoes typed control characters (`^C`):
/// the default of every Unix terminal (`stty echo echoctl`).
#[cfg(unix)]
fn terminal_echoes_control_characters() -> bool {
    // SAFETY: `termios` is plain data, for which all zeroes is a valid
    // value; tcgetattr only writes into the one we pass, and fails
    // harmlessly (returning -1) when stderr is not a terminal.
    let mut termios: libc::termios = unsafe { std::mem::zeroed() };
    let read = unsafe { libc::tcgetattr(libc::STDERR_FILENO, &mut termios) } == 0;
    read && termios.c_lflag & libc::ECHO != 0 && termios.c_lflag & libc::ECHOCTL != 0
}

#[cfg(not(unix))]
fn terminal_echoes_control_characters() -> bool {
    false
}

/// Columns of a pending pair's time left (`1m 30s left`).
const LEFT: usize = 12;

/// `  1.2s / 3s expected`: the elapsed time padded so the line does not
/// jitter as it grows.
fn prefix(elapsed: &str, expected: &str) -> String {
    format!("{elapsed:>6} / {expected} expected")
}

/// The bar's line, `[████░░░░]  1.2s / 3s expected`, as wide as `style`
/// allows: the bar is up to [`BAR`] columns and gives way to the times
/// beside it (the expected wall is `expected`); with no room for a bar of
/// a few columns, only the times.
fn bar_style(style: &Style, expected: &str) -> ProgressStyle {
    let bar_chars = if style.unicode {
        "█▉▊▋▌▍▎▏░"
    } else {
        "#>-"
    };
    // The elapsed time may grow past the expected wall's width.
    let times = fit::width(&prefix(&" ".repeat(fit::width(expected) + 2), expected));
    let bar = style.width.saturating_sub(times + 3).min(BAR);
    let template = match bar {
        0..5 => "{prefix}{msg}".to_owned(),
        bar => format!("[{{bar:{bar}}}] {{prefix}}{{msg}}"),
    };
    ProgressStyle::with_template(&template)
        .map(|bar_style| bar_style.progress_chars(bar_chars))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// A bar that stays off the screen until the ticker shows it.
fn hidden_bar(style: &ProgressStyle) -> ProgressBar {
    ProgressBar::with_draw_target(Some(1), ProgressDrawTarget::hidden()).with_style(style.clone())
}

/// A duration to a tenth of a second, for a display that changes ten
/// times a second.
fn short(d: Duration) -> String {
    if d < Duration::from_secs(60) {
        format!("{:.1}s", d.as_secs_f64())
    } else {
        human(Duration::from_secs(d.as_secs()))
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A panic elsewhere must not take the progress display down with it.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
