//! Fuzz target: `cancuoc::fuzzing::dg1`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::dg1(data));
