//! Fuzz target: `cancuoc::internals::fuzzing::card_access`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::card_access(data));
