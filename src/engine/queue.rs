//! The future event list: a binary heap keyed by `(time, sequence)`.
//!
//! The sequence number grows on every insert, so events scheduled for the same instant come out in the order
//! they were scheduled, and a run is deterministic. The heap keeps its capacity between replications and never
//! allocates once it has grown to the largest number of pending events.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use crate::time::SimTime;

struct Scheduled<E> {
    /// `(time bits << 64) | sequence`: for the non-negative times of a simulation the IEEE-754 bit pattern orders
    /// like the number, so one integer comparison orders by time, then by insertion.
    key: u128,
    event: E,
}

impl<E> PartialEq for Scheduled<E> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl<E> Eq for Scheduled<E> {}

impl<E> PartialOrd for Scheduled<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<E> Ord for Scheduled<E> {
    /// Reversed, so that the max-heap pops the earliest `(time, sequence)` first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// Pending events in time order, ties first-in-first-out.
pub struct EventQueue<E> {
    heap: BinaryHeap<Scheduled<E>>,
    next_sequence: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            heap: BinaryHeap::new(),
            next_sequence: 0,
        }
    }
}

impl<E> EventQueue<E> {
    /// An empty queue with room for `capacity` pending events.
    pub fn with_capacity(capacity: usize) -> Self {
        EventQueue {
            heap: BinaryHeap::with_capacity(capacity),
            next_sequence: 0,
        }
    }

    /// Schedules `event` at `time`.
    #[inline]
    pub fn schedule(&mut self, time: SimTime, event: E) {
        debug_assert!(
            time.0 >= 0.0 && time.0.is_finite(),
            "instants are finite and non-negative"
        );
        let sequence = self.next_sequence;
        self.next_sequence += 1;
        // Adding +0.0 turns -0.0 into +0.0, whose bits sort first.
        let bits = (time.0 + 0.0).to_bits();
        self.heap.push(Scheduled {
            key: ((bits as u128) << 64) | sequence as u128,
            event,
        });
    }

    /// Removes and returns the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<(SimTime, E)> {
        self.heap
            .pop()
            .map(|s| (SimTime(f64::from_bits((s.key >> 64) as u64)), s.event))
    }

    /// The instant of the earliest event, without removing it.
    #[inline]
    pub fn peek_time(&self) -> Option<SimTime> {
        self.heap.peek().map(|s| SimTime(f64::from_bits((s.key >> 64) as u64)))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simultaneous_events_come_out_in_scheduling_order() {
        let mut queue = EventQueue::default();
        queue.schedule(SimTime(2.0), 'c');
        queue.schedule(SimTime(1.0), 'a');
        queue.schedule(SimTime(2.0), 'd');
        queue.schedule(SimTime(1.0), 'b');
        let order: Vec<char> = std::iter::from_fn(|| queue.pop().map(|(_, e)| e)).collect();
        assert_eq!(order, vec!['a', 'b', 'c', 'd']);
    }

    #[test]
    fn pops_in_time_order_against_a_sorted_reference() {
        use rand::{RngExt, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(9);
        let mut queue = EventQueue::default();
        let mut reference: Vec<(f64, u64)> = Vec::new();
        let mut now = 0.0;
        for step in 0..20_000u64 {
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
