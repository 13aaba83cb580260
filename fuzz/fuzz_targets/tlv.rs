//! Fuzz target: `cancuoc::internals::fuzzing::tlv`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::tlv(data));
