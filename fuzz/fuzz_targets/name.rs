//! Fuzz target: `cancuoc::internals::fuzzing::name`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::name(data));
