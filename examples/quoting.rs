// Emitted by saywhen from the scenario: serial(0:'it\'s "quoted"', 0:'back\\slash', 0:tab\there, 0:'line\nbreak', 0:ünïcödé 👋, 0:bidi\u{202e}override, 0:bell\a)
// expected 0s = it's "quoted" 0s + back\slash 0s + tab\there 0s + line\nbreak 0s + ünïcödé 👋 0s + bidi\u{202e}override 0s + bell\a 0s
// Needs the crates tokio (features "full") and futures.

use std::time::{Duration, Instant};
use tokio::time::sleep;

/// Sleeps, then says `what`: the tutorial's `say_after`.
async fn say_after(delay: Duration, what: &str) {
    sleep(delay).await;
    println!("{what}");
}

// One thread drives every task, like asyncio's event loop.
#[tokio::main(flavor = "current_thread")]
async fn main() {
    let started = Instant::now();
    println!("started");
    say_after(Duration::ZERO, "it's \"quoted\"").await;
    say_after(Duration::ZERO, "back\\slash").await;
    say_after(Duration::ZERO, "tab\there").await;
    say_after(Duration::ZERO, "line\nbreak").await;
    say_after(Duration::ZERO, "ünïcödé 👋").await;
    say_after(Duration::ZERO, "bidi\u{202e}override").await;
    say_after(Duration::ZERO, "bell\x07").await;
    println!("finished in {:.2?}", started.elapsed());
}
