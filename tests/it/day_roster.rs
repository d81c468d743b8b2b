//! Rosters and forecasts of `callsim::day`: shifts with breaks that match a per-interval count give the same
//! on-duty figures and the same log-on/off replay; a forecast file read from beside its scenario feeds the arrival
//! process with the calls it states.

use callsim::day::arrivals::PiecewiseRate;
use callsim::day::forecast::{Forecast, resolve_path};
use callsim::day::roster::{BreakSpec, ChangeKind, Roster, ShiftSpec};
use callsim::day::{ClockTime, DayClock, Intervals};
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

fn day(opens_at: &str, hours: f64, interval: f64) -> Intervals {
    let clock = DayClock::new(ClockTime::parse("t", "opens_at", opens_at).unwrap());
    Intervals::new("t", hours * 3600.0, interval, clock).unwrap()
}

/// The shifts (one per agent, breaks at the gaps) that put the same agents on duty as `roster`.
fn as_shifts(roster: &Roster, intervals: &Intervals) -> Vec<ShiftSpec> {
    let clock = intervals.clock();
    (0..roster.agents())
        .map(|agent| {
            let spans = roster.spans(agent);
            let (first, last) = (spans[0], spans[spans.len() - 1]);
            ShiftSpec {
                start: clock.label(first.start),
                length: format!("{}s", last.end - first.start),
                count: 1,
                breaks: spans
                    .windows(2)
                    .map(|pair| BreakSpec {
                        start: clock.label(pair[0].end),
                        length: format!("{}s", pair[1].start - pair[0].end),
                    })
                    .collect(),
            }
        })
        .collect()
}

/// 300 random per-interval count lists (26 half-hour intervals from 22:00, so clock times cross midnight, 0 to 12
/// agents each) and the shifts with breaks that staff the same agents: both give exactly the count list as the
/// on-duty count at each interval start when replaying their log-on/off changes (`on_duty_at_starts`, as the
/// engine will), when scanning every agent's spans (`on_duty_at`), and as the time-averaged mean.
#[test]
fn shifts_matching_a_count_list_give_the_same_on_duty_counts() {
    let intervals = day("22:00", 13.0, 1800.0);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(88);
    for case in 0..300 {
        let mut counts: Vec<u32> = (0..intervals.len()).map(|_| rng.random_range(0..=12)).collect();
        counts[case % intervals.len()] = 1 + case as u32 % 12; // never all zero
        let expected: Vec<f64> = counts.iter().map(|&c| f64::from(c)).collect();
        let from_counts = Roster::from_counts("t", "count", &counts, &intervals).unwrap();
        let shifts = as_shifts(&from_counts, &intervals);
        let from_shifts = Roster::from_shifts("t", "shifts", &shifts, &intervals).unwrap_or_else(|e| panic!("{e}"));
        for roster in [&from_counts, &from_shifts] {
            assert_eq!(roster.on_duty_at_starts(&intervals), counts, "case {case}");
            assert_eq!(roster.on_duty_mean(&intervals), expected, "case {case}");
            let scanned: Vec<u32> = intervals.iter().map(|i| roster.on_duty_at(i.start)).collect();
            assert_eq!(scanned, counts, "each span scanned, case {case}");
            let changes = roster.changes();
            assert!(
                changes.windows(2).all(|w| w[0].time <= w[1].time),
                "sorted, case {case}"
            );
            assert!(changes.iter().all(|c| c.time > 0.0 && c.time < intervals.horizon()));
        }
    }
}

/// A shift roster with breaks changes staffing inside intervals: the time-averaged count sees the break, the
/// count at the interval start does not, and a replay of the changes at any instant agrees with `on_duty_at`.
#[test]
fn breaks_inside_intervals_show_in_the_mean_and_the_replay() {
    let intervals = day("08:00", 10.0, 3600.0);
    let shift = |start: &str, length: &str, count, breaks: &[(&str, &str)]| ShiftSpec {
        start: start.into(),
        length: length.into(),
        count,
        breaks: breaks
            .iter()
            .map(|&(s, l)| BreakSpec {
                start: s.into(),
                length: l.into(),
            })
            .collect(),
    };
    let shifts = [
        shift("08:00", "8h30m", 5, &[("10:15", "15m"), ("12:00", "30m")]),
        shift("09:30", "8h30m", 3, &[("13:00", "30m"), ("15:45", "15m")]),
    ];
    let roster = Roster::from_shifts("t", "shifts", &shifts, &intervals).unwrap();
    assert_eq!(roster.agents(), 8);
    assert_eq!(roster.on_duty_at_starts(&intervals), [5, 5, 8, 8, 3, 5, 8, 8, 8, 3]);
    let mean = roster.on_duty_mean(&intervals);
    // Shift A (5 agents) 08:00-16:30, breaks 10:15-10:30 and 12:00-12:30; shift B (3) 09:30-18:00, breaks
    // 13:00-13:30 and 15:45-16:00.
    let expected = [5.0, 6.5, 6.75, 8.0, 5.5, 6.5, 8.0, 7.25, 5.5, 3.0];
    assert_eq!(mean, expected);
    let changes = roster.changes();
    let mut on = (0..8).filter(|&a| roster.on_at_opening(a)).count() as u32;
    let mut next = 0;
    for minute in 0..600 {
        let t = f64::from(minute) * 60.0 + 30.0;
        while next < changes.len() && changes[next].time <= t {
            match changes[next].kind {
                ChangeKind::LogOn => on += 1,
                ChangeKind::LogOff => on -= 1,
            }
            next += 1;
        }
        assert_eq!(on, roster.on_duty_at(t), "at {}", intervals.clock().label(t));
    }
}

/// A forecast file next to its scenario, read through `resolve_path`, scaled by 1.1 and turned into rates: the
/// arrival process expects exactly the file's calls times 1.1 in each interval, none in intervals the file omits.
#[test]
fn a_forecast_beside_its_scenario_feeds_the_arrival_process() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("day.csv"),
        "interval_start,call_type,calls\n08:00,general,100\n09:00,general,150\n09:00,billing,12\n11:00,general,60\n",
    )
    .unwrap();
    let scenario = dir.path().join("day.toml");
    let intervals = day("08:00", 4.0, 3600.0);
    let forecast = Forecast::read(
        &resolve_path(Some(&scenario), "day.csv"),
        &intervals,
        &["general", "billing"],
    )
    .unwrap();
    let rates = forecast.rates(0, 1.1, &intervals);
    let process = PiecewiseRate::new("t", "call_types[general].arrivals", &rates, &intervals).unwrap();
    for (interval, calls) in intervals.iter().zip([110.0, 165.0, 0.0, 66.0]) {
        let expected = process.expected_calls(interval.start, interval.end);
        assert!(
            (expected - calls).abs() < 1e-9,
            "{}: {expected} vs {calls}",
            intervals.label(interval.index)
        );
    }
    assert_eq!(forecast.calls(1), &[0.0, 12.0, 0.0, 0.0]);
    let missing = Forecast::read(&resolve_path(Some(&scenario), "other.csv"), &intervals, &["general"]).unwrap_err();
    assert!(missing.to_string().contains("other.csv"), "{missing}");
}
