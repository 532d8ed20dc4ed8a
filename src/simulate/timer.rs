//! tokio's timer, as the model counts it. The rule lives here, once: the
//! event loop, the arithmetic and `saywhen explain ties` all read it.
//!
//! - **Steps.** tokio's timer wheel counts whole milliseconds from the
//!   moment the runtime's time driver started. A sleep's deadline is
//!   rounded *up* to the next step, so `sleep(1.5ms)` ends at 2 ms and a
//!   `sleep(0.3ms)` begun at 2 ms ends at 3 ms, on the virtual clock as on
//!   the real one.
//! - **Already due.** A sleep whose step the wheel has already processed
//!   (a zero delay at an instant the clock sits exactly on a step, as the
//!   virtual clock always does) is done on its first poll: it does not
//!   yield.
//! - **Firing.** Timers fire only when the thread polls its driver: when it
//!   has run out of ready tasks, or after every [`EVENT_INTERVAL`] polls. A
//!   timer due while the thread is held (a blocking call) fires late, at
//!   the next of those moments.
//! - **Ties.** Timers due at the same step fire in the order they were
//!   registered; each wakes its task, and woken tasks run first in, first
//!   out. Inside one task, `join_all` of up to [`SMALL_JOIN`] futures and
//!   `select_all` poll their children in the order written, so of two
//!   racers due at the same step the one written first wins; a larger
//!   `join_all` polls only the children that were woken, in the order they
//!   were woken.

use std::time::Duration;

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
    let nanos = deadline.as_nanos();
    let step = STEP.as_nanos();
    nanos.div_ceil(step).min(u64::MAX as u128) as u64
}

/// The instant step `step` begins.
pub fn at_step(step: u64) -> Duration {
    STEP.saturating_mul(step.min(u32::MAX as u64) as u32)
}

/// The steps that have passed by `now` (the wheel's "elapsed").
pub fn steps_passed(now: Duration) -> u64 {
    (now.as_nanos() / STEP.as_nanos()).min(u64::MAX as u128) as u64
}

/// When a sleep of `delay` begun at `now` ends on tokio's timer.
pub fn wakes_at(now: Duration, delay: Duration) -> Duration {
    at_step(step_of(now.saturating_add(delay))).max(now)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn whole_seconds_are_whole_steps() {
        assert_eq!(step_of(Duration::from_secs(3)), 3000);
        assert_eq!(steps_passed(ms(2.9)), 2);
    }
}
