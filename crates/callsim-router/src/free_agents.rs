//! The free agents of one group, ordered by a policy key.
//!
//! Two layouts behind one type. When keys only grow (longest idle: the key is the moment an agent became free)
//! the agents form a first-in-first-out line, and taking the longest idle is O(1); a log-off from the middle is
//! marked and skipped later. Other keys (fewest calls, round robin, random) use an indexed binary min-heap:
//! insert, remove-any and peek-minimum in O(log n), and a dense array, so a uniformly random free agent is one
//! index away. Neither allocates once built for the group's size.

use std::collections::VecDeque;

/// Sort key of a free agent; the smallest key is chosen first.
pub type AgentKey = (u64, u64);

const ABSENT: u32 = u32::MAX;

/// The free agents of one group, addressed by the agent's index within the group.
#[derive(Debug, Clone)]
pub enum FreeAgents {
    /// Keys are inserted in increasing order: a first-in-first-out line.
    InOrder(IdleLine),
    /// Any keys: an indexed heap.
    Keyed(KeyedHeap),
}

impl FreeAgents {
    /// An empty set for a group of `size` agents whose keys are always inserted in increasing order.
    pub fn in_order(size: usize) -> FreeAgents {
        FreeAgents::InOrder(IdleLine::with_group_size(size))
    }

    /// An empty set for a group of `size` agents with arbitrary keys.
    pub fn keyed(size: usize) -> FreeAgents {
        FreeAgents::Keyed(KeyedHeap::with_group_size(size))
    }

    /// Number of free agents.
    #[inline]
    pub fn len(&self) -> usize {
        match self {
            FreeAgents::InOrder(line) => line.len,
            FreeAgents::Keyed(heap) => heap.len(),
        }
    }

    /// True when no agent of the group is free.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The agent with the smallest key, without removing it.
    #[inline]
    pub fn peek(&self) -> Option<(AgentKey, u32)> {
        match self {
            FreeAgents::InOrder(line) => line.peek(),
            FreeAgents::Keyed(heap) => heap.peek(),
        }
    }

    /// The `index`-th free agent in storage order (`index < len`), for uniform random selection. Only the keyed
    /// layout supports it.
    #[inline]
    pub fn at(&self, index: usize) -> u32 {
        match self {
            FreeAgents::InOrder(_) => unreachable!("random selection uses the keyed layout"),
            FreeAgents::Keyed(heap) => heap.at(index),
        }
    }

    /// Adds a local agent with its key. The agent must not already be present.
    #[inline]
    pub fn insert(&mut self, local: u32, key: AgentKey) {
        match self {
            FreeAgents::InOrder(line) => line.insert(local, key),
            FreeAgents::Keyed(heap) => heap.insert(local, key),
        }
    }

    /// Removes a local agent if present; returns whether it was.
    #[inline]
    pub fn remove(&mut self, local: u32) -> bool {
        match self {
            FreeAgents::InOrder(line) => line.remove(local),
            FreeAgents::Keyed(heap) => heap.remove(local),
        }
    }
}

const DEAD: AgentKey = (u64::MAX, u64::MAX);

/// Free agents in the order they became free; removal from the middle is lazy.
#[derive(Debug, Clone)]
pub struct IdleLine {
    line: VecDeque<(AgentKey, u32)>,
    /// The key each present agent was inserted with, `DEAD` when absent.
    key_of: Vec<AgentKey>,
    len: usize,
}

impl IdleLine {
    fn with_group_size(size: usize) -> IdleLine {
        IdleLine {
            line: VecDeque::with_capacity(size),
            key_of: vec![DEAD; size],
            len: 0,
        }
    }

    #[inline]
    fn peek(&self) -> Option<(AgentKey, u32)> {
        self.line.front().copied()
    }

    #[inline]
    fn insert(&mut self, local: u32, key: AgentKey) {
        debug_assert!(self.key_of[local as usize] == DEAD, "agent already free");
        debug_assert!(self.line.back().is_none_or(|(last, _)| *last <= key), "keys must grow");
        self.key_of[local as usize] = key;
        self.line.push_back((key, local));
        self.len += 1;
    }

    #[inline]
    fn remove(&mut self, local: u32) -> bool {
        if self.key_of[local as usize] == DEAD {
            return false;
        }
        self.key_of[local as usize] = DEAD;
        self.len -= 1;
        // Keep the front live so that `peek` needs no cleaning.
        while let Some(&(key, front)) = self.line.front() {
            if self.key_of[front as usize] == key {
                break;
            }
            self.line.pop_front();
        }
        true
    }
}

/// Indexed min-heap of the free agents of one group, addressed by the agent's index within the group.
#[derive(Debug, Clone)]
pub struct KeyedHeap {
    /// Heap array of (key, local agent index).
    heap: Vec<(AgentKey, u32)>,
    /// Position of each local agent in `heap`, or `ABSENT`.
    position: Vec<u32>,
}

impl KeyedHeap {
    /// An empty heap for a group of `size` agents.
    pub fn with_group_size(size: usize) -> KeyedHeap {
        KeyedHeap {
            heap: Vec::with_capacity(size),
            position: vec![ABSENT; size],
        }
    }

    /// Number of free agents.
    #[inline]
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when no agent of the group is free.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// True when the local agent is in the set.
    #[inline]
    pub fn contains(&self, local: u32) -> bool {
        self.position[local as usize] != ABSENT
    }

    /// The agent with the smallest key, without removing it.
    #[inline]
    pub fn peek(&self) -> Option<(AgentKey, u32)> {
        self.heap.first().copied()
    }

    /// The agent stored at heap slot `index` (`index < len`), used for uniform random selection.
    #[inline]
    pub fn at(&self, index: usize) -> u32 {
        self.heap[index].1
    }

    /// Adds a local agent with its key. The agent must not already be present.
    #[inline]
    pub fn insert(&mut self, local: u32, key: AgentKey) {
        debug_assert!(!self.contains(local));
        let index = self.heap.len();
        self.heap.push((key, local));
        self.position[local as usize] = index as u32;
        self.sift_up(index);
    }

    /// Removes a local agent if present; returns whether it was.
    #[inline]
    pub fn remove(&mut self, local: u32) -> bool {
        let index = self.position[local as usize];
        if index == ABSENT {
            return false;
        }
        let index = index as usize;
        let last = self.heap.len() - 1;
        self.heap.swap(index, last);
        self.heap.pop();
        self.position[local as usize] = ABSENT;
        if index < self.heap.len() {
            self.position[self.heap[index].1 as usize] = index as u32;
            self.sift_down(index);
            self.sift_up(index);
        }
        true
    }

    #[inline]
    fn sift_up(&mut self, mut index: usize) {
        while index > 0 {
            let parent = (index - 1) / 2;
            if self.heap[index].0 >= self.heap[parent].0 {
                break;
            }
            self.swap(index, parent);
            index = parent;
        }
    }

    #[inline]
    fn sift_down(&mut self, mut index: usize) {
        loop {
            let left = 2 * index + 1;
            if left >= self.heap.len() {
                break;
            }
            let right = left + 1;
            let smallest = if right < self.heap.len() && self.heap[right].0 < self.heap[left].0 {
                right
            } else {
                left
            };
            if self.heap[smallest].0 >= self.heap[index].0 {
                break;
            }
            self.swap(index, smallest);
            index = smallest;
        }
    }

    #[inline]
    fn swap(&mut self, a: usize, b: usize) {
        self.heap.swap(a, b);
        self.position[self.heap[a].1 as usize] = a as u32;
        self.position[self.heap[b].1 as usize] = b as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_line_skips_agents_removed_from_the_middle() {
        let mut set = FreeAgents::in_order(4);
        for (local, key) in [(2, 1), (0, 2), (3, 3)] {
            set.insert(local, (key, 0));
        }
        assert!(set.remove(0));
        assert!(!set.remove(0));
        assert_eq!(set.len(), 2);
        assert_eq!(set.peek(), Some(((1, 0), 2)));
        assert!(set.remove(2));
        assert_eq!(set.peek(), Some(((3, 0), 3)), "the removed middle agent is skipped");
        set.insert(0, (4, 0));
        assert!(set.remove(3));
        assert_eq!(set.peek(), Some(((4, 0), 0)));
        assert!(set.remove(0));
        assert!(set.is_empty() && set.peek().is_none());
    }

    #[test]
    fn pops_in_key_order_after_arbitrary_removals() {
        let mut set = FreeAgents::keyed(8);
        for (local, key) in [(0, 5), (1, 3), (2, 9), (3, 1), (4, 7), (5, 2)] {
            set.insert(local, (key, 0));
        }
        assert!(set.remove(3));
        assert!(!set.remove(3));
        assert!(set.remove(2));
        let mut order = Vec::new();
        while let Some((_, local)) = set.peek() {
            order.push(local);
            set.remove(local);
        }
        assert_eq!(order, vec![5, 1, 0, 4]);
    }
}
