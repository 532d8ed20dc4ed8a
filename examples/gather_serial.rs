// Emitted by saywhen from the scenario: gather(serial(1:a, 2:b), 3:c)
// expected 3s = max(serial 1s + 2s = 3s, c 3s)
// Needs the crates tokio (features "full") and futures.

use futures::join;
use std::time::{Duration, Instant};
use tokio::time::sleep;

/// Sleeps, then says `what`: the tutorial's `say_after`.
async fn say_after(delay: Duration, what: &str) {
    sleep(delay).await;
    println!("{what}");
}

// serial(1:a, 2:b)
async fn serial_1() {
    say_after(Duration::from_secs(1), "a").await;
    say_after(Duration::from_secs(2), "b").await;
}

// One thread drives every task, like asyncio's event loop.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let started = Instant::now();
    println!("started");
    join!(serial_1(), say_after(Duration::from_secs(3), "c"));
    println!("finished in {:.2?}", started.elapsed());
}
