//! Fuzz target: `cancuoc::fuzzing::sm_response`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::sm_response(data));
