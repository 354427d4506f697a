//! Helpers for testing retry logic without sleeping: a clock that advances instantly and
//! records every wait.

use core::cell::Cell;
use core::future::{ready, Future};
use core::time::Duration;

use crate::{micros, AsyncClock, Clock};

/// How many waits a [`ManualClock`] remembers one by one (it counts and sums all of them).
///
/// ```
/// use stamina::{testing::{ManualClock, RECORDED_WAITS}, Clock};
///
/// let clock = ManualClock::new();
/// for _ in 0..RECORDED_WAITS + 1 {
///     (&clock).sleep_us(1);
/// }
/// assert_eq!(clock.waits().len(), RECORDED_WAITS);
/// assert_eq!(clock.sleeps(), RECORDED_WAITS + 1);
/// ```
pub const RECORDED_WAITS: usize = 64;

/// A clock whose time moves only when something sleeps on it or calls [`advance`]: sleeping
/// returns at once and is recorded. Works as a [`Clock`] and an [`AsyncClock`].
///
/// It uses interior mutability so that the operation being retried can hold `&clock` too (to
/// make a try "take" time with [`advance`]) while the loop sleeps on it: pass `clock = &clock`.
/// It remembers the first [`RECORDED_WAITS`] waits and counts all of them; it allocates nothing.
/// It is not `Sync` (it runs on targets without atomic 64-bit counters): a future that holds
/// `&ManualClock` stays on its thread, so test a spawned task with a clock of your own.
///
/// [`advance`]: ManualClock::advance
///
/// # Examples
///
/// ```
/// use core::time::Duration;
/// use stamina::testing::ManualClock;
///
/// let clock = ManualClock::new();
/// let r: Result<(), &str> = stamina::retry!(
///     on = |_: &&str| true,
///     attempts = 4,
///     wait_jitter = Duration::ZERO,
///     clock = &clock,
///     Err("down")
/// );
/// assert_eq!(r, Err("down"));
/// assert_eq!(clock.waits(), [100, 200, 400].map(Duration::from_millis));
/// assert_eq!(clock.now(), Duration::from_millis(700));
/// ```
#[derive(Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ManualClock {
    now_us: Cell<u64>,
    sleeps: Cell<usize>,
    slept_us: Cell<u64>,
    waits: Cell<[Duration; RECORDED_WAITS]>,
}

impl Default for ManualClock {
    fn default() -> Self {
        Self::new()
    }
}

impl ManualClock {
    /// A clock at time zero that has recorded nothing.
    ///
    /// ```
    /// let clock = stamina::testing::ManualClock::new();
    /// assert_eq!(clock.now(), core::time::Duration::ZERO);
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self {
            now_us: Cell::new(0),
            sleeps: Cell::new(0),
            slept_us: Cell::new(0),
            waits: Cell::new([Duration::ZERO; RECORDED_WAITS]),
        }
    }

    /// A clock whose readings start at `start` (the loops must only subtract readings).
    ///
    /// ```
    /// use core::time::Duration;
    /// let clock = stamina::testing::ManualClock::starting_at(Duration::from_secs(3600));
    /// assert_eq!(clock.now(), Duration::from_secs(3600));
    /// ```
    #[must_use]
    pub const fn starting_at(start: Duration) -> Self {
        let mut clock = Self::new();
        clock.now_us = Cell::new(micros::from_duration(start));
        clock
    }

    /// Moves time forward without recording a wait: a try that takes time.
    ///
    /// ```
    /// use core::time::Duration;
    /// let clock = stamina::testing::ManualClock::new();
    /// clock.advance(Duration::from_secs(2));
    /// assert_eq!(clock.now(), Duration::from_secs(2));
    /// assert_eq!(clock.sleeps(), 0);
    /// ```
    pub fn advance(&self, by: Duration) {
        self.advance_us(micros::from_duration(by));
    }

    /// The current time.
    ///
    /// ```
    /// assert_eq!(stamina::testing::ManualClock::new().now(), core::time::Duration::ZERO);
    /// ```
    pub fn now(&self) -> Duration {
        micros::to_duration(self.now_us.get())
    }

    /// The waits slept so far, in order (the first [`RECORDED_WAITS`] of them).
    ///
    /// ```
    /// use stamina::Clock;
    /// let clock = stamina::testing::ManualClock::new();
    /// (&clock).sleep_us(5);
    /// assert_eq!(clock.waits(), [core::time::Duration::from_micros(5)]);
    /// ```
    pub fn waits(&self) -> Waits {
        Waits {
            buf: self.waits.get(),
            len: self.sleeps.get().min(RECORDED_WAITS),
        }
    }

    /// How many times something slept on this clock.
    ///
    /// ```
    /// assert_eq!(stamina::testing::ManualClock::new().sleeps(), 0);
    /// ```
    pub fn sleeps(&self) -> usize {
        self.sleeps.get()
    }

    /// The total time slept on this clock (all waits, recorded or not).
    ///
    /// ```
    /// assert_eq!(stamina::testing::ManualClock::new().slept(), core::time::Duration::ZERO);
    /// ```
    pub fn slept(&self) -> Duration {
        micros::to_duration(self.slept_us.get())
    }

    fn advance_us(&self, us: u64) {
        self.now_us.set(self.now_us.get().saturating_add(us));
    }

    fn record(&self, us: u64) {
        let n = self.sleeps.get();
        if n < RECORDED_WAITS {
            let mut waits = self.waits.get();
            if let Some(slot) = waits.get_mut(n) {
                *slot = micros::to_duration(us);
            }
            self.waits.set(waits);
        }
        self.sleeps.set(n.saturating_add(1));
        self.slept_us.set(self.slept_us.get().saturating_add(us));
        self.advance_us(us);
    }
}

/// The waits a [`ManualClock`] recorded, in order: a slice of `Duration`s (through `Deref`)
/// that compares equal to arrays and slices.
///
/// ```
/// use core::time::Duration;
/// use stamina::Clock;
///
/// let clock = stamina::testing::ManualClock::new();
/// (&clock).sleep_us(1_000);
/// (&clock).sleep_us(2_000);
/// let waits = clock.waits();
/// assert_eq!(waits, [Duration::from_millis(1), Duration::from_millis(2)]);
/// assert_eq!(waits.iter().sum::<Duration>(), Duration::from_millis(3));
/// ```
#[derive(Clone, Copy)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Waits {
    buf: [Duration; RECORDED_WAITS],
    len: usize,
}

impl core::ops::Deref for Waits {
    type Target = [Duration];
    fn deref(&self) -> &[Duration] {
        self.buf.get(..self.len).unwrap_or(&self.buf)
    }
}

impl core::fmt::Debug for Waits {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for Waits {
    fn eq(&self, other: &Waits) -> bool {
        **self == **other
    }
}

impl Eq for Waits {}

impl<const N: usize> PartialEq<[Duration; N]> for Waits {
    fn eq(&self, other: &[Duration; N]) -> bool {
        **self == other[..]
    }
}

impl PartialEq<[Duration]> for Waits {
    fn eq(&self, other: &[Duration]) -> bool {
        **self == *other
    }
}

impl Clock for &ManualClock {
    fn now_us(&mut self) -> u64 {
        self.now_us.get()
    }
    fn sleep_us(&mut self, us: u64) {
        self.record(us);
    }
}

impl Clock for ManualClock {
    fn now_us(&mut self) -> u64 {
        self.now_us.get()
    }
    fn sleep_us(&mut self, us: u64) {
        self.record(us);
    }
}

impl AsyncClock for &ManualClock {
    fn now_us(&mut self) -> u64 {
        self.now_us.get()
    }
    fn sleep_us(&mut self, us: u64) -> impl Future<Output = ()> {
        self.record(us);
        ready(())
    }
}

impl AsyncClock for ManualClock {
    fn now_us(&mut self) -> u64 {
        self.now_us.get()
    }
    fn sleep_us(&mut self, us: u64) -> impl Future<Output = ()> {
        self.record(us);
        ready(())
    }
}
