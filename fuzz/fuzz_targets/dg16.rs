//! Fuzz target: `cancuoc::fuzzing::dg16`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::dg16(data));
