//! Fuzzes the `DELAY:MESSAGE` parser: any text must give a pair or an
//! error, never a panic, and an accepted pair must print as text that
//! parses back to the same pair.
#![no_main]

use libfuzzer_sys::fuzz_target;
use saywhen::Pair;
use saywhen::scenario::pair::{MAX_DELAY, exact_seconds, parse_delay};

fuzz_target!(|text: &str| {
    if let Ok(pair) = text.parse::<Pair>() {
        assert!(pair.delay <= MAX_DELAY);
        assert_eq!(pair.to_string().parse::<Pair>(), Ok(pair.clone()));
        assert_eq!(parse_delay(&exact_seconds(pair.delay)), Ok(pair.delay));
    }
});
