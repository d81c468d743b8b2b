//! Statistics: what is measured in one replication ([`Collector`]) and how replications are combined
//! ([`Summary`], [`Estimate`]). Collectors are observers of the engine; nothing here drives the simulation.

pub mod collector;
pub mod estimate;
pub mod histogram;
pub mod metric;
pub mod summary;

pub use collector::{Collector, GroupValues, ReplicationMetrics};
pub use estimate::Estimate;
pub use histogram::WaitHistogram;
pub use metric::{Metric, MetricValues};
pub use summary::{GroupSummary, MetricEstimates, Summary};
