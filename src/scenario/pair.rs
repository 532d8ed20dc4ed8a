//! One `DELAY:MESSAGE` pair: the unit of work saywhen runs, like one
//! `say_after(delay, what)` call in the asyncio tutorial.
//!
//! Parsing is strict and exact. A bare number is seconds (`1`, `0.25`, `1.5`,
//! like the tutorial and like `sleep 1.5`), read digit by digit and rounded to
//! the nanosecond, so `1.1179999999999999` from a generated file means
//! 1.118 s and `31536000` means exactly 365 days. A number with one unit
//! (`250ms`, `1.5s`, `2h`) is read the same way; compound durations
//! (`1m30s`, `1h 15m`) go to humantime.

use std::fmt;
use std::time::Duration;

use crate::escape::Quoted;

/// The longest delay a pair may ask for: 365 days.
///
/// Chosen so every accepted delay is honoured exactly: tokio silently caps a
/// `sleep` at about 30 years (and its timer wheel re-arms anything beyond
/// ~2 years), and `Instant + Duration::MAX` panics. 365 days keeps a whole
/// serial run of many such delays far from those limits.
pub const MAX_DELAY: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// What a user can type as a delay, shown in every delay error.
pub const DELAY_EXAMPLES: &str = "try 1.5, 250ms, 2s, 1m30s";

/// A delay and the message to say once it has elapsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub delay: Duration,
    pub message: String,
}

/// Why a `DELAY:MESSAGE` text is not a pair.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PairError {
    #[error("no ':' between delay and message (try 1:hello or 250ms:hello)")]
    MissingColon,
    #[error("the delay before ':' is empty ({DELAY_EXAMPLES})")]
    EmptyDelay,
    #[error("'{}' is not a duration ({DELAY_EXAMPLES})", Quoted(.0))]
    NotADuration(String),
    #[error("'{}' is negative: a delay is 0 or more ({DELAY_EXAMPLES})", Quoted(.0))]
    Negative(String),
    #[error("'{}' is not a finite number ({DELAY_EXAMPLES})", Quoted(.0))]
    NotFinite(String),
    #[error("'{}' is longer than the maximum delay of 365 days", Quoted(.0))]
    TooLong(String),
    /// `M` is humantime's month; `m` is a minute. One slip of the shift
    /// key is 43,800 times the delay, so `M` is refused rather than read.
    #[error(
        "'{}' has M, which would be a month: use 1m for a minute, 30d for a month",
        Quoted(.0)
    )]
    MonthUnit(String),
}

impl Pair {
    pub fn new(delay: Duration, message: impl Into<String>) -> Pair {
        Pair {
            delay,
            message: message.into(),
        }
    }
}

impl std::str::FromStr for Pair {
    type Err = PairError;

    /// Splits at the first `:`, so `1:a:b` says `a:b`; the message may be
    /// empty and hold anything.
    fn from_str(text: &str) -> Result<Pair, PairError> {
        // By byte (`:` is ASCII): for a delay of a digit or two, a plain
        // loop finds it sooner than `split_once`'s search sets itself up.
        let colon = text
            .bytes()
            .position(|b| b == b':')
            .ok_or(PairError::MissingColon)?;
        let (delay, message) = (&text[..colon], &text[colon + 1..]);
        Ok(Pair::new(parse_delay(delay)?, message))
    }
}

impl fmt::Display for Pair {
    /// The exact text that parses back to this pair.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", exact_seconds(self.delay), self.message)
    }
}

/// Parses one delay: a bare number of seconds, a number with one unit, or a
/// compound humantime duration. At most [`MAX_DELAY`].
pub fn parse_delay(text: &str) -> Result<Duration, PairError> {
    // Plain seconds first, before trimming: they hold no space to trim.
    if let Some(nanos) = plain_seconds(text)
        && nanos <= MAX_DELAY.as_nanos() as u64
    {
        return Ok(Duration::from_nanos(nanos));
    }
    let text = text.trim();
    if let Some(nanos) = plain_seconds(text)
        && nanos <= MAX_DELAY.as_nanos() as u64
    {
        return Ok(Duration::from_nanos(nanos));
    }
    if text.is_empty() {
        return Err(PairError::EmptyDelay);
    }
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    if is_non_finite(unsigned) {
        return Err(PairError::NotFinite(text.to_owned()));
    }
    if text.starts_with('-') {
        return Err(PairError::Negative(text.to_owned()));
    }
    // Plain seconds (`1`, `1.000001`: every line of a generated file) are
    // told apart in one pass, skipping the search for a unit.
    let plain = unsigned.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    let unit = match plain && is_decimal(unsigned) {
        true => Some((unsigned, SECOND)),
        false => split_unit(unsigned),
    };
    let nanos = match unit {
        Some((number, unit_nanos)) => decimal_to_nanos(number, unit_nanos),
        None if has_month_unit(unsigned) => return Err(PairError::MonthUnit(text.to_owned())),
        None => humantime::parse_duration(&micro_sign(unsigned))
            .ok()
            .map(|d| d.as_nanos()),
    }
    .ok_or_else(|| PairError::NotADuration(text.to_owned()))?;
    if nanos > MAX_DELAY.as_nanos() {
        return Err(PairError::TooLong(text.to_owned()));
    }
    // Cannot truncate: checked against MAX_DELAY just above.
    Ok(Duration::from_nanos(nanos as u64))
}

/// Plain seconds with at most nine digits either side of the point (`1`,
/// `0.25`, `1.000001`: every line of a generated file), in nanoseconds,
/// read in one pass with no rounding to do; `None` for anything else,
/// which the general reader takes.
fn plain_seconds(text: &str) -> Option<u64> {
    // Byte by byte, one pass: the delays of a generated file are a digit
    // or two, and searching for the point first (`split_once`) cost more
    // than reading them.
    let (mut whole, mut fraction) = (0u64, 0u64);
    let (mut whole_digits, mut fraction_digits) = (0u32, 0u32);
    let mut point = false;
    for &byte in text.as_bytes() {
        match byte {
            b'0'..=b'9' if point => {
                fraction = fraction * 10 + u64::from(byte - b'0');
                fraction_digits += 1;
            }
            b'0'..=b'9' => {
                whole = whole * 10 + u64::from(byte - b'0');
                whole_digits += 1;
            }
            b'.' if !point => point = true,
            _ => return None,
        }
        if whole_digits > 9 || fraction_digits > 9 {
            return None;
        }
    }
    if whole_digits + fraction_digits == 0 {
        return None;
    }
    let scale = 10u64.pow(9 - fraction_digits);
    Some(whole * 1_000_000_000 + fraction * scale)
}

/// Formats a duration as a bare number of seconds that [`parse_delay`] reads
/// back exactly (`1.5`, `0.000000001`, `3600`).
pub fn exact_seconds(d: Duration) -> String {
    let nanos = d.subsec_nanos();
    if nanos == 0 {
        return d.as_secs().to_string();
    }
    let fraction = format!("{nanos:09}");
    format!("{}.{}", d.as_secs(), fraction.trim_end_matches('0'))
}

/// Whether `M` stands alone as a unit (`1M`, `1M 2d`), as opposed to
/// inside a word such as `month`, which says what it means.
fn has_month_unit(text: &str) -> bool {
    text.split(|c: char| !c.is_alphabetic())
        .any(|unit| unit == "M")
}

/// Greek mu (`μs`, U+03BC) as the micro sign humantime knows (`µs`,
/// U+00B5): they look the same, and keyboards type either.
fn micro_sign(text: &str) -> std::borrow::Cow<'_, str> {
    match text.contains('\u{3bc}') {
        true => text.replace('\u{3bc}', "\u{b5}").into(),
        false => text.into(),
    }
}

fn is_non_finite(text: &str) -> bool {
    // No lowercase copy: this runs for every line of a million-line file.
    text.get(..3)
        .is_some_and(|head| head.eq_ignore_ascii_case("nan") || head.eq_ignore_ascii_case("inf"))
}

const SECOND: u128 = 1_000_000_000;

/// Units a single number may carry, in nanoseconds. Longer spellings first
/// so `ms` is not read as `m` + `s`.
const UNITS: &[(&str, u128)] = &[
    ("ns", 1),
    ("us", 1_000),
    ("µs", 1_000),
    // Greek mu: looks the same as the micro sign above.
    ("\u{3bc}s", 1_000),
    ("ms", 1_000_000),
    ("sec", 1_000_000_000),
    ("s", 1_000_000_000),
    ("min", 60_000_000_000),
    ("m", 60_000_000_000),
    ("h", 3_600_000_000_000),
    ("d", 86_400_000_000_000),
    ("", 1_000_000_000),
];

/// Splits `1.5ms` into (`1.5`, nanos per ms) when the text is one plain
/// decimal number followed by at most one known unit.
fn split_unit(text: &str) -> Option<(&str, u128)> {
    let number_end = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | 'e' | 'E' | '+' | '-')))
        .unwrap_or(text.len());
    // `e` may start a unit-less exponent (1e3) but never a unit, so a
    // trailing alphabetic run decides; an exponent needs a digit before it.
    let (number, unit) = text.split_at(number_end);
    let unit = unit.trim_start();
    UNITS
        .iter()
        .find(|(name, _)| *name == unit)
        .map(|&(_, nanos)| (number, nanos))
        .filter(|(number, _)| is_decimal(number))
}

fn is_decimal(text: &str) -> bool {
    let (mantissa, exponent) = match text.find(['e', 'E']) {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    };
    let digits = mantissa.chars().filter(char::is_ascii_digit).count();
    let mantissa_ok = digits > 0
        && mantissa.chars().filter(|&c| c == '.').count() <= 1
        && mantissa.chars().all(|c| c.is_ascii_digit() || c == '.');
    let exponent_ok = exponent.is_none_or(|e| {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        !e.is_empty() && e.chars().all(|c| c.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

/// Exact decimal → integer nanoseconds, rounding half up at the last
/// nanosecond. `None` when the value is absurdly large (it would be rejected
/// as too long anyway, so only the order of magnitude matters).
fn decimal_to_nanos(number: &str, unit_nanos: u128) -> Option<u128> {
    let (mantissa, exponent) = match number.find(['e', 'E']) {
        Some(at) => (&number[..at], exponent(&number[at + 1..])?),
        None => (number, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // The significant digits, read twice (to count, then to sum) rather
    // than collected: no allocation per delay.
    let digits = || {
        whole
            .bytes()
            .chain(fraction.bytes())
            .map(|b| b - b'0')
            .skip_while(|&d| d == 0)
    };
    let count = digits().count();
    // value = digits × 10^scale (seconds-or-unit); scale may be negative.
    let scale = exponent.checked_sub(i32::try_from(fraction.len()).ok()?)?;
    let mut value: u128 = 0;
    // Keep at most 24 significant digits: enough for nanoseconds of any
    // delay up to 10^15 s, and small enough that `value × unit` below
    // cannot overflow a u128.
    let kept = count.min(24);
    for d in digits().take(kept) {
        value = value * 10 + u128::from(d);
    }
    let dropped = i32::try_from(count - kept).ok()?;
    let scale = scale.checked_add(dropped)?;
    // Dropped digits are simply cut: for any delay short enough to accept,
    // the nanosecond and the digit that rounds it lie within the kept ones.
    let scaled = value * unit_nanos;
    // nanos = scaled × 10^scale, rounded half up; too large saturates (and
    // is then rejected as too long).
    let power = 10u128.checked_pow(scale.unsigned_abs());
    Some(match (scale >= 0, power) {
        _ if scaled == 0 => 0,
        (true, Some(power)) => scaled.saturating_mul(power),
        (true, None) => u128::MAX,
        (false, Some(power)) => (scaled + power / 2) / power,
        (false, None) => 0,
    })
}

/// A decimal exponent, however many digits it has: beyond a million either
/// way the value is zero or too long all the same, so it is held there
/// (`1e-2147483649` is 0, as `1e-400` is, rather than not a number).
fn exponent(text: &str) -> Option<i32> {
    const FAR: i32 = 1_000_000;
    let (sign, digits) = match text.strip_prefix('-') {
        Some(digits) => (-1, digits),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(sign * digits.parse::<i32>().map_or(FAR, |n| n.min(FAR)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delay(text: &str) -> Duration {
        parse_delay(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn bare_numbers_are_seconds() {
        assert_eq!(delay("1"), Duration::from_secs(1));
        assert_eq!(delay("0"), Duration::ZERO);
        assert_eq!(delay("0.25"), Duration::from_millis(250));
        assert_eq!(delay("1.5"), Duration::from_millis(1500));
        assert_eq!(delay(".5"), Duration::from_millis(500));
        assert_eq!(delay("2."), Duration::from_secs(2));
        assert_eq!(delay("+3"), Duration::from_secs(3));
        assert_eq!(delay(" 1 "), Duration::from_secs(1));
        assert_eq!(delay("007"), Duration::from_secs(7));
    }

    /// The one-pass reader of plain seconds agrees with the general one
    /// wherever it answers, and leaves the rest (`.`, ten decimals, a
    /// second point) to it.
    #[test]
    fn plain_seconds_read_as_the_general_reader_does() {
        for text in [
            "0",
            "1",
            "007",
            "1.",
            ".5",
            "0.25",
            "1.000001",
            "123456789.123456789",
            "31536000",
            "31536000.000000001",
            "0.000000001",
        ] {
            let general = decimal_to_nanos(text, SECOND).map(|n| n as u64);
            assert_eq!(plain_seconds(text), general, "{text}");
        }
        for text in [
            ".",
            "",
            "1.2.3",
            "0.0000000015",
            "1234567890",
            "1e3",
            "+1",
            "1s",
        ] {
            assert_eq!(plain_seconds(text), None, "{text}");
        }
        assert!(matches!(
            parse_delay("31536000.000000001"),
            Err(PairError::TooLong(_))
        ));
    }

    #[test]
    fn long_decimals_round_to_the_nanosecond() {
        assert_eq!(delay("1.1179999999999999"), Duration::from_millis(1118));
        assert_eq!(delay("0.0000000014"), Duration::from_nanos(1));
        assert_eq!(delay("0.0000000015"), Duration::from_nanos(2));
        assert_eq!(delay("0.0000000004"), Duration::ZERO);
        assert_eq!(
            delay("1.123456789499999999999999999999999999"),
            Duration::new(1, 123_456_789)
        );
    }

    #[test]
    fn exponents_are_accepted() {
        assert_eq!(delay("1e3"), Duration::from_secs(1000));
        assert_eq!(delay("2.5e-3"), Duration::from_micros(2500));
        assert_eq!(delay("1E+2"), Duration::from_secs(100));
    }

    #[test]
    fn a_number_with_one_unit() {
        assert_eq!(delay("250ms"), Duration::from_millis(250));
        assert_eq!(delay("1.5s"), Duration::from_millis(1500));
        assert_eq!(delay("2h"), Duration::from_secs(7200));
        assert_eq!(delay("1.5ms"), Duration::from_micros(1500));
        assert_eq!(delay("10us"), Duration::from_micros(10));
        assert_eq!(delay("10µs"), Duration::from_micros(10));
        assert_eq!(delay("10\u{3bc}s"), Duration::from_micros(10));
        assert_eq!(delay("7ns"), Duration::from_nanos(7));
        assert_eq!(delay("3m"), Duration::from_secs(180));
        assert_eq!(delay("1d"), Duration::from_secs(86_400));
        assert_eq!(delay("1.1179999999999999s"), Duration::from_millis(1118));
        assert_eq!(delay("2 s"), Duration::from_secs(2));
    }

    /// `1M` would be a month to humantime, next to `1m`, a minute.
    #[test]
    fn a_lone_capital_m_is_refused_not_read_as_a_month() {
        for text in ["1M", "2M 3d", "1d1M", "0.5M"] {
            let err = parse_delay(text).unwrap_err();
            assert_eq!(err, PairError::MonthUnit(text.into()), "{text}");
            assert!(
                err.to_string()
                    .contains("use 1m for a minute, 30d for a month")
            );
        }
        assert_eq!(delay("1month"), Duration::from_secs(2_630_016));
        assert_eq!(delay("1m"), Duration::from_secs(60));
    }

    #[test]
    fn compound_durations_use_humantime() {
        assert_eq!(delay("1m30s"), Duration::from_secs(90));
        assert_eq!(delay("1s 5\u{3bc}s"), Duration::new(1, 5_000));
        assert_eq!(delay("1h 15m"), Duration::from_secs(4500));
        assert_eq!(delay("2min 3sec"), Duration::from_secs(123));
    }

    #[test]
    fn the_maximum_is_exactly_365_days() {
        assert_eq!(delay("365d"), MAX_DELAY);
        assert_eq!(delay("31536000"), MAX_DELAY);
        assert_eq!(
            parse_delay("31536000.000000001"),
            Err(PairError::TooLong("31536000.000000001".into()))
        );
        assert_eq!(parse_delay("366d"), Err(PairError::TooLong("366d".into())));
        assert_eq!(parse_delay("1y"), Err(PairError::TooLong("1y".into())));
        let huge = "18446744073709551615s";
        assert_eq!(parse_delay(huge), Err(PairError::TooLong(huge.into())));
        assert_eq!(
            parse_delay("1e400"),
            Err(PairError::TooLong("1e400".into()))
        );
        assert_eq!(parse_delay("1e40"), Err(PairError::TooLong("1e40".into())));
        assert_eq!(delay("1e-400"), Duration::ZERO);
        assert_eq!(delay("1e-2147483649"), Duration::ZERO);
        assert_eq!(delay("1e-99999999999999999999"), Duration::ZERO);
        let huge = "1e2147483648";
        assert_eq!(parse_delay(huge), Err(PairError::TooLong(huge.into())));
    }

    #[test]
    fn rejections_name_the_problem() {
        assert_eq!(parse_delay(""), Err(PairError::EmptyDelay));
        assert_eq!(parse_delay("  "), Err(PairError::EmptyDelay));
        assert_eq!(
            parse_delay("abc"),
            Err(PairError::NotADuration("abc".into()))
        );
        assert_eq!(parse_delay("-1"), Err(PairError::Negative("-1".into())));
        assert_eq!(
            parse_delay("-0.5s"),
            Err(PairError::Negative("-0.5s".into()))
        );
        for bad in ["nan", "NaN", "inf", "+inf", "Infinity", "-inf", "-nan"] {
            assert_eq!(
                parse_delay(bad),
                Err(PairError::NotFinite(bad.into())),
                "{bad}"
            );
        }
        for bad in [
            "1..2",
            "1.2.3",
            "e3",
            "1e",
            "1.5 parsecs",
            "1s2",
            "0x10",
            "1,5",
        ] {
            assert_eq!(
                parse_delay(bad),
                Err(PairError::NotADuration(bad.into())),
                "{bad}"
            );
        }
    }

    #[test]
    fn pairs_split_at_the_first_colon() {
        let pair: Pair = "1:a:b".parse().unwrap();
        assert_eq!(pair, Pair::new(Duration::from_secs(1), "a:b"));
        let pair: Pair = "250ms:".parse().unwrap();
        assert_eq!(pair, Pair::new(Duration::from_millis(250), ""));
        let pair: Pair = "0.5:héllo wörld 👋".parse().unwrap();
        assert_eq!(pair.message, "héllo wörld 👋");
        assert_eq!("hello".parse::<Pair>(), Err(PairError::MissingColon));
        assert_eq!(":hi".parse::<Pair>(), Err(PairError::EmptyDelay));
    }

    #[test]
    fn display_parses_back_exactly() {
        for pair in [
            Pair::new(Duration::new(1, 500_000_000), "a:b"),
            Pair::new(Duration::new(0, 1), ""),
            Pair::new(MAX_DELAY, "long"),
        ] {
            assert_eq!(pair.to_string().parse::<Pair>(), Ok(pair.clone()));
        }
        assert_eq!(exact_seconds(Duration::from_millis(1500)), "1.5");
    }
}
