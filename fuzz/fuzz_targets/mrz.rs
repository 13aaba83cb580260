//! Fuzz target: `cancuoc::fuzzing::mrz`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::mrz(data));
