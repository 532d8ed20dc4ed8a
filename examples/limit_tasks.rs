// Emitted by saywhen from the scenario: limit(2, tasks(1:a, fail(1:b)), joinset(0.5:c, 0.25:d), 1:e)
// expected 1.5s = 2 at a time: max(tasks max(1s, 1s) = 1s, joinset max(500ms, 250ms) = 500ms, 500ms + e 1s)
// Needs the crates tokio (features "full") and futures.

use futures::future::FutureExt;
use futures::join;
use std::time::{Duration, Instant};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio::time::sleep;

/// Sleeps, then says `what`: the tutorial's `say_after`.
async fn say_after(delay: Duration, what: &str) {
    sleep(delay).await;
    println!("{what}");
}

/// Sleeps, then fails with `what` as the error.
async fn fail_after(delay: Duration, what: &str) -> Result<(), String> {
    sleep(delay).await;
    Err(what.to_owned())
}

/// Runs `child` once it holds one of the semaphore's permits.
async fn with_permit<T>(semaphore: &Semaphore, child: impl std::future::Future<Output = T>) -> T {
    // `_permit`, not `_`: the permit is held until the child is done.
    let _permit = semaphore.acquire().await.unwrap();
    child.await
}

// limit(2, tasks(1:a, fail(1:b)), joinset(0.5:c, 0.25:d), 1:e)
async fn limit_1() -> Result<(), String> {
    let semaphore = Semaphore::new(2);
    let (first, _, _) = join!(
        with_permit(&semaphore, tasks_1()),
        with_permit(&semaphore, joinset_1()),
        with_permit(&semaphore, say_after(Duration::from_secs(1), "e"))
    );
    // Every child has finished: the first failure, if any, is the group's.
    first
}

// tasks(1:a, fail(1:b))
async fn tasks_1() -> Result<(), String> {
    // .map(Ok): a child that cannot fail gives (), the others a Result;
    // a set (or a list) holds one type.
    let tasks = [
        tokio::spawn(say_after(Duration::from_secs(1), "a").map(Ok)),
        tokio::spawn(fail_after(Duration::from_secs(1), "b")),
    ];
    // Awaiting a handle only waits: the task has been running since spawn.
    let mut ended = Ok(());
    for task in tasks {
        // Every task is awaited; the first failure is the group's.
        ended = ended.and(task.await.unwrap());
    }
    ended
}

// joinset(0.5:c, 0.25:d)
async fn joinset_1() {
    let mut set = JoinSet::new();
    set.spawn(say_after(Duration::from_millis(500), "c"));
    set.spawn(say_after(Duration::from_millis(250), "d"));
    // join_next waits for whichever task finishes next.
    while let Some(joined) = set.join_next().await {
        joined.unwrap();
    }
}

// One thread drives every task, like asyncio's event loop.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let started = Instant::now();
    println!("started");
    if let Err(error) = limit_1().await {
        println!("failed: {error}");
    }
    println!("finished in {:.2?}", started.elapsed());
}
