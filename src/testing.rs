//! Helpers for testing retry logic without sleeping: a clock that advances instantly and
//! records every wait.

use core::cell::Cell;
use core::future::Future;
use core::ops::Deref;
use core::pin::Pin;
use core::task::{Context, Poll};
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

/// A clock whose time moves only when something sleeps on it or calls [`advance`]: a sleep
/// takes no real time and is recorded. Works as a [`Clock`] and an [`AsyncClock`]; its async
/// sleep, a [`ManualSleep`], moves time when it ends rather than when it is made, so that an
/// attempt racing it under `attempt_timeout` costs no time unless it really runs out of it.
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

    /// A wait of `us` that moves time by as much.
    fn record(&self, us: u64) {
        self.note(us);
        self.advance_us(us);
    }

    /// Counts, sums and remembers a wait of `us`, without moving time.
    fn note(&self, us: u64) {
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

/// The async sleep of a [`ManualClock`]: what its [`AsyncClock::sleep_us`] returns. It moves
/// time when it is polled, not when it is made, and no further than it waits.
///
/// - Made but never polled, it records nothing and time does not move.
/// - Its first poll starts it, with its deadline `us` from then. It is pending once (and asks
///   to be polled again at once), so that whatever is polled along with it (the attempt that
///   `attempt_timeout` races against it, the other branches of a `select!`) has one more turn.
/// - Its next poll ends it: the clock moves to the deadline, unless it is past it already, and
///   the wait of `us` is recorded, as [`Clock::sleep_us`] records it.
/// - Dropped in between (the attempt won the race), it records the time that passed since it
///   started (time moved by [`advance`], at most `us`) if any, and does not move the clock.
/// - A wait of zero ends at its first poll.
///
/// So with `attempt_timeout`, an attempt that is ready by its next poll after the sleep started
/// is not timed out and costs no time; one that never ends is timed out with the clock moved
/// by exactly the attempt's timeout; and the waits between tries are recorded as they end.
///
/// `C` is `&ManualClock` for the sleep of a shared clock, `&mut ManualClock` for that of a clock
/// the loop owns (which keeps the loop's future `Send`).
///
/// [`advance`]: ManualClock::advance
///
/// # Examples
///
/// ```
/// use core::future::Future;
/// use core::pin::pin;
/// use core::task::{Context, Poll, Waker};
/// use core::time::Duration;
/// use stamina::{testing::ManualClock, AsyncClock};
///
/// let clock = ManualClock::new();
/// let mut cx = Context::from_waker(Waker::noop());
///
/// let mut sleep = pin!((&clock).sleep_us(5_000));
/// assert_eq!(clock.sleeps(), 0, "not polled yet");
/// assert!(sleep.as_mut().poll(&mut cx).is_pending(), "started: one more turn for the others");
/// assert_eq!(sleep.as_mut().poll(&mut cx), Poll::Ready(()));
/// assert_eq!(clock.waits(), [Duration::from_millis(5)]);
/// assert_eq!(clock.now(), Duration::from_millis(5));
///
/// // A sleep that loses the race: started, then dropped after 1 ms of someone else's time.
/// let mut sleep = Box::pin((&clock).sleep_us(10_000_000));
/// assert!(sleep.as_mut().poll(&mut cx).is_pending());
/// clock.advance(Duration::from_millis(1));
/// drop(sleep);
/// assert_eq!(clock.waits(), [Duration::from_millis(5), Duration::from_millis(1)]);
/// assert_eq!(clock.now(), Duration::from_millis(6));
/// ```
#[derive(Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[must_use = "futures do nothing unless polled: a sleep that is never polled records nothing"]
pub struct ManualSleep<C: Deref<Target = ManualClock>> {
    clock: C,
    us: u64,
    /// The clock's reading at the first poll, once polled.
    started_us: Option<u64>,
    ended: bool,
}

impl<C: Deref<Target = ManualClock>> ManualSleep<C> {
    const fn new(clock: C, us: u64) -> Self {
        Self {
            clock,
            us,
            started_us: None,
            ended: false,
        }
    }
}

impl<C: Deref<Target = ManualClock> + Unpin> Future for ManualSleep<C> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.ended {
            return Poll::Ready(());
        }
        let clock: &ManualClock = &this.clock;
        match this.started_us {
            None if this.us > 0 => {
                this.started_us = Some(clock.now_us.get());
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            None => {}
            Some(start) => {
                let deadline = start.saturating_add(this.us);
                clock.now_us.set(clock.now_us.get().max(deadline));
            }
        }
        clock.note(this.us);
        this.ended = true;
        Poll::Ready(())
    }
}

impl<C: Deref<Target = ManualClock>> Drop for ManualSleep<C> {
    fn drop(&mut self) {
        if let (Some(start), false) = (self.started_us, self.ended) {
            let waited = self.clock.now_us.get().saturating_sub(start).min(self.us);
            if waited > 0 {
                self.clock.note(waited);
            }
        }
    }
}

impl<'a> AsyncClock for &'a ManualClock {
    fn now_us(&mut self) -> u64 {
        self.now_us.get()
    }
    #[allow(refining_impl_trait)] // the sleep is a named type
    fn sleep_us(&mut self, us: u64) -> ManualSleep<&'a ManualClock> {
        ManualSleep::new(*self, us)
    }
}

impl AsyncClock for ManualClock {
    fn now_us(&mut self) -> u64 {
        self.now_us.get()
    }
    #[allow(refining_impl_trait)] // the sleep is a named type
    fn sleep_us(&mut self, us: u64) -> ManualSleep<&mut ManualClock> {
        ManualSleep::new(self, us)
    }
}
