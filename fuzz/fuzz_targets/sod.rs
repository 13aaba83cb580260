//! Fuzz target: `cancuoc::fuzzing::sod`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::sod(data));
