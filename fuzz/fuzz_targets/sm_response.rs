//! Fuzz target: `cancuoc::internals::fuzzing::sm_response`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::sm_response(data));
