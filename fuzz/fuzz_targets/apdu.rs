//! Fuzz target: `cancuoc::internals::fuzzing::apdu`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::apdu(data));
