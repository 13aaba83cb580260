//! Fuzz target: `cancuoc::internals::fuzzing::cccd_qr`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::cccd_qr(data));
