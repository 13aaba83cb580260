//! Fuzz target: `cancuoc::internals::fuzzing::biometric`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::biometric(data));
