//! The schedule: how many tries, how long to wait between them, and for how long in all.

use core::time::Duration;

use crate::micros;
use crate::rng::scale;

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

/// The part of a [`Backoff`] that does not depend on the table's length, so that the decision
/// code shared by every call site is not generic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub(crate) struct Rules {
    /// Jitter-free wait in µs after failed try `N + 1`, the first past the table.
    after: u64,
    max: u64,
    jitter: u64,
    /// `u64::MAX` means no time limit.
    timeout: u64,
    /// Tries, the first included; `UNLIMITED` means no limit.
    attempts: u32,
    /// The growth factor in 1024ths, at least 1024 (a factor of 1): between exponential waits,
    /// and past the end of a list (1 by default: the last wait repeats).
    factor: u32,
    shape: Shape,
    jitter_kind: Jitter,
}

/// How the random part of each wait is drawn. Retrying clients that all failed at once (a
/// server restart, a power cut) must not come back at once: each kind spreads them differently.
/// `base` below is the jitter-free wait ([`Backoff::wait`]), capped at `wait_max`.
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
/// assert_eq!(spread.max_wait(2), Duration::from_millis(200));
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
            self.cap(self.rules.after)
        } else {
            self.grow(previous)
        }
    }

    /// The growth from one jitter-free wait to the next past the table.
    #[inline]
    const fn grow(&self, base: u64) -> u64 {
        grow(base, self.rules.factor, self.rules.max)
    }

    #[inline]
    pub(crate) const fn cap(&self, us: u64) -> u64 {
        if us < self.rules.max {
            us
        } else {
            self.rules.max
        }
    }

    /// The longest wait whose jitter-free part is `base` (not for [`Jitter::Decorrelated`]).
    #[inline]
    pub(crate) const fn longest_us(&self, base: u64) -> u64 {
        match self.rules.jitter_kind {
            Jitter::Added => self.cap(base.saturating_add(self.rules.jitter)),
            _ => self.cap(base),
        }
    }

    /// The longest decorrelated wait after one that was at most `previous`.
    #[inline]
    pub(crate) const fn decorrelated_bound(&self, previous: u64) -> u64 {
        grow(previous, 3 * ONE, self.rules.max)
    }

    /// The wait after one whose jitter-free part is `base`, drawn from `random` according to
    /// the jitter kind; for [`Jitter::Decorrelated`], `base` is the previous wait.
    #[inline]
    pub(crate) const fn jittered_us(&self, base: u64, random: u32) -> u64 {
        match self.rules.jitter_kind {
            Jitter::Added => match self.rules.jitter {
                0 => base,
                // `base <= max`, and the jitter is cut to what fits above `max` (what the cap
                // would take anyway): the sum cannot overflow, so it needs no carry check.
                bound => {
                    let room = u64::MAX - self.rules.max;
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
        !matches!(self.rules.jitter_kind, Jitter::Added) || self.rules.jitter != 0
    }

    #[inline]
    pub(crate) const fn jitter_kind(&self) -> Jitter {
        self.rules.jitter_kind
    }

    #[inline]
    pub(crate) const fn timeout_us(&self) -> u64 {
        self.rules.timeout
    }

    /// Tries allowed, `0` for unlimited.
    #[inline]
    pub(crate) const fn attempts(&self) -> u32 {
        self.rules.attempts
    }
}

/// How the table was made, so that a later builder call can remake it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
enum Shape {
    /// `initial * factor^i`.
    Exponential { initial: u64 },
    /// Given by the user; `after` is the last entry.
    List,
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
                after: 0,
                max: DEFAULT_MAX,
                jitter: DEFAULT_JITTER,
                timeout: DEFAULT_TIMEOUT,
                attempts: DEFAULT_ATTEMPTS,
                factor: 2 * ONE,
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
                after: if N == 0 { 0 } else { table[N - 1] },
                max: u64::MAX,
                jitter: DEFAULT_JITTER,
                timeout: DEFAULT_TIMEOUT,
                attempts: DEFAULT_ATTEMPTS,
                factor: ONE,
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
        self.rules.timeout = micros::from_duration(timeout);
        self
    }

    /// No time limit: only `attempts` ends the loop.
    ///
    /// ```
    /// assert_eq!(stamina::Backoff::new().no_timeout().timeout_limit(), None);
    /// ```
    #[inline]
    pub const fn no_timeout(mut self) -> Self {
        self.rules.timeout = NO_TIMEOUT;
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
        self.rules.factor = factor_of(num, den);
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
        self.rules.max = micros::from_duration(max);
        self.refresh()
    }

    /// The upper bound of the random jitter added to each wait before the cap; `Duration::ZERO`
    /// turns jitter off.
    ///
    /// ```
    /// use core::time::Duration;
    /// let b = stamina::Backoff::new().wait_jitter(Duration::ZERO);
    /// assert_eq!(b.max_wait(1), b.wait(1));
    /// ```
    #[inline]
    pub const fn wait_jitter(mut self, jitter: Duration) -> Self {
        self.rules.jitter = micros::from_duration(jitter);
        self
    }

    /// How the random part of each wait is drawn: [`Jitter::Added`] (stamina's) by default.
    ///
    /// ```
    /// use stamina::{Backoff, Jitter};
    /// use core::time::Duration;
    /// let b = Backoff::new().jitter(Jitter::Full);
    /// assert_eq!(b.max_wait(3), Duration::from_millis(400)); // U(0, 400 ms)
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
    /// assert_eq!(b.max_wait(1), Duration::from_millis(1100));
    /// assert_eq!(b.max_wait(6), Duration::from_millis(4200));
    /// assert_eq!(b.max_wait(7), Duration::from_secs(5)); // capped
    /// ```
    #[must_use]
    #[inline]
    pub const fn max_wait(&self, n: u32) -> Duration {
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
        micros::to_duration(if total < self.rules.timeout {
            total
        } else {
            self.rules.timeout
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
        if self.rules.timeout == NO_TIMEOUT {
            None
        } else {
            Some(micros::to_duration(self.rules.timeout))
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
                let last = if N == 0 { 0 } else { list.waits[N - 1] };
                list.rules.after = grow(last, list.rules.factor, list.rules.max);
                list
            }
        }
    }

    /// Makes the schedule exponential from `initial`, with the current factor and cap.
    #[inline]
    const fn rebuild(mut self, initial: u64) -> Self {
        let (factor, max) = (self.rules.factor, self.rules.max);
        self.waits = exponential_table(initial, factor, max);
        self.rules.after = exponential_after(&self.waits, initial, factor, max);
        self.rules.shape = Shape::Exponential { initial };
        self
    }
}

/// `[initial, initial*r, initial*r^2, ...]` capped at `max`, with `r = factor >= 1`.
#[inline]
const fn exponential_table<const N: usize>(initial: u64, factor: u32, max: u64) -> [u64; N] {
    let mut table = [0u64; N];
    let mut wait = if initial < max { initial } else { max };
    let mut i = 0;
    while i < N {
        table[i] = wait;
        wait = grow(wait, factor, max);
        i += 1;
    }
    table
}

/// The jitter-free wait after failed try `N + 1` of an exponential schedule whose table is
/// `table`: the one that follows the table (or, with no table, the first).
#[inline]
const fn exponential_after<const N: usize>(
    table: &[u64; N],
    initial: u64,
    factor: u32,
    max: u64,
) -> u64 {
    if N == 0 {
        if initial < max {
            initial
        } else {
            max
        }
    } else {
        grow(table[N - 1], factor, max)
    }
}

/// A factor of 1, in the 1024ths that growth factors are kept in. The resolution is coarse
/// enough that any schedule settles (reaches its cap, or stops growing once a step adds less
/// than a microsecond) within about 45,000 steps, which keeps `wait(n)` and `max_total_wait()`
/// cheap, in `const` evaluation too; and a factor fits a `u32`, so growing a wait takes two
/// 32 x 32-bit multiplications.
const ONE: u32 = 1024;

/// `num / den` in 1024ths, rounded down, between 1 and `u32::MAX / 1024` (about 4.2 million;
/// `den == 0` counts as 1).
#[inline]
const fn factor_of(num: u32, den: u32) -> u32 {
    let den = if den == 0 { 1 } else { den };
    if num <= den {
        return ONE;
    }
    let exact = if den == 1 {
        // Integer factors do not divide: no 64-bit division routine at run time.
        (num as u64) << 10
    } else {
        ((num as u64) << 10) / den as u64
    };
    if exact > u32::MAX as u64 {
        u32::MAX
    } else if exact > ONE as u64 {
        #[allow(clippy::cast_possible_truncation)] // below u32::MAX, checked above
        let factor = exact as u32;
        factor
    } else {
        ONE
    }
}

/// `min(max, floor(wait * factor / 1024))`: exact, saturating, two 32 x 32-bit
/// multiplications and no division.
#[inline]
const fn grow(wait: u64, factor: u32, max: u64) -> u64 {
    if wait >= max {
        return max;
    }
    let factor = factor as u64;
    let high = (wait >> 32) * factor;
    let low = (wait & 0xFFFF_FFFF) * factor;
    // wait * factor / 2^10 = high * 2^22 + low / 2^10, beyond u64 once high reaches 2^42.
    let next = if high >> 42 != 0 {
        u64::MAX
    } else {
        (high << 22).saturating_add(low >> 10)
    };
    if next < max {
        next
    } else {
        max
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_are_kept_in_1024ths() {
        assert_eq!(factor_of(3, 2), ONE + ONE / 2);
        assert_eq!(factor_of(6, 4), ONE + ONE / 2);
        assert_eq!(factor_of(4, 2), 2 * ONE);
        assert_eq!(factor_of(5, 4), ONE + ONE / 4);
        assert_eq!(factor_of(11, 10), ONE + 102); // 1.0996
        assert_eq!(factor_of(1, 2), ONE);
        assert_eq!(factor_of(0, 0), ONE);
        assert_eq!(factor_of(5, 0), 5 * ONE);
        assert_eq!(factor_of(u32::MAX, u32::MAX - 1), ONE, "below 1 + 1/1024");
        assert_eq!(factor_of(4_194_303, 1), 4_194_303 * ONE);
        assert_eq!(factor_of(u32::MAX, 1), u32::MAX, "saturates");
    }

    #[test]
    fn grow_saturates_at_the_cap() {
        assert_eq!(
            grow(u64::MAX - 1, factor_of(u32::MAX, 1), u64::MAX),
            u64::MAX
        );
        assert_eq!(grow(u64::MAX - 1, factor_of(3, 2), u64::MAX), u64::MAX);
        assert_eq!(grow(7, factor_of(3, 2), 100), 10);
        assert_eq!(grow(7, factor_of(3, 2), 9), 9);
    }

    #[test]
    fn grow_is_exact() {
        for wait in [0, 1, 7, 999_999, 1 << 32, (1 << 40) + 12_345, u64::MAX / 3] {
            for factor in [ONE, ONE + 1, ONE + ONE / 2, 2 * ONE, 3 * ONE + 5, u32::MAX] {
                let exact = (u128::from(wait) * u128::from(factor)) >> 10;
                let expected = u64::try_from(exact).unwrap_or(u64::MAX);
                assert_eq!(grow(wait, factor, u64::MAX), expected, "{wait} * {factor}");
            }
        }
    }
}
