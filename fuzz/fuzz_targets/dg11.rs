//! Fuzz target: `cancuoc::internals::fuzzing::dg11`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::dg11(data));
