//! The hot path does not allocate per event: a counting allocator (per thread, so parallel tests do not
//! interfere) shows that doubling the calls of a replication adds only a handful of allocations (buffers that
//! grow geometrically), not one per call. The same allocator keeps each thread's live bytes and their peak
//! ([`peak_bytes`]), for tests that memory stays flat (reading a long call log).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use callsim::run::simulate_replication;

use crate::common::scenario;

struct CountingAllocator;

thread_local! {
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
    /// Bytes allocated and not yet freed by this thread, and the most there were since the last reset.
    static LIVE: Cell<i64> = const { Cell::new(0) };
    static PEAK: Cell<i64> = const { Cell::new(0) };
}

fn grow(bytes: i64) {
    LIVE.with(|live| {
        live.set(live.get() + bytes);
        PEAK.with(|peak| peak.set(peak.get().max(live.get())));
    });
}

/// Runs `f` on this thread and returns its result with the most bytes it held allocated at once (memory it
/// allocated and freed again does not add up; memory freed by another thread is not seen).
pub fn peak_bytes<T>(f: impl FnOnce() -> T) -> (T, i64) {
    let start = LIVE.with(Cell::get);
    PEAK.with(|peak| peak.set(start));
    let result = f();
    (result, PEAK.with(Cell::get) - start)
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        grow(layout.size() as i64);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        grow(-(layout.size() as i64));
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.with(|count| count.set(count.get() + 1));
        grow(new_size as i64 - layout.size() as i64);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

/// Allocations made while simulating one replication of `text`, and the calls it offered.
fn allocations_of(text: &str) -> (u64, f64) {
    let s = scenario(text);
    let before = ALLOCATIONS.with(Cell::get);
    let metrics = simulate_replication(&s, 0);
    let after = ALLOCATIONS.with(Cell::get);
    (after - before, metrics.total[callsim::stats::Metric::Offered.index()])
}

/// Doubling the day (`scenario_of(hours)`) roughly doubles the calls and adds fewer than 40 allocations: none per
/// call, only a few more growths of buffers whose size settles.
fn assert_no_per_call_allocations(scenario_of: impl Fn(u32) -> (u64, f64), what: &str) {
    let (short, short_calls) = scenario_of(50);
    let (long, long_calls) = scenario_of(100);
    assert!(long_calls > 1.8 * short_calls && short_calls > 15_000.0);
    assert!(
        long.saturating_sub(short) < 40,
        "{short} allocations for {short_calls} {what}, {long} for {long_calls}"
    );
}

fn allocations_for(hours: u32) -> (u64, f64) {
    let text = format!(
        r#"
name = "alloc"
[horizon]
duration = "{hours}h"
[[call_types]]
name = "a"
arrivals = {{ per_hour = 400 }}
service = {{ distribution = "lognormal", mean = "3m", cv = 1.0 }}
patience = {{ distribution = "exponential", mean = "1m" }}
priority = 1
after_call_work = "10s"
[[call_types]]
name = "b"
arrivals = {{ per_hour = 300 }}
service = {{ distribution = "exponential", mean = "2m" }}
patience = {{ distribution = "exponential", mean = "2m" }}
[[agent_groups]]
name = "g"
count = 22
skills = ["a", "b"]
[routing]
queue = "priority"
"#
    );
    allocations_of(&text)
}

#[test]
fn doubling_the_calls_adds_no_per_call_allocations() {
    assert_no_per_call_allocations(allocations_for, "calls");
}

/// The same for chats (issue 12): a mixed group holding up to three chats beside voice calls, and a chat-only
/// group, with patience on both types.
fn chat_allocations_for(hours: u32) -> (u64, f64) {
    let text = format!(
        r#"
name = "alloc chat"
[horizon]
duration = "{hours}h"
[[call_types]]
name = "chat"
channel = "chat"
arrivals = {{ per_hour = 500 }}
service = {{ distribution = "gamma", mean = "3m", cv = 0.8 }}
handle_time_by_concurrency = ["3m", "3.5m", "4m"]
patience = {{ distribution = "exponential", mean = "1m" }}
[[call_types]]
name = "voice"
arrivals = {{ per_hour = 200 }}
service = {{ distribution = "exponential", mean = "2m" }}
patience = {{ distribution = "exponential", mean = "2m" }}
[[agent_groups]]
name = "mixed"
count = 8
skills = ["voice", "chat"]
concurrency = 3
[[agent_groups]]
name = "chat only"
channel = "chat"
count = 5
skills = ["chat"]
concurrency = 3
"#
    );
    allocations_of(&text)
}

#[test]
fn doubling_the_chats_adds_no_per_chat_allocations() {
    assert_no_per_call_allocations(chat_allocations_for, "contacts");
}
