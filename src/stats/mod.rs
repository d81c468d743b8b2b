//! Statistics: what is measured in one replication ([`Collector`], [`IntervalCollector`], [`DayCounter`]) and how
//! replications are combined ([`Summary`], [`DayResults`], [`Estimate`]). Collectors are observers of the engine;
//! nothing here drives the simulation.

pub mod callers;
pub mod campaign;
pub mod collector;
pub mod day;
pub mod estimate;
pub mod histogram;
pub mod interval;
pub mod metric;
pub mod summary;

pub use callers::{CallerCounter, CallerCounts};
pub use collector::{Collector, GroupValues, ReplicationMetrics};
pub use day::{DayCounter, DayCounts, DayRecord, SHORT_ABANDON_S};
pub use estimate::Estimate;
pub use histogram::{SparseWaitHistogram, WaitHistogram};
pub use interval::{DayResult, DayResults, IntervalCollector, IntervalMetric, IntervalSummary, IntervalTheory};
pub use metric::{Metric, MetricValues};
pub use summary::{GroupSummary, MetricEstimates, Summary};
