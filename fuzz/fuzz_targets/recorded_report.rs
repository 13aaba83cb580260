//! Fuzz target: `cancuoc::internals::fuzzing::recorded_report`.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| cancuoc::internals::fuzzing::recorded_report(data));
