//! Arrivals of a log counted per day, queue and planning interval; from them the forecast (mean calls per
//! interval over the chosen days), the weekday profile, and the busyness (day-to-day over-dispersion).
//!
//! **Busyness.** callsim's day model multiplies each day's Poisson rates by one Gamma factor of mean 1 and
//! coefficient of variation `c` (see `crate::day::arrivals::Busyness`); a day's total `N` then has
//! `Var N = m + c^2 m^2` where `m = E N`. With the totals `N_1..N_D` of the chosen days, mean `m` and sample
//! variance `s^2`, the moment estimate is `c^2 = max(0, (s^2 - m) / m^2)`: the variance beyond Poisson's, relative
//! to the square of the mean. Its standard error is about `sqrt(2/(D-1)) s^2 / m^2`; with a few weeks of days it
//! tells a calm center (`c` near 0) from a busy one (`c` of 0.1 or more), not 0.05 from 0.06.
//!
//! Memory: one count per (day, queue, interval): a year of 30-minute intervals is 17 520 counts per queue,
//! whatever the number of calls.

use std::collections::BTreeMap;

/// Seconds in a day.
pub const DAY_S: f64 = 86_400.0;

/// Calls counted per (day, queue) and interval of the day.
#[derive(Debug, Clone)]
pub struct ArrivalCounts {
    /// Interval length in seconds (divides a day).
    pub interval: f64,
    /// `(day since 1970-01-01 in local time, queue)` to calls per interval of that day.
    counts: BTreeMap<(i64, u32), Vec<u32>>,
}

impl ArrivalCounts {
    /// No calls yet; `interval` must divide a day.
    pub fn new(interval: f64) -> ArrivalCounts {
        ArrivalCounts {
            interval,
            counts: BTreeMap::new(),
        }
    }

    /// Intervals in a day.
    pub fn slots(&self) -> usize {
        (DAY_S / self.interval).round() as usize
    }

    /// Counts a call of `queue` arriving at `local` seconds (Unix seconds shifted to local time).
    pub fn add(&mut self, queue: u32, local: f64) {
        let day = (local / DAY_S).floor() as i64;
        let slot = (((local - day as f64 * DAY_S) / self.interval).floor() as usize).min(self.slots() - 1);
        let slots = self.slots();
        self.counts.entry((day, queue)).or_insert_with(|| vec![0; slots])[slot] += 1;
    }

    /// Every day with at least one call, in order.
    pub fn days(&self) -> Vec<i64> {
        let mut days: Vec<i64> = self.counts.keys().map(|&(d, _)| d).collect();
        days.dedup();
        days
    }

    /// The calls of `queue` on `day` per interval (zeros when none).
    pub fn of(&self, day: i64, queue: u32) -> Vec<u32> {
        self.counts
            .get(&(day, queue))
            .cloned()
            .unwrap_or_else(|| vec![0; self.slots()])
    }

    /// The first and one past the last interval of the day with a call on any of `days`.
    pub fn span(&self, days: &[i64]) -> Option<(usize, usize)> {
        let mut span: Option<(usize, usize)> = None;
        for (&(day, _), counts) in &self.counts {
            if !days.contains(&day) {
                continue;
            }
            for (slot, &c) in counts.iter().enumerate() {
                if c > 0 {
                    span = Some(match span {
                        None => (slot, slot + 1),
                        Some((a, b)) => (a.min(slot), b.max(slot + 1)),
                    });
                }
            }
        }
        span
    }

    /// Mean calls of `queue` per interval over `days`.
    pub fn mean_per_slot(&self, queue: u32, days: &[i64]) -> Vec<f64> {
        let mut sums = vec![0.0; self.slots()];
        for &day in days {
            for (s, c) in sums.iter_mut().zip(self.of(day, queue)) {
                *s += c as f64;
            }
        }
        let n = days.len().max(1) as f64;
        sums.iter().map(|s| s / n).collect()
    }

    /// Every queue's calls on `day`, all intervals together.
    pub fn day_total(&self, day: i64) -> u64 {
        self.counts
            .range((day, 0)..=(day, u32::MAX))
            .map(|(_, counts)| counts.iter().map(|&c| c as u64).sum::<u64>())
            .sum()
    }
}

/// The busyness estimate from the days' totals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BusynessEstimate {
    /// Coefficient of variation of the day factor (0 when the days vary no more than Poisson).
    pub cv: f64,
    /// Mean calls per day.
    pub mean: f64,
    /// Sample standard deviation of the calls per day.
    pub sd: f64,
    /// Days used.
    pub days: usize,
}

/// The moment estimate of busyness from daily totals; `None` with fewer than two days.
pub fn busyness(totals: &[u64]) -> Option<BusynessEstimate> {
    let d = totals.len();
    if d < 2 {
        return None;
    }
    let mean = totals.iter().sum::<u64>() as f64 / d as f64;
    let var = totals.iter().map(|&n| (n as f64 - mean).powi(2)).sum::<f64>() / (d - 1) as f64;
    let c2 = ((var - mean) / (mean * mean)).max(0.0);
    Some(BusynessEstimate {
        cv: c2.sqrt(),
        mean,
        sd: var.sqrt(),
        days: d,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_land_in_their_day_and_interval() {
        let mut a = ArrivalCounts::new(1800.0);
        a.add(0, 2.0 * DAY_S + 8.0 * 3600.0 + 10.0); // day 2, 08:00
        a.add(0, 2.0 * DAY_S + 8.0 * 3600.0 + 1799.0);
        a.add(1, 3.0 * DAY_S + 23.9 * 3600.0); // day 3, 23:30
        assert_eq!(a.days(), vec![2, 3]);
        assert_eq!(a.of(2, 0)[16], 2);
        assert_eq!(a.of(3, 1)[47], 1);
        assert_eq!(a.span(&[2, 3]), Some((16, 48)));
        assert_eq!(a.mean_per_slot(0, &[2, 3])[16], 1.0);
        assert_eq!(a.day_total(2), 2);
    }

    #[test]
    fn busyness_is_the_variance_beyond_poisson() {
        // Mean 1000, variance 1000 + 0.1^2 * 1000^2 = 11000 (sample variance of the four totals).
        let s = 11000f64.sqrt() * (3.0f64 / 4.0).sqrt() * 2.0 / 2.0;
        let totals = [1000.0 - s, 1000.0 + s, 1000.0 - s, 1000.0 + s].map(|x: f64| x.round() as u64);
        let b = busyness(&totals).unwrap();
        assert!((b.cv - 0.1).abs() < 0.005, "{b:?}");
        assert_eq!(busyness(&[1000, 1000, 1000]).unwrap().cv, 0.0);
        assert!(busyness(&[5]).is_none());
    }
}
