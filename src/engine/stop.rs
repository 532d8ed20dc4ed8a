//! Stopping a run early. A run normally ends when its last pair has said its
//! message; it ends sooner when the user presses Ctrl-C, when SIGTERM or SIGHUP
//! arrives, or when nobody reads the output any more (`saywhen ... | head`).
//! Whoever notices (the signal thread, the printer) asks through a [`Stop`];
//! the run races its mode against [`Stop::requested`], stops waiting at
//! once, and reports what had happened by then.
//!
//! A `Stop` is a `tokio::sync::watch` channel: it can be asked from any
//! thread, with or without a runtime, and every run that listens sees it.

use std::fmt;
use std::future::Future;
use std::sync::Arc;

use tokio::sync::watch;

/// Why a run was stopped before its pairs were done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StopReason {
    /// SIGINT: the user pressed Ctrl-C.
    Interrupt,
    /// SIGTERM: a supervisor (a CI runner, `timeout`, `kill`) asked us to end.
    Terminate,
    /// SIGHUP: the terminal went away (an ssh session dropped, a window
    /// closed); handled like SIGTERM.
    Hangup,
    /// stdout was closed by its reader; there is no one left to tell.
    OutputClosed,
}

impl StopReason {
    /// The name machine formats use: `SIGINT`, `SIGTERM`, `SIGHUP`,
    /// `output-closed`.
    pub fn name(self) -> &'static str {
        match self {
            StopReason::Interrupt => "SIGINT",
            StopReason::Terminate => "SIGTERM",
            StopReason::Hangup => "SIGHUP",
            StopReason::OutputClosed => "output-closed",
        }
    }

    /// The exit code a shell expects after this: 128 + the signal number,
    /// so `saywhen ...; echo $?` reads the same as for any other program.
    pub fn exit_code(self) -> u8 {
        match self {
            StopReason::Interrupt => 130,
            StopReason::Terminate => 143,
            StopReason::Hangup => 129,
            StopReason::OutputClosed => 0,
        }
    }
}

impl fmt::Display for StopReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            StopReason::Interrupt => "Ctrl-C (SIGINT)",
            StopReason::Terminate => "SIGTERM",
            StopReason::Hangup => "SIGHUP",
            StopReason::OutputClosed => "closed output",
        })
    }
}

/// A cloneable handle to ask runs to stop, and to wait for that request.
#[derive(Clone)]
pub struct Stop(Arc<watch::Sender<Option<StopReason>>>);

impl Stop {
    pub fn new() -> Stop {
        Stop(Arc::new(watch::Sender::new(None)))
    }

    /// Asks every listening run to stop. Returns `false`, changing nothing,
    /// when a stop was already asked for or when no run is listening (so the
    /// caller knows nobody will act on it: the signal thread then ends the
    /// process the way the signal would have).
    pub fn request(&self, reason: StopReason) -> bool {
        if self.0.receiver_count() == 0 {
            return false;
        }
        self.0.send_if_modified(|current| match current {
            Some(_) => false,
            None => {
                *current = Some(reason);
                true
            }
        })
    }

    /// The reason, if a stop has been asked for.
    pub fn reason(&self) -> Option<StopReason> {
        *self.0.borrow()
    }

    /// Resolves once a stop is asked for (at once if it already was). The
    /// run counts as listening from this call until the future is dropped.
    pub fn requested(&self) -> impl Future<Output = StopReason> + Send + 'static {
        let mut receiver = self.0.subscribe();
        async move {
            let asked = receiver
                .wait_for(Option::is_some)
                .await
                .ok()
                .and_then(|reason| *reason);
            match asked {
                Some(reason) => reason,
                // The sender is gone, so no stop can ever come: wait forever
                // like a run without one.
                None => std::future::pending().await,
            }
        }
    }

    /// Counts as listening for as long as the returned guard lives, though
    /// nothing waits: a series of runs holds one from its first run to its
    /// last, so a stop asked in the gap between two runs is noted (see
    /// [`Stop::reason`]) rather than found with nobody listening, which
    /// would end the process without a report.
    pub fn listen(&self) -> Listening {
        Listening(self.0.subscribe())
    }

    /// Runs `work` to completion, unless a stop is asked for first. The
    /// run counts as listening from this call on, not from the first poll.
    pub fn race<F: Future>(&self, work: F) -> impl Future<Output = Result<F::Output, StopReason>> {
        let requested = self.requested();
        async move {
            tokio::select! {
                // Biased: a stop asked before the run began wins even if the
                // work could complete at once.
                biased;
                reason = requested => Err(reason),
                output = work => Ok(output),
            }
        }
    }
}

/// A [`Stop`] listened to (see [`Stop::listen`]); dropping it stops
/// listening.
#[derive(Debug)]
pub struct Listening(#[allow(dead_code)] watch::Receiver<Option<StopReason>>);

impl Default for Stop {
    fn default() -> Stop {
        Stop::new()
    }
}

impl fmt::Debug for Stop {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Stop").field(&self.reason()).finish()
    }
}

/// Two handles are equal when they are the same channel.
impl PartialEq for Stop {
    fn eq(&self, other: &Stop) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for Stop {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_listening_means_nobody_acts() {
        let stop = Stop::new();
        assert!(!stop.request(StopReason::Interrupt));
        assert_eq!(stop.reason(), None);
    }

    #[test]
    fn a_listener_between_runs_takes_the_request() {
        let stop = Stop::new();
        let listening = stop.listen();
        assert!(stop.request(StopReason::Hangup));
        assert_eq!(stop.reason(), Some(StopReason::Hangup));
        drop(listening);
        // Already asked: a second signal finds the request taken.
        assert!(!stop.request(StopReason::Interrupt));
    }

    #[tokio::test(start_paused = true)]
    async fn a_request_ends_the_race_once() {
        let stop = Stop::new();
        let waiting = stop.requested();
        assert!(stop.request(StopReason::Terminate));
        // A second request changes nothing: the first reason stands.
        assert!(!stop.request(StopReason::Interrupt));
        assert_eq!(waiting.await, StopReason::Terminate);
        // Work raced after the stop does not even start.
        let raced = stop.race(async { 42 }).await;
        assert_eq!(raced, Err(StopReason::Terminate));
    }

    #[tokio::test(start_paused = true)]
    async fn without_a_request_the_work_finishes() {
        let stop = Stop::new();
        let raced = stop
            .race(tokio::time::sleep(std::time::Duration::from_secs(5)))
            .await;
        assert_eq!(raced, Ok(()));
    }
}
