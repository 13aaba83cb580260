//! Fuzz target: `cancuoc::fuzzing::biometric`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::biometric(data));
