//! The pending arrival of every call type, kept beside the event heap rather than in it.
//!
//! Each call type has at most one pending arrival; arrivals are a third of all events, so keeping them out of the
//! heap (and finding the soonest by a scan over the few call types only when one is consumed) saves a heap push
//! and pop per call. Time-varying rates change how the next instant is drawn
//! ([`PiecewiseRate::next_after`](crate::day::arrivals::PiecewiseRate::next_after)), not this.

use crate::time::SimTime;

/// The next arrival instant of each call type.
#[derive(Debug, Clone)]
pub struct PendingArrivals {
    next: Vec<f64>,
    soonest: usize,
}

impl PendingArrivals {
    /// No arrival pending for any of `call_types` types.
    pub fn new(call_types: usize) -> PendingArrivals {
        PendingArrivals {
            next: vec![f64::INFINITY; call_types],
            soonest: 0,
        }
    }

    /// Sets the next arrival of `call_type` (`None`: no more arrivals of it).
    pub fn set(&mut self, call_type: usize, at: Option<SimTime>) {
        self.next[call_type] = at.map_or(f64::INFINITY, |t| t.0);
        let mut soonest = 0;
        for (t, &time) in self.next.iter().enumerate() {
            if time < self.next[soonest] {
                soonest = t;
            }
        }
        self.soonest = soonest;
    }

    /// The soonest pending arrival and its call type.
    #[inline]
    pub fn soonest(&self) -> Option<(SimTime, usize)> {
        let time = *self.next.get(self.soonest)?;
        time.is_finite().then_some((SimTime(time), self.soonest))
    }
}
