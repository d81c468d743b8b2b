//! The planner's day: clock times, planning intervals, time-varying arrivals, forecasts and rosters.
//!
//! This module owns the pure, self-contained pieces of a day with demand and staffing that change through it; it
//! does no I/O except reading a forecast CSV, and knows nothing of the engine or the scenario file. The scenario
//! layer turns its keys into these types (errors already name the file and field), and the engine asks them for
//! arrival instants ([`arrivals::PiecewiseRate`]) and log-on/log-off changes ([`roster`]).
//!
//! - [`clock`]: `"HH:MM"` clock times and labels of instants (hours count on past midnight: `"25:00"`).
//! - [`intervals`]: the day cut into planning intervals, and per-interval list checks.
//! - [`arrivals`]: the exact piecewise-constant Poisson process and the day-level busyness factor.
//! - [`forecast`]: forecast CSV files (calls per interval and call type).
//! - [`roster`]: agents on duty from shifts with breaks or a per-interval count, log-on/off changes, absenteeism.

pub mod arrivals;
pub mod clock;
pub mod forecast;
pub mod intervals;
pub mod roster;

pub use clock::{ClockTime, DayClock};
pub use intervals::{Interval, Intervals};
