//! Fuzz target: `cancuoc::internals::fuzzing::mrz`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::mrz(data));
