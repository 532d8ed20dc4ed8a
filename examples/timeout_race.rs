// Emitted by saywhen from the scenario: timeout(2.5s, gather(race(2:slow, serial(0.5:a, 0.5:b)), 3:late))
// expected 2.5s = min(gather max(race 1s, 3s) = 3s, deadline 2.5s): timed out
// Needs the crates tokio (features "full") and futures.

use futures::join;
use std::time::{Duration, Instant};
use tokio::time::{sleep, timeout};

/// Sleeps, then says `what`: the tutorial's `say_after`.
async fn say_after(delay: Duration, what: &str) {
    sleep(delay).await;
    println!("{what}");
}

// timeout(2.5s, gather(race(2:slow, serial(0.5:a, 0.5:b)), 3:late))
async fn timeout_1() -> Result<(), String> {
    // At the deadline the child's future is dropped, mid-sleep: that is
    // how a future is cancelled.
    timeout(Duration::from_millis(2500), gather_1())
        .await
        .map_err(|elapsed| elapsed.to_string())
}

// gather(race(2:slow, serial(0.5:a, 0.5:b)), 3:late)
async fn gather_1() {
    join!(race_1(), say_after(Duration::from_secs(3), "late"));
}

// race(2:slow, serial(0.5:a, 0.5:b))
async fn race_1() {
    // The first branch to finish wins; the others' futures are dropped,
    // which cancels them. biased: the branches are polled in the order
    // given, so a tie goes to the first.
    tokio::select! {
        biased;
        () = say_after(Duration::from_secs(2), "slow") => {}
        () = serial_1() => {}
    }
}

// serial(0.5:a, 0.5:b)
async fn serial_1() {
    say_after(Duration::from_millis(500), "a").await;
    say_after(Duration::from_millis(500), "b").await;
}

// One thread drives every task, like asyncio's event loop.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let started = Instant::now();
    println!("started");
    if let Err(error) = timeout_1().await {
        println!("failed: {error}");
    }
    println!("finished in {:.2?}", started.elapsed());
}
