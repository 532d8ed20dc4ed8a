//! tokio's timer, as the model counts it. The rule lives here, once: the
//! event loop, the arithmetic and `saywhen explain ties` all read it.
//!
//! The rule, as [`RULE`] tells it (and `saywhen explain ties` prints),
//! found by experiment on tokio 1.54 (tests/ties.rs pins each finding).

use std::time::Duration;

/// The timer and the order of ties, in words: what this module and the
/// event loop do.
pub const RULE: &str = "tokio's timer counts whole milliseconds from the moment the runtime\n\
     started: a sleep's deadline is rounded up to the next step, so sleep(1.5ms)\n\
     ends at 2 ms and a sleep(0.3ms) begun then ends at 3 ms, on the virtual clock\n\
     as on the real one (where each wake-up is also a little late). A sleep whose\n\
     step has already been processed (a zero delay, on the virtual clock) is done\n\
     at once, without yielding. Timers fire only when the thread looks at its\n\
     driver: when no task is ready, or after every 61 polls; one due while the\n\
     thread is held by a blocking call fires late, when the thread is free.\n\
     Ties: timers due in the same step fire in the order they were registered (the\n\
     order of their first polls); each wakes its task; the root future (block_on)\n\
     is polled before the tasks, and tasks run first in, first out. Inside one\n\
     task, join_all of up to 30 futures and select_all poll their children in the\n\
     order written, so of two racers due at the same step the one written first\n\
     wins; a larger join_all polls only the woken ones, in the order woken. A\n\
     timeout or a task group lets whatever ends at its deadline's (or failure's)\n\
     very instant end first. On worker threads (--workers) the order among tasks\n\
     due together is up to work stealing.";

/// The timer's step.
pub const STEP: Duration = Duration::from_millis(1);

/// How many tasks a current-thread runtime polls between two looks at its
/// driver (tokio's default `event_interval`).
pub const EVENT_INTERVAL: usize = 61;

/// The most futures `join_all` polls all together; above this it polls
/// only the woken ones (futures-util's `SMALL`).
pub const SMALL_JOIN: usize = 30;

/// The step a deadline falls due at: its offset from the driver's start,
/// rounded up to whole steps.
pub fn step_of(deadline: Duration) -> u64 {
    let step = STEP.as_nanos() as u64;
    // In 64 bits while the nanoseconds fit (584 years): a 128-bit
    // division costs ten times more, and the model asks for every sleep.
    let nanos = deadline
        .as_secs()
        .checked_mul(1_000_000_000)
        .and_then(|n| n.checked_add(u64::from(deadline.subsec_nanos())));
    match nanos {
        Some(nanos) => nanos.div_ceil(step),
        None => deadline
            .as_nanos()
            .div_ceil(u128::from(step))
            .min(u128::from(u64::MAX)) as u64,
    }
}

/// The instant step `step` begins.
pub fn at_step(step: u64) -> Duration {
    Duration::from_nanos(step.saturating_mul(STEP.as_nanos() as u64))
}

/// The steps that have passed by `now` (the wheel's "elapsed").
pub fn steps_passed(now: Duration) -> u64 {
    (now.as_nanos() / STEP.as_nanos()).min(u64::MAX as u128) as u64
}

/// When a sleep of `delay` begun at `now` ends on tokio's timer.
pub fn wakes_at(now: Duration, delay: Duration) -> Duration {
    at_step(step_of(now.saturating_add(delay))).max(now)
}

/// [`wakes_at`] in nanoseconds, as the figures read a million pairs: the
/// same instant (the sum saturating where a `Duration` would, the step's
/// start where [`at_step`] does), in 64 bits while it fits.
pub fn wakes_at_nanos(now: u128, delay: u128) -> u128 {
    let step = STEP.as_nanos() as u64;
    let sum = now.saturating_add(delay).min(Duration::MAX.as_nanos());
    let woken = match u64::try_from(sum) {
        Ok(sum) if sum <= u64::MAX - step => u128::from(sum.div_ceil(step) * step),
        _ => sum
            .div_ceil(u128::from(step))
            .saturating_mul(u128::from(step)),
    };
    woken.min(u128::from(u64::MAX)).max(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the timer's reckonings could part: a step's edges, a year,
    /// the edges of 64 bits of nanoseconds and of a `Duration`.
    const EDGES: [Duration; 14] = [
        Duration::ZERO,
        Duration::from_nanos(1),
        Duration::from_micros(999),
        Duration::from_millis(1),
        Duration::new(1, 1),
        Duration::new(365 * 86_400, 0),
        Duration::new(365 * 86_400, 999_999_999),
        Duration::new(u64::MAX / 1_000_000_000, 0),
        Duration::from_nanos(u64::MAX - 1_000_000),
        Duration::from_nanos(u64::MAX - 999_999),
        Duration::from_nanos(u64::MAX),
        Duration::new(u64::MAX / 1_000_000_000 + 1, 5),
        Duration::new(u64::MAX - 1, 999_999_999),
        Duration::MAX,
    ];

    /// The instant in nanoseconds is the instant of `wakes_at`, at the
    /// edges of 64 bits and of a `Duration` too.
    #[test]
    fn waking_in_nanoseconds_is_waking() {
        for now in EDGES {
            for delay in EDGES {
                assert_eq!(
                    wakes_at_nanos(now.as_nanos(), delay.as_nanos()),
                    wakes_at(now, delay).as_nanos(),
                    "{now:?} + {delay:?}"
                );
            }
        }
    }

    /// The 64-bit reckoning is the 128-bit one, up to where it overflows
    /// and past it.
    #[test]
    fn steps_in_64_bits_are_the_steps_in_128() {
        let wide = |d: Duration| {
            d.as_nanos()
                .div_ceil(STEP.as_nanos())
                .min(u128::from(u64::MAX)) as u64
        };
        for d in EDGES {
            assert_eq!(step_of(d), wide(d), "{d:?}");
        }
    }

    fn ms(x: f64) -> Duration {
        Duration::from_secs_f64(x / 1000.0)
    }

    #[test]
    fn deadlines_round_up_to_the_next_step() {
        assert_eq!(wakes_at(Duration::ZERO, ms(1.5)), ms(2.0));
        assert_eq!(wakes_at(ms(2.0), ms(0.3)), ms(3.0));
        assert_eq!(wakes_at(ms(2.0), ms(1.0)), ms(3.0));
        assert_eq!(wakes_at(Duration::ZERO, Duration::ZERO), Duration::ZERO);
        assert_eq!(wakes_at(ms(0.2), Duration::ZERO), ms(1.0));
    }

    /// A year's delay (the longest a pair may have) is a step like any.
    #[test]
    fn the_longest_delay_has_its_step() {
        let year = Duration::from_secs(365 * 24 * 3600);
        assert_eq!(at_step(step_of(year)), year);
    }

    #[test]
    fn whole_seconds_are_whole_steps() {
        assert_eq!(step_of(Duration::from_secs(3)), 3000);
        assert_eq!(steps_passed(ms(2.9)), 2);
    }
}
