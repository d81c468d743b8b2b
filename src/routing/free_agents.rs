//! The free agents of one group, ordered by a policy key: an indexed binary min-heap.
//!
//! Insert, remove-any and peek-minimum are O(log n) and never allocate once the heap has been built for the
//! group's size. The backing array is dense, so a uniformly random free agent is one index away.

/// Sort key of a free agent; the smallest key is chosen first.
pub type AgentKey = (u64, u64);

const ABSENT: u32 = u32::MAX;

/// Indexed min-heap of the free agents of one group, addressed by the agent's index within the group.
#[derive(Debug, Clone)]
pub struct FreeAgents {
    /// Heap array of (key, local agent index).
    heap: Vec<(AgentKey, u32)>,
    /// Position of each local agent in `heap`, or `ABSENT`.
    position: Vec<u32>,
}

impl FreeAgents {
    /// An empty set for a group of `size` agents.
    pub fn with_group_size(size: usize) -> FreeAgents {
        FreeAgents {
            heap: Vec::with_capacity(size),
            position: vec![ABSENT; size],
        }
    }

    /// Number of free agents.
    pub fn len(&self) -> usize {
        self.heap.len()
    }

    /// True when no agent of the group is free.
    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// True when the local agent is in the set.
    pub fn contains(&self, local: u32) -> bool {
        self.position[local as usize] != ABSENT
    }

    /// The agent with the smallest key, without removing it.
    pub fn peek(&self) -> Option<(AgentKey, u32)> {
        self.heap.first().copied()
    }

    /// The agent stored at heap slot `index` (`index < len`), used for uniform random selection.
    pub fn at(&self, index: usize) -> u32 {
        self.heap[index].1
    }

    /// Adds a local agent with its key. The agent must not already be present.
    pub fn insert(&mut self, local: u32, key: AgentKey) {
        debug_assert!(!self.contains(local));
        let index = self.heap.len();
        self.heap.push((key, local));
        self.position[local as usize] = index as u32;
        self.sift_up(index);
    }

    /// Removes a local agent if present; returns whether it was.
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
    fn pops_in_key_order_after_arbitrary_removals() {
        let mut set = FreeAgents::with_group_size(8);
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
