//! From `queue_log` events to calls and agent steps: [`CallAssembler`] follows each call id from `ENTERQUEUE` to
//! its end (`COMPLETE*`, `TRANSFER`, `ABANDON`, `EXIT*`) and hands back one [`LoggedCall`] per call, and one
//! [`AgentStep`] per log-on, log-off, pause or unpause.
//!
//! Memory holds only the calls still open (entered, not ended) and the names of queues and agents, never the calls
//! already ended: a year of log streams through it. A call whose end is missing stays open and is counted as
//! [`CallAssembler::unfinished`]; one whose `ENTERQUEUE` came before the log starts is still whole, its arrival taken
//! from the end event's hold and talk times (as Asterisk computed them).

use std::collections::HashMap;

use super::queue_log::{Event, LineError, Record};

/// Names interned to small indices (queues, agents), in order of first appearance.
#[derive(Debug, Clone, Default)]
pub struct Names {
    names: Vec<String>,
    index: HashMap<String, u32>,
}

impl Names {
    /// The index of `name`, adding it if new.
    pub fn intern(&mut self, name: &str) -> u32 {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        let i = self.names.len() as u32;
        self.names.push(name.to_string());
        self.index.insert(name.to_string(), i);
        i
    }

    /// The index of `name`, if known.
    pub fn get(&self, name: &str) -> Option<u32> {
        self.index.get(name).copied()
    }

    /// The name of index `i`.
    pub fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }

    /// Every name, by index.
    pub fn all(&self) -> &[String] {
        &self.names
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }
}

/// How a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Answered by an agent (and completed or transferred).
    Answered,
    /// The caller hung up while waiting (`ABANDON`).
    Abandoned,
    /// The caller left the queue by its timeout, a key or an empty queue (`EXITWITHTIMEOUT`, `EXITWITHKEY`,
    /// `EXITEMPTY`): not their own patience running out, so a censored patience.
    Left,
    /// Refused at entry (`FULL`, `JOINEMPTY`, `JOINUNAVAIL`).
    Refused,
}

/// How much an answered call's logged `wait` counts as answered within `threshold` seconds, for a log of whole
/// seconds: 1 below, 0 above, and 1/2 for a wait logged as exactly the threshold. Asterisk logs the difference of
/// two whole-second clocks, so a logged wait `w` was truly in `(w - 1, w + 1)`, symmetrically about `w`; half of
/// the calls logged at the threshold waited longer. Counting them whole would measure the service level at about
/// `threshold + 0.5` s; counting half measures it at the threshold (for a smooth distribution of waits). A wait
/// with a fraction (a log of finer times) is compared as it is.
pub fn in_time(wait: f64, threshold: f64) -> f64 {
    if wait < threshold {
        1.0
    } else if wait == threshold && wait.fract() == 0.0 {
        0.5
    } else {
        0.0
    }
}

/// One call of the log, as the fit needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LoggedCall {
    /// The queue (index into the assembler's queue names).
    pub queue: u32,
    /// When it entered the queue, Unix seconds.
    pub arrival: f64,
    /// Seconds on hold until answered or gone.
    pub wait: f64,
    /// How it ended.
    pub outcome: Outcome,
    /// Talk time in seconds (answered calls; 0 otherwise).
    pub talk: f64,
    /// The agent who answered (index into the assembler's agent names).
    pub agent: Option<u32>,
}

/// What an agent did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgentStepKind {
    /// Logged on or added to a queue.
    LogOn,
    /// Logged off or removed from a queue.
    LogOff,
    /// Paused.
    Pause,
    /// Unpaused.
    Unpause,
}

/// One agent event.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AgentStep {
    /// Unix seconds.
    pub time: f64,
    /// The agent.
    pub agent: u32,
    /// The queue, when the event names one.
    pub queue: Option<u32>,
    /// What happened.
    pub kind: AgentStepKind,
}

/// What one line amounts to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Item {
    /// A call ended.
    Call(LoggedCall),
    /// An agent step.
    Agent(AgentStep),
    /// Nothing to report (a call entered or was connected, or an event a fit does not use).
    Nothing,
}

#[derive(Debug, Clone, Copy)]
struct Open {
    queue: u32,
    entered: f64,
}

/// Follows calls through the log's events.
#[derive(Debug, Default)]
pub struct CallAssembler {
    /// Queue names.
    pub queues: Names,
    /// Agent names.
    pub agents: Names,
    open: HashMap<String, Open>,
    /// Lines whose event Asterisk does not document, by count.
    pub unknown_events: u64,
    /// Events a fit does not use (`QUEUESTART`, `RINGNOANSWER`, ...).
    pub other_events: u64,
}

fn is_none(name: &str) -> bool {
    name.is_empty() || name == "NONE"
}

impl CallAssembler {
    /// An assembler with nothing seen.
    pub fn new() -> CallAssembler {
        CallAssembler::default()
    }

    /// Calls entered and not ended (so far: at the end of the log, those whose end is missing).
    pub fn unfinished(&self) -> usize {
        self.open.len()
    }

    /// Takes one line; a line whose data fields are not what its event needs is an error naming the field.
    pub fn feed(&mut self, record: &Record<'_>) -> Result<Item, LineError> {
        let time = record.time;
        match record.event {
            Event::EnterQueue => {
                let queue = self.queues.intern(record.queue);
                self.open
                    .insert(record.callid.to_string(), Open { queue, entered: time });
                Ok(Item::Nothing)
            }
            Event::Connect => {
                // The hold time is in the end event too; nothing to keep here.
                record.seconds(1, "holdtime")?;
                Ok(Item::Nothing)
            }
            Event::CompleteAgent | Event::CompleteCaller | Event::Transfer => {
                // ATTENDEDTRANSFER|LINK|channel|channel|holdtime|... has one field more than the other transfers.
                let (hold_field, talk_field) = match record.event {
                    Event::Transfer if record.event_name == "ATTENDEDTRANSFER" && record.data(1) == "LINK" => (4, 5),
                    Event::Transfer => (3, 4),
                    _ => (1, 2),
                };
                let hold = record.seconds(hold_field, "holdtime")?;
                let talk = record.seconds(talk_field, "calltime")?;
                let agent = (!is_none(record.agent)).then(|| self.agents.intern(record.agent));
                let (queue, arrival) = self.close(record, time - talk - hold);
                Ok(Item::Call(LoggedCall {
                    queue,
                    arrival,
                    wait: hold,
                    outcome: Outcome::Answered,
                    talk,
                    agent,
                }))
            }
            Event::Abandon | Event::ExitWithTimeout | Event::ExitEmpty | Event::ExitWithKey => {
                let field = if record.event == Event::ExitWithKey { 4 } else { 3 };
                let wait = record.seconds(field, "waittime")?;
                let (queue, arrival) = self.close(record, time - wait);
                let outcome = if record.event == Event::Abandon {
                    Outcome::Abandoned
                } else {
                    Outcome::Left
                };
                Ok(Item::Call(LoggedCall {
                    queue,
                    arrival,
                    wait,
                    outcome,
                    talk: 0.0,
                    agent: None,
                }))
            }
            Event::Refused => {
                let (queue, arrival) = self.close(record, time);
                Ok(Item::Call(LoggedCall {
                    queue,
                    arrival,
                    wait: 0.0,
                    outcome: Outcome::Refused,
                    talk: 0.0,
                    agent: None,
                }))
            }
            Event::LogOn | Event::LogOff | Event::Pause | Event::Unpause => {
                if is_none(record.agent) {
                    return Err(LineError {
                        line: record.line,
                        message: format!("{} names no agent in the agent column", record.event_name),
                    });
                }
                let agent = self.agents.intern(record.agent);
                let queue = (!is_none(record.queue)).then(|| self.queues.intern(record.queue));
                let kind = match record.event {
                    Event::LogOn => AgentStepKind::LogOn,
                    Event::LogOff => AgentStepKind::LogOff,
                    Event::Pause => AgentStepKind::Pause,
                    _ => AgentStepKind::Unpause,
                };
                Ok(Item::Agent(AgentStep {
                    time,
                    agent,
                    queue,
                    kind,
                }))
            }
            Event::RingNoAnswer | Event::Other => {
                self.other_events += 1;
                Ok(Item::Nothing)
            }
            Event::Unknown => {
                self.unknown_events += 1;
                Ok(Item::Nothing)
            }
        }
    }

    /// Ends the call of `record`: its queue and arrival (the `ENTERQUEUE` instant when seen, else `fallback`).
    fn close(&mut self, record: &Record<'_>, fallback: f64) -> (u32, f64) {
        match self.open.remove(record.callid) {
            Some(open) => (open.queue, open.entered),
            None => (self.queues.intern(record.queue), fallback.max(0.0)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::logs::queue_log::parse_line;

    fn feed_all(lines: &[&str]) -> (CallAssembler, Vec<Item>) {
        let mut a = CallAssembler::new();
        let items = lines
            .iter()
            .enumerate()
            .map(|(i, l)| a.feed(&parse_line(l, i as u64 + 1).unwrap()).unwrap())
            .collect();
        (a, items)
    }

    #[test]
    fn an_answered_call_takes_its_arrival_from_enterqueue_and_its_times_from_the_end() {
        let (a, items) = feed_all(&[
            "1000|1.1|sales|NONE|ENTERQUEUE||5551234|1",
            "1012|1.1|sales|Agent/7|CONNECT|12|1.2|3",
            "1197|1.1|sales|Agent/7|COMPLETECALLER|12|185|1",
        ]);
        assert_eq!(items[..2], [Item::Nothing, Item::Nothing]);
        assert_eq!(
            items[2],
            Item::Call(LoggedCall {
                queue: 0,
                arrival: 1000.0,
                wait: 12.0,
                outcome: Outcome::Answered,
                talk: 185.0,
                agent: Some(0),
            })
        );
        assert_eq!(a.unfinished(), 0);
    }

    #[test]
    fn abandons_and_exits_carry_their_wait_and_a_missing_end_stays_open() {
        let (a, items) = feed_all(&[
            "1000|1.1|sales|NONE|ENTERQUEUE||5551234|1",
            "1000|1.2|sales|NONE|ENTERQUEUE||5551235|2",
            "1040|1.1|sales|NONE|ABANDON|1|1|40",
            "1100|1.3|sales|NONE|EXITWITHKEY|5|1|1|30",
            "1101|NONE|NONE|NONE|QUEUESTART|",
            "1102|NONE|sales|NONE|WHATEVER|",
        ]);
        let Item::Call(c) = items[2] else { panic!() };
        assert_eq!((c.arrival, c.wait, c.outcome), (1000.0, 40.0, Outcome::Abandoned));
        let Item::Call(c) = items[3] else { panic!() };
        assert_eq!((c.arrival, c.wait, c.outcome), (1070.0, 30.0, Outcome::Left));
        assert_eq!((a.unfinished(), a.other_events, a.unknown_events), (1, 1, 1));
    }
}
