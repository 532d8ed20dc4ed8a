//! Ties and the timer: what tokio 1.54 (current-thread runtime, paused clock)
//! and asyncio (Python 3.11, `tests/ties.py`) do when timers fall due at the
//! same instant, found by experiment and pinned here, so that an upgrade
//! that changes any of it fails a test. Plain tokio and futures, not
//! saywhen's engine: these are the facts the model must reproduce.
//!
//! # The timer (tokio)
//!
//! - A tick is 1 ms, counted from the moment the runtime (its time driver)
//!   was built. A sleep's deadline `d` is due at tick `ceil(d)`: the first
//!   whole ms at or after it (`deadline + 999_999 ns`, truncated). So on the
//!   paused clock `sleep(1.5ms)` then `sleep(0.3ms)` end at 2 ms then 3 ms,
//!   and `sleep(1ns)` ends at 1 ms.
//! - A sleep registers with the timer at its first poll, not when it is
//!   created. If its tick is one the timer has already processed (its
//!   deadline is at or before the last tick the driver turned: `sleep(ZERO)`
//!   or a past deadline at a ms-aligned instant, e.g. at t=0 or right after
//!   an auto-advance), the first poll returns Ready: it does not yield.
//!   Otherwise it waits for the driver's next turn past that tick.
//! - The paused clock auto-advances, when every task is idle, by
//!   `tick(next deadline) - floor(now)` whole ms. From a ms-aligned instant
//!   that lands exactly on the tick. From an instant off the grid (after
//!   `tokio::time::advance(0.5ms)`, say) it overshoots by the same fraction:
//!   at 0.5 ms, `sleep(ZERO)` ends at 1.5 ms and a following `sleep(1ms)`
//!   (deadline 2.5, tick 3) at 3.5 ms.
//! - The real clock parks the same way, `tick(deadline) - floor(now)` ms
//!   from the instant the thread parks, plus the OS's slack: a chained
//!   `sleep(Nms)` takes N + 1 ms + ~0.08 ms, and `sleep(ZERO)` ~1.08 ms (it
//!   never is Ready at its first poll there: `now` is never ms-aligned).
//!
//! # Ties (tokio)
//!
//! - Timers that fall due in the same tick fire in registration order (the
//!   order of their first polls, not of their creation), whatever their exact deadlines (1.7 ms registered before 1.2 ms:
//!   1.7 fires first, both at 2 ms), whatever the spawn order, however many
//!   (1 to 1000) and whichever wheel level they waited on. Timers of
//!   different ticks that are all overdue at one driver turn (after
//!   `advance`, or a block) fire in tick order, then registration order.
//! - `Sleep::reset` to an earlier tick registers again, at the back of it;
//!   to the same tick it keeps its place; to a later tick it stays in its
//!   old tick's slot and joins the new tick's, at the back, when the old
//!   tick comes.
//! - Each fired timer wakes its task; current-thread's run queue is FIFO,
//!   so tied spawned tasks run in that order, all seeing `now` = the tick.
//! - The block_on (root) future runs before every spawned task woken in the
//!   same driver turn, whatever the registration order: the scheduler polls
//!   it first (if woken), then up to 61 (`event_interval`) queued tasks, then
//!   turns the driver, then polls it again if woken. So a root woken by a
//!   task during a turn runs after at most 61 queued tasks; a spawned waiter
//!   runs after all of them (it is queued behind them).
//! - Inside one task the combinator decides the order the tied futures'
//!   code runs in: `join_all` of <= 30 and `futures::join!` poll every child
//!   in argument order; `join_all` of > 30 and `FuturesUnordered` poll the
//!   woken ones in wake (registration) order; `tokio::join!` rotates its
//!   first child by one each poll; `select_all` and `select! { biased; }`
//!   take the first given among the ready ones (the others' code does not
//!   run); `timeout(d, f)` polls `f` first, so `f` ending in the deadline's
//!   tick wins; `JoinSet::join_next` returns tasks in the order they ran.
//! - Multi-thread (real clock only): with one worker the last-woken task
//!   runs first (the LIFO slot), then the rest in wake order; with 2 workers
//!   the order is unpredictable (stealing). No exact order there.
//!
//! # Ties (asyncio, see tests/ties.py)
//!
//! - No tick: `loop.time()` is `time.monotonic()` (1 ns on Linux;
//!   `_clock_resolution` is that resolution), and each turn runs every timer
//!   with `when < now + clock_resolution`. `asyncio.sleep(d)` sets
//!   `when = loop.time() + d` at the call, so sleeps started one after the
//!   other never tie exactly: they fire in `when` order, which is start order
//!   for equal delays. Exactly equal `when`s (`call_at`) pop in heap order,
//!   not FIFO: 3 timers run 0, 2, 1.
//! - Due timers' callbacks go to the back of the ready queue (FIFO) behind
//!   what is already there; a task woken by a timer runs at the next turn.
//!   `asyncio.sleep(0)` uses no timer: it yields one turn.
//! - `gather` / `create_task` start children in argument order, so equal
//!   sleeps end in argument order; `wait(FIRST_COMPLETED)` returns every task
//!   done in the same turn (all timers due by the time the loop woke);
//!   a TaskGroup sibling ending in the failing child's turn finishes;
//!   `asyncio.timeout(d)` around a child that sleeps `d` times out: the
//!   deadline's `when` was taken first (unlike tokio's `timeout`).

use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::Poll;
use std::time::Duration;

use futures::FutureExt;
use futures::StreamExt;
use tokio::time::{Instant, advance, sleep, sleep_until};

/// What ran, in order, shared between tasks.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<String>>>);

impl Log {
    fn push(&self, what: impl Into<String>) {
        self.0.lock().unwrap().push(what.into());
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut self.0.lock().unwrap())
    }
}

fn ms(n: f64) -> Duration {
    Duration::from_secs_f64(n / 1e3)
}

/// Microseconds since `t0`.
fn at(t0: Instant) -> u128 {
    t0.elapsed().as_micros()
}

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn numbers(list: impl IntoIterator<Item = usize>) -> Vec<String> {
    list.into_iter().map(|i| i.to_string()).collect()
}

/// Spawns a task that waits `pre` (so that it registers its second timer
/// then), sleeps until `due`, and logs `name`.
fn tied(log: &Log, name: String, pre: Duration, due: Instant) -> tokio::task::JoinHandle<()> {
    let log = log.clone();
    tokio::spawn(async move {
        sleep(pre).await;
        sleep_until(due).await;
        log.push(name);
    })
}

async fn all(handles: Vec<tokio::task::JoinHandle<()>>) {
    for handle in handles {
        handle.await.unwrap();
    }
}

// ---------------------------------------------------------------------
// 1. The timer's granularity.

#[tokio::test(start_paused = true)]
async fn a_deadline_is_rounded_up_to_the_next_whole_ms() {
    let t0 = Instant::now();
    // 1.5 ms is due at tick 2; from there 0.3 ms (2.3) is due at tick 3.
    sleep(ms(1.5)).await;
    assert_eq!(at(t0), 2000);
    sleep(ms(0.3)).await;
    assert_eq!(at(t0), 3000);
    // A deadline on a tick is that tick; 1 ns past it is the next one.
    let t1 = Instant::now();
    sleep(ms(1.0)).await;
    assert_eq!(at(t1), 1000);
    let t1 = Instant::now();
    sleep(Duration::from_nanos(1)).await;
    assert_eq!(at(t1), 1000);
    let t1 = Instant::now();
    sleep(ms(1.0) + Duration::from_nanos(1)).await;
    assert_eq!(at(t1), 2000);
}

#[tokio::test(start_paused = true)]
async fn a_deadline_in_a_processed_tick_is_ready_at_the_first_poll() {
    // At t=0 (the driver's start: tick 0 is processed), zero and past
    // deadlines are Ready without waiting for the driver.
    let mut zero = pin!(sleep(Duration::ZERO));
    assert_eq!(futures::poll!(zero.as_mut()), Poll::Ready(()));
    let mut past = pin!(sleep_until(Instant::now() - ms(5.0)));
    assert_eq!(futures::poll!(past.as_mut()), Poll::Ready(()));
    // So is sleep(ZERO) right after an auto-advance (now = 3 ms, tick 3
    // processed)...
    sleep(ms(3.0)).await;
    let mut zero = pin!(sleep(Duration::ZERO));
    assert_eq!(futures::poll!(zero.as_mut()), Poll::Ready(()));
    // ...but 1 ns is tick 4, not processed yet: Pending, ends at 4 ms.
    let t1 = Instant::now();
    let mut tiny = pin!(sleep(Duration::from_nanos(1)));
    assert_eq!(futures::poll!(tiny.as_mut()), Poll::Pending);
    tiny.await;
    assert_eq!(at(t1), 1000);
}

#[tokio::test(start_paused = true)]
async fn sleep_zero_does_not_yield_to_other_tasks() {
    let log = Log::default();
    let other = log.clone();
    let handle = tokio::spawn(async move { other.push("task") });
    // The spawned task is queued; were sleep(ZERO) to yield, it would run
    // before "after".
    sleep(Duration::ZERO).await;
    log.push("after");
    handle.await.unwrap();
    assert_eq!(log.take(), names(&["after", "task"]));
}

#[tokio::test(start_paused = true)]
async fn off_the_ms_grid_the_paused_clock_advances_whole_ms_from_the_floor() {
    let t0 = Instant::now();
    // advance() moves the clock off the grid (tick 0 still, 0.5 ms in).
    advance(ms(0.5)).await;
    assert_eq!(at(t0), 500);
    // sleep(ZERO) is due at tick 1 (0.5 rounded up): not Ready. The clock
    // then jumps by 1 - floor(0.5) = 1 ms, to 1.5 ms, not to 1 ms.
    let mut zero = pin!(sleep(Duration::ZERO));
    assert_eq!(futures::poll!(zero.as_mut()), Poll::Pending);
    zero.await;
    assert_eq!(at(t0), 1500);
    // 1 ms from 1.5 is due at tick 3 (2.5 rounded up): +2 ms, to 3.5.
    sleep(ms(1.0)).await;
    assert_eq!(at(t0), 3500);
    // 0.2 ms from 3.5 is tick 4: +1 ms, to 4.5.
    sleep(ms(0.2)).await;
    assert_eq!(at(t0), 4500);
}

// ---------------------------------------------------------------------
// 2. Tied timers in spawned tasks.

#[tokio::test(start_paused = true)]
async fn tied_tasks_run_in_registration_order_not_spawn_order() {
    let log = Log::default();
    let t0 = Instant::now();
    let due = t0 + ms(10.0);
    // a is spawned first but registers its 10 ms timer at 2 ms; b at 1 ms.
    let handles = vec![
        tied(&log, "a".into(), ms(2.0), due),
        tied(&log, "b".into(), ms(1.0), due),
    ];
    all(handles).await;
    assert_eq!(log.take(), names(&["b", "a"]));
    assert_eq!(at(t0), 10_000);
}

#[tokio::test(start_paused = true)]
async fn a_sleep_registers_at_its_first_poll_not_at_its_creation() {
    let log = Log::default();
    let t0 = Instant::now();
    let due = t0 + ms(10.0);
    let first = log.clone();
    // a creates its sleep first, but polls it only after a 1 ms sleep.
    let a = tokio::spawn(async move {
        let later = sleep_until(due);
        sleep(ms(1.0)).await;
        later.await;
        first.push("a");
    });
    let b = tied(&log, "b".into(), Duration::ZERO, due);
    all(vec![a, b]).await;
    assert_eq!(log.take(), names(&["b", "a"]));
}

/// Spawns a task that registers a timer for `first` at t=0, sleeps until
/// `when`, resets the timer to `then`, awaits it and logs `name`.
fn reset_at(
    log: &Log,
    name: &'static str,
    first: Instant,
    when: Instant,
    then: Instant,
) -> tokio::task::JoinHandle<()> {
    let log = log.clone();
    tokio::spawn(async move {
        let mut timer = pin!(sleep_until(first));
        assert_eq!(futures::poll!(timer.as_mut()), Poll::Pending);
        sleep_until(when).await;
        timer.as_mut().reset(then);
        timer.await;
        log.push(name);
    })
}

#[tokio::test(start_paused = true)]
async fn a_reset_sleep_keeps_its_place_unless_it_moves_earlier() {
    let log = Log::default();
    let t0 = Instant::now();
    let (t1, t10) = (t0 + ms(1.0), t0 + ms(10.0));
    // Reset to the same tick: it keeps its place (a registered first).
    let a = reset_at(&log, "a", t10, t1, t10);
    let b = tied(&log, "b".into(), Duration::ZERO, t10);
    all(vec![a, b]).await;
    assert_eq!(log.take(), names(&["a", "b"]));

    // Reset to an earlier tick: registered again there, at the back.
    let t0 = Instant::now();
    let (t1, t10, t20) = (t0 + ms(1.0), t0 + ms(10.0), t0 + ms(20.0));
    let a = reset_at(&log, "a", t20, t1, t10);
    let b = tied(&log, "b".into(), Duration::ZERO, t10);
    all(vec![a, b]).await;
    assert_eq!(log.take(), names(&["b", "a"]));

    // Reset to a later tick: the entry stays in its old tick's slot and
    // moves to the new tick's only when the old one comes (lazily): behind
    // b (registered at 1 ms), ahead of c (registered at 15 ms).
    let t0 = Instant::now();
    let (t2, t10, t20) = (t0 + ms(2.0), t0 + ms(10.0), t0 + ms(20.0));
    let a = reset_at(&log, "a", t10, t2, t20);
    let b = tied(&log, "b".into(), ms(1.0), t20);
    let c = tied(&log, "c".into(), ms(15.0), t20);
    all(vec![a, b, c]).await;
    assert_eq!(log.take(), names(&["b", "a", "c"]));
}

#[tokio::test(start_paused = true)]
async fn deadlines_in_one_tick_tie_whatever_their_fraction() {
    for (first, second) in [(1.7, 1.2), (1.2, 1.7)] {
        let log = Log::default();
        let t0 = Instant::now();
        let handles = [first, second]
            .into_iter()
            .map(|deadline| {
                let log = log.clone();
                tokio::spawn(async move {
                    sleep_until(t0 + ms(deadline)).await;
                    // Both are woken at tick 2 and see 2 ms.
                    log.push(format!("{deadline}@{}", at(t0)));
                })
            })
            .collect();
        all(handles).await;
        // Registration order, not deadline order: the first registered
        // runs first even when its deadline is the later one.
        assert_eq!(
            log.take(),
            vec![format!("{first}@2000"), format!("{second}@2000")]
        );
    }
}

#[tokio::test(start_paused = true)]
async fn registration_order_holds_for_any_number_of_tied_tasks() {
    // 1000 > 32 (the driver wakes tasks in batches of 32) and > 61 (the
    // scheduler turns the driver again after 61 tasks): neither reorders.
    for n in [1usize, 2, 30, 31, 61, 62, 100, 1000] {
        let log = Log::default();
        let t0 = Instant::now();
        let due = t0 + ms(n as f64 + 10.0);
        // Task i registers its tied timer after (i * 7919) % n + 1 ms: a
        // permutation of 1..=n, neither spawn order nor its reverse.
        let pre = |i: usize| (i * 7919) % n + 1;
        let handles = (0..n)
            .map(|i| tied(&log, i.to_string(), ms(pre(i) as f64), due))
            .collect();
        all(handles).await;
        let mut expected: Vec<usize> = (0..n).collect();
        expected.sort_by_key(|&i| pre(i));
        assert_eq!(log.take(), numbers(expected), "{n} tied tasks");
        assert_eq!(at(t0), (n as u128 + 10) * 1000);
    }
}

#[tokio::test(start_paused = true)]
async fn registration_order_holds_across_the_wheels_levels() {
    // A timer 5 s away waits on level 2 (64^2 ms slots), one 500 ms away on
    // level 1, one 1 ms away on level 0; all fall due at 5 s. Cascading down
    // the levels keeps the order they registered in.
    let log = Log::default();
    let t0 = Instant::now();
    let due = t0 + ms(5000.0);
    let handles = vec![
        tied(&log, "1ms".into(), ms(4999.0), due),
        tied(&log, "500ms".into(), ms(4500.0), due),
        tied(&log, "5s".into(), Duration::ZERO, due),
    ];
    all(handles).await;
    assert_eq!(log.take(), names(&["5s", "500ms", "1ms"]));
}

#[tokio::test(start_paused = true)]
async fn overdue_timers_fire_in_tick_order_then_registration_order() {
    let log = Log::default();
    let t0 = Instant::now();
    // Registered c, b2, b1, a; due 30, 20, 20, 10 ms.
    let handles = vec![
        tied(&log, "c".into(), Duration::ZERO, t0 + ms(30.0)),
        tied(&log, "b2".into(), Duration::ZERO, t0 + ms(20.0)),
        tied(&log, "b1".into(), Duration::ZERO, t0 + ms(20.0)),
        tied(&log, "a".into(), Duration::ZERO, t0 + ms(10.0)),
    ];
    tokio::task::yield_now().await;
    // Jump past all of them at once (what a block does to the clock).
    advance(ms(50.0)).await;
    all(handles).await;
    assert_eq!(log.take(), names(&["a", "b2", "b1", "c"]));
    assert_eq!(at(t0), 50_000);
}

// ---------------------------------------------------------------------
// 3. The block_on (root) future and spawned tasks.

#[tokio::test(start_paused = true)]
async fn the_root_future_runs_before_tied_spawned_tasks() {
    for n in [1usize, 100] {
        let log = Log::default();
        let t0 = Instant::now();
        let due = t0 + ms(10.0);
        let handles = (0..n)
            .map(|i| tied(&log, i.to_string(), Duration::ZERO, due))
            .collect();
        // Let every task register first: the root registers last.
        tokio::task::yield_now().await;
        sleep_until(due).await;
        log.push("root");
        all(handles).await;
        let mut expected = names(&["root"]);
        expected.extend(numbers(0..n));
        assert_eq!(log.take(), expected, "root and {n} tasks");
    }
}

#[tokio::test(start_paused = true)]
async fn a_root_woken_by_a_task_runs_after_at_most_61_queued_tasks() {
    let log = Log::default();
    let due = Instant::now() + ms(10.0);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let mut tx = Some(tx);
    let handles: Vec<_> = (0..100)
        .map(|i| {
            let log = log.clone();
            let tx = if i == 0 { tx.take() } else { None };
            tokio::spawn(async move {
                sleep_until(due).await;
                log.push(i.to_string());
                // Task 0 wakes the root, with 99 tied tasks still queued.
                if let Some(tx) = tx {
                    tx.send(()).unwrap();
                }
            })
        })
        .collect();
    rx.await.unwrap();
    log.push("root");
    all(handles).await;
    // event_interval = 61: the root is polled again after 61 tasks.
    let mut expected = numbers(0..61);
    expected.push("root".into());
    expected.extend(numbers(61..100));
    assert_eq!(log.take(), expected);
}

#[tokio::test(start_paused = true)]
async fn a_spawned_task_woken_by_a_task_runs_after_every_queued_one() {
    let log = Log::default();
    let due = Instant::now() + ms(10.0);
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let waiter = {
        let log = log.clone();
        tokio::spawn(async move {
            rx.await.unwrap();
            log.push("waiter");
        })
    };
    let mut tx = Some(tx);
    let mut handles: Vec<_> = (0..100)
        .map(|i| {
            let log = log.clone();
            let tx = if i == 0 { tx.take() } else { None };
            tokio::spawn(async move {
                sleep_until(due).await;
                log.push(i.to_string());
                if let Some(tx) = tx {
                    tx.send(()).unwrap();
                }
            })
        })
        .collect();
    handles.push(waiter);
    all(handles).await;
    // Woken by task 0, the waiter is queued behind the 99 others.
    let mut expected = numbers(0..100);
    expected.push("waiter".into());
    assert_eq!(log.take(), expected);
}

#[tokio::test(start_paused = true)]
async fn a_failure_on_the_root_cancels_tied_siblings_past_the_61st() {
    // A JoinSet awaited by the root future, aborted at the first failure.
    // Task 0 fails at 10 ms; its 99 siblings end at 10 ms too. The root sees
    // the failure after 61 tasks ran: the other 39 are cancelled unrun. (A
    // group awaited in a spawned task would see it after all 100 ran.)
    let log = Log::default();
    let due = Instant::now() + ms(10.0);
    let mut set = tokio::task::JoinSet::new();
    for i in 0..100 {
        let log = log.clone();
        set.spawn(async move {
            sleep_until(due).await;
            log.push(i.to_string());
            i != 0
        });
    }
    let mut cancelled = 0;
    while let Some(joined) = set.join_next().await {
        match joined {
            Ok(true) => {}
            Ok(false) => set.abort_all(),
            Err(_) => cancelled += 1,
        }
    }
    assert_eq!(log.take(), numbers(0..61));
    assert_eq!(cancelled, 39);
}

// ---------------------------------------------------------------------
// 4. Tied futures inside one task.

/// `n` futures, all due at `due`; future i registers its tied timer after
/// n - i ms, so registration order is the reverse of argument order.
fn reversed(log: &Log, n: usize, due: Instant) -> Vec<impl Future<Output = usize> + use<>> {
    (0..n)
        .map(|i| {
            let log = log.clone();
            async move {
                sleep(ms((n - i) as f64)).await;
                sleep_until(due).await;
                log.push(i.to_string());
                i
            }
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn join_all_of_up_to_30_runs_tied_futures_in_argument_order() {
    for n in [2usize, 30] {
        let log = Log::default();
        let due = Instant::now() + ms(100.0);
        futures::future::join_all(reversed(&log, n, due)).await;
        // Small join_all polls every child, in order, at each wake.
        assert_eq!(log.take(), numbers(0..n), "join_all of {n}");
    }
}

#[tokio::test(start_paused = true)]
async fn join_all_of_more_than_30_runs_tied_futures_in_wake_order() {
    for n in [31usize, 100] {
        let log = Log::default();
        let due = Instant::now() + ms(200.0);
        futures::future::join_all(reversed(&log, n, due)).await;
        // Big join_all is a FuturesOrdered: it polls the woken, in wake
        // (here registration) order.
        assert_eq!(log.take(), numbers((0..n).rev()), "join_all of {n}");
    }
}

#[tokio::test(start_paused = true)]
async fn futures_unordered_runs_tied_futures_in_wake_order() {
    let log = Log::default();
    let due = Instant::now() + ms(100.0);
    let mut set: futures::stream::FuturesUnordered<_> =
        reversed(&log, 3, due).into_iter().collect();
    let mut finished = vec![];
    while let Some(i) = set.next().await {
        finished.push(i.to_string());
    }
    assert_eq!(log.take(), numbers([2, 1, 0]));
    assert_eq!(finished, numbers([2, 1, 0]));
}

#[tokio::test(start_paused = true)]
async fn futures_join_runs_tied_futures_in_argument_order() {
    // The macro saywhen's emitted Rust uses.
    let log = Log::default();
    let due = Instant::now() + ms(100.0);
    let mut futs = reversed(&log, 3, due).into_iter();
    let (a, b, c) = (
        futs.next().unwrap(),
        futs.next().unwrap(),
        futs.next().unwrap(),
    );
    futures::join!(a, b, c);
    assert_eq!(log.take(), numbers([0, 1, 2]));
}

#[tokio::test(start_paused = true)]
async fn tokio_join_rotates_the_first_child_polled() {
    // tokio::join! (not biased) starts each poll one child further on. It is
    // polled 4 times before the tie (at t=0 and at the 3 wakes at 1, 2, 3
    // ms), so at the tie's wake it starts at child 4 % 3 = 1.
    let log = Log::default();
    let due = Instant::now() + ms(100.0);
    let mut futs = reversed(&log, 3, due).into_iter();
    let (a, b, c) = (
        futs.next().unwrap(),
        futs.next().unwrap(),
        futs.next().unwrap(),
    );
    tokio::join!(a, b, c);
    assert_eq!(log.take(), numbers([1, 2, 0]));
    // biased; polls in argument order.
    let mut futs = reversed(&log, 3, due + ms(100.0)).into_iter();
    let (a, b, c) = (
        futs.next().unwrap(),
        futs.next().unwrap(),
        futs.next().unwrap(),
    );
    tokio::join!(biased; a, b, c);
    assert_eq!(log.take(), numbers([0, 1, 2]));
}

#[tokio::test(start_paused = true)]
async fn select_all_gives_a_tie_to_the_first_given() {
    let log = Log::default();
    let due = Instant::now() + ms(100.0);
    let racers = reversed(&log, 3, due).into_iter().map(Box::pin);
    let (winner, index, _rest) = futures::future::select_all(racers).await;
    // Registered last, given first: it wins, and the others' code after
    // the wake never runs.
    assert_eq!((winner, index), (0, 0));
    assert_eq!(log.take(), numbers([0]));
}

#[tokio::test(start_paused = true)]
async fn biased_select_gives_a_tie_to_the_first_branch() {
    let log = Log::default();
    let due = Instant::now() + ms(100.0);
    let mut futs = reversed(&log, 2, due).into_iter();
    let (a, b) = (futs.next().unwrap(), futs.next().unwrap());
    let winner = tokio::select! {
        biased;
        i = a => i,
        i = b => i,
    };
    assert_eq!(winner, 0);
    assert_eq!(log.take(), numbers([0]));
}

#[tokio::test(start_paused = true)]
async fn timeout_gives_a_tie_to_the_future() {
    // Timeout polls the future before its deadline: a future due in the
    // deadline's tick (even registered after it) ends, no Elapsed.
    let t0 = Instant::now();
    assert!(
        tokio::time::timeout(ms(10.0), sleep(ms(10.0)))
            .await
            .is_ok()
    );
    assert!(tokio::time::timeout(ms(9.2), sleep(ms(9.7))).await.is_ok());
    let deadline = Instant::now() + ms(10.0);
    let late = async move {
        sleep(ms(1.0)).await;
        sleep_until(deadline).await;
    };
    assert!(tokio::time::timeout_at(deadline, late).await.is_ok());
    // One tick later is late.
    assert!(
        tokio::time::timeout(ms(10.0), sleep(ms(10.1)))
            .await
            .is_err()
    );
    assert_eq!(at(t0), 40_000);
}

#[tokio::test(start_paused = true)]
async fn join_set_joins_tied_tasks_in_the_order_they_ran() {
    let log = Log::default();
    let due = Instant::now() + ms(100.0);
    let mut set = tokio::task::JoinSet::new();
    for fut in reversed(&log, 3, due) {
        set.spawn(fut);
    }
    let mut joined = vec![];
    while let Some(i) = set.join_next().await {
        joined.push(i.unwrap().to_string());
    }
    assert_eq!(log.take(), numbers([2, 1, 0]));
    assert_eq!(joined, numbers([2, 1, 0]));
}

#[tokio::test(start_paused = true)]
async fn tied_siblings_of_a_failure_in_a_spawned_group_all_finish() {
    // The group (a JoinSet that aborts on the first failure) runs in a
    // spawned task: woken by the failure, it is queued behind the tied
    // sibling, which finishes first.
    let log = Log::default();
    let due = Instant::now() + ms(10.0);
    let group = {
        let log = log.clone();
        tokio::spawn(async move {
            let mut set = tokio::task::JoinSet::new();
            for (name, fails) in [("fail", true), ("ok", false)] {
                let log = log.clone();
                set.spawn(async move {
                    sleep_until(due).await;
                    log.push(name);
                    fails
                });
            }
            let mut cancelled = 0;
            while let Some(joined) = set.join_next().await {
                match joined {
                    Ok(true) => set.abort_all(),
                    Ok(false) => {}
                    Err(_) => cancelled += 1,
                }
            }
            cancelled
        })
    };
    assert_eq!(group.await.unwrap(), 0);
    assert_eq!(log.take(), names(&["fail", "ok"]));
}

#[test]
fn tied_futures_polled_once_register_in_poll_order() {
    // now_or_never polls once with a no-op waker: enough to register.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    runtime.block_on(async {
        let log = Log::default();
        let due = Instant::now() + ms(10.0);
        let mut first = pin!(sleep_until(due));
        let mut second = pin!(sleep_until(due));
        // second registers first.
        assert!(second.as_mut().now_or_never().is_none());
        assert!(first.as_mut().now_or_never().is_none());
        let (a, b) = (log.clone(), log.clone());
        let mut set = futures::stream::FuturesUnordered::new();
        set.push(
            async move {
                first.await;
                a.push("first");
            }
            .boxed_local(),
        );
        set.push(
            async move {
                second.await;
                b.push("second");
            }
            .boxed_local(),
        );
        while set.next().await.is_some() {}
        assert_eq!(log.take(), names(&["second", "first"]));
    });
}

// ---------------------------------------------------------------------
// The real clock: the order does not depend on the clock, only the
// runtime. Each task notes when it registers (its sleep's first poll is in
// the same poll as the note); due 100 ms ahead, so that even a loaded
// machine registers all of them before the tick.

/// 100 tasks tied on the real clock: (registration order, run order).
fn real_tie(runtime: &tokio::runtime::Runtime) -> (Vec<usize>, Vec<usize>) {
    runtime.block_on(async {
        // Spawned from a task, so that on the multi-thread runtime every
        // task is spawned and woken on the one worker.
        tokio::spawn(async {
            let registered = Arc::new(Mutex::new(vec![]));
            let ran = Arc::new(Mutex::new(vec![]));
            let due = Instant::now() + ms(100.0);
            let handles: Vec<_> = (0..100)
                .map(|i| {
                    let (registered, ran) = (registered.clone(), ran.clone());
                    tokio::spawn(async move {
                        registered.lock().unwrap().push(i);
                        sleep_until(due).await;
                        ran.lock().unwrap().push(i);
                    })
                })
                .collect();
            all(handles).await;
            let registered = registered.lock().unwrap().clone();
            let ran = ran.lock().unwrap().clone();
            (registered, ran)
        })
        .await
        .unwrap()
    })
}

#[test]
fn on_the_real_clock_current_thread_runs_ties_in_registration_order() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap();
    let (registered, ran) = real_tie(&runtime);
    assert_eq!(ran, registered);
}

#[test]
fn on_one_worker_the_last_woken_runs_first_then_the_rest_in_order() {
    // The multi-thread scheduler puts each task woken on a worker in its
    // LIFO slot, pushing the one there to the back of the queue.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_time()
        .build()
        .unwrap();
    let (registered, ran) = real_tie(&runtime);
    let (last, rest) = registered.split_last().unwrap();
    let mut expected = vec![*last];
    expected.extend(rest);
    assert_eq!(ran, expected);
}

// ---------------------------------------------------------------------
// 5. asyncio: tests/ties.py asserts its findings itself.

#[test]
fn asyncio_ties_are_as_documented() {
    let check = "import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)";
    let found = std::process::Command::new("python3")
        .args(["-c", check])
        .status()
        .is_ok_and(|status| status.success());
    if !found {
        assert!(
            std::env::var_os("SAYWHEN_REQUIRE_PYTHON").is_none(),
            "SAYWHEN_REQUIRE_PYTHON is set, but python3 3.11 or newer is not there"
        );
        eprintln!("note: skipping: needs python3 3.11 or newer");
        return;
    }
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/ties.py");
    let output = std::process::Command::new("python3")
        .arg(script)
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "tests/ties.py failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        stdout.lines().last(),
        Some("all asyncio ties as documented")
    );
}
