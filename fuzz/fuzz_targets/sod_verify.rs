//! Fuzz target: `cancuoc::internals::fuzzing::sod_verify`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::sod_verify(data));
