//! Fuzz target: `cancuoc::fuzzing::card_access`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::card_access(data));
