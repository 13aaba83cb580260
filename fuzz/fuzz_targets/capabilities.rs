//! Fuzz target: `cancuoc::fuzzing::capabilities`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::capabilities(data));
