//! Fuzz target: `cancuoc::fuzzing::tlv`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::tlv(data));
