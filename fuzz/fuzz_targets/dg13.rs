//! Fuzz target: `cancuoc::fuzzing::dg13`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::dg13(data));
