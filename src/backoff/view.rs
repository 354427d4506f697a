//! The schedule seen without its table's length: [`Rules`], what a [`Backoff`](super::Backoff)
//! holds besides its table, and [`View`], a schedule through a slice, which the decision code
//! shared by every call site reads.

use super::growth::grow;
use super::Jitter;

/// The part of a [`Backoff`](super::Backoff) that does not depend on the table's length, so that the decision
/// code shared by every call site is not generic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub(crate) struct Rules {
    /// Jitter-free wait in µs after failed try `N + 1`, the first past the table (for a list,
    /// its last entry grown once by the factor), capped.
    pub(super) first_past_table_us: u64,
    /// `wait_max`: the cap on every wait, jitter included, in µs.
    pub(super) cap_us: u64,
    /// `wait_jitter`: the amount of jitter in µs (with [`Jitter::Added`]: a wait adds
    /// `U(0, jitter_span_us)`); `jitter_kind` says how it is drawn.
    pub(super) jitter_span_us: u64,
    /// The time budget in µs; `NO_TIMEOUT` (`u64::MAX`) means no time limit.
    pub(super) timeout_us: u64,
    /// Tries, the first included; `UNLIMITED` means no limit.
    pub(super) attempts: u32,
    /// The growth factor in 1024ths, at least 1024 (a factor of 1): between exponential waits,
    /// and past the end of a list (1 by default: the last wait repeats).
    pub(super) factor_1024ths: u32,
    pub(super) shape: Shape,
    pub(super) jitter_kind: Jitter,
}

/// How the table was made, so that a later builder call can remake it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub(super) enum Shape {
    /// `initial * factor^i`.
    Exponential { initial: u64 },
    /// Given by the user; `first_past_table_us` grows from the last entry.
    List,
}

/// A schedule seen through a slice: what the non-generic decision code reads.
#[derive(Clone, Copy, Debug)]
pub(crate) struct View<'a> {
    pub(crate) waits: &'a [u64],
    pub(crate) rules: &'a Rules,
}

impl View<'_> {
    /// Jitter-free wait in µs after the first failed try.
    #[inline]
    pub(crate) const fn first_base_us(&self) -> u64 {
        self.base_at(0, 0)
    }

    /// Jitter-free wait in µs after failed try `n + 1` (`n >= 1`), given `previous`, the one
    /// after try `n`: constant time, what the state machine uses.
    #[inline]
    pub(crate) const fn following_base_us(&self, n: u32, previous: u64) -> u64 {
        match self.rules.shape {
            // The table caches `wait(n)`; a step needs only the previous wait, and skipping the
            // table keeps the shared step code small.
            Shape::Exponential { .. } => self.grow(previous),
            Shape::List => self.base_at(n as usize, previous),
        }
    }

    /// Jitter-free wait in µs after failed try `n` (`0` read as `1`), capped. Past the table it
    /// walks the growth until `n` or until the wait settles: at most a few tens of thousands of
    /// steps, since growth factors have a resolution of 1/1024.
    #[inline]
    pub(crate) const fn base_us(&self, n: u32) -> u64 {
        let index = n.saturating_sub(1) as usize;
        let len = self.waits.len();
        if index <= len {
            return self.base_at(index, 0);
        }
        let mut base = self.base_at(len, 0);
        let mut steps = index - len;
        while steps > 0 {
            let next = self.grow(base);
            if next == base {
                break;
            }
            base = next;
            steps -= 1;
        }
        base
    }

    /// The jitter-free wait at `index` (try `index + 1`): from the table, the first one past it,
    /// or grown from `previous` (ignored up to the first one past the table).
    #[inline]
    const fn base_at(&self, index: usize, previous: u64) -> u64 {
        if index < self.waits.len() {
            self.cap(self.waits[index])
        } else if index == self.waits.len() {
            self.cap(self.rules.first_past_table_us)
        } else {
            self.grow(previous)
        }
    }

    /// The growth from one jitter-free wait to the next past the table.
    #[inline]
    const fn grow(&self, base: u64) -> u64 {
        grow(base, self.rules.factor_1024ths, self.rules.cap_us)
    }

    #[inline]
    pub(crate) const fn cap(&self, us: u64) -> u64 {
        if us < self.rules.cap_us {
            us
        } else {
            self.rules.cap_us
        }
    }
    #[inline]
    pub(crate) const fn timeout_us(&self) -> u64 {
        self.rules.timeout_us
    }

    /// Tries allowed, `0` for unlimited.
    #[inline]
    pub(crate) const fn attempts(&self) -> u32 {
        self.rules.attempts
    }
}
