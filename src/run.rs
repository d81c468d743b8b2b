//! Running the replications of one scenario, in parallel and yet reproducibly.
//!
//! Replications are independent jobs on rayon's pool, collected in replication order, so the result is identical
//! whatever the number of threads.

use rayon::prelude::*;

use crate::engine::simulate;
use crate::scenario::Scenario;
use crate::stats::{Collector, ReplicationMetrics, Summary};

/// Runs replication `replication` of `scenario` with the standard collector.
pub fn simulate_replication(scenario: &Scenario, replication: u32) -> ReplicationMetrics {
    let mut collector = Collector::new(scenario);
    simulate(scenario, replication, &mut collector);
    collector.finish()
}

/// Runs every replication of `scenario` on the current rayon pool; `on_done` is called once per finished
/// replication (for progress bars) from whichever thread finished it.
pub fn run_replications(scenario: &Scenario, on_done: &(dyn Fn() + Sync)) -> Vec<ReplicationMetrics> {
    (0..scenario.replications)
        .into_par_iter()
        .map(|replication| {
            let metrics = simulate_replication(scenario, replication);
            on_done();
            metrics
        })
        .collect()
}

/// Runs every replication and combines them.
pub fn run_scenario(scenario: &Scenario, on_done: &(dyn Fn() + Sync)) -> Summary {
    Summary::from_replications(scenario, &run_replications(scenario, on_done))
}
