//! `say_after`: sleep, then say. The whole unit of work, as in the tutorial:
//!
//! ```python
//! async def say_after(delay, what):
//!     await asyncio.sleep(delay)
//!     print(what)
//! ```

use std::borrow::Borrow;
use std::time::Duration;

use tokio::time::Instant;

use crate::engine::record::Recorder;

/// Sleeps `delay`, then says pair `index`.
///
/// It takes the recorder by value so the future owns everything it needs and
/// can be handed to `tokio::spawn`, which requires `'static` futures.
/// Nothing happens until the future is polled: like a coroutine object in
/// Python, calling `say_after` only *describes* the work.
/// `recorder` is the run's (a [`Recorder`]) or a borrow of it: a pair run
/// in its group's own task (gather, serial) borrows the group's and pays
/// no reference count.
pub async fn say_after<R: Borrow<Recorder>>(index: usize, delay: Duration, recorder: R) {
    let recorder = recorder.borrow();
    let began = recorder.begin(index);
    sleep_from(began, delay).await;
    recorder.say(index);
}

/// `tokio::time::sleep(delay)`, which is `sleep_until(now + delay)`, with
/// the instant the pair began as its `now`: one clock reading serves both
/// (a million pairs read the clock a million times fewer).
fn sleep_from(began: Instant, delay: Duration) -> tokio::time::Sleep {
    match began.checked_add(delay) {
        Some(due) => tokio::time::sleep_until(due),
        None => tokio::time::sleep(delay),
    }
}

/// Sleeps until `due`, then says pair `index`: `say_after` with an absolute
/// deadline (`sleep_until`) instead of a relative one, so the wait ends at
/// `due` however late it began.
pub async fn say_at(index: usize, due: Instant, recorder: Recorder) {
    recorder.begin(index);
    tokio::time::sleep_until(due).await;
    recorder.say(index);
}

/// Sleeps `delay`, then fails with pair `index`'s message as the error
/// (`fail(PAIR)`): a coroutine that raises after its sleep.
pub async fn fail_after(index: usize, delay: Duration, recorder: Recorder) {
    let began = recorder.begin(index);
    sleep_from(began, delay).await;
    recorder.fail(index);
}
