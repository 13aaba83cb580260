//! The system clock, as the checks take it: certificate validity is judged at this instant.

/// This instant, seconds since 1970 (UTC); 0 when the clock stands before 1970.
pub fn now() -> i64 {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    i64::try_from(seconds).unwrap_or(0)
}
