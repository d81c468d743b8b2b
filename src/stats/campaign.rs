//! Outbound campaign counts of one replication (issue 12), kept by the standard [`Collector`](super::Collector)
//! and reported in the total's campaign metrics ([`Metric::is_campaign`]).
//!
//! A dial counts when it was dialled in the measured window `[warmup, horizon)`, and its outcome with it (so a
//! dial's answer and its abandonment fall in the same window as the dial: the window of the abandon cap). Agent
//! time on outbound work counts inside the window, like occupancy.

use crate::engine::{DialOutcome, ListState};
use crate::scenario::Scenario;
use crate::stats::metric::{Metric, MetricValues};
use crate::time::SimTime;

/// Live answers and abandoned calls of one window of a campaign's abandon cap.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct WindowCount {
    live: u64,
    abandoned: u64,
}

/// What one campaign's cap needs to place a dial in its window.
#[derive(Debug, Clone, Copy)]
struct CapWindows {
    from: f64,
    window: f64,
}

/// Campaign counts of one replication, all campaigns together (per window, per campaign).
#[derive(Debug, Clone, Default)]
pub struct CampaignCounter {
    warmup: f64,
    horizon: f64,
    caps: Vec<CapWindows>,
    windows: Vec<Vec<WindowCount>>,
    /// Seconds of the campaigns' hours inside the measured window, summed.
    open_s: f64,
    dials: u64,
    live: u64,
    abandoned: u64,
    machines: u64,
    conversions: u64,
    work_s: f64,
    wait_s: f64,
    records: u64,
    endless: bool,
    dialed_records: u64,
    finished_records: u64,
    held_by_cap: u64,
}

impl CampaignCounter {
    /// A counter for the campaigns of `scenario` (none: every campaign metric is undefined).
    pub fn new(scenario: &Scenario) -> CampaignCounter {
        let (warmup, horizon) = (scenario.warmup, scenario.horizon);
        CampaignCounter {
            warmup,
            horizon,
            caps: scenario
                .campaigns
                .iter()
                .map(|c| CapWindows {
                    from: c.from,
                    window: c.window,
                })
                .collect(),
            windows: scenario
                .campaigns
                .iter()
                .map(|c| vec![WindowCount::default(); ((c.to - c.from) / c.window).ceil().max(1.0) as usize])
                .collect(),
            open_s: scenario
                .campaigns
                .iter()
                .map(|c| (c.to.min(horizon) - c.from.max(warmup)).max(0.0))
                .sum(),
            ..CampaignCounter::default()
        }
    }

    fn counts(&self, dialed: SimTime) -> bool {
        dialed.seconds() >= self.warmup
    }

    fn window(&mut self, campaign: usize, dialed: SimTime) -> &mut WindowCount {
        let cap = self.caps[campaign];
        let windows = &mut self.windows[campaign];
        let index = (((dialed.seconds() - cap.from) / cap.window).floor().max(0.0) as usize).min(windows.len() - 1);
        &mut windows[index]
    }

    /// A dial was placed.
    pub fn dial(&mut self, now: SimTime) {
        if self.counts(now) {
            self.dials += 1;
        }
    }

    /// A dial placed at `dialed` ended with `outcome`.
    pub fn outcome(&mut self, campaign: usize, outcome: DialOutcome, dialed: SimTime) {
        if !self.counts(dialed) {
            return;
        }
        match outcome {
            DialOutcome::Live => {
                self.live += 1;
                self.window(campaign, dialed).live += 1;
            }
            DialOutcome::Abandoned => {
                self.abandoned += 1;
                self.window(campaign, dialed).abandoned += 1;
            }
            DialOutcome::MachineMessage | DialOutcome::MachineDropped | DialOutcome::MachineToAgent => {
                self.machines += 1
            }
            DialOutcome::Busy | DialOutcome::NoAnswer => {}
        }
    }

    /// A live contact ended (counted when it ended in the window).
    pub fn contact_end(&mut self, now: SimTime, converted: bool) {
        if converted && now.seconds() >= self.warmup {
            self.conversions += 1;
        }
    }

    /// An agent's stretch of outbound work `[since, now]` ended, `waiting_s` of it waiting for an answer; returns
    /// its busy seconds inside the window (for the group's occupancy).
    pub fn work(&mut self, now: SimTime, since: SimTime, waiting_s: f64) -> f64 {
        let busy = (now.seconds().min(self.horizon) - since.seconds().max(self.warmup)).max(0.0);
        self.work_s += busy;
        if since.seconds() >= self.warmup {
            self.wait_s += waiting_s;
        }
        busy
    }

    /// A campaign's list at the end of the day.
    pub fn list(&mut self, list: &ListState) {
        match list.records {
            Some(records) => self.records += records,
            None => self.endless = true,
        }
        self.dialed_records += list.dialed;
        self.finished_records += list.finished;
        self.held_by_cap += list.held_by_cap;
    }

    /// Outbound agent-seconds inside the window (all groups).
    pub fn work_seconds(&self) -> f64 {
        self.work_s
    }

    /// Writes the campaign metrics into `values` (the total's); undefined without campaigns.
    pub fn fill(&self, values: &mut MetricValues) {
        if self.caps.is_empty() {
            return;
        }
        let ratio = |n: f64, d: f64| if d > 0.0 { n / d } else { f64::NAN };
        let live_answers = (self.live + self.abandoned) as f64;
        let worst = self
            .windows
            .iter()
            .flatten()
            .filter(|w| w.live + w.abandoned > 0)
            .map(|w| w.abandoned as f64 / (w.live + w.abandoned) as f64)
            .fold(f64::NAN, f64::max);
        let records = if self.endless { 0.0 } else { self.records as f64 };
        for metric in Metric::ALL.into_iter().filter(|m| m.is_campaign()) {
            values[metric.index()] = match metric {
                Metric::Dials => self.dials as f64,
                Metric::LiveContacts => self.live as f64,
                Metric::OutboundAbandoned => self.abandoned as f64,
                Metric::OutboundAbandonRate => ratio(self.abandoned as f64, live_answers),
                Metric::MaxWindowAbandonRate => worst,
                Metric::ContactsPerHour => ratio(self.live as f64, self.open_s / 3600.0),
                Metric::ContactsPerAgentHour => ratio(self.live as f64, self.work_s / 3600.0),
                Metric::AgentWaitPerContactS => ratio(self.wait_s, self.live as f64),
                Metric::Machines => self.machines as f64,
                Metric::Conversions => self.conversions as f64,
                Metric::ListPenetration => ratio(self.dialed_records as f64, records),
                Metric::ListCompletion => ratio(self.finished_records as f64, records),
                Metric::CapHolds => self.held_by_cap as f64,
                other => unreachable!("{other:?} is not a campaign metric"),
            };
        }
    }
}
