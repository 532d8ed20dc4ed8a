//! Starting OS threads (the threads mode's) so that running out of them is
//! an error saywhen reports, never an abort.
//!
//! `thread::Builder::spawn` reports a thread the system refuses as an
//! error (`thread::spawn` would panic), but only the refusal of the
//! thread's stack. A thread that gets its stack in the last room there is
//! still has to set itself up, on its own, after `spawn` has returned: std
//! maps its signal stack, and the first thread-local with a destructor it
//! touches (tokio's clock is one) has glibc allocate. Either failing aborts
//! the whole process ("failed to allocate an alternative stack", "failed
//! to register TLS destructor"), whichever thread it happens in. So
//! [`start`] first makes sure there is room for a thread and some to
//! spare, then waits until the thread has set itself up before it returns:
//! the next thread is only started once the last one can no longer fail.

use std::io;
use std::sync::mpsc;
use std::thread::{self, JoinHandle};

/// Each thread's stack: std's default, fixed so that [`ROOM`] is sure to
/// cover it (`RUST_MIN_STACK` could raise std's).
const STACK: usize = 2 << 20;

/// The address space there must be before a thread starts: its stack, the
/// malloc arena glibc may reserve for it at its first allocation (64 MB on
/// 64-bit, taken in std's own set-up of the thread, before its signal
/// stack: seen with strace, the arena took the room and the signal stack
/// failed), and a margin that covers its signal stack, its first
/// allocations, and what the run needs afterwards to finish and print its
/// report.
const ROOM: usize = STACK + ARENA + (4 << 20);

/// glibc's `HEAP_MAX_SIZE` on 64-bit: what a new arena reserves.
const ARENA: usize = 64 << 20;

/// `thread::Builder::new().spawn(body)`, returning once the new thread has
/// set itself up; an error if there is no room for one more thread.
pub fn start<F>(body: F) -> io::Result<JoinHandle<()>>
where
    F: FnOnce() + Send + 'static,
{
    room_for(ROOM)?;
    let (set_up, ready) = mpsc::sync_channel(1);
    let handle = thread::Builder::new().stack_size(STACK).spawn(move || {
        // The thread-locals the pairs' threads use, touched while there is
        // room: tokio's clock (the recorder reads it).
        let _ = tokio::time::Instant::now();
        let _ = set_up.send(());
        body();
    })?;
    // Err only if the thread ended without saying so: then it is set up
    // as much as it ever will be.
    let _ = ready.recv();
    Ok(handle)
}

/// Whether `bytes` of address space are free, found by mapping them (no
/// memory, only addresses: `PROT_NONE`) and unmapping them again.
#[cfg(unix)]
fn room_for(bytes: usize) -> io::Result<()> {
    // SAFETY: a new anonymous mapping at an address of the kernel's
    // choosing, touching no existing memory; it is unmapped at once, with
    // the address and length mmap gave.
    unsafe {
        let mapped = libc::mmap(
            std::ptr::null_mut(),
            bytes,
            libc::PROT_NONE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        );
        if mapped == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        libc::munmap(mapped, bytes);
    }
    Ok(())
}

#[cfg(not(unix))]
fn room_for(_bytes: usize) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_started_thread_runs_its_body() {
        let (said, heard) = mpsc::channel();
        let handle = start(move || said.send(42).unwrap()).unwrap();
        handle.join().unwrap();
        assert_eq!(heard.recv().unwrap(), 42);
    }

    #[cfg(unix)]
    #[test]
    fn no_room_is_an_error() {
        let error = room_for(usize::MAX / 2).unwrap_err();
        assert_eq!(error.raw_os_error(), Some(libc::ENOMEM));
    }
}
