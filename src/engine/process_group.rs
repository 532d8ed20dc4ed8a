//! Ending a command's whole process group, and leaving nothing behind.
//!
//! Each command starts as the leader of a process group of its own
//! (`process_group(0)`), so that whatever it starts (`make`'s compilers,
//! a shell's pipeline, a test runner's workers) can be ended with it by
//! one `killpg`. Killing only the child (`Child::kill`, `kill_on_drop`)
//! would leave its children running, still holding the output pipes.
//! Being its own group also keeps the terminal's Ctrl-C from reaching it
//! behind saywhen's back: saywhen decides, and reports, what ends.
//!
//! Ending a group is [`terminate`]: SIGTERM (and SIGCONT, so a stopped
//! process can act on it) at once, then, if anything of the group is left
//! after the grace (`--kill-after`), SIGKILL. The wait runs as a task of
//! the run's runtime, registered with the run's [`Reaper`]; a run does not
//! end until its reaper has seen every group gone.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::process::Child;
use tokio::task::JoinHandle;
use tokio::time::{Instant, sleep};

/// How often a group being ended is looked at.
const POLL: Duration = Duration::from_millis(5);

/// How long, after SIGKILL, the group's processes may take to be gone.
const AFTER_KILL: Duration = Duration::from_millis(500);

/// The groups a run is still ending.
#[derive(Clone, Default)]
pub struct Reaper(Arc<Mutex<Vec<JoinHandle<()>>>>);

impl Reaper {
    fn push(&self, task: JoinHandle<()>) {
        let mut tasks = self.0.lock().unwrap_or_else(|e| e.into_inner());
        tasks.retain(|task| !task.is_finished());
        tasks.push(task);
    }

    /// Waits until every group handed to [`terminate`] is gone (SIGKILL
    /// included): what a run does before it reports.
    pub async fn finish(&self) {
        loop {
            let task = {
                let mut tasks = self.0.lock().unwrap_or_else(|e| e.into_inner());
                tasks.pop()
            };
            match task {
                Some(task) => {
                    let _ = task.await;
                }
                None => return,
            }
        }
    }
}

/// Whether any process of group `pgid` is left (a zombie counts until it
/// is reaped).
pub fn alive(pgid: i32) -> bool {
    // SAFETY: signal 0 sends nothing; it only asks whether the group exists.
    unsafe { libc::killpg(pgid, 0) == 0 }
}

fn signal(pgid: i32, signal: i32) {
    // SAFETY: killpg only sends a signal; a group already gone is ESRCH.
    unsafe {
        libc::killpg(pgid, signal);
    }
}

/// Ends process group `pgid`, whose leader is `leader` (when not reaped
/// yet): SIGTERM now, SIGKILL after `grace` if anything of it is left.
/// Returns at once; the wait is a task `reaper` awaits.
pub fn terminate(pgid: i32, leader: Option<Child>, grace: Duration, reaper: &Reaper) {
    signal(pgid, libc::SIGTERM);
    signal(pgid, libc::SIGCONT);
    let ending = end(pgid, leader, grace);
    match tokio::runtime::Handle::try_current() {
        Ok(handle) => reaper.push(handle.spawn(ending)),
        // No runtime to wait on (a run dropped after its runtime): a
        // thread of its own does the waiting.
        Err(_) => {
            let _ = std::thread::Builder::new()
                .name("saywhen-reaper".into())
                .spawn(move || {
                    if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                    {
                        runtime.block_on(ending);
                    }
                });
        }
    }
}

async fn end(pgid: i32, mut leader: Option<Child>, grace: Duration) {
    let deadline = Instant::now() + grace;
    while Instant::now() < deadline {
        reap(pgid, &mut leader);
        if !alive(pgid) {
            return;
        }
        sleep(POLL).await;
    }
    signal(pgid, libc::SIGKILL);
    let killed = Instant::now();
    while Instant::now() < killed + AFTER_KILL {
        reap(pgid, &mut leader);
        if !alive(pgid) {
            return;
        }
        sleep(POLL).await;
    }
}

/// Reaps the leader once it has exited, and every other process of the
/// group that has (orphans come to saywhen: see [`adopt_orphans`]), so
/// that they stop counting.
fn reap(pgid: i32, leader: &mut Option<Child>) {
    if let Some(child) = leader
        && !matches!(child.try_wait(), Ok(None))
    {
        *leader = None;
    }
    loop {
        // SAFETY: waitpid on a process group of saywhen's own commands,
        // without blocking; it writes only `status`.
        let mut status = 0;
        let reaped = unsafe { libc::waitpid(-pgid, &mut status, libc::WNOHANG) };
        if reaped <= 0 {
            return;
        }
    }
}

/// Makes saywhen the reaper of its commands' orphans (Linux's
/// `PR_SET_CHILD_SUBREAPER`): a process whose parent has died (a shell's
/// child, when the shell is killed first) is reparented to saywhen rather
/// than to init, so that [`terminate`] can reap it and see its group gone
/// at once, not whenever init gets round to it (in a container, init may
/// never). Once per process; harmless to repeat.
pub fn adopt_orphans() {
    #[cfg(target_os = "linux")]
    // SAFETY: sets a flag of this process; no memory is passed.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
    }
}
