//! Ctrl-C and SIGTERM. The binary installs one handler for the whole
//! process: the first signal asks the running run to stop (it then prints
//! what happened so far and exits 130 or 143); a second signal, or one that
//! arrives while no run is listening (say, while a huge report is being
//! written), ends the process at once, exactly as the signal would have
//! without a handler.
//!
//! A dedicated thread waits for the signals (signal-hook's iterator), so no
//! runtime needs its signal driver and the handler outlives every runtime.
//! The library never installs it on its own: signals belong to the program.

use std::io;
use std::sync::Mutex;
use std::thread;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::iterator::Signals;
use signal_hook::low_level::emulate_default_handler;

use crate::engine::stop::{Stop, StopReason};

static PROCESS_STOP: Mutex<Option<Stop>> = Mutex::new(None);

/// The process's [`Stop`], asked by SIGINT and SIGTERM. The handler is
/// installed on the first call; later calls return the same `Stop`.
pub fn stop_on_signals() -> io::Result<Stop> {
    // Held while installing, so two callers cannot install two handlers.
    let mut installed = PROCESS_STOP.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(stop) = installed.as_ref() {
        return Ok(stop.clone());
    }
    let stop = Stop::new();
    let mut signals = Signals::new([SIGINT, SIGTERM])?;
    let asked = stop.clone();
    thread::Builder::new()
        .name("saywhen-signals".into())
        .spawn(move || {
            for signal in signals.forever() {
                let reason = match signal {
                    SIGTERM => StopReason::Terminate,
                    _ => StopReason::Interrupt,
                };
                if !asked.request(reason) {
                    // Resets the default action and raises the signal again:
                    // the process dies by it, and the shell sees 130 or 143.
                    let _ = emulate_default_handler(signal);
                }
            }
        })?;
    *installed = Some(stop.clone());
    Ok(stop)
}
