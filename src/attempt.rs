//! The try being made, as the attempt-binding form of the macros sees it (stamina's `Attempt`).

use core::time::Duration;

use crate::{micros, Backoff};

/// The current try: its number (the first is 1) and the jitter-free wait that follows it if it
/// fails, as bound by `retry!(on = ..., |attempt| ...)`.
///
/// # Examples
///
/// ```
/// let mut seen = [0u32; 3];
/// let r: Result<(), ()> = stamina::retry!(
///     on = |_: &()| true,
///     attempts = 3,
///     wait_initial = core::time::Duration::ZERO,
///     wait_jitter = core::time::Duration::ZERO,
///     |attempt| { seen[attempt.num() as usize - 1] = attempt.num(); Err(()) }
/// );
/// assert_eq!(seen, [1, 2, 3]);
/// # assert!(r.is_err());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Attempt {
    num: u32,
    next_wait_us: u64,
}

impl Attempt {
    /// Try number `num` on `backoff`.
    ///
    /// ```
    /// let a = stamina::Attempt::new(2, &stamina::Backoff::new());
    /// assert_eq!(a.next_wait(), core::time::Duration::from_millis(200));
    /// ```
    #[must_use]
    pub const fn new<const N: usize>(num: u32, backoff: &Backoff<N>) -> Self {
        Self {
            num,
            next_wait_us: backoff.base_us(num),
        }
    }

    pub(crate) const fn from_parts(num: u32, next_wait_us: u64) -> Self {
        Self { num, next_wait_us }
    }

    /// The try's number: 1 for the first.
    ///
    /// ```
    /// assert_eq!(stamina::Attempt::new(1, &stamina::Backoff::new()).num(), 1);
    /// ```
    #[must_use]
    pub const fn num(&self) -> u32 {
        self.num
    }

    /// The jitter-free wait after this try if it fails (the real wait adds jitter, and may be
    /// cut short by the timeout or replaced by an override from `on`).
    ///
    /// ```
    /// let a = stamina::Attempt::new(1, &stamina::Backoff::new());
    /// assert_eq!(a.next_wait(), core::time::Duration::from_millis(100));
    /// ```
    #[must_use]
    pub const fn next_wait(&self) -> Duration {
        micros::to_duration(self.next_wait_us)
    }
}
