//! Fuzz target: `cancuoc::internals::fuzzing::dg13`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::dg13(data));
