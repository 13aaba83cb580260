//! Fuzz target: `cancuoc::fuzzing::ef_com`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::ef_com(data));
