//! Fuzz target: `cancuoc::internals::fuzzing::ef_com`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::ef_com(data));
