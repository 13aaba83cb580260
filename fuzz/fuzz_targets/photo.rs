//! Fuzz target: `cancuoc::internals::fuzzing::photo`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::photo(data));
