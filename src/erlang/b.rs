//! Erlang B: blocking in a loss system (M/M/N/N), e.g. a trunk of N lines with no waiting room.

/// Erlang B blocking probability `B(N, A)` for `lines` servers offered `load` erlangs.
///
/// Assumes Poisson arrivals and no waiting room; by insensitivity any holding-time distribution with the given
/// mean gives the same value. Computed by the stable recursion `B(0) = 1`,
/// `B(n) = A B(n-1) / (n + A B(n-1))`, in O(N) and without factorials or powers, so it is exact to rounding from
/// one line to millions.
///
/// ```
/// // 17 erlangs on 27 lines: just under 1% blocking.
/// let b = callsim::erlang::erlang_b(27, 17.0);
/// assert!(b < 0.01 && callsim::erlang::erlang_b(26, 17.0) > 0.01);
/// ```
///
/// Reference: A. K. Erlang (1917); the recursion is in any queueing text, e.g. Gross & Harris, *Fundamentals of
/// Queueing Theory*, section 2.6.
///
/// With no load nobody is blocked: `B(N, 0) = 0`, even for `N = 0`.
pub fn erlang_b(lines: u32, load: f64) -> f64 {
    if load == 0.0 {
        return 0.0;
    }
    let mut blocking = 1.0;
    for n in 1..=lines {
        blocking = load * blocking / (n as f64 + load * blocking);
    }
    blocking
}

/// The fewest lines for which Erlang B blocking is at most `target`.
///
/// Returns `None` if more than `max_lines` would be needed; `Some(0)` when there is no load.
pub fn lines_for_blocking(load: f64, target: f64, max_lines: u32) -> Option<u32> {
    let mut blocking = 1.0;
    if load == 0.0 || blocking <= target {
        return Some(0);
    }
    for n in 1..=max_lines {
        blocking = load * blocking / (n as f64 + load * blocking);
        if blocking <= target {
            return Some(n);
        }
    }
    None
}
