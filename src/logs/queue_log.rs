//! Asterisk's `queue_log`: one event a line, `time|callid|queue|agent|event|data1|data2|...`, read as a stream.
//!
//! This module owns the line format and the event names; it does not know what a call is (see
//! [`super::calls`]). The fields, as `apps/app_queue.c` writes them (`ast_queue_log`):
//!
//! | event | data fields |
//! |---|---|
//! | `ENTERQUEUE` | url, callerid, position |
//! | `CONNECT` | holdtime, bridged channel's uniqueid, ringtime |
//! | `COMPLETEAGENT`, `COMPLETECALLER` | holdtime, calltime, original position |
//! | `ABANDON` | position, original position, waittime |
//! | `EXITWITHTIMEOUT`, `EXITEMPTY` | position, original position, waittime |
//! | `EXITWITHKEY` | key, position, original position, waittime |
//! | `RINGNOANSWER` | ringtime (milliseconds) |
//! | `TRANSFER`, `BLINDTRANSFER` | extension, context, holdtime, calltime, original position |
//! | `ATTENDEDTRANSFER` | method (`BRIDGE`, `APP`), target, holdtime, calltime, original position; `LINK`, channel, channel, holdtime, calltime, original position |
//! | `AGENTLOGIN`, `AGENTLOGOFF` | channel (and login time) |
//! | `ADDMEMBER`, `REMOVEMEMBER` | (none) |
//! | `PAUSE`, `UNPAUSE`, `PAUSEALL`, `UNPAUSEALL` | reason |
//! | `FULL`, `JOINEMPTY`, `JOINUNAVAIL` | (none): the caller was refused |
//!
//! `time` is Unix seconds (an integer as Asterisk writes it; a fraction is accepted). The other known events
//! (`QUEUESTART`, `CONFIGRELOAD`, `DID`, `INFO`, `SYSCOMPAT`, `RINGCANCELED`, ...) carry nothing a fit uses and
//! are [`Event::Other`]; an event name not in Asterisk's list is [`Event::Unknown`], skipped and counted by the
//! caller. A line that is not `time|callid|queue|agent|event...` with a number for `time` is a [`LineError`] naming
//! its line number.
//!
//! The reader keeps one line buffer and lends each record from it ([`QueueLogReader::next_record`]): memory stays
//! flat however long the log.

use std::io::BufRead;

/// Longest hold or talk time accepted in a data field, in seconds: a week (a longer one is a corrupt line).
pub const MAX_CALL_S: f64 = 7.0 * 86_400.0;

/// Latest time accepted, in Unix seconds: 2100-01-01 (a later one is a corrupt line).
pub const MAX_UNIX_S: f64 = 4_102_444_800.0;

/// What happened, by the `event` column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Event {
    /// A caller joined the queue.
    EnterQueue,
    /// An agent answered the caller.
    Connect,
    /// The agent hung up after the call.
    CompleteAgent,
    /// The caller hung up after the call.
    CompleteCaller,
    /// The caller hung up while waiting.
    Abandon,
    /// The caller waited the queue's timeout and left.
    ExitWithTimeout,
    /// The caller pressed a key to leave the queue.
    ExitWithKey,
    /// The caller left because no agent was available any more.
    ExitEmpty,
    /// A caller was refused: the queue was full, or no agent was there (`FULL`, `JOINEMPTY`, `JOINUNAVAIL`).
    Refused,
    /// An agent's phone rang and was not answered.
    RingNoAnswer,
    /// The answered call was transferred (`TRANSFER`, `BLINDTRANSFER`, `ATTENDEDTRANSFER`).
    Transfer,
    /// An agent logged on (`AGENTLOGIN`, `AGENTCALLBACKLOGIN`) or was added to the queue (`ADDMEMBER`).
    LogOn,
    /// An agent logged off (`AGENTLOGOFF`, `AGENTCALLBACKLOGOFF`) or was removed (`REMOVEMEMBER`).
    LogOff,
    /// An agent paused (`PAUSE`, `PAUSEALL`).
    Pause,
    /// An agent unpaused (`UNPAUSE`, `UNPAUSEALL`).
    Unpause,
    /// A documented event a fit does not use (`QUEUESTART`, `CONFIGRELOAD`, `DID`, `INFO`, ...).
    Other,
    /// An event name Asterisk does not document.
    Unknown,
}

impl Event {
    /// The event of an `event` column.
    pub fn parse(name: &str) -> Event {
        match name {
            "ENTERQUEUE" => Event::EnterQueue,
            "CONNECT" => Event::Connect,
            "COMPLETEAGENT" => Event::CompleteAgent,
            "COMPLETECALLER" => Event::CompleteCaller,
            "ABANDON" => Event::Abandon,
            "EXITWITHTIMEOUT" => Event::ExitWithTimeout,
            "EXITWITHKEY" => Event::ExitWithKey,
            "EXITEMPTY" => Event::ExitEmpty,
            "FULL" | "JOINEMPTY" | "JOINUNAVAIL" => Event::Refused,
            "RINGNOANSWER" => Event::RingNoAnswer,
            "TRANSFER" | "BLINDTRANSFER" | "ATTENDEDTRANSFER" => Event::Transfer,
            "AGENTLOGIN" | "AGENTCALLBACKLOGIN" | "ADDMEMBER" => Event::LogOn,
            "AGENTLOGOFF" | "AGENTCALLBACKLOGOFF" | "REMOVEMEMBER" => Event::LogOff,
            "PAUSE" | "PAUSEALL" => Event::Pause,
            "UNPAUSE" | "UNPAUSEALL" => Event::Unpause,
            "QUEUESTART"
            | "CONFIGRELOAD"
            | "DID"
            | "INFO"
            | "SYSCOMPAT"
            | "RINGCANCELED"
            | "AGENTDUMP"
            | "AGENTCALLBACKLOGIN_FAILED"
            | "CALLOUTBOUND"
            | "CONNECTED" => Event::Other,
            _ => Event::Unknown,
        }
    }
}

/// One line of a `queue_log`, borrowed from the reader's buffer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Record<'a> {
    /// 1-based line number in the file.
    pub line: u64,
    /// Unix time in seconds.
    pub time: f64,
    /// The call's unique id (`NONE`, `MANAGER` or `REALTIME` for agent events).
    pub callid: &'a str,
    /// The queue's name (`NONE` for system events).
    pub queue: &'a str,
    /// The agent or member (`NONE` when there is none).
    pub agent: &'a str,
    /// The event.
    pub event: Event,
    /// The `event` column as written.
    pub event_name: &'a str,
    data: &'a str,
}

impl<'a> Record<'a> {
    /// Data field `n` (1-based, as Asterisk numbers them: `data1` is the first after the event); empty when the
    /// line has fewer.
    pub fn data(&self, n: usize) -> &'a str {
        if n == 0 || self.data.is_empty() {
            return "";
        }
        self.data.split('|').nth(n - 1).unwrap_or("")
    }

    /// Data field `n` as a number of seconds from 0 to [`MAX_CALL_S`], or an error naming the line, the event and
    /// the field.
    pub fn seconds(&self, n: usize, field: &str) -> Result<f64, LineError> {
        let text = self.data(n).trim();
        match text.parse::<f64>() {
            Ok(value) if (0.0..=MAX_CALL_S).contains(&value) => Ok(value),
            _ => Err(LineError {
                line: self.line,
                message: format!(
                    "{} data{n} ({field}) must be a number of seconds from 0 to {MAX_CALL_S:.0} (a week), got \"{}\"",
                    self.event_name,
                    crate::limits::quote(text)
                ),
            }),
        }
    }
}

/// A malformed line: its number and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineError {
    /// 1-based line number.
    pub line: u64,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl std::fmt::Display for LineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

/// Reads a `queue_log` one line at a time from any [`BufRead`], with one reused buffer.
pub struct QueueLogReader<R> {
    input: R,
    buffer: Vec<u8>,
    line: u64,
}

impl<R: BufRead> QueueLogReader<R> {
    /// A reader over `input`.
    pub fn new(input: R) -> QueueLogReader<R> {
        QueueLogReader {
            input,
            buffer: Vec::with_capacity(256),
            line: 0,
        }
    }

    /// The next line: `None` at the end, `Some(Ok(Err(..)))` for a malformed line (not UTF-8, or not in the
    /// format; reading may go on), blank lines skipped; `Some(Err(..))` when the input cannot be read.
    pub fn next_record(&mut self) -> Option<std::io::Result<Result<Record<'_>, LineError>>> {
        loop {
            self.buffer.clear();
            self.line += 1;
            match self.input.read_until(b'\n', &mut self.buffer) {
                Ok(0) => return None,
                Ok(_) => {}
                Err(e) => return Some(Err(std::io::Error::new(e.kind(), format!("line {}: {e}", self.line)))),
            }
            if !self.buffer.iter().all(u8::is_ascii_whitespace) {
                break;
            }
        }
        let line = self.line;
        Some(Ok(match std::str::from_utf8(&self.buffer) {
            Ok(text) => parse_line(text.trim_end_matches(['\n', '\r']), line),
            Err(e) => Err(LineError {
                line,
                message: format!("not UTF-8 text (byte {} of the line)", e.valid_up_to() + 1),
            }),
        }))
    }
}

/// Parses one line (without its line end).
pub fn parse_line(text: &str, line: u64) -> Result<Record<'_>, LineError> {
    let fail = |message: String| LineError { line, message };
    let mut fields = text.splitn(6, '|');
    let (Some(time), Some(callid), Some(queue), Some(agent), Some(event)) = (
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
        fields.next(),
    ) else {
        return Err(fail(format!(
            "expected time|callid|queue|agent|event|data..., got \"{}\"",
            crate::limits::quote(text)
        )));
    };
    let data = fields.next().unwrap_or("");
    let time = match time.trim().parse::<f64>() {
        Ok(t) if (0.0..=MAX_UNIX_S).contains(&t) => t,
        _ => {
            return Err(fail(format!(
                "time must be Unix seconds (a number from 0 to {MAX_UNIX_S:.0}, 2100-01-01), got \"{}\"",
                crate::limits::quote(time)
            )));
        }
    };
    let event_name = event.trim();
    if event_name.is_empty() {
        return Err(fail("the event column is empty".to_string()));
    }
    Ok(Record {
        line,
        time,
        callid: callid.trim(),
        queue: queue.trim(),
        agent: agent.trim(),
        event: Event::parse(event_name),
        event_name,
        data,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_documented_line_parses_with_its_data_fields() {
        let r = parse_line("1366720340|1366720340.303267|sales|SIP/8007|COMPLETECALLER|12|185|2", 7).unwrap();
        assert_eq!(r.line, 7);
        assert_eq!(r.time, 1366720340.0);
        assert_eq!(r.callid, "1366720340.303267");
        assert_eq!((r.queue, r.agent), ("sales", "SIP/8007"));
        assert_eq!(r.event, Event::CompleteCaller);
        assert_eq!((r.data(1), r.data(2), r.data(3), r.data(4)), ("12", "185", "2", ""));
        assert_eq!(r.seconds(2, "calltime").unwrap(), 185.0);
    }

    #[test]
    fn malformed_lines_name_their_line_and_what_is_allowed() {
        let e = parse_line("1366720340|abc|sales", 3).unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("expected time|callid|queue|agent|event"), "{e}");
        let e = parse_line("yesterday|1.1|sales|NONE|ABANDON|1|1|30", 4).unwrap_err();
        assert!(e.to_string().starts_with("line 4: time must be Unix seconds"), "{e}");
        let r = parse_line("100|1.1|sales|NONE|ABANDON|1|1|soon", 5).unwrap();
        let e = r.seconds(3, "waittime").unwrap_err();
        assert!(e.to_string().contains("ABANDON data3 (waittime)"), "{e}");
    }

    #[test]
    fn unknown_events_are_told_apart_from_documented_ones() {
        assert_eq!(Event::parse("QUEUESTART"), Event::Other);
        assert_eq!(Event::parse("BLINDTRANSFER"), Event::Transfer);
        assert_eq!(Event::parse("FROBNICATE"), Event::Unknown);
    }
}
