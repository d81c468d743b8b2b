//! The instant type the router is handed by its caller. The router never reads a clock: whoever embeds it (the
//! simulator's engine, a production switch) passes `now` with every fact.

use std::cmp::Ordering;
use std::fmt;

/// An instant, in seconds since an origin the caller chooses (the start of a replication in the simulator, the
/// start of the shift in a switch).
///
/// Distinct from a duration (plain `f64` seconds) so that an instant is never added to another instant by mistake.
/// Equality and order are [`f64::total_cmp`]'s, so `Eq`, `Ord` and sorting are honest even for values a caller
/// should never pass (NaN sorts after every number, `-0.0` before `0.0`); the simulator never creates either.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimTime(pub f64);

impl SimTime {
    /// The origin.
    pub const ZERO: SimTime = SimTime(0.0);

    /// Seconds since the origin.
    #[inline]
    pub fn seconds(self) -> f64 {
        self.0
    }

    /// The instant `seconds` later.
    #[inline]
    pub fn after(self, seconds: f64) -> SimTime {
        SimTime(self.0 + seconds)
    }

    /// Seconds elapsed from `earlier` to `self` (negative if `earlier` is later).
    #[inline]
    pub fn since(self, earlier: SimTime) -> f64 {
        self.0 - earlier.0
    }
}

impl PartialEq for SimTime {
    #[inline]
    fn eq(&self, other: &SimTime) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for SimTime {}

impl PartialOrd for SimTime {
    #[inline]
    fn partial_cmp(&self, other: &SimTime) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SimTime {
    #[inline]
    fn cmp(&self, other: &SimTime) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}s", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_and_equality_agree_with_total_cmp() {
        let mut times = [
            SimTime(2.0),
            SimTime(f64::NAN),
            SimTime(0.0),
            SimTime(-0.0),
            SimTime(1.0),
        ];
        times.sort();
        let seconds: Vec<f64> = times.iter().map(|t| t.seconds()).collect();
        assert_eq!(seconds[..4], [-0.0, 0.0, 1.0, 2.0]);
        assert!(seconds[0].is_sign_negative() && seconds[4].is_nan());
        assert_eq!(SimTime(f64::NAN), SimTime(f64::NAN), "Eq is reflexive, unlike f64's ==");
        assert_ne!(
            SimTime(-0.0),
            SimTime(0.0),
            "equal values compare Equal, and only those"
        );
        assert!(SimTime(1.0) < SimTime(1.5) && SimTime(1.5).after(0.5) == SimTime(2.0));
    }
}
