//! Fuzz target: `cancuoc::fuzzing::cccd_qr`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::cccd_qr(data));
