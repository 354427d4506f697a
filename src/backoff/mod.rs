//! The schedule: how many tries, how long to wait between them, and for how long in all. This
//! file holds the [`Backoff`] builder, its queries and stamina's defaults; the jitter, the
//! growth and the non-generic view of a schedule live in the files next to it.

use core::time::Duration;

use crate::micros;

mod growth;
mod jitter;
mod view;

use growth::{exponential_first_past_table, exponential_table, factor_of, grow, ONE};
pub use jitter::Jitter;
use view::Shape;
pub(crate) use view::{Rules, View};

/// Table length of the default [`Backoff`]: enough to hold stamina's defaults up to `wait_max`,
/// so that its retries only look waits up.
///
/// ```
/// let b: stamina::Backoff<{ stamina::DEFAULT_TABLE_LEN }> = stamina::Backoff::new();
/// assert_eq!(b.wait(stamina::DEFAULT_TABLE_LEN as u32), core::time::Duration::from_secs(5));
/// ```
pub const DEFAULT_TABLE_LEN: usize = 10;

/// A retry schedule: a `Copy` value, built with `const fn`, that can live in flash.
///
/// It holds a table of `N` jitter-free waits: computed by the exponential builder
/// ([`Backoff::new`], [`Backoff::exponential`]) or given as a list ([`Backoff::from_waits`]).
/// Before each retry, a random jitter in `[0, wait_jitter)` is added and the sum is capped at
/// `wait_max` (stamina's rule, the default; [`Backoff::jitter`] picks another [`Jitter`]):
///
/// ```text
/// wait(n) = min(wait_max, wait_initial * wait_exp_base^(n-1) + U(0, wait_jitter))
/// ```
///
/// where `n = 1, 2, ...` counts failed tries. The table holds the first `N` jitter-free waits,
/// computed once (at compile time for a `const`); past it, an exponential schedule goes on
/// growing by the same rule, one multiplication per retry, and a list repeats its last wait (or
/// grows by `wait_exp_base`, if you set one). So `N` trades memory for arithmetic, never
/// behaviour: `Backoff::<0>` and `Backoff::<64>` give the same waits.
///
/// # Defaults
///
/// stamina's: `attempts` 10, `timeout` 45 s, `wait_initial` 100 ms, `wait_exp_base` 2,
/// `wait_max` 5 s, `wait_jitter` 1 s. Without jitter that is 0.1, 0.2, 0.4, 0.8, 1.6, 3.2, 5, 5,
/// 5 s: nine waits between ten tries.
///
/// # Extreme values
///
/// Every input is accepted and saturates: durations are counted in whole microseconds (rounded
/// down) up to `u64::MAX` µs, `Duration::MAX` as a timeout means no time limit, `attempts(0)` is
/// one try, and factors below 1 are read as 1. No method panics or overflows.
///
/// # Examples
///
/// stamina's defaults:
///
/// ```
/// use stamina::Backoff;
/// use core::time::Duration;
///
/// let schedule = Backoff::new();
/// assert_eq!(schedule.wait(1), Duration::from_millis(100));
/// assert_eq!(schedule.wait(7), Duration::from_secs(5));
/// ```
///
/// A schedule checked at compile time against an 8 s watchdog:
///
/// ```
/// use stamina::Backoff;
/// use core::time::Duration;
///
/// const SENSOR: Backoff<4> = Backoff::exponential()
///     .attempts(5)
///     .wait_initial(Duration::from_millis(10))
///     .wait_jitter(Duration::from_millis(5))
///     .wait_max(Duration::from_millis(500));
/// const _: () = assert!(SENSOR.max_total_wait().as_millis() < 8_000);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use = "a Backoff does nothing until a retry loop uses it"]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Backoff<const N: usize = DEFAULT_TABLE_LEN> {
    /// Jitter-free waits in µs after failed try 1, 2, ..., N.
    waits: [u64; N],
    /// Everything that does not depend on `N`.
    rules: Rules,
}

const UNLIMITED: u32 = 0;
pub(crate) const NO_TIMEOUT: u64 = u64::MAX;

const DEFAULT_INITIAL: u64 = 100_000;
const DEFAULT_MAX: u64 = 5_000_000;
const DEFAULT_JITTER: u64 = 1_000_000;
const DEFAULT_TIMEOUT: u64 = 45_000_000;
const DEFAULT_ATTEMPTS: u32 = 10;

impl Backoff {
    /// stamina's defaults (see [`Backoff`]) with a table of [`DEFAULT_TABLE_LEN`] waits.
    ///
    /// ```
    /// const SCHEDULE: stamina::Backoff = stamina::Backoff::new();
    /// assert_eq!(SCHEDULE.attempts_limit(), Some(10));
    /// ```
    #[inline]
    pub const fn new() -> Self {
        Self::exponential()
    }
}

impl<const N: usize> Default for Backoff<N> {
    /// stamina's defaults: [`Backoff::exponential`] (for the default `N`, [`Backoff::new`]).
    #[inline]
    fn default() -> Self {
        Self::exponential()
    }
}

impl<const N: usize> Backoff<N> {
    /// stamina's defaults with a table of `N` waits (pick `N` from the type or with turbofish):
    /// a longer table costs memory, a shorter one a multiplication per retry past it.
    ///
    /// ```
    /// use core::time::Duration;
    /// // 1 ms doubling to 10 s: 15 waits before the cap, whatever the table holds.
    /// let b = stamina::Backoff::<4>::exponential()
    ///     .wait_initial(Duration::from_millis(1))
    ///     .wait_max(Duration::from_secs(10));
    /// assert_eq!(b.wait(14), Duration::from_millis(8192));
    /// assert_eq!(b.wait(15), Duration::from_secs(10));
    /// ```
    #[inline]
    pub const fn exponential() -> Self {
        let defaults = Self {
            waits: [0; N],
            rules: Rules {
                first_past_table_us: 0,
                cap_us: DEFAULT_MAX,
                jitter_span_us: DEFAULT_JITTER,
                timeout_us: DEFAULT_TIMEOUT,
                attempts: DEFAULT_ATTEMPTS,
                factor_1024ths: 2 * ONE,
                shape: Shape::List,
                jitter_kind: Jitter::Added,
            },
        };
        defaults.rebuild(DEFAULT_INITIAL)
    }

    /// A schedule from an explicit list of jitter-free waits; waits past the list repeat its last
    /// one (an empty list waits zero), or grow from it by [`wait_exp_base`](Self::wait_exp_base)
    /// if you set one. No `wait_max` cap applies until you set one; the other settings keep
    /// stamina's defaults, jitter included.
    ///
    /// A network hiccup, then a deploy, then an overloaded database:
    ///
    /// ```
    /// use core::time::Duration;
    /// use stamina::Backoff;
    ///
    /// const STEPS: Backoff<3> = Backoff::from_waits([
    ///     Duration::from_millis(100),
    ///     Duration::from_secs(1),
    ///     Duration::from_secs(10),
    /// ])
    /// .wait_jitter(Duration::ZERO);
    /// assert_eq!(STEPS.wait(2), Duration::from_secs(1));
    /// assert_eq!(STEPS.wait(9), Duration::from_secs(10));
    /// ```
    #[inline]
    pub const fn from_waits(waits: [Duration; N]) -> Self {
        let mut table = [0u64; N];
        let mut i = 0;
        while i < N {
            table[i] = micros::from_duration(waits[i]);
            i += 1;
        }
        Self {
            waits: table,
            rules: Rules {
                first_past_table_us: if N == 0 { 0 } else { table[N - 1] },
                cap_us: u64::MAX,
                jitter_span_us: DEFAULT_JITTER,
                timeout_us: DEFAULT_TIMEOUT,
                attempts: DEFAULT_ATTEMPTS,
                factor_1024ths: ONE,
                shape: Shape::List,
                jitter_kind: Jitter::Added,
            },
        }
    }

    /// The number of tries, the first included. `0` and `1` both mean exactly one try.
    ///
    /// ```
    /// let b = stamina::Backoff::new().attempts(3);
    /// assert_eq!(b.attempts_limit(), Some(3));
    /// assert_eq!(b.attempts(0).attempts_limit(), Some(1));
    /// ```
    #[inline]
    pub const fn attempts(mut self, attempts: u32) -> Self {
        self.rules.attempts = if attempts == 0 { 1 } else { attempts };
        self
    }

    /// No limit on the number of tries: the loop ends when the timeout runs out, or never if there
    /// is no timeout either ([`Backoff::no_timeout`]), which you should only want on a device
    /// that has nothing better to do.
    ///
    /// ```
    /// let b = stamina::Backoff::new().unlimited_attempts();
    /// assert_eq!(b.attempts_limit(), None);
    /// ```
    #[inline]
    pub const fn unlimited_attempts(mut self) -> Self {
        self.rules.attempts = UNLIMITED;
        self
    }

    /// The time budget for waiting, counted from the end of the first failed try (the happy path
    /// reads no clock; Python's stamina counts from before the first try). The loop never sleeps
    /// past it: a wait that would end later gives up at once with the last error.
    /// `Duration::MAX` means no time limit.
    ///
    /// ```
    /// use core::time::Duration;
    /// let b = stamina::Backoff::new().timeout(Duration::from_secs(10));
    /// assert_eq!(b.timeout_limit(), Some(Duration::from_secs(10)));
    /// ```
    #[inline]
    pub const fn timeout(mut self, timeout: Duration) -> Self {
        self.rules.timeout_us = micros::from_duration(timeout);
        self
    }

    /// No time limit: only `attempts` ends the loop.
    ///
    /// ```
    /// assert_eq!(stamina::Backoff::new().no_timeout().timeout_limit(), None);
    /// ```
    #[inline]
    pub const fn no_timeout(mut self) -> Self {
        self.rules.timeout_us = NO_TIMEOUT;
        self
    }

    /// The first jitter-free wait. Makes the schedule exponential (a list is replaced).
    ///
    /// ```
    /// use core::time::Duration;
    /// let b = stamina::Backoff::new().wait_initial(Duration::from_secs(1));
    /// assert_eq!(b.wait(2), Duration::from_secs(2));
    /// ```
    #[inline]
    pub const fn wait_initial(self, initial: Duration) -> Self {
        self.rebuild(micros::from_duration(initial))
    }

    /// An integer growth factor (stamina's `wait_exp_base`); `0` is read as `1` (no growth),
    /// and factors above about 4,194,304 as that (either reaches any cap in a few steps).
    /// On a list ([`Backoff::from_waits`]), the growth of the waits past its end.
    ///
    /// ```
    /// use core::time::Duration;
    /// let b = stamina::Backoff::new().wait_exp_base(3);
    /// assert_eq!(b.wait(3), Duration::from_millis(900));
    /// ```
    #[inline]
    pub const fn wait_exp_base(self, base: u32) -> Self {
        self.wait_exp_base_ratio(base, 1)
    }

    /// A fractional growth factor `num / den` in integer arithmetic, e.g. `(3, 2)` for 1.5. Each
    /// wait is the previous one times the factor, rounded down to the microsecond. The factor is
    /// kept in 1/1024ths, rounded down (1.5 and 1.25 are exact, 1.1 is read as 1.0996), and
    /// one below 1 + 1/1024 is read as 1 (and one above about 4,194,304 as that): waits never
    /// shrink, and always settle within tens of
    /// thousands of steps. `den == 0` is read as `den == 1`. Growing a wait is a multiplication,
    /// never a division; only building a ratio (not an integer) factor divides, at compile time
    /// for a `const` schedule.
    ///
    /// ```
    /// use core::time::Duration;
    /// let b = stamina::Backoff::new()
    ///     .wait_initial(Duration::from_millis(500))
    ///     .wait_exp_base_ratio(3, 2);
    /// assert_eq!(b.wait(3), Duration::from_micros(1_125_000));
    /// ```
    #[inline]
    pub const fn wait_exp_base_ratio(mut self, num: u32, den: u32) -> Self {
        self.rules.factor_1024ths = factor_of(num, den);
        self.refresh()
    }

    /// The cap on every wait, jitter included (stamina's `wait_max`).
    ///
    /// ```
    /// use core::time::Duration;
    /// let b = stamina::Backoff::new().wait_max(Duration::from_secs(1));
    /// assert_eq!(b.wait(9), Duration::from_secs(1));
    /// ```
    #[inline]
    pub const fn wait_max(mut self, max: Duration) -> Self {
        self.rules.cap_us = micros::from_duration(max);
        self.refresh()
    }

    /// The upper bound of the random jitter added to each wait before the cap; `Duration::ZERO`
    /// turns jitter off.
    ///
    /// ```
    /// use core::time::Duration;
    /// let b = stamina::Backoff::new().wait_jitter(Duration::ZERO);
    /// assert_eq!(b.longest_wait(1), b.wait(1));
    /// ```
    #[inline]
    pub const fn wait_jitter(mut self, jitter: Duration) -> Self {
        self.rules.jitter_span_us = micros::from_duration(jitter);
        self
    }

    /// How the random part of each wait is drawn: [`Jitter::Added`] (stamina's) by default.
    ///
    /// ```
    /// use stamina::{Backoff, Jitter};
    /// use core::time::Duration;
    /// let b = Backoff::new().jitter(Jitter::Full);
    /// assert_eq!(b.longest_wait(3), Duration::from_millis(400)); // U(0, 400 ms)
    /// ```
    #[inline]
    pub const fn jitter(mut self, kind: Jitter) -> Self {
        self.rules.jitter_kind = kind;
        self
    }

    /// The jitter-free wait after failed try `n` (`n = 1, 2, ...`; `0` is read as `1`), capped at
    /// `wait_max`.
    ///
    /// ```
    /// use core::time::Duration;
    /// let b = stamina::Backoff::new();
    /// assert_eq!(b.wait(4), Duration::from_millis(800));
    /// assert_eq!(b.wait(10_000), Duration::from_secs(5));
    /// ```
    #[must_use]
    #[inline]
    pub const fn wait(&self, n: u32) -> Duration {
        micros::to_duration(self.base_us(n))
    }

    /// The longest wait after failed try `n`: with [`Jitter::Added`], the jitter-free wait plus
    /// all the jitter, capped; with [`Jitter::Full`] and [`Jitter::Equal`], the jitter-free wait;
    /// with [`Jitter::Decorrelated`], `min(wait_max, first * 3^n)`.
    ///
    /// ```
    /// use core::time::Duration;
    /// let b = stamina::Backoff::new();
    /// assert_eq!(b.longest_wait(1), Duration::from_millis(1100));
    /// assert_eq!(b.longest_wait(6), Duration::from_millis(4200));
    /// assert_eq!(b.longest_wait(7), Duration::from_secs(5)); // capped
    /// ```
    #[must_use]
    #[inline]
    pub const fn longest_wait(&self, n: u32) -> Duration {
        let longest = match self.rules.jitter_kind {
            Jitter::Decorrelated => {
                let view = self.view();
                let mut longest = view.first_base_us();
                let mut i = 0;
                let n = if n == 0 { 1 } else { n };
                while i < n {
                    let next = view.decorrelated_bound(longest);
                    if next == longest {
                        break; // settled at the cap (or at zero)
                    }
                    longest = next;
                    i += 1;
                }
                longest
            }
            _ => self.view().longest_us(self.base_us(n)),
        };
        micros::to_duration(longest)
    }

    /// The worst-case total of all waits: every wait at its longest, for `attempts - 1` waits,
    /// bounded by the timeout; `Duration::MAX`-like (`u64::MAX` µs) when neither bounds it.
    /// Waits that `on` overrides are bounded by the timeout only.
    ///
    /// ```
    /// use core::time::Duration;
    /// let b = stamina::Backoff::new().wait_jitter(Duration::ZERO).no_timeout();
    /// // 0.1 + 0.2 + 0.4 + 0.8 + 1.6 + 3.2 + 5 + 5 + 5
    /// assert_eq!(b.max_total_wait(), Duration::from_millis(21_300));
    /// ```
    #[must_use]
    #[inline]
    pub const fn max_total_wait(&self) -> Duration {
        let view = self.view();
        let total = if self.rules.attempts == UNLIMITED {
            u64::MAX
        } else {
            let waits = self.rules.attempts - 1;
            let (mut total, mut base, mut n) = (0u64, 0u64, 1u32);
            let mut decorrelated = view.first_base_us();
            let mut previous = u64::MAX;
            while n <= waits {
                let next = if n == 1 {
                    view.first_base_us()
                } else {
                    view.following_base_us(n - 1, base)
                };
                let each = match self.rules.jitter_kind {
                    Jitter::Decorrelated => {
                        decorrelated = view.decorrelated_bound(decorrelated);
                        decorrelated
                    }
                    _ => view.longest_us(next),
                };
                if n as usize > N + 1 && next == base && each == previous {
                    // Settled: every remaining wait is the same.
                    total = total.saturating_add(each.saturating_mul((waits - n + 1) as u64));
                    break;
                }
                total = total.saturating_add(each);
                base = next;
                previous = each;
                n += 1;
            }
            total
        };
        micros::to_duration(if total < self.rules.timeout_us {
            total
        } else {
            self.rules.timeout_us
        })
    }

    /// The number of tries, or `None` when unlimited.
    ///
    /// ```
    /// assert_eq!(stamina::Backoff::new().attempts_limit(), Some(10));
    /// ```
    #[must_use]
    #[inline]
    pub const fn attempts_limit(&self) -> Option<u32> {
        if self.rules.attempts == UNLIMITED {
            None
        } else {
            Some(self.rules.attempts)
        }
    }

    /// The timeout, or `None` when there is no time limit.
    ///
    /// ```
    /// use core::time::Duration;
    /// assert_eq!(stamina::Backoff::new().timeout_limit(), Some(Duration::from_secs(45)));
    /// ```
    #[must_use]
    #[inline]
    pub const fn timeout_limit(&self) -> Option<Duration> {
        if self.rules.timeout_us == NO_TIMEOUT {
            None
        } else {
            Some(micros::to_duration(self.rules.timeout_us))
        }
    }

    // ---- crate-internal, in microseconds ----

    /// The schedule as the non-generic decision code reads it.
    #[inline]
    pub(crate) const fn view(&self) -> View<'_> {
        View {
            waits: &self.waits,
            rules: &self.rules,
        }
    }

    /// Jitter-free wait in µs after failed try `n`, capped.
    #[inline]
    pub(crate) const fn base_us(&self, n: u32) -> u64 {
        self.view().base_us(n)
    }

    /// Recomputes what depends on the factor and the cap: the table of an exponential schedule,
    /// and the first wait past the table.
    #[inline]
    const fn refresh(self) -> Self {
        match self.rules.shape {
            Shape::Exponential { initial } => self.rebuild(initial),
            Shape::List => {
                let mut list = self;
                let last_wait = if N == 0 { 0 } else { list.waits[N - 1] };
                list.rules.first_past_table_us =
                    grow(last_wait, list.rules.factor_1024ths, list.rules.cap_us);
                list
            }
        }
    }

    /// Makes the schedule exponential from `initial`, with the current factor and cap.
    #[inline]
    const fn rebuild(mut self, initial: u64) -> Self {
        let (factor, max) = (self.rules.factor_1024ths, self.rules.cap_us);
        self.waits = exponential_table(initial, factor, max);
        self.rules.first_past_table_us =
            exponential_first_past_table(&self.waits, initial, factor, max);
        self.rules.shape = Shape::Exponential { initial };
        self
    }
}
