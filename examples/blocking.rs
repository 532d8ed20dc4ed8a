// Emitted by saywhen from the scenario: serial(tasks(block(0.5:a), block(0.5:b)), tasks(spawn_blocking(0.5:c), spawn_blocking(0.5:d)), threads(0.5:e, 0.5:f))
// expected 2s, not the 1.5s of (tasks max(500ms, 500ms) = 500ms) + (tasks max(500ms, 500ms) = 500ms) + (threads max(500ms, 500ms) = 500ms): blocking calls hold the thread, and what falls due meanwhile waits
// why: b waits 500ms to start: the thread is held by a 500ms
// Needs the crates tokio (features "full") and futures.

use std::thread;
use std::time::{Duration, Instant};
use tokio::task::spawn_blocking;

/// The mistake: `thread::sleep` blocks the runtime's only thread, so no
/// other task runs until it returns.
async fn blocking_say_after(delay: Duration, what: &str) {
    thread::sleep(delay);
    println!("{what}");
}

/// Blocks its thread: for OS threads and tokio's blocking pool, not async code.
fn sleep_then_say(delay: Duration, what: &str) {
    thread::sleep(delay);
    println!("{what}");
}

/// The fix for blocking: the same blocking sleep, on tokio's pool of
/// threads kept for blocking work.
async fn say_after_on_pool(delay: Duration, what: &'static str) {
    spawn_blocking(move || sleep_then_say(delay, what))
        .await
        .unwrap();
}

// tasks(block(0.5:a), block(0.5:b))
async fn tasks_1() {
    let tasks = [
        tokio::spawn(blocking_say_after(Duration::from_millis(500), "a")),
        tokio::spawn(blocking_say_after(Duration::from_millis(500), "b")),
    ];
    // Awaiting a handle only waits: the task has been running since spawn.
    for task in tasks {
        task.await.unwrap();
    }
}

// tasks(spawn_blocking(0.5:c), spawn_blocking(0.5:d))
async fn tasks_2() {
    let tasks = [
        tokio::spawn(say_after_on_pool(Duration::from_millis(500), "c")),
        tokio::spawn(say_after_on_pool(Duration::from_millis(500), "d")),
    ];
    // Awaiting a handle only waits: the task has been running since spawn.
    for task in tasks {
        task.await.unwrap();
    }
}

// threads(0.5:e, 0.5:f)
async fn threads_1() {
    static PAIRS: [(Duration, &str); 2] = [
        (Duration::from_millis(500), "e"),
        (Duration::from_millis(500), "f"),
    ];
    let threads: Vec<_> = PAIRS
        .iter()
        .map(|&(delay, what)| thread::spawn(move || sleep_then_say(delay, what)))
        .collect();
    // join blocks: wait on tokio's blocking pool, so that the runtime's
    // own thread stays free.
    spawn_blocking(move || {
        for thread in threads {
            thread.join().unwrap();
        }
    })
    .await
    .unwrap();
}

// One thread drives every task, like asyncio's event loop.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let started = Instant::now();
    println!("started");
    tasks_1().await;
    tasks_2().await;
    threads_1().await;
    println!("finished in {:.2?}", started.elapsed());
}
