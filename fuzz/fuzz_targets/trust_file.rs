//! Fuzz target: `cancuoc::internals::fuzzing::trust_file`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::trust_file(data));
