//! Property tests (proptest): whatever text a user or a generated file
//! throws at the pair parser and the file reader, they answer with a pair or
//! an error, never a panic; and what they accept round-trips: a delay
//! formatted exactly (`pair::exact_seconds`, `Display for Pair`) parses
//! back to the same nanosecond, and a file written from pairs reads back as
//! those pairs. A failing case is shrunk to the smallest input and saved
//! under `proptest-regressions/` to be replayed on every run.

use std::time::Duration;

use proptest::prelude::*;
use saywhen::Pair;
use saywhen::scenario::pair::{MAX_DELAY, exact_seconds, parse_delay};
use saywhen::scenario::pair_file::read_from;

/// Any delay a pair may have, to the nanosecond.
fn delay() -> impl Strategy<Value = Duration> {
    let max = MAX_DELAY.as_nanos() as u64;
    prop_oneof![
        (0..=max).prop_map(Duration::from_nanos),
        // Round values are where formatting has the most to trim.
        (0..=MAX_DELAY.as_secs()).prop_map(Duration::from_secs),
        (0..=MAX_DELAY.as_millis() as u64).prop_map(Duration::from_millis),
    ]
}

/// Text shaped like a delay, to reach deep into the parser rather than
/// failing at the first character: digits, dots, exponents, signs, units.
fn delay_like() -> impl Strategy<Value = String> {
    "[ +-]?[0-9]{0,25}(\\.[0-9]{0,25})?([eE][+-]?[0-9]{0,5})?[ ]?(ns|us|µs|ms|s|sec|m|min|h|d|y|x|)?([0-9]{0,3}(s|m|h))?"
}

/// A message that fits on one line of a pairs file (the reader strips the
/// line ending, and a final `\r` with it).
fn line_message() -> impl Strategy<Value = String> {
    "[^\n\r]*"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn the_parser_never_panics_on_any_text(text in any::<String>()) {
        let _ = text.parse::<Pair>();
        let _ = parse_delay(&text);
    }

    #[test]
    fn the_parser_never_panics_on_delay_like_text(text in delay_like(), message in any::<String>()) {
        let _ = parse_delay(&text);
        let _ = format!("{text}:{message}").parse::<Pair>();
    }

    #[test]
    fn an_accepted_delay_is_within_bounds_and_reparses(text in delay_like()) {
        if let Ok(delay) = parse_delay(&text) {
            prop_assert!(delay <= MAX_DELAY);
            prop_assert_eq!(parse_delay(&exact_seconds(delay)), Ok(delay));
        }
    }

    #[test]
    fn an_exact_delay_parses_back_to_the_nanosecond(delay in delay()) {
        prop_assert_eq!(parse_delay(&exact_seconds(delay)), Ok(delay));
    }

    #[test]
    fn a_delay_with_a_unit_parses_back(millis in 0..=MAX_DELAY.as_millis() as u64) {
        prop_assert_eq!(parse_delay(&format!("{millis}ms")), Ok(Duration::from_millis(millis)));
        prop_assert_eq!(
            parse_delay(&format!("{}.{:03}s", millis / 1000, millis % 1000)),
            Ok(Duration::from_millis(millis))
        );
    }

    #[test]
    fn a_pair_displays_as_text_that_parses_back(delay in delay(), message in any::<String>()) {
        let pair = Pair::new(delay, message);
        prop_assert_eq!(pair.to_string().parse::<Pair>(), Ok(pair));
    }

    #[test]
    fn the_file_reader_never_panics_on_any_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut pairs = Vec::new();
        let _ = read_from(&bytes[..], "fuzz.txt", &mut pairs);
    }

    #[test]
    fn the_file_reader_never_panics_on_pair_like_lines(
        lines in proptest::collection::vec((delay_like(), any::<String>()), 0..20),
        crlf in any::<bool>(),
    ) {
        let ending = if crlf { "\r\n" } else { "\n" };
        let text: String = lines.iter().map(|(d, m)| format!("{d}:{m}{ending}")).collect();
        let mut pairs = Vec::new();
        let _ = read_from(text.as_bytes(), "fuzz.txt", &mut pairs);
    }

    #[test]
    fn a_file_written_from_pairs_reads_back_as_those_pairs(
        written in proptest::collection::vec((delay(), line_message()), 1..50),
        crlf in any::<bool>(),
        comments in any::<bool>(),
    ) {
        let pairs: Vec<Pair> = written.into_iter().map(|(d, m)| Pair::new(d, m)).collect();
        let ending = if crlf { "\r\n" } else { "\n" };
        let mut text = String::new();
        for pair in &pairs {
            if comments {
                text.push_str("# a comment\n\n");
            }
            text.push_str(&pair.to_string());
            text.push_str(ending);
        }
        let mut read = Vec::new();
        read_from(text.as_bytes(), "pairs.txt", &mut read).unwrap();
        prop_assert_eq!(read, pairs);
    }
}
