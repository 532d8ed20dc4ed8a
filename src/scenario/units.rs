//! How durations are written: rounded and readable for people (`1.001s`,
//! `250ms`, `1m30s`), seconds rounded to the microsecond for machines.

use std::time::Duration;

use jiff::SignedDuration;

// u64, not u128: u128 division is a library call, and a burst of live
// lines divides a million offsets. Below a minute every value fits.
const MICRO: u64 = 1_000;
const MILLI: u64 = 1_000_000;
const SECOND: u64 = 1_000_000_000;
const MINUTE: u64 = 60 * SECOND;

/// A duration for people: four significant digits below a second
/// (`250ms`, `1.235ms`), milliseconds below a minute (`1.001s`), then
/// `1m30s`, `2h`, `1d2h`; trailing zeros trimmed.
pub fn human(d: Duration) -> String {
    let mut text = String::with_capacity(16);
    write_human(&mut text, d);
    text
}

/// [`human`], appended to `out` without allocating: the live lines write
/// a million of these in a burst.
pub fn write_human(out: &mut String, d: Duration) {
    let nanos = match u64::try_from(d.as_nanos()) {
        Ok(nanos) if nanos < MINUTE => nanos,
        _ => {
            return compound(
                out,
                (d.as_nanos() + u128::from(MILLI / 2)) / u128::from(MILLI),
            );
        }
    };
    if nanos == 0 {
        return out.push_str("0s");
    }
    if nanos < MICRO {
        write_integer(out, nanos);
        return out.push_str("ns");
    }
    if nanos < MILLI {
        return significant(out, nanos, MICRO, "µs");
    }
    let micros = round(nanos, MICRO);
    if micros < SECOND / MICRO {
        return significant(out, micros * MICRO, MILLI, "ms");
    }
    let millis = round(nanos, MILLI);
    if millis * MILLI < MINUTE {
        return decimal(out, millis, "s");
    }
    compound(out, u128::from(millis))
}

/// A number that two durations share only if [`human`] writes them
/// alike: from a second up, what is shown is the milliseconds; below, the
/// nanoseconds themselves (tagged apart).
pub fn shown_as(d: Duration) -> u128 {
    // In 64 bits while they suffice (584 years): a live line asks this.
    if let Ok(nanos) = u64::try_from(d.as_nanos())
        && nanos < u64::MAX / 4
    {
        return match (nanos + MICRO / 2) / MICRO >= SECOND / MICRO {
            true => u128::from((nanos + MILLI / 2) / MILLI) << 1,
            false => (u128::from(nanos) << 1) | 1,
        };
    }
    let nanos = d.as_nanos();
    match (nanos + u128::from(MICRO / 2)) / u128::from(MICRO) >= u128::from(SECOND / MICRO) {
        true => ((nanos + u128::from(MILLI / 2)) / u128::from(MILLI)) << 1,
        false => (nanos << 1) | 1,
    }
}

/// A signed duration for people: `+1.2ms`, `-3ms`, `0s`.
pub fn human_signed(d: SignedDuration) -> String {
    let magnitude = d.unsigned_abs();
    match d.signum() {
        1 => format!("+{}", human(magnitude)),
        -1 => format!("-{}", human(magnitude)),
        _ => "0s".to_owned(),
    }
}

/// An offset from the start of a run: `+1.001s`.
pub fn offset(d: Duration) -> String {
    let mut text = String::with_capacity(16);
    write_offset(&mut text, d);
    text
}

/// [`offset`], appended to `out` without allocating.
pub fn write_offset(out: &mut String, d: Duration) {
    out.push('+');
    write_human(out, d);
}

/// Seconds for machines, rounded to the microsecond (no float noise such as
/// 1.0010000000000001 for 1.001 s).
pub fn seconds(d: Duration) -> f64 {
    ((d.as_nanos() + u128::from(MICRO / 2)) / u128::from(MICRO)) as f64 / 1e6
}

/// Signed seconds for machines, rounded to the microsecond.
pub fn seconds_signed(d: SignedDuration) -> f64 {
    let magnitude = seconds(d.unsigned_abs());
    if d.is_negative() {
        -magnitude
    } else {
        magnitude
    }
}

/// `nanos` in `unit`, to four significant digits (`312.5µs`, `12.35ms`,
/// `1.235ms`); a value that rounds up to 1000 units moves to the next unit.
fn significant(out: &mut String, nanos: u64, unit: u64, unit_name: &str) {
    let decimals: u32 = match nanos / unit {
        0..=9 => 3,
        10..=99 => 2,
        _ => 1,
    };
    let step = unit / 10u64.pow(decimals);
    let steps = round(nanos, step);
    if steps * step >= 1_000 * unit {
        return write_human(out, Duration::from_nanos(steps * step));
    }
    decimal(out, steps * 10u64.pow(3 - decimals), unit_name)
}

/// `value / unit`, rounded half up.
fn round(value: u64, unit: u64) -> u64 {
    (value + unit / 2) / unit
}

/// `thousandths` of `unit_name`: writes `12.345ms`, `250ms`.
fn decimal(out: &mut String, thousandths: u64, unit_name: &str) {
    write_integer(out, thousandths / 1_000);
    let fraction = (thousandths % 1_000) as u16;
    if fraction != 0 {
        let digits = [fraction / 100, fraction / 10 % 10, fraction % 10];
        let shown = 3 - digits.iter().rev().take_while(|&&d| d == 0).count();
        out.push('.');
        out.extend(digits[..shown].iter().map(|&d| char::from(b'0' + d as u8)));
    }
    out.push_str(unit_name);
}

/// A whole number of milliseconds of a minute or more: `1m30.5s`, `2h`,
/// `1d1h1s`; zero parts are left out.
fn compound(out: &mut String, millis: u128) {
    let seconds = millis / 1_000;
    let parts = [
        (seconds / 86_400, "d"),
        (seconds / 3_600 % 24, "h"),
        (seconds / 60 % 60, "m"),
    ];
    for (count, unit) in parts {
        if count > 0 {
            // Days of Duration::MAX fit in a u64 many times over.
            write_integer(out, count as u64);
            out.push_str(unit);
        }
    }
    let rest = (millis % 60_000) as u64;
    if rest > 0 {
        decimal(out, rest, "s");
    }
}

/// `n` in decimal digits, without `format!`'s machinery.
fn write_integer(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend(digits[at..].iter().map(|&d| char::from(d)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(nanos: u64) -> String {
        human(Duration::from_nanos(nanos))
    }

    #[test]
    fn picks_a_readable_unit() {
        assert_eq!(h(0), "0s");
        assert_eq!(h(7), "7ns");
        assert_eq!(h(312_500), "312.5µs");
        assert_eq!(h(1_500_000), "1.5ms");
        assert_eq!(h(250_000_000), "250ms");
        assert_eq!(h(1_001_234_567), "1.001s");
        assert_eq!(h(2_000_000_000), "2s");
        assert_eq!(h(90_500_000_000), "1m30.5s");
        assert_eq!(h(3 * 3_600_000_000_000), "3h");
        assert_eq!(h(90_061_000_000_000), "1d1h1m1s");
        assert_eq!(human(crate::scenario::pair::MAX_DELAY), "365d");
        assert_eq!(h(59_999_499_999), "59.999s");
        assert_eq!(h(u64::MAX), "213503d23h34m33.71s");
        assert_eq!(human(Duration::MAX), "213503982334601d7h16s");
    }

    #[test]
    fn rounding_carries_into_the_next_unit() {
        assert_eq!(h(999_999_600), "1s");
        assert_eq!(h(59_999_600_000), "1m");
        assert_eq!(h(1_234_567), "1.235ms");
        assert_eq!(h(301_426_000), "301.4ms");
        assert_eq!(h(12_345_678), "12.35ms");
        assert_eq!(h(999_960_000), "1s");
        assert_eq!(h(999_960), "1ms");
    }

    /// Durations with one key are written alike (the live lines write an
    /// offset only when its key changes).
    #[test]
    fn one_key_one_text() {
        let mut seen = std::collections::HashMap::new();
        let steps = (0..200_000u64).map(|i| i * 7_919 + 999_000_000);
        let around = [0, 1, 999, 1_000, 999_499, 999_500, 999_999_499, 999_999_500];
        let minute = [
            59_999_499_999,
            59_999_500_000,
            60_000_000_000,
            90_000_400_000,
        ];
        let edges = around.into_iter().chain(minute);
        for nanos in steps.chain(edges).chain(0..3_000) {
            let d = Duration::from_nanos(nanos);
            let text = seen.entry(shown_as(d)).or_insert_with(|| human(d));
            assert_eq!(*text, human(d), "{nanos}");
        }
    }

    #[test]
    fn signed_and_offsets() {
        assert_eq!(human_signed(SignedDuration::from_micros(1_200)), "+1.2ms");
        assert_eq!(human_signed(SignedDuration::from_millis(-3)), "-3ms");
        assert_eq!(human_signed(SignedDuration::ZERO), "0s");
        assert_eq!(offset(Duration::from_millis(1001)), "+1.001s");
    }

    #[test]
    fn machine_seconds_are_rounded_to_the_microsecond() {
        assert_eq!(seconds(Duration::from_nanos(1_001_000_400)), 1.001);
        assert_eq!(seconds(Duration::from_nanos(1_500)), 0.000002);
        assert_eq!(seconds_signed(SignedDuration::from_millis(-5)), -0.005);
    }
}
