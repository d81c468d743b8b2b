//! The future event list: a binary heap of packed `(time, sequence, event)` keys.
//!
//! Each entry is one `u128`, compared as one integer:
//!
//! | bits      | field                                                                                        |
//! |-----------|----------------------------------------------------------------------------------------------|
//! | 127..65   | the instant's IEEE-754 bits without the sign bit (non-negative instants order like the number) |
//! | 64..33    | the insertion sequence, [`SEQUENCE_BITS`] bits                                               |
//! | 32..0     | the event, packed by [`EventCode`] into [`CODE_BITS`] bits                                   |
//!
//! So entries order by time, then by insertion: events scheduled for the same instant come out in the order they
//! were scheduled and a run is deterministic. The sequence never wraps: scheduling more than [`MAX_SCHEDULES`]
//! events in one queue panics instead of silently breaking first-in-first-out ties (the engine asserts at compile
//! time that the scenario limits keep a replication far below it). Because each sequence is used once, it is also
//! the identity of the event ([`TimerId`]), handed out by [`EventQueue::schedule`] and back by
//! [`EventQueue::pop`], which lets a caller cancel timers lazily by identity. Entries of 16 bytes keep the heap
//! compact; it keeps its capacity and never allocates once it has grown to the largest number of pending events.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::time::SimTime;

/// Bits of the packed event in a heap entry.
pub const CODE_BITS: u32 = 33;

/// Bits of the insertion sequence in a heap entry.
pub const SEQUENCE_BITS: u32 = 32;

/// Most events one queue may ever schedule (the sequence is a `u32` that never wraps).
pub const MAX_SCHEDULES: u64 = u32::MAX as u64;

const CODE_MASK: u64 = (1 << CODE_BITS) - 1;
const TIME_SHIFT: u32 = CODE_BITS + SEQUENCE_BITS;

const _: () = assert!(
    TIME_SHIFT + 63 == 128,
    "sign-less time bits, sequence and code fill the 128-bit key exactly"
);

/// An event that packs into [`CODE_BITS`] bits.
pub trait EventCode: Copy {
    /// The packed form, below `1 << CODE_BITS`.
    fn encode(self) -> u64;
    /// The event back from its packed form.
    fn decode(code: u64) -> Self;
}

impl EventCode for u32 {
    fn encode(self) -> u64 {
        self as u64
    }
    fn decode(code: u64) -> Self {
        code as u32
    }
}

/// The identity of one scheduled event: its insertion sequence, unique within a queue (it never wraps).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TimerId(u32);

/// Pending events in time order, ties first-in-first-out.
pub struct EventQueue<E> {
    heap: BinaryHeap<Reverse<u128>>,
    next_sequence: u32,
    _events: std::marker::PhantomData<E>,
}

impl<E: EventCode> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue::with_capacity(0)
    }
}

impl<E: EventCode> EventQueue<E> {
    /// An empty queue with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            next_sequence: 0,
            _events: std::marker::PhantomData,
        }
    }

    /// Schedules `event` at `time` (a non-negative, finite instant) and returns its identity.
    ///
    /// # Panics
    ///
    /// After [`MAX_SCHEDULES`] events: the sequence would wrap and ties would stop being first-in-first-out.
    #[inline]
    pub fn schedule(&mut self, time: SimTime, event: E) -> TimerId {
        debug_assert!(
            time.0 >= 0.0 && time.0.is_finite(),
            "instants are finite and non-negative"
        );
        let sequence = self.next_sequence;
        self.next_sequence = sequence
            .checked_add(1)
            .expect("an event queue schedules at most MAX_SCHEDULES events");
        let code = event.encode();
        debug_assert!(code <= CODE_MASK, "an event code fits in CODE_BITS bits");
        // Adding +0.0 turns -0.0 into +0.0, whose bits sort first; the sign bit is then zero and is shifted out.
        let bits = (time.0 + 0.0).to_bits();
        let key = ((bits as u128) << TIME_SHIFT) | ((sequence as u128) << CODE_BITS) | code as u128;
        self.heap.push(Reverse(key));
        TimerId(sequence)
    }

    /// The instant of the earliest event, without removing it.
    #[inline]
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|&Reverse(key)| time_of(key))
    }

    /// Removes and returns the earliest event, with the identity [`EventQueue::schedule`] gave it.
    // Once per event, from the one event loop: kept inline there even as the loop grows (callgrind: out of line,
    // its call cost 29 instructions per call).
    #[inline(always)]
    pub fn pop(&mut self) -> Option<(SimTime, TimerId, E)> {
        self.heap.pop().map(|Reverse(key)| {
            let sequence = TimerId((key >> CODE_BITS) as u32);
            (time_of(key), sequence, E::decode(key as u64 & CODE_MASK))
        })
    }

    /// Number of pending events.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when nothing is pending.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[inline]
fn time_of(key: u128) -> SimTime {
    SimTime(f64::from_bits((key >> TIME_SHIFT) as u64))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simultaneous_events_come_out_in_scheduling_order() {
        let mut queue: EventQueue<u32> = EventQueue::default();
        queue.schedule(SimTime(2.0), 3);
        queue.schedule(SimTime(1.0), 1);
        queue.schedule(SimTime(2.0), 4);
        queue.schedule(SimTime(1.0), 2);
        let order: Vec<u32> = std::iter::from_fn(|| queue.pop().map(|(_, _, e)| e)).collect();
        assert_eq!(order, vec![1, 2, 3, 4]);
    }

    #[test]
    fn pops_in_time_order_against_a_sorted_reference() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(9);
        let mut queue: EventQueue<u32> = EventQueue::default();
        let mut reference: Vec<(f64, u32)> = Vec::new();
        let mut now = 0.0;
        for step in 0..20_000u32 {
            if rng.random_bool(0.55) || queue.is_empty() {
                let at = now + (rng.random_range(0..50) as f64) * 0.5;
                queue.schedule(SimTime(at), step);
                reference.push((at, step));
            } else {
                reference.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                let expected = reference.remove(0);
                let (time, _, event) = queue.pop().unwrap();
                assert_eq!((time.0, event), expected);
                now = time.0;
            }
            assert_eq!(queue.len(), reference.len());
        }
    }

    #[test]
    fn pop_hands_back_the_identity_schedule_gave_and_the_widest_code() {
        let mut queue: EventQueue<Wide> = EventQueue::default();
        let widest = Wide(CODE_MASK);
        let late = queue.schedule(SimTime(f64::MAX), widest);
        let early = queue.schedule(SimTime(0.0), Wide(0));
        let tie = queue.schedule(SimTime(0.0), Wide(1));
        assert!(early < tie && late < early);
        assert_eq!(queue.pop(), Some((SimTime(0.0), early, Wide(0))));
        assert_eq!(queue.pop(), Some((SimTime(0.0), tie, Wide(1))));
        assert_eq!(queue.pop(), Some((SimTime(f64::MAX), late, widest)));
    }

    #[test]
    #[should_panic(expected = "at most MAX_SCHEDULES")]
    fn the_sequence_never_wraps() {
        let mut queue: EventQueue<u32> = EventQueue {
            next_sequence: u32::MAX - 1,
            ..EventQueue::default()
        };
        queue.schedule(SimTime(1.0), 0);
        queue.schedule(SimTime(1.0), 1);
    }

    #[derive(Debug, Clone, Copy, PartialEq)]
    struct Wide(u64);

    impl EventCode for Wide {
        fn encode(self) -> u64 {
            self.0
        }
        fn decode(code: u64) -> Self {
            Wide(code)
        }
    }
}
