//! Fuzz target: the parsers of what a web page or program sends: the read request (the
//! `/v1/read` body and `cancuoc_read`'s, `cancuoc-kit`), the `/v1/checkin` query, origins and
//! return addresses.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = cancuoc_kit::request::parse_body(data);
    let text = String::from_utf8_lossy(data);
    let _ = cancuoc_agent::query::parse_query(&text);
    let _ = cancuoc_agent::config::normalize_origin(&text);
    let _ = cancuoc_agent::config::origin_of_url(&text);
});
