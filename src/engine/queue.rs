//! The future event list: a binary heap of packed `(time, sequence, event)` keys.
//!
//! Each entry is one `u128`: the instant's IEEE-754 bits (for the non-negative times of a simulation they order
//! like the number), a 32-bit insertion sequence, and the event packed in 32 bits ([`EventCode`]). One integer
//! comparison orders by time, then by insertion, so events scheduled for the same instant come out in the order
//! they were scheduled and a run is deterministic. Entries of 16 bytes keep the heap compact. The sequence would
//! wrap after 2^32 events in one replication; the scenario volume cap keeps a replication well below that. The
//! heap keeps its capacity and never allocates once it has grown to the largest number of pending events.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::time::SimTime;

/// An event that packs into 32 bits.
pub trait EventCode: Copy {
    /// The packed form.
    fn encode(self) -> u32;
    /// The event back from its packed form.
    fn decode(code: u32) -> Self;
}

impl EventCode for u32 {
    fn encode(self) -> u32 {
        self
    }
    fn decode(code: u32) -> Self {
        code
    }
}

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

    /// Schedules `event` at `time` (a non-negative, finite instant).
    #[inline]
    pub fn schedule(&mut self, time: SimTime, event: E) {
        debug_assert!(
            time.0 >= 0.0 && time.0.is_finite(),
            "instants are finite and non-negative"
        );
        let sequence = self.next_sequence;
        self.next_sequence = self.next_sequence.wrapping_add(1);
        // Adding +0.0 turns -0.0 into +0.0, whose bits sort first.
        let bits = (time.0 + 0.0).to_bits();
        let key = ((bits as u128) << 64) | ((sequence as u128) << 32) | event.encode() as u128;
        self.heap.push(Reverse(key));
    }

    /// The instant of the earliest event, without removing it.
    #[inline]
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|&Reverse(key)| time_of(key))
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap
            .pop()
            .map(|Reverse(key)| (time_of(key), E::decode(key as u32)))
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

fn time_of(key: u128) -> SimTime {
    SimTime(f64::from_bits((key >> 64) as u64))
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
        let order: Vec<u32> = std::iter::from_fn(|| queue.pop().map(|(_, e)| e)).collect();
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
                let (time, event) = queue.pop().unwrap();
                assert_eq!((time.0, event), expected);
                now = time.0;
            }
            assert_eq!(queue.len(), reference.len());
        }
    }
}
