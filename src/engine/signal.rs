//! Ctrl-C, SIGTERM and SIGHUP. The binary installs one handler for the
//! whole process: the first signal asks the running series of runs to stop
//! (it then prints what happened so far and exits 130, 143 or 129); a
//! second signal, or one that arrives while nothing is listening (while
//! the report is being written), ends the process at once, exactly as the
//! signal would have without a handler. The command listens from the
//! moment the handler is installed until its runs are over, gaps between
//! runs included.
//!
//! A dedicated thread waits for the signals (signal-hook's iterator), so no
//! runtime needs its signal driver and the handler outlives every runtime.
//! The library never installs it on its own: signals belong to the program.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::thread;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use signal_hook::low_level::emulate_default_handler;

use crate::engine::stop::{Listening, Stop, StopReason};

static PROCESS_STOP: Mutex<Option<Stop>> = Mutex::new(None);

/// Half-written files to delete if a signal ends the process: an export's
/// temporary file must not outlive a second Ctrl-C.
static REMOVE_IF_KILLED: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// The process's [`Stop`], asked by SIGINT, SIGTERM and SIGHUP, and a
/// listener on it: while the listener lives, a signal asks for a stop
/// rather than ending the process. The listener is subscribed before the
/// handler is installed, so no signal can slip between the two. The
/// handler is installed on the first call; later calls return the same
/// `Stop`.
pub fn stop_on_signals() -> io::Result<(Stop, Listening)> {
    // Held while installing, so two callers cannot install two handlers.
    let mut installed = PROCESS_STOP.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(stop) = installed.as_ref() {
        return Ok((stop.clone(), stop.listen()));
    }
    let stop = Stop::new();
    let listening = stop.listen();
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    let asked = stop.clone();
    thread::Builder::new()
        .name("saywhen-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let reason = match signal {
                    SIGTERM => StopReason::Terminate,
                    SIGHUP => StopReason::Hangup,
                    _ => StopReason::Interrupt,
                };
                if !asked.request(reason) {
                    remove_half_written();
                    // Resets the default action and raises the signal again:
                    // the process dies by it, and the shell sees 128 + its
                    // number.
                    let _ = emulate_default_handler(signal);
                }
            }
        })?;
    *installed = Some(stop.clone());
    Ok((stop, listening))
}

/// While the returned guard lives, a signal that ends the process deletes
/// `path` first.
pub fn remove_if_killed(path: &Path) -> RemoveIfKilled {
    let path = path.to_owned();
    half_written().push(path.clone());
    RemoveIfKilled(path)
}

/// Takes its path off the list when dropped (see [`remove_if_killed`]).
#[derive(Debug)]
pub struct RemoveIfKilled(PathBuf);

impl Drop for RemoveIfKilled {
    fn drop(&mut self) {
        let mut paths = half_written();
        if let Some(at) = paths.iter().position(|p| *p == self.0) {
            paths.swap_remove(at);
        }
    }
}

fn half_written() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    REMOVE_IF_KILLED.lock().unwrap_or_else(|e| e.into_inner())
}

fn remove_half_written() {
    for path in half_written().drain(..) {
        let _ = std::fs::remove_file(path);
    }
}
