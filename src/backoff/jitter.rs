//! How the random part of each wait is drawn: the [`Jitter`] kinds, and the draw itself on a
//! [`View`] of the schedule.

use super::growth::{grow, ONE};
use super::View;
use crate::rng::scale;

/// How the random part of each wait is drawn. Retrying clients that all failed at once (a
/// server restart, a power cut) must not come back at once: each kind spreads them differently.
/// `base` below is the jitter-free wait ([`Backoff::wait`](crate::Backoff::wait)), capped at `wait_max`.
///
/// `examples/herd.rs` simulates a herd of clients under each kind; BENCHMARKS.md has its
/// figures. In short: [`Jitter::Added`] (stamina's) makes the fewest requests; [`Jitter::Equal`]
/// brings a recovering server back to normal load sooner, at about 15 % more requests.
///
/// ```
/// use stamina::{Backoff, Jitter};
/// use core::time::Duration;
///
/// let spread = Backoff::new().jitter(Jitter::Equal);
/// // Equal jitter: the second wait lies in [100 ms, 200 ms).
/// assert_eq!(spread.longest_wait(2), Duration::from_millis(200));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Jitter {
    /// stamina's, the default: `min(wait_max, base + U(0, wait_jitter))`. Once `base` reaches
    /// `wait_max`, the cap absorbs the jitter: clients keep the spread they have but gain none.
    #[default]
    Added,
    /// "Full jitter": `U(0, base)`. The widest spread, but a client may retry almost at once,
    /// and uses its tries up sooner. `wait_jitter` is not used.
    Full,
    /// "Equal jitter": `base / 2 + U(0, base / 2)`. `wait_jitter` is not used.
    Equal,
    /// "Decorrelated jitter": `min(wait_max, U(first, 3 * previous))`, where `first` is the
    /// first jitter-free wait and `previous` the last wait drawn (`first` at the start). Waits
    /// wander instead of doubling; `wait_exp_base` and `wait_jitter` are not used.
    Decorrelated,
}

impl View<'_> {
    /// The longest wait whose jitter-free part is `base` (not for [`Jitter::Decorrelated`]).
    #[inline]
    pub(crate) const fn longest_us(&self, base: u64) -> u64 {
        match self.rules.jitter_kind {
            Jitter::Added => self.cap(base.saturating_add(self.rules.jitter_span_us)),
            _ => self.cap(base),
        }
    }

    /// The longest decorrelated wait after one that was at most `previous`.
    #[inline]
    pub(crate) const fn decorrelated_bound(&self, previous: u64) -> u64 {
        grow(previous, 3 * ONE, self.rules.cap_us)
    }

    /// The wait after one whose jitter-free part is `base`, drawn from `random` according to
    /// the jitter kind; for [`Jitter::Decorrelated`], `base` is the previous wait.
    #[inline]
    pub(crate) const fn jittered_us(&self, base: u64, random: u32) -> u64 {
        match self.rules.jitter_kind {
            Jitter::Added => match self.rules.jitter_span_us {
                0 => base,
                // `base <= cap_us`, and the jitter is cut to what fits above `cap_us` (what the cap
                // would take anyway): the sum cannot overflow, so it needs no carry check.
                bound => {
                    let room = u64::MAX - self.rules.cap_us;
                    let bound = if bound < room { bound } else { room };
                    self.cap(base + scale(bound, random))
                }
            },
            Jitter::Full => scale(base, random),
            Jitter::Equal => {
                let half = base / 2;
                base - half + scale(half, random)
            }
            Jitter::Decorrelated => {
                let low = self.first_base_us();
                let high = base.saturating_mul(3);
                if high > low {
                    self.cap(low + scale(high - low, random))
                } else {
                    self.cap(low)
                }
            }
        }
    }

    /// Whether a wait draws from the RNG.
    #[inline]
    pub(crate) const fn draws(&self) -> bool {
        !matches!(self.rules.jitter_kind, Jitter::Added) || self.rules.jitter_span_us != 0
    }

    #[inline]
    pub(crate) const fn jitter_kind(&self) -> Jitter {
        self.rules.jitter_kind
    }
}
