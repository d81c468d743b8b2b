//! Clock times of a planner's day: parsing `"HH:MM"` and labelling simulated instants as clock times.
//!
//! This module owns the [`ClockTime`] (a time of day to the minute) and the [`DayClock`] (the clock time of
//! `t = 0`, `opens_at`), which turns clock times written in scenario files and forecast CSVs into offsets in seconds
//! since opening and back into labels for tables, CSVs and charts. It knows nothing of intervals or the engine.
//!
//! **Past midnight** labels keep counting hours, as transit timetables do: a centre opening at 20:00 labels the
//! instant 5 h after opening `"25:00"`, not `"01:00"`. Labels then sort as text within the first 100 hours, never
//! repeat within a long horizon, and read back unchanged through [`DayClock::offset_of`].

use std::fmt;

use crate::error::{Error, Result};

const MINUTES_PER_DAY: u32 = 24 * 60;

/// A time of day to the minute, from 00:00 to 23:59 (or 24:00 as an end of day, see [`ClockTime::parse_end`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ClockTime {
    minutes: u32,
}

impl ClockTime {
    /// 00:00.
    pub const MIDNIGHT: ClockTime = ClockTime { minutes: 0 };

    /// The clock time `minutes` after midnight; `None` beyond 24:00.
    pub fn from_minutes(minutes: u32) -> Option<ClockTime> {
        (minutes <= MINUTES_PER_DAY).then_some(ClockTime { minutes })
    }

    /// Minutes since midnight (0 to 1440).
    pub fn minutes(self) -> u32 {
        self.minutes
    }

    /// Seconds since midnight (0 to 86 400).
    pub fn seconds(self) -> f64 {
        f64::from(self.minutes) * 60.0
    }

    /// Parses a clock time `"HH:MM"` (one or two hour digits, two minute digits) from 00:00 to 23:59.
    ///
    /// `file` and `field` name the source in the error, which quotes the value and says what is allowed.
    ///
    /// ```
    /// use callsim::day::clock::ClockTime;
    /// assert_eq!(ClockTime::parse("s.toml", "horizon.opens_at", "08:30").unwrap().minutes(), 510);
    /// assert!(ClockTime::parse("s.toml", "horizon.opens_at", "24:00").is_err());
    /// ```
    pub fn parse(file: &str, field: &str, text: &str) -> Result<ClockTime> {
        match parse_hours_minutes(text) {
            Some(minutes) if minutes < MINUTES_PER_DAY => Ok(ClockTime { minutes }),
            _ => Err(Error::scenario(
                file,
                format!(
                    "{field}: \"{text}\" is not a clock time; expected HH:MM from 00:00 to 23:59, such as \"08:00\""
                ),
            )),
        }
    }

    /// Parses a clock time meant as an end of day: as [`ClockTime::parse`], and also `"24:00"`.
    pub fn parse_end(file: &str, field: &str, text: &str) -> Result<ClockTime> {
        match parse_hours_minutes(text) {
            Some(minutes) if minutes <= MINUTES_PER_DAY => Ok(ClockTime { minutes }),
            _ => Err(Error::scenario(
                file,
                format!(
                    "{field}: \"{text}\" is not a clock time; expected HH:MM from 00:00 to 24:00, such as \"20:00\""
                ),
            )),
        }
    }
}

impl fmt::Display for ClockTime {
    /// `"HH:MM"`, two digits each.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

/// `"H:MM"` or `"HH:MM"` with any hour up to 99 and minutes 00 to 59, as minutes; `None` if malformed.
fn parse_hours_minutes(text: &str) -> Option<u32> {
    let (hours, minutes) = text.trim().split_once(':')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(hours) && hours.len() <= 2 && digits(minutes) && minutes.len() == 2) {
        return None;
    }
    let (hours, minutes): (u32, u32) = (hours.parse().ok()?, minutes.parse().ok()?);
    (minutes < 60).then_some(hours * 60 + minutes)
}

/// The clock of one simulated day: `opens_at` is the clock time of `t = 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DayClock {
    opens_at: ClockTime,
}

impl DayClock {
    /// The clock of a day whose `t = 0` is `opens_at` (at most 23:59).
    pub fn new(opens_at: ClockTime) -> DayClock {
        DayClock { opens_at }
    }

    /// The clock time of `t = 0`.
    pub fn opens_at(self) -> ClockTime {
        self.opens_at
    }

    /// The label of an instant `offset` seconds after opening: `"HH:MM"`, the minute it falls in (rounded down),
    /// with hours counting on past midnight (`"24:30"`, `"31:00"`; see the module doc). An instant before opening
    /// (a negative offset, which the engine never produces) is labelled relative to the opening day's midnight
    /// with a minus sign, e.g. `"-00:30"` for half an hour before midnight; a non-finite offset is `"-"`.
    ///
    /// ```
    /// use callsim::day::clock::{ClockTime, DayClock};
    /// let clock = DayClock::new(ClockTime::parse("s.toml", "opens_at", "20:00").unwrap());
    /// assert_eq!(clock.label(900.0), "20:15");
    /// assert_eq!(clock.label(5.0 * 3600.0 + 59.9), "25:00");
    /// ```
    pub fn label(self, offset: f64) -> String {
        if !offset.is_finite() {
            return "-".to_string();
        }
        let minutes = f64::from(self.opens_at.minutes) + (offset / 60.0).floor();
        if minutes >= 0.0 {
            let minutes = minutes as u64;
            format!("{:02}:{:02}", minutes / 60, minutes % 60)
        } else {
            let before = (f64::from(MINUTES_PER_DAY) + minutes).max(0.0) as u64;
            let back = MINUTES_PER_DAY as u64 - before;
            format!("-{:02}:{:02}", back / 60, back % 60)
        }
    }

    /// Seconds since opening of a clock time written in a file (a shift start, a forecast row).
    ///
    /// `"HH:MM"` from 00:00 to 23:59 is the next occurrence of that time at or after opening, so with
    /// `opens_at = "20:00"` the time `"01:00"` is 5 h after opening. The labels [`DayClock::label`] writes past
    /// midnight (hours 24 to 99, e.g. `"25:00"`) read back as written. Errors name `file` and `field`.
    pub fn offset_of(self, file: &str, field: &str, text: &str) -> Result<f64> {
        let minutes = parse_hours_minutes(text).ok_or_else(|| {
            Error::scenario(
                file,
                format!(
                    "{field}: \"{text}\" is not a clock time; expected HH:MM such as \"09:30\" \
                     (past midnight \"01:00\" or \"25:00\")"
                ),
            )
        })?;
        let opens = self.opens_at.minutes;
        // opens <= 1439, so an hour of 24 or more is always at or after opening.
        let since_opening = if minutes >= opens {
            minutes - opens
        } else {
            minutes + MINUTES_PER_DAY - opens
        };
        Ok(f64::from(since_opening) * 60.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(text: &str) -> DayClock {
        DayClock::new(ClockTime::parse("f", "opens_at", text).unwrap())
    }

    #[test]
    fn parses_valid_clock_times_and_formats_them_back() {
        for (text, minutes, shown) in [("00:00", 0, "00:00"), ("8:05", 485, "08:05"), ("23:59", 1439, "23:59")] {
            let t = ClockTime::parse("f", "x", text).unwrap();
            assert_eq!(t.minutes(), minutes, "{text}");
            assert_eq!(t.to_string(), shown);
            assert_eq!(t.seconds(), f64::from(minutes) * 60.0);
        }
        assert_eq!(ClockTime::parse_end("f", "x", "24:00").unwrap().minutes(), 1440);
        assert_eq!(
            ClockTime::from_minutes(510),
            Some(ClockTime::parse("f", "x", "08:30").unwrap())
        );
        assert_eq!(ClockTime::from_minutes(1441), None);
    }

    #[test]
    fn refuses_malformed_clock_times_naming_file_field_and_value() {
        for bad in [
            "24:00", "23:60", "8", "8:5", "08:005", "123:00", "-1:00", "08-00", "", "ab:cd", "8:00pm",
        ] {
            let message = ClockTime::parse("day.toml", "horizon.opens_at", bad)
                .unwrap_err()
                .to_string();
            assert_eq!(
                message,
                format!(
                    "day.toml: horizon.opens_at: \"{bad}\" is not a clock time; expected HH:MM from 00:00 to 23:59, \
                     such as \"08:00\""
                )
            );
        }
        let message = ClockTime::parse_end("f", "end", "24:01").unwrap_err().to_string();
        assert!(message.contains("from 00:00 to 24:00"), "{message}");
    }

    #[test]
    fn labels_count_hours_on_past_midnight() {
        let day = clock("20:00");
        assert_eq!(day.label(0.0), "20:00");
        assert_eq!(day.label(59.999), "20:00");
        assert_eq!(day.label(60.0), "20:01");
        assert_eq!(day.label(4.0 * 3600.0), "24:00");
        assert_eq!(day.label(4.5 * 3600.0), "24:30");
        assert_eq!(day.label(27.0 * 3600.0), "47:00");
        assert_eq!(day.label(-1800.0), "19:30");
        assert_eq!(clock("00:00").label(-1800.0), "-00:30");
        assert_eq!(day.label(f64::NAN), "-");
    }

    #[test]
    fn clock_times_in_files_wrap_to_the_next_occurrence_after_opening() {
        let day = clock("20:00");
        assert_eq!(day.offset_of("f", "x", "20:00").unwrap(), 0.0);
        assert_eq!(day.offset_of("f", "x", "23:30").unwrap(), 3.5 * 3600.0);
        assert_eq!(day.offset_of("f", "x", "01:00").unwrap(), 5.0 * 3600.0);
        assert_eq!(day.offset_of("f", "x", "25:00").unwrap(), 5.0 * 3600.0);
        assert_eq!(day.offset_of("f", "x", "19:59").unwrap(), (24.0 * 60.0 - 1.0) * 60.0);
        assert_eq!(clock("08:00").offset_of("f", "x", "07:00").unwrap(), 23.0 * 3600.0);
        assert!(
            day.offset_of("f", "shift", "nine")
                .unwrap_err()
                .to_string()
                .starts_with("f: shift: \"nine\" is not a clock time")
        );
    }

    #[test]
    fn labels_read_back_as_the_same_offset() {
        for opens in ["00:00", "08:00", "22:45"] {
            let day = clock(opens);
            for minute in (0..3000).step_by(15) {
                let offset = f64::from(minute) * 60.0;
                assert_eq!(
                    day.offset_of("f", "x", &day.label(offset)).unwrap(),
                    offset,
                    "{opens} + {minute}m"
                );
            }
        }
    }
}
