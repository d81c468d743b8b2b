//! The routing policies a scenario chooses: caller ordering ([`QueueDiscipline`]) and agent selection
//! ([`AgentSelection`]). Plain values; the decisions themselves are made in [`super::Router`].

/// Caller ordering: which waiting call a freed agent takes next, among the call types it may serve.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum QueueDiscipline {
    /// One line in arrival order across all call types.
    Fifo,
    /// Higher `priority` first; first come first served within a priority (non-preemptive).
    #[default]
    Priority,
    /// Like `priority`, but a waiting call's priority grows by `aging_per_second` for every second it has waited,
    /// so low-priority calls are not starved: effective priority = priority + aging_per_second * wait.
    PriorityAging,
}

impl QueueDiscipline {
    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            QueueDiscipline::Fifo => "fifo",
            QueueDiscipline::Priority => "priority",
            QueueDiscipline::PriorityAging => "priority-aging",
        }
    }
}

/// Agent selection: which eligible free agent takes an arriving call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "kebab-case"))]
pub enum AgentSelection {
    /// The agent who has been free the longest (the fairest and most common ACD rule).
    #[default]
    LongestIdle,
    /// The agent who has handled the fewest calls so far; longest idle among equals.
    FewestCalls,
    /// Circular hunting over the whole roster: the eligible free agent assigned least recently, whatever its group;
    /// agents never assigned go first, in roster order (groups in scenario order, then agents within a group). With
    /// every agent free between calls, calls go to agents 0, 1, 2, ... and back to 0.
    RoundRobin,
    /// A free eligible agent chosen uniformly at random (the caller passes the random number generator in).
    Random,
    /// The first group, in skill preference order, with a free agent: a group for which the call type stands
    /// earlier in its `skills` list is preferred (specialists before generalists); ties go to the group listed
    /// first in the scenario, then to the longest-idle agent within the group.
    SkillOrder,
}

impl AgentSelection {
    /// Every policy, in the order they are documented.
    pub const ALL: [AgentSelection; 5] = [
        AgentSelection::LongestIdle,
        AgentSelection::FewestCalls,
        AgentSelection::RoundRobin,
        AgentSelection::Random,
        AgentSelection::SkillOrder,
    ];

    /// The name used in scenario files.
    pub fn name(self) -> &'static str {
        match self {
            AgentSelection::LongestIdle => "longest-idle",
            AgentSelection::FewestCalls => "fewest-calls",
            AgentSelection::RoundRobin => "round-robin",
            AgentSelection::Random => "random",
            AgentSelection::SkillOrder => "skill-order",
        }
    }
}
