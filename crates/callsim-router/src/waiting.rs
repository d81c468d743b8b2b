//! Calls on hold: one first-come-first-served line per call type, with O(1) amortised removal of a caller who
//! hangs up from the middle of a line.
//!
//! Every discipline in [`super::QueueDiscipline`] orders calls of one type by arrival (priority and aging are
//! properties of the type), so the best waiting call is always at the head of one of these lines. A hang-up marks
//! the caller's ticket dead; dead entries are skipped when they reach the head of their line.

use std::collections::VecDeque;

use crate::SimTime;

/// Proof that a call is waiting, handed out when it is queued and presented to withdraw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct QueueTicket {
    slot: u32,
    generation: u32,
}

/// A waiting call as its line stores it.
#[derive(Debug, Clone, Copy)]
pub struct WaitingCall<C> {
    /// The caller's own handle for the call, returned untouched with the assignment.
    pub call: C,
    /// When the call joined the line.
    pub since: SimTime,
    /// Order of joining across all lines (ties in time resolve by it).
    pub sequence: u64,
    /// False once the caller has hung up to be called back ([`WaitingLines::release_line`]): the entry is a
    /// callback task that keeps its place but holds no trunk line.
    pub holds_line: bool,
    ticket: QueueTicket,
}

/// A call taken out of its line by [`WaitingLines::withdraw`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Withdrawn {
    /// The line it was in.
    pub call_type: usize,
    /// When it joined that line.
    pub since: SimTime,
    /// Whether it still held a trunk line (false for a callback task).
    pub holds_line: bool,
}

#[derive(Debug, Clone, Copy)]
struct Slot {
    generation: u32,
    live: bool,
    holds_line: bool,
    call_type: u32,
    since: SimTime,
}

/// The lines of all call types, and the tickets of the calls in them.
#[derive(Debug, Clone)]
pub struct WaitingLines<C> {
    lines: Vec<VecDeque<WaitingCall<C>>>,
    live_counts: Vec<usize>,
    live_total: usize,
    slots: Vec<Slot>,
    free_slots: Vec<u32>,
    next_sequence: u64,
}

impl<C: Copy> WaitingLines<C> {
    /// Empty lines for `call_types` call types.
    pub fn new(call_types: usize) -> WaitingLines<C> {
        WaitingLines {
            lines: (0..call_types).map(|_| VecDeque::new()).collect(),
            live_counts: vec![0; call_types],
            live_total: 0,
            slots: Vec::new(),
            free_slots: Vec::new(),
            next_sequence: 0,
        }
    }

    /// Calls of `call_type` on hold.
    pub fn len_of(&self, call_type: usize) -> usize {
        self.live_counts[call_type]
    }

    /// Calls on hold, all types.
    pub fn total(&self) -> usize {
        self.live_total
    }

    /// Puts a call at the back of its type's line.
    pub fn push(&mut self, call_type: usize, call: C, since: SimTime) -> QueueTicket {
        let slot = match self.free_slots.pop() {
            Some(slot) => slot,
            None => {
                self.slots.push(Slot {
                    generation: 0,
                    live: false,
                    holds_line: false,
                    call_type: 0,
                    since: SimTime(0.0),
                });
                (self.slots.len() - 1) as u32
            }
        };
        let entry = &mut self.slots[slot as usize];
        entry.live = true;
        entry.holds_line = true;
        entry.call_type = call_type as u32;
        entry.since = since;
        let ticket = QueueTicket {
            slot,
            generation: entry.generation,
        };
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        self.lines[call_type].push_back(WaitingCall {
            call,
            since,
            sequence,
            holds_line: true,
            ticket,
        });
        self.live_counts[call_type] += 1;
        self.live_total += 1;
        ticket
    }

    /// The call at the head of a type's line, dropping dead entries on the way.
    pub fn head(&mut self, call_type: usize) -> Option<WaitingCall<C>> {
        let line = &mut self.lines[call_type];
        while let Some(front) = line.front() {
            let slot = &self.slots[front.ticket.slot as usize];
            if slot.generation == front.ticket.generation {
                let mut head = *front;
                head.holds_line = slot.holds_line;
                return Some(head);
            }
            line.pop_front();
        }
        None
    }

    /// Removes the head of a type's line (which `head` has just returned), with its [`WaitingCall::holds_line`].
    #[inline(always)] // on the per-call path of `Router::on_agent_free` (see `offer_waiting_call_or_free`)
    pub fn pop_head(&mut self, call_type: usize) -> Option<WaitingCall<C>> {
        let head = self.head(call_type)?;
        self.lines[call_type].pop_front();
        self.release(head.ticket);
        self.live_counts[call_type] -= 1;
        self.live_total -= 1;
        Some(head)
    }

    /// The live slot of a ticket, `None` if the ticket is stale (already answered or withdrawn).
    fn live_slot(&self, ticket: QueueTicket) -> Option<&Slot> {
        self.slots
            .get(ticket.slot as usize)
            .filter(|slot| slot.live && slot.generation == ticket.generation)
    }

    /// The line a waiting call is in, `None` if the ticket is stale.
    pub fn call_type_of(&self, ticket: QueueTicket) -> Option<usize> {
        self.live_slot(ticket).map(|slot| slot.call_type as usize)
    }

    /// When a waiting call joined its line (for a call moved by a wait-limit overflow: when it first queued),
    /// `None` if the ticket is stale.
    pub fn since_of(&self, ticket: QueueTicket) -> Option<SimTime> {
        self.live_slot(ticket).map(|slot| slot.since)
    }

    /// Whether a waiting call holds a trunk line (false for a callback task and for a stale ticket).
    pub fn holds_line(&self, ticket: QueueTicket) -> bool {
        self.live_slot(ticket).is_some_and(|slot| slot.holds_line)
    }

    /// The caller behind a waiting call hangs up to be called back: the entry keeps its place but no longer holds
    /// a trunk line. Returns false, changing nothing, if the ticket is stale or the entry is already a callback.
    pub fn release_line(&mut self, ticket: QueueTicket) -> bool {
        if !self.live_slot(ticket).is_some_and(|slot| slot.holds_line) {
            return false;
        }
        self.slots[ticket.slot as usize].holds_line = false;
        true
    }

    /// Withdraws a waiting call (the caller hung up, left a message, or moves to another line), or `None` if the
    /// ticket is stale (already answered or withdrawn).
    pub fn withdraw(&mut self, ticket: QueueTicket) -> Option<Withdrawn> {
        let slot = *self.live_slot(ticket)?;
        let call_type = slot.call_type as usize;
        self.release(ticket);
        self.live_counts[call_type] -= 1;
        self.live_total -= 1;
        if self.live_counts[call_type] == 0 {
            self.lines[call_type].clear();
        }
        Some(Withdrawn {
            call_type,
            since: slot.since,
            holds_line: slot.holds_line,
        })
    }

    fn release(&mut self, ticket: QueueTicket) {
        let slot = &mut self.slots[ticket.slot as usize];
        slot.live = false;
        slot.generation = slot.generation.wrapping_add(1);
        self.free_slots.push(ticket.slot);
    }
}
