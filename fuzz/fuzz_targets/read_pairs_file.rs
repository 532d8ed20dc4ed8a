//! Fuzzes the `--file` reader with arbitrary bytes (invalid UTF-8, stray
//! `\r`, byte order marks, huge numbers): a list of pairs or an error that
//! names a line, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use saywhen::scenario::pair_file::read_from;

fuzz_target!(|bytes: &[u8]| {
    let mut pairs = Vec::new();
    let _ = read_from(bytes, "fuzz.txt", &mut pairs);
});
