//! Fuzz target: `cancuoc::internals::fuzzing::dg15`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::dg15(data));
