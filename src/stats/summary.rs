//! Combining replications: the mean, 95% confidence interval and defined-replication count of every metric.

use crate::scenario::{Scenario, ServiceTarget};
use crate::stats::collector::ReplicationMetrics;
use crate::stats::estimate::Estimate;
use crate::stats::histogram::{WaitHistogram, pooled_quantiles};
use crate::stats::metric::Metric;

/// One [`Estimate`] per metric, indexed by [`Metric::index`].
pub type MetricEstimates = [Estimate; Metric::COUNT];

/// An agent group's figures across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupSummary {
    /// Group name.
    pub name: String,
    /// Agents in the group.
    pub agents: u32,
    /// Busy time divided by staffed time.
    pub occupancy: Estimate,
    /// Counted calls answered by the group per replication.
    pub calls_handled: Estimate,
    /// Overtime per replication in agent-seconds (finishing calls after a scheduled log-off).
    pub overtime_s: Estimate,
}

/// A scenario's results across replications.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Scenario name.
    pub scenario: String,
    /// Number of replications combined.
    pub replications: u32,
    /// Per call type: its name and estimates.
    pub call_types: Vec<(String, MetricEstimates)>,
    /// All call types together.
    pub total: MetricEstimates,
    /// Per agent group.
    pub groups: Vec<GroupSummary>,
    /// Whether the scenario models caller behaviour ([`Scenario::has_caller_behaviour`]): tables and comparisons
    /// show the metrics of caller behaviour ([`Metric::is_caller_behaviour`]) only then (CSV and JSON always carry them).
    pub caller_behaviour: bool,
    /// Whether the scenario has supervisor consults: tables and comparisons show the consult metrics only then.
    pub consults: bool,
    /// Whether the scenario has outbound campaigns: tables and comparisons show the campaign metrics
    /// ([`Metric::is_campaign`]) only then.
    pub campaigns: bool,
    /// Per call type, its service-level goal as it applies (its own `service_level`, else the scenario's).
    pub targets: Vec<ServiceTarget>,
    /// Whether some call type has a threshold or target of its own ([`Scenario::has_type_targets`]): tables
    /// then show each type's target.
    pub type_targets: bool,
}

/// Replaces the wait percentiles by pooled ones (see [`crate::stats::histogram::pooled_quantile`]); `scope` indexes
/// [`ReplicationMetrics::waits`]. Replications without histograms keep the averaged daily percentiles.
fn pool_percentiles(estimates: &mut MetricEstimates, replications: &[ReplicationMetrics], scope: usize) {
    let histograms: Vec<&WaitHistogram> = replications.iter().filter_map(|r| r.waits.get(scope)).collect();
    if histograms.len() != replications.len() || histograms.is_empty() {
        return;
    }
    let levels = Metric::PERCENTILES.map(|(_, p)| p);
    for ((metric, _), estimate) in Metric::PERCENTILES.iter().zip(pooled_quantiles(&histograms, &levels)) {
        estimates[metric.index()] = estimate;
    }
}

fn estimates(rows: impl Fn(usize) -> Vec<f64>) -> MetricEstimates {
    std::array::from_fn(|metric| Estimate::from_samples(rows(metric)))
}

/// Clips every interval to the values its metric can take ([`Metric::range`]).
fn bound(mut estimates: MetricEstimates) -> MetricEstimates {
    for metric in Metric::ALL {
        let (min, max) = metric.range();
        estimates[metric.index()] = estimates[metric.index()].bounded(min, max);
    }
    estimates
}

impl Summary {
    /// The metrics tables and comparisons show: every one, or all but caller behaviour when the scenario has
    /// none.
    pub fn shown_metrics(&self) -> impl Iterator<Item = Metric> + use<> {
        let (callers, consults, campaigns) = (self.caller_behaviour, self.consults, self.campaigns);
        Metric::ALL.into_iter().filter(move |m| {
            (callers || !m.is_caller_behaviour()) && (consults || !m.is_consult()) && (campaigns || !m.is_campaign())
        })
    }

    /// Combines the replications of `scenario`, in replication order.
    pub fn from_replications(scenario: &Scenario, replications: &[ReplicationMetrics]) -> Summary {
        let types = scenario.call_types.len();
        let call_types = scenario
            .call_types
            .iter()
            .enumerate()
            .map(|(t, ct)| {
                let mut e = estimates(|m| replications.iter().map(|r| r.call_types[t][m]).collect());
                pool_percentiles(&mut e, replications, t);
                (ct.name.clone(), bound(e))
            })
            .collect();
        let mut total = estimates(|m| replications.iter().map(|r| r.total[m]).collect());
        pool_percentiles(&mut total, replications, types);
        let total = bound(total);
        let groups = scenario
            .agent_groups
            .iter()
            .enumerate()
            .map(|(g, group)| GroupSummary {
                name: group.name.clone(),
                agents: group.count,
                occupancy: Estimate::from_samples(replications.iter().map(|r| r.groups[g].occupancy)).bounded(0.0, 1.0),
                calls_handled: Estimate::from_samples(replications.iter().map(|r| r.groups[g].calls_handled))
                    .bounded(0.0, f64::INFINITY),
                overtime_s: Estimate::from_samples(replications.iter().map(|r| r.groups[g].overtime_s))
                    .bounded(0.0, f64::INFINITY),
            })
            .collect();
        Summary {
            caller_behaviour: scenario.has_caller_behaviour(),
            consults: scenario
                .call_types
                .iter()
                .any(|c| c.consult.is_some() || c.transfer.is_some()),
            campaigns: !scenario.campaigns.is_empty(),
            targets: scenario.service_targets(),
            type_targets: scenario.has_type_targets(),
            scenario: scenario.name.clone(),
            replications: replications.len() as u32,
            call_types,
            total,
            groups,
        }
    }

    /// Every call type's estimates in scenario order, then the total's under the name `"total"`.
    pub fn scopes(&self) -> impl Iterator<Item = (&str, &MetricEstimates)> {
        self.call_types
            .iter()
            .map(|(name, e)| (name.as_str(), e))
            .chain([("total", &self.total)])
    }

    /// The estimates of a call type by name, or of the total for `"total"`.
    pub fn of(&self, call_type: &str) -> Option<&MetricEstimates> {
        if call_type == "total" {
            return Some(&self.total);
        }
        self.call_types
            .iter()
            .find(|(name, _)| name == call_type)
            .map(|(_, e)| e)
    }
}
