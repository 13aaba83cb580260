//! Fuzz target: `cancuoc::fuzzing::sod_verify`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::sod_verify(data));
