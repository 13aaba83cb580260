//! Fuzz target: `cancuoc::internals::fuzzing::card_security`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::card_security(data));
