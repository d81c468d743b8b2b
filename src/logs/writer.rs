//! Writing a simulation as Asterisk would have logged it: [`QueueLogWriter`] is an [`Observer`] (with
//! [`Observer::DETAIL`] on) that writes one `queue_log` line per event, and [`write_queue_log`] runs every
//! replication of a scenario through it, replication `r` on the `r`-th day after a start date.
//!
//! Each call type is a queue (its name), each agent a member `Agent/<group>-<n>` (numbered from 1 within its
//! group) of the queues of its group's skills. Lines, with Asterisk's fields (see [`super::queue_log`]):
//! `ENTERQUEUE||<callerid>|<position>` when a call is offered; `CONNECT|<holdtime>|<uniqueid>|0` when answered;
//! `COMPLETECALLER|<holdtime>|<calltime>|<position>` when the caller hangs up after service;
//! `ABANDON|<position>|<position>|<waittime>` for an abandon or a balk; `EXITWITHTIMEOUT|...|<waittime>` for a
//! disconnection (`max_wait`, closing); `FULL` for a call refused (lines or queue full); `ADDMEMBER` and
//! `REMOVEMEMBER` for every queue of an agent logging on and off (every agent still on duty leaves when the last
//! call of the day has ended). Positions are the caller's at entry. Times are whole Unix seconds and durations the
//! differences of those whole seconds, exactly as Asterisk computes them from `time()` (or, with `exact`, the
//! simulated instants themselves as fractional seconds, which a replay reproduces exactly); the day's opening
//! (`opens_at`) falls on the replication's date in UTC. A call's id is `<opening's Unix second>.<serial>`.
//!
//! Transfers and callbacks have no faithful `queue_log` form here yet: [`check_supported`] refuses scenarios
//! with them, naming the call type and the key.

use std::io::Write;

use crate::engine::{Detail, Observer, simulate};
use crate::routing::CallTypeId;
use crate::routing::WaitLimitAction;
use crate::scenario::Scenario;
use crate::time::SimTime;

/// Refuses the scenario features a `queue_log` cannot show yet (chats, transfers, callbacks, overflows at `max_wait`),
/// naming the call type and the key.
pub fn check_supported(scenario: &Scenario) -> Result<(), String> {
    for call_type in &scenario.call_types {
        let name = &call_type.name;
        if call_type.chat.is_some() {
            return Err(format!(
                "call type \"{name}\": chats (channel = \"chat\") are not written to a queue_log, whose queues carry \
                 calls; write the voice types of the scenario alone"
            ));
        }
        if call_type.transfer.is_some() {
            return Err(format!(
                "call type \"{name}\": transfer is not written to a queue_log yet; remove it to write one"
            ));
        }
        if let Some(limit) = call_type.callers.max_wait
            && matches!(limit.action, WaitLimitAction::Callback | WaitLimitAction::Overflow(_))
        {
            return Err(format!(
                "call type \"{name}\": max_wait with a callback or an overflow is not written to a queue_log yet; \
                 use \"message\" or \"disconnect\" to write one"
            ));
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Copy, Default)]
struct CallState {
    serial: u64,
    call_type: u32,
    /// The second it entered the queue (for a call being talked: the second it was answered).
    entered: f64,
    position: usize,
    /// Whole seconds on hold (set at answer).
    hold: f64,
}

/// Writes the `queue_log` lines of one replication.
pub struct QueueLogWriter<'a, W: Write> {
    out: W,
    opening: i64,
    queues: Vec<&'a str>,
    /// Member name of each agent, and the queues (call type indices) it serves.
    agents: Vec<(String, Vec<usize>)>,
    calls: Vec<CallState>,
    talking: Vec<CallState>,
    /// Which agents are logged on (to log them all off at the end of the day).
    on_duty: Vec<bool>,
    waiting: Vec<usize>,
    serial: u64,
    /// Exact fractional seconds instead of whole ones.
    exact: bool,
    error: Option<std::io::Error>,
}

impl<'a, W: Write> QueueLogWriter<'a, W> {
    /// A writer for one replication of `scenario` whose opening is Unix second `opening`; `exact` writes times
    /// and durations as exact fractional seconds (e.g. `1795420908.347215`) instead of Asterisk's whole ones.
    pub fn new(scenario: &'a Scenario, opening: i64, exact: bool, out: W) -> QueueLogWriter<'a, W> {
        let mut agents = Vec::new();
        for group in &scenario.agent_groups {
            for n in 1..=group.count {
                agents.push((format!("Agent/{}-{n}", group.name), group.skills.clone()));
            }
        }
        QueueLogWriter {
            out,
            opening,
            queues: scenario.call_types.iter().map(|c| c.name.as_str()).collect(),
            talking: vec![CallState::default(); agents.len()],
            on_duty: vec![false; agents.len()],
            agents,
            calls: Vec::new(),
            waiting: vec![0; scenario.call_types.len()],
            serial: 0,
            exact,
            error: None,
        }
    }

    /// The first write error, if any (writing stops at it).
    pub fn finish(mut self) -> std::io::Result<W> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        Ok(self.out)
    }

    /// The Unix time of `now`: whole seconds as Asterisk writes them, or exact.
    fn second(&self, now: SimTime) -> f64 {
        if self.exact {
            self.opening as f64 + now.seconds()
        } else {
            (self.opening + now.seconds().floor() as i64) as f64
        }
    }

    fn line(
        &mut self,
        time: f64,
        callid: std::fmt::Arguments<'_>,
        queue: usize,
        agent: &str,
        rest: std::fmt::Arguments<'_>,
    ) {
        if self.error.is_some() {
            return;
        }
        if let Err(e) = writeln!(self.out, "{time}|{callid}|{}|{agent}|{rest}", self.queues[queue]) {
            self.error = Some(e);
        }
    }

    fn call_line(&mut self, time: f64, call: CallState, agent: Option<usize>, rest: std::fmt::Arguments<'_>) {
        if self.error.is_some() {
            return;
        }
        let agent = agent.map_or("NONE", |a| self.agents[a].0.as_str());
        if let Err(e) = writeln!(
            self.out,
            "{time}|{}.{}|{}|{agent}|{rest}",
            self.opening, call.serial, self.queues[call.call_type as usize]
        ) {
            self.error = Some(e);
        }
    }

    fn member_lines(&mut self, now: SimTime, agent: usize, event: &str) {
        let time = self.second(now);
        for i in 0..self.agents[agent].1.len() {
            let queue = self.agents[agent].1[i];
            let name = self.agents[agent].0.clone();
            self.line(time, format_args!("MANAGER"), queue, &name, format_args!("{event}|"));
        }
    }
}

impl<W: Write> Observer for QueueLogWriter<'_, W> {
    const DETAIL: bool = true;

    fn on_queue_change(&mut self, _now: SimTime, call_type: CallTypeId, of_type: usize, _total: usize) {
        self.waiting[call_type.index()] = of_type;
    }

    fn on_blocked(&mut self, now: SimTime, call_type: CallTypeId) {
        self.serial += 1;
        let time = self.second(now);
        let (opening, serial) = (self.opening, self.serial);
        self.line(
            time,
            format_args!("{opening}.{serial}"),
            call_type.index(),
            "NONE",
            format_args!("FULL|"),
        );
    }

    /// The day is over: every agent still on duty leaves its queues.
    fn on_finish(&mut self, now: SimTime) {
        for agent in 0..self.agents.len() {
            if std::mem::take(&mut self.on_duty[agent]) {
                self.member_lines(now, agent, "REMOVEMEMBER");
            }
        }
    }

    fn on_detail(&mut self, now: SimTime, detail: Detail) {
        let time = self.second(now);
        match detail {
            Detail::Offered { call, call_type } => {
                self.serial += 1;
                let state = CallState {
                    serial: self.serial,
                    call_type: call_type.0,
                    entered: time,
                    position: self.waiting[call_type.index()] + 1,
                    hold: 0.0,
                };
                let slot = call as usize;
                if self.calls.len() <= slot {
                    self.calls.resize(slot + 1, CallState::default());
                }
                self.calls[slot] = state;
                let callerid = 5_550_000 + state.serial % 10_000;
                self.call_line(
                    time,
                    state,
                    None,
                    format_args!("ENTERQUEUE||{callerid}|{}", state.position),
                );
            }
            Detail::Connected { call, agent } => {
                let state = self.calls[call as usize];
                let hold = time - state.entered;
                self.talking[agent.0 as usize] = CallState {
                    entered: time,
                    hold,
                    ..state
                };
                let bridged = format!("{}.{}", self.opening, 1_000_000_000 + state.serial);
                self.call_line(
                    time,
                    state,
                    Some(agent.0 as usize),
                    format_args!("CONNECT|{hold}|{bridged}|0"),
                );
            }
            Detail::HungUp { agent } => {
                let index = agent.0 as usize;
                let state = self.talking[index];
                let talk = time - state.entered;
                self.call_line(
                    time,
                    state,
                    Some(index),
                    format_args!("COMPLETECALLER|{}|{talk}|{}", state.hold, state.position),
                );
            }
            Detail::Abandoned { call } => {
                let state = self.calls[call as usize];
                let wait = time - state.entered;
                self.call_line(
                    time,
                    state,
                    None,
                    format_args!("ABANDON|{}|{}|{wait}", state.position, state.position),
                );
            }
            Detail::Disconnected { call } => {
                let state = self.calls[call as usize];
                let wait = time - state.entered;
                self.call_line(
                    time,
                    state,
                    None,
                    format_args!("EXITWITHTIMEOUT|{}|{}|{wait}", state.position, state.position),
                );
            }
            Detail::LoggedOn { agent } => {
                self.on_duty[agent.0 as usize] = true;
                self.member_lines(now, agent.0 as usize, "ADDMEMBER");
            }
            Detail::LoggedOff { agent } => {
                self.on_duty[agent.0 as usize] = false;
                self.member_lines(now, agent.0 as usize, "REMOVEMEMBER");
            }
        }
    }
}

/// Runs every replication of `scenario` in order, replication `r` on day `start + r` (its opening at the
/// scenario's `opens_at`, UTC), writing its `queue_log` lines to `out`. One replication at a time: the lines are
/// in time order within each day and memory does not grow with the number of calls.
/// `on_day` is called after each day (for progress bars). `exact`: fractional seconds (see [`QueueLogWriter::new`]).
pub fn write_queue_log(
    scenario: &Scenario,
    start: jiff::civil::Date,
    exact: bool,
    out: &mut dyn Write,
    on_day: &dyn Fn(),
) -> std::io::Result<()> {
    let opens = scenario.day.clock().opens_at().seconds() as i64;
    let epoch = jiff::civil::Date::constant(1970, 1, 1);
    let first_day = start.duration_since(epoch).as_secs() / 86_400;
    for replication in 0..scenario.replications {
        let opening = (first_day + replication as i64) * 86_400 + opens;
        let mut writer = QueueLogWriter::new(scenario, opening, exact, &mut *out);
        simulate(scenario, replication, &mut writer);
        writer.finish()?;
        on_day();
    }
    out.flush()
}
