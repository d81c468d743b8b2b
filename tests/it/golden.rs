//! Golden output: exact seeded figures pinned to catch unintended changes in the engine, the random streams or
//! the statistics (on a frozen copy of the multi-skill scenario in tests/data). These are not validation (see `validation_queues`); update them deliberately when a change is
//! meant to alter the random draws.

use callsim::run::simulate_replication;
use callsim::stats::Metric;

use crate::common::scenario;

#[test]
fn multi_skill_replication_zero_is_pinned() {
    let s = scenario(&std::fs::read_to_string("tests/data/golden_multi_skill.toml").unwrap());
    let m = simulate_replication(&s, 0);
    let pinned: Vec<(usize, Metric, f64)> = vec![
        (0, Metric::Offered, GOLDEN[0]),
        (0, Metric::Answered, GOLDEN[1]),
        (1, Metric::Offered, GOLDEN[2]),
        (1, Metric::Abandoned, GOLDEN[3]),
    ];
    for (t, metric, expected) in pinned {
        assert_eq!(
            m.call_types[t][metric.index()],
            expected,
            "call type {t} {}",
            metric.name()
        );
    }
    assert_eq!(format!("{:.6}", m.total[Metric::AsaS.index()]), GOLDEN_ASA);
}

/// billing offered, billing answered, technical offered, technical abandoned (seed 3, replication 0).
const GOLDEN: [f64; 4] = [954.0, 899.0, 437.0, 21.0];
const GOLDEN_ASA: &str = "10.852787";
