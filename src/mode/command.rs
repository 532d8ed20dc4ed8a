//! command: a real command as a leaf (`sh('make test')`, `exec('cargo',
//! 'build')`). It runs off the thread, like `spawn_blocking`'s sleep: the
//! task awaits its child process (`tokio::process`), and the runtime's
//! thread stays free for every other task meanwhile. The leaf ends when the
//! command exits: exit 0 is done, anything else fails the leaf, with all the
//! failure rules of the language. Cancelling the leaf (a lost race, a
//! timeout, a failing sibling, Ctrl-C) ends the command's whole process
//! group (see [`crate::engine::process_group`]).
//!
//! Its stdin is `/dev/null`; its stdout and stderr share one pipe (so they
//! keep the order it printed in, as on a terminal), read as it comes, the last [`OUTPUT_CAP`](crate::engine::command_run::OUTPUT_CAP) bytes
//! kept (and, with `--show-output`, every line passed on as it arrives), so
//! its output never mixes with saywhen's own lines.

use std::process::Stdio;
use std::time::Duration;

use std::os::fd::OwnedFd;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::net::unix::pipe;
use tokio::process::Child;
use tokio::time::Instant;

use crate::engine::command_run::{Captured, CommandRun, Exit};
use crate::engine::process_group::{self, Reaper};
use crate::engine::record::{End, Recorder};
use crate::engine::spec::CommandOptions;
use crate::mode::Work;
use crate::mode::node::NodeResult;

/// The longest line `--show-output` passes on whole; a longer one is cut
/// into pieces this long, so a command printing a gigabyte with no newline
/// costs no more memory than one printing lines.
const LINE: usize = 4096;

/// One read of a pipe.
const CHUNK: usize = 16 * 1024;

/// Runs command leaf `index` to its end.
pub async fn run(work: Work, index: usize) -> NodeResult {
    let recorder = work.recorder().clone();
    let (options, reaper) = work.commands();
    let Some(command) = work.scenario().command(index) else {
        return Ok(End::Done);
    };
    let argv = command.argv();
    let began = recorder.begin_now(index);
    let started = Instant::now();
    let spawned = output_pipe().and_then(|(reader, writer)| {
        let mut process = tokio::process::Command::new(argv[0]);
        process
            .args(&argv[1..])
            .stdin(Stdio::null())
            // stdout and stderr share one pipe, as on a terminal: what it
            // prints comes out in the order it printed it.
            .stdout(writer.try_clone()?)
            .stderr(writer)
            // Its own process group, to end it with all it started.
            .process_group(0);
        // The command (and with it this end of the pipe) is dropped here:
        // the pipe ends when the last process writing to it is gone.
        Ok((process.spawn()?, reader))
    });
    let (child, mut pipe) = match spawned {
        Ok((child, reader)) => (child, Some(reader)),
        Err(error) => {
            let run = CommandRun {
                exit: Exit::NotStarted(not_started(argv[0], &error)),
                took: started.elapsed(),
                output: Captured::default(),
            };
            recorder.end_command(index, recorder.elapsed(), run);
            return Ok(End::Failed);
        }
    };
    let mut running = Running {
        pgid: child.id().map_or(0, |id| id as i32),
        leader: Some(child),
        reaper,
        options,
        recorder: recorder.clone(),
        index,
        started,
        output: Captured::default(),
        done: false,
    };
    let mut lines = Lines::new(options.show_output);
    let mut buffer = vec![0; CHUNK];
    let status = loop {
        let Some(leader) = running.leader.as_mut() else {
            break None;
        };
        tokio::select! {
            read = read_some(&mut pipe, &mut buffer) => {
                running.take(&mut lines, read, &buffer, &mut pipe);
            }
            status = leader.wait() => break Some(status),
        }
    };
    let at = recorder.elapsed();
    // On the record's clock, so that its start plus this is its end.
    let took = at.saturating_sub(began);
    running.leader = None;
    // Whatever it left running in its group ends with it: nothing of a
    // finished leaf outlives it.
    if process_group::alive(running.pgid) {
        process_group::terminate(running.pgid, None, options.kill_after, &running.reaper);
    }
    // The rest of its output, up to the pipes' end: they close when the
    // last process holding them is gone, which the grace bounds (a process
    // that left the group, and keeps them open, is not waited for).
    let drained = async {
        while pipe.is_some() {
            let read = read_some(&mut pipe, &mut buffer).await;
            running.take(&mut lines, read, &buffer, &mut pipe);
        }
    };
    let grace = options.kill_after + Duration::from_millis(100);
    let _ = tokio::time::timeout(grace, drained).await;
    lines.finish(&recorder, index);
    let exit = match status {
        Some(Ok(status)) => exit_of(status),
        Some(Err(error)) => Exit::NotStarted(error.to_string()),
        None => Exit::Cancelled,
    };
    running.done = true;
    let failed = exit.failed();
    let run = CommandRun {
        exit,
        took,
        output: std::mem::take(&mut running.output),
    };
    recorder.end_command(index, at, run);
    Ok(if failed { End::Failed } else { End::Done })
}

/// A started command, until it has ended: dropped before that (the leaf
/// cancelled), it ends the command's process group, and keeps what it had
/// printed.
struct Running {
    pgid: i32,
    leader: Option<Child>,
    reaper: Reaper,
    options: CommandOptions,
    recorder: Recorder,
    index: usize,
    started: Instant,
    output: Captured,
    done: bool,
}

impl Running {
    /// Takes in one read of a pipe; at its end (or an error), lets the
    /// pipe go.
    fn take<R>(
        &mut self,
        lines: &mut Lines,
        read: std::io::Result<usize>,
        buffer: &[u8],
        pipe: &mut Option<R>,
    ) {
        match read {
            Ok(0) | Err(_) => *pipe = None,
            Ok(n) => {
                self.output.push(&buffer[..n]);
                lines.push(&buffer[..n], &self.recorder, self.index);
            }
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.done {
            return;
        }
        let run = CommandRun {
            exit: Exit::Cancelled,
            took: self.started.elapsed(),
            output: std::mem::take(&mut self.output),
        };
        self.recorder.keep_command(self.index, run);
        process_group::terminate(
            self.pgid,
            self.leader.take(),
            self.options.kill_after,
            &self.reaper,
        );
    }
}

/// Reads from `pipe` while it is open; never ends once it is closed (so
/// that `select!` waits on the other branches).
async fn read_some<R: AsyncRead + Unpin>(
    pipe: &mut Option<R>,
    buffer: &mut [u8],
) -> std::io::Result<usize> {
    match pipe {
        Some(pipe) => pipe.read(buffer).await,
        None => std::future::pending().await,
    }
}

/// `--show-output`: complete lines, passed on as events.
struct Lines {
    on: bool,
    /// The line not finished yet.
    partial: Vec<u8>,
}

impl Lines {
    fn new(on: bool) -> Lines {
        Lines {
            on,
            partial: Vec::new(),
        }
    }

    fn push(&mut self, bytes: &[u8], recorder: &Recorder, index: usize) {
        if !self.on {
            return;
        }
        for piece in bytes.split_inclusive(|&b| b == b'\n') {
            self.partial.extend_from_slice(piece);
            if piece.ends_with(b"\n") || self.partial.len() >= LINE {
                let line = String::from_utf8_lossy(&self.partial);
                let line = line.trim_end_matches(['\n', '\r']).to_owned();
                recorder.output_line(index, line);
                self.partial.clear();
            }
        }
    }

    /// Passes on what is left of a line without its newline.
    fn finish(&mut self, recorder: &Recorder, index: usize) {
        if !self.partial.is_empty() {
            let line = String::from_utf8_lossy(&self.partial).into_owned();
            recorder.output_line(index, line);
            self.partial.clear();
        }
    }
}

/// The pipe a command writes its stdout and stderr to: saywhen's end to
/// read on the runtime, and the command's end (blocking, as a program
/// expects its stdout to be).
fn output_pipe() -> std::io::Result<(pipe::Receiver, OwnedFd)> {
    let (writer, reader) = pipe::pipe()?;
    Ok((reader, writer.into_blocking_fd()?))
}

fn exit_of(status: std::process::ExitStatus) -> Exit {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (Some(code), _) => Exit::Code(code),
        (None, Some(signal)) => Exit::Signal(signal),
        (None, None) => Exit::Code(-1),
    }
}

/// Why `program` could not start, in words: not found, not executable.
fn not_started(program: &str, error: &std::io::Error) -> String {
    let program = crate::escape::escape(program);
    match error.kind() {
        std::io::ErrorKind::NotFound => {
            format!("no program '{program}' (not on PATH, nor a file)")
        }
        std::io::ErrorKind::PermissionDenied => {
            format!("'{program}' is not executable (permission denied)")
        }
        _ => format!("'{program}': {error}"),
    }
}
