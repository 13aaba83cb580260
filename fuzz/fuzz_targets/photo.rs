//! Fuzz target: `cancuoc::fuzzing::photo`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::photo(data));
