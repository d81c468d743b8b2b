//! Simulated time and durations written by hand in scenario files.
//!
//! This module re-exports [`SimTime`] (an instant on the simulated clock, in seconds since the start of a
//! replication; it lives in the `callsim-router` crate, which is handed instants by its caller) and owns the parser
//! for human durations such as `20s`, `3m`, `1h30m` or `2.5m`. It knows nothing of the event engine.

/// An instant on the simulated clock; defined in the router crate, which is handed instants by its caller.
pub use callsim_router::SimTime;

/// Parses a human duration into seconds.
///
/// Accepts one or more `<number><unit>` parts, units `h`, `m` (or `min`), `s`, `ms`, numbers possibly fractional:
/// `20s`, `3m`, `1h30m`, `2.5m`, `90s`, `0s`. Whitespace between parts is allowed. A bare number without a unit is
/// rejected because a planner's `3` could mean seconds or minutes; so is a negative duration, and one longer than
/// [`MAX_DURATION_S`](crate::limits::MAX_DURATION_S). Errors quote at most
/// [`MAX_QUOTE_CHARS`](crate::limits::MAX_QUOTE_CHARS) characters of the text.
///
/// We parse by hand rather than with `humantime` because planners write fractional values (`2.5m`), which it
/// refuses.
///
/// ```
/// assert_eq!(callsim::time::parse_duration("1h30m"), Ok(5400.0));
/// assert_eq!(callsim::time::parse_duration("2.5m"), Ok(150.0));
/// assert!(callsim::time::parse_duration("3").is_err());
/// assert!(callsim::time::parse_duration("-5m").unwrap_err().contains("negative"));
/// ```
pub fn parse_duration(text: &str) -> Result<f64, String> {
    use crate::limits::{MAX_DURATION_S, quote};
    let allowed = "a duration with units such as \"20s\", \"3m\", \"1h30m\" or \"2.5m\"";
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(format!("empty duration; expected {allowed}"));
    }
    if trimmed.starts_with('-') {
        return Err(format!(
            "\"{}\" is negative; a duration is 0s or more, e.g. \"20s\", \"3m\" or \"1h30m\"",
            quote(trimmed)
        ));
    }
    let bytes = trimmed.as_bytes();
    let mut total = 0.0;
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && (bytes[i].is_ascii_digit() || bytes[i] == b'.') {
            i += 1;
        }
        let number: f64 = trimmed[start..i]
            .parse()
            .map_err(|_| format!("\"{}\" is not {allowed}", quote(text)))?;
        let unit_start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        let factor = match &trimmed[unit_start..i] {
            "h" | "hr" | "hour" | "hours" => 3600.0,
            "m" | "min" | "mins" | "minute" | "minutes" => 60.0,
            "s" | "sec" | "secs" | "second" | "seconds" => 1.0,
            "ms" => 0.001,
            _ => return Err(format!("\"{}\" is not {allowed}", quote(text))),
        };
        total += number * factor;
    }
    if total <= MAX_DURATION_S {
        Ok(total)
    } else {
        Err(format!(
            "\"{}\" is longer than the {MAX_DURATION_S:.0}s (about 31 years) allowed",
            quote(trimmed)
        ))
    }
}

/// Formats seconds compactly for tables: `42.0s`, `3m05s`, `1h02m`.
pub fn format_duration(seconds: f64) -> String {
    if !seconds.is_finite() {
        return "-".to_string();
    }
    if seconds < 60.0 {
        format!("{seconds:.1}s")
    } else if seconds < 3600.0 {
        let whole = seconds.round() as u64;
        format!("{}m{:02}s", whole / 60, whole % 60)
    } else {
        let minutes = (seconds / 60.0).round() as u64;
        format!("{}h{:02}m", minutes / 60, minutes % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_compound_and_fractional_durations() {
        assert_eq!(parse_duration("20s"), Ok(20.0));
        assert_eq!(parse_duration("3m"), Ok(180.0));
        assert_eq!(parse_duration("1h30m"), Ok(5400.0));
        assert_eq!(parse_duration("1h 30m 15s"), Ok(5415.0));
        assert_eq!(parse_duration("2.5m"), Ok(150.0));
        assert_eq!(parse_duration("250ms"), Ok(0.25));
    }

    #[test]
    fn rejects_bare_numbers_and_unknown_units() {
        assert!(parse_duration("3").is_err());
        assert!(parse_duration("3 days").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("-3m").is_err());
        assert!(parse_duration("m").is_err());
    }

    #[test]
    fn negative_and_huge_durations_say_why() {
        let negative = parse_duration("-5m").unwrap_err();
        assert!(negative.contains("negative") && negative.contains("-5m"), "{negative}");
        let huge = parse_duration("1000000h").unwrap_err();
        assert!(huge.contains("longer than"), "{huge}");
        assert!(parse_duration("100000h").is_ok());
        let long = format!("{}x", "1".repeat(100_000));
        assert!(parse_duration(&long).unwrap_err().len() < 300);
    }
}
