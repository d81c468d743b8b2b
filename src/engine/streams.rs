//! Random streams: one independent generator per random source, for common random numbers.
//!
//! Each stream is seeded from `(scenario seed, replication, stream)` through SplitMix64 mixing, so replication r of
//! a scenario draws the same arrivals, handle times and patience at every sweep point and under every policy, and
//! adding a stream never shifts the others. The generator is Xoshiro256++, named so its output never changes with
//! a library upgrade.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

/// The generator used for every stream.
pub type StreamRng = Xoshiro256PlusPlus;

/// A random source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Inter-arrival times of a call type.
    Arrivals(usize),
    /// Handle times of a call type.
    Service(usize),
    /// Patience of a call type's callers.
    Patience(usize),
    /// Random choices made by the router (agent selection `random`).
    Routing,
    /// The day's busyness factor (one Gamma draw per replication, when `busyness.cv > 0`).
    Busyness,
    /// Absenteeism: one uniform per rostered agent, in agent order across groups (when any group has absenteeism).
    Absence,
    /// Balking of a call type's callers: one uniform per caller who would queue (when its `balk > 0`).
    Balk(usize),
    /// Redials of a call type's callers: one uniform per failure its `redial` covers, then the delay if they call
    /// again.
    Redial(usize),
    /// Repeat calls after a call type's answered calls (`resolution`): one uniform per served call, then, if
    /// unresolved, the delay and the repeat call's handle time and patience.
    Repeat(usize),
    /// Balking on the announced wait of a call type (`announce_wait`): one uniform per caller told a wait above a
    /// band.
    Announce(usize),
    /// Supervisor consults of a call type's answered calls: one uniform per answered call (when it has a
    /// `consult`), then the consult's duration when the agent asks.
    Consult(usize),
    /// Transfers of a call type's answered calls: one uniform per answered call (when it has a `transfer`), then
    /// the time before the transfer and the next leg's handle time and patience.
    Transfer(usize),
    /// An outbound campaign's dials: per dial, its ring time, outcome, machine detection, talk time and
    /// conversion (five draws, whatever the outcome).
    Campaign(usize),
}

impl Stream {
    fn id(self) -> u64 {
        match self {
            Stream::Arrivals(t) => (1 << 32) | t as u64,
            Stream::Service(t) => (2 << 32) | t as u64,
            Stream::Patience(t) => (3 << 32) | t as u64,
            Stream::Routing => 4 << 32,
            Stream::Busyness => 5 << 32,
            Stream::Absence => 6 << 32,
            Stream::Balk(t) => (7 << 32) | t as u64,
            Stream::Redial(t) => (8 << 32) | t as u64,
            Stream::Repeat(t) => (9 << 32) | t as u64,
            Stream::Announce(t) => (10 << 32) | t as u64,
            Stream::Consult(t) => (11 << 32) | t as u64,
            Stream::Transfer(t) => (12 << 32) | t as u64,
            Stream::Campaign(c) => (13 << 32) | c as u64,
        }
    }
}

fn splitmix64(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// The generator of `stream` in `replication` of a scenario with base seed `seed`.
pub fn stream_rng(seed: u64, replication: u32, stream: Stream) -> StreamRng {
    let mixed = splitmix64(splitmix64(splitmix64(seed) ^ replication as u64) ^ stream.id());
    StreamRng::seed_from_u64(mixed)
}
