//! Erlang X staffing: the fewest agents on the given lines meeting every target.

use super::super::staffing::Targets;
use super::{ErlangX, ErlangXError, ErlangXInput};

/// True when `x` meets every target in `targets`: the service level is [`ErlangX::service_level`] (answered within
/// the threshold / accepted attempts), the ASA [`ErlangX::asa_s`], the abandonment [`ErlangX::abandonment_rate`].
pub fn x_meets_targets(x: &ErlangX, targets: &Targets) -> bool {
    targets.asa.is_none_or(|max| x.asa_s <= max)
        && targets.max_abandon.is_none_or(|max| x.abandonment_rate <= max)
        && targets.max_occupancy.is_none_or(|max| x.occupancy <= max)
        && targets
            .service_level
            .is_none_or(|(share, t)| 1.0 - x.abandonment_rate >= share && x.service_level(t) >= share)
}

/// The fewest agents, from 1 to `model.lines` (the lines stay fixed; `model.agents` is ignored), meeting every
/// target; `Ok(None)` if even as many agents as lines do not. With no calls the answer is 0 agents.
///
/// Every figure improves with agents, so the answer is found by bisection. A staff level with no steady state
/// (redial probability 1 and too few agents) or whose orbit is too large to solve counts as missing the targets.
pub fn required_agents_x(model: &ErlangXInput, targets: &Targets) -> Result<Option<u32>, ErlangXError> {
    if model.calls_per_second == 0.0 {
        return Ok(Some(0));
    }
    let ok = |agents: u32| -> Result<bool, ErlangXError> {
        match (ErlangXInput { agents, ..*model }).solve() {
            Ok(x) => Ok(x_meets_targets(&x, targets)),
            Err(ErlangXError::Unstable { .. } | ErlangXError::TooLarge { .. }) => Ok(false),
            Err(error) => Err(error),
        }
    };
    let (mut low, mut high) = (0, model.lines);
    if !ok(high)? {
        return Ok(None);
    }
    // Invariant: ok(high), and low == 0 or !ok(low).
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if ok(mid)? { high = mid } else { low = mid }
    }
    Ok(Some(high))
}
