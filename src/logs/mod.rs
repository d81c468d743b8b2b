//! Real call logs in and out: Asterisk's `queue_log` read as a stream of events ([`queue_log`]), assembled into
//! calls and agent steps ([`calls`]), a generic CSV call log of one row per call ([`call_csv`]), and `queue_log`
//! written from any simulation ([`writer`]).
//!
//! This module owns the log formats; it fits nothing (see [`crate::fit`]) and writes files only through the
//! writer the caller gives it.

pub mod call_csv;
pub mod calls;
pub mod queue_log;
pub mod writer;

pub use calls::{AgentStep, AgentStepKind, CallAssembler, Item, LoggedCall, Names, Outcome, in_time};
pub use queue_log::{Event, LineError, QueueLogReader, Record, parse_line};
pub use writer::{QueueLogWriter, check_supported, write_queue_log};
