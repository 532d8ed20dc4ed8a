// Emitted by saywhen from the scenario: serial(group(1:a, fail(0.5:boom), 2:c), 1:never)
// expected 500ms = group 500ms (fails: 1 skipped)
// Needs the crates tokio (features "full") and futures.

use futures::future::FutureExt;
use std::time::{Duration, Instant};
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

// serial(group(1:a, fail(0.5:boom), 2:c), 1:never)
async fn serial_1() -> Result<(), String> {
    group_1().await?;
    say_after(Duration::from_secs(1), "never").await;
    Ok(())
}

// group(1:a, fail(0.5:boom), 2:c)
async fn group_1() -> Result<(), String> {
    let mut set = JoinSet::new();
    // .map(Ok): a child that cannot fail gives (), the others a Result;
    // a set (or a list) holds one type.
    set.spawn(say_after(Duration::from_secs(1), "a").map(Ok));
    set.spawn(fail_after(Duration::from_millis(500), "boom"));
    set.spawn(say_after(Duration::from_secs(2), "c").map(Ok));
    // The first failure returns early and drops the set, which aborts
    // the tasks still running.
    while let Some(joined) = set.join_next().await {
        joined.unwrap()?;
    }
    Ok(())
}

// One thread drives every task, like asyncio's event loop.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let started = Instant::now();
    println!("started");
    if let Err(error) = serial_1().await {
        println!("failed: {error}");
    }
    println!("finished in {:.2?}", started.elapsed());
}
