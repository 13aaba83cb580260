//! Fuzz target: `cancuoc::fuzzing::recorded_report`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::fuzzing::recorded_report(data));
