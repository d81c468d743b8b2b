//! The service-target flags shared by `callsim staff` and `callsim schedule --simulate`, and the confidence rule
//! that judges an interval met.

use anyhow::{anyhow, ensure};
use callsim::erlang::Targets;
use callsim::scenario::Scenario;
use callsim::staffing;

use super::duration_arg;

/// Targets an interval must meet (flattened into a command's arguments).
#[derive(Debug, Clone, clap::Args)]
pub struct TargetArgs {
    /// Target share answered within --answer-within, above 0 and below 1 [default: the scenario's target].
    #[arg(long, allow_negative_numbers = true)]
    pub target_sl: Option<f64>,
    /// Service-level threshold [default: the scenario's answer_within].
    #[arg(long, value_parser = duration_arg, allow_hyphen_values = true)]
    pub answer_within: Option<f64>,
    /// Highest acceptable share of calls abandoned, above 0 and below 1 (Erlang A or simulation).
    #[arg(long, allow_negative_numbers = true)]
    pub max_abandon: Option<f64>,
    /// Highest acceptable average speed of answer, e.g. 15s.
    #[arg(long, value_parser = duration_arg, allow_hyphen_values = true)]
    pub target_asa: Option<f64>,
    /// Highest acceptable occupancy, above 0 and at most 1.
    #[arg(long, allow_negative_numbers = true)]
    pub max_occupancy: Option<f64>,
    /// Simulation: share of simulated days an interval must meet its targets on, above 0 and at most 1.
    #[arg(long, default_value_t = 0.5, allow_negative_numbers = true)]
    pub confidence: f64,
}

impl TargetArgs {
    /// The targets: the flags given, else the scenario's service level. Errors name the flag.
    pub fn targets(&self, scenario: &Scenario) -> anyhow::Result<Targets> {
        if scenario.has_type_targets() {
            super::warn(
                "call types have service-level targets of their own; staffing judges all call types together \
                 against one target (the flags', else the scenario's [service_level])",
            );
        }
        let within = self.answer_within.unwrap_or(scenario.answer_within);
        let none_given = self.target_sl.is_none()
            && self.max_abandon.is_none()
            && self.target_asa.is_none()
            && self.max_occupancy.is_none();
        let share = match self.target_sl {
            Some(s) => Some(s),
            None if none_given => {
                let s = scenario.service_level_target;
                ensure!(
                    s > 0.0 && s < 1.0,
                    "--target-sl: not given, and the scenario's [service_level] target {s} is not a share above 0 \
                     and below 1; give --target-sl (e.g. 0.8) or another target"
                );
                Some(s)
            }
            None => None,
        };
        let targets = Targets {
            service_level: share.map(|s| (s, within)),
            asa: self.target_asa,
            max_abandon: self.max_abandon,
            max_occupancy: self.max_occupancy,
        };
        staffing::check_targets(&targets).map_err(|e| anyhow!(e))?;
        Ok(targets)
    }

    /// `--confidence`, checked: a share above 0 and at most 1.
    pub fn confidence(&self) -> anyhow::Result<f64> {
        ensure!(
            self.confidence > 0.0 && self.confidence <= 1.0,
            "--confidence: must be a share above 0 and at most 1, got {}",
            self.confidence
        );
        Ok(self.confidence)
    }
}
