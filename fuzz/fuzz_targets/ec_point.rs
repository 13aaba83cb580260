//! Fuzz target: `cancuoc::internals::fuzzing::ec_point`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::ec_point(data));
