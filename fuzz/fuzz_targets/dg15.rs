//! Fuzz target: `cancuoc::fuzzing::dg15`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::dg15(data));
