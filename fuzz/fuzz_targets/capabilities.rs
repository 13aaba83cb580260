//! Fuzz target: `cancuoc::internals::fuzzing::capabilities`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::capabilities(data));
