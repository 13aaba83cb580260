//! Fuzz target: `cancuoc::fuzzing::apdu`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::apdu(data));
