//! The retry state machine: sans-IO. Told "try n failed at time t", it answers "retry after this
//! wait" or "give up". It never sleeps and never reads a clock, so every driver (the blocking and
//! async macros, a firmware super-loop, a simulation) shares it.

use core::time::Duration;

use crate::backoff::{Jitter, Rules, View, NO_TIMEOUT};
use crate::decision::BACK_OFF;
use crate::switch::{self, Mode};
use crate::{micros, Attempt, Backoff, Decision, RetryOn, Rng};

/// What to do after a failed try: the answer of [`Retrying::failed`].
///
/// ```
/// use stamina::{Backoff, Decision, FastRng, Retrying, Step};
///
/// let mut r = Retrying::new(Backoff::new().wait_jitter(core::time::Duration::ZERO));
/// match r.failed(0, Decision::Retry, &mut FastRng::new(1)) {
///     Step::RetryAfter(us) => assert_eq!(us, 100_000), // sleep, then try again
///     Step::GiveUp => unreachable!(),
/// }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[must_use = "a retry loop must either wait and retry, or give up"]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Step {
    /// Wait this many microseconds, then try again.
    RetryAfter(u64),
    /// Stop and hand back the last error.
    GiveUp,
}

/// The state of one retry loop: tries made, time waited, when the first failure happened.
///
/// Create one per call (at its first failure, so a call that succeeds at once pays nothing),
/// feed it each failure with [`Retrying::failed`], and sleep for what it answers.
///
/// # Examples
///
/// A firmware super-loop that must not block: it asks when it may try again and schedules
/// the next try itself.
///
/// ```
/// use stamina::{Backoff, Decision, FastRng, Retrying, Step};
///
/// const SCHEDULE: Backoff = Backoff::new();
///
/// let mut rng = FastRng::new(0x5EED);
/// let mut retrying: Option<Retrying> = None;
/// let mut next_try_at = 0u64;
/// let mut results = [Err(()), Err(()), Ok(21)].into_iter();
///
/// let mut now = 0u64; // microseconds, from a hardware timer
/// let value = loop {
///     if now >= next_try_at {
///         match results.next().unwrap() {
///             Ok(v) => break Some(v),
///             Err(()) => {
///                 let r = retrying.get_or_insert_with(|| Retrying::new(SCHEDULE));
///                 match r.failed(now, Decision::Retry, &mut rng) {
///                     Step::RetryAfter(wait_us) => next_try_at = now.saturating_add(wait_us),
///                     Step::GiveUp => break None,
///                 }
///             }
///         }
///     }
///     now += 1_000; // ... the rest of the super-loop runs here ...
/// };
/// assert_eq!(value, Some(21));
/// assert_eq!(retrying.unwrap().retries(), 2);
/// ```
///
/// `Retrying` is `Clone` but not `Copy`: a copy made by accident (`if let Some(mut r) = state`)
/// would advance a twin and leave the original where it was.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Retrying<const N: usize = { crate::DEFAULT_TABLE_LEN }> {
    backoff: Backoff<N>,
    progress: Progress,
    retries: u32,
    waited_us: u64,
}

/// What a loop has done so far, without its schedule: the state the macros keep (they read the
/// schedule where it is, instead of copying it). Not generic, like the decision code that
/// updates it.
#[doc(hidden)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Progress {
    /// Tries allowed under the global switch as read at the first failure; `0` for unlimited.
    attempts: u32,
    /// `false` in testing mode and when inactive: no waits, no timeout.
    sleeps: bool,
    /// Failed tries so far.
    failures: u32,
    /// The jitter-free wait that follows the next failure (`0` before the first one).
    base_us: u64,
    first_failure_us: u64,
}

impl<const N: usize> Retrying<N> {
    /// A loop that has made one try so far, on `backoff`. It reads the global switch
    /// ([`set_active`](crate::set_active), [`set_testing`](crate::set_testing),
    /// [`set_testing_session`](crate::set_testing_session)) at its first failure.
    ///
    /// ```
    /// const FRESH: stamina::Retrying = stamina::Retrying::new(stamina::Backoff::new());
    /// assert_eq!(FRESH.retries(), 0);
    /// ```
    #[must_use]
    #[inline]
    pub const fn new(backoff: Backoff<N>) -> Self {
        Self {
            backoff,
            progress: Progress::NEW,
            retries: 0,
            waited_us: 0,
        }
    }

    /// Records that the current try failed at `now_us` and that `on` judged it `decision`;
    /// answers how long to wait before the next try, or to give up.
    ///
    /// Gives up when: the decision is [`Decision::GiveUp`]; the tries are used up; the deadline
    /// (`timeout` after the first failure) has been reached (so a zero timeout means one try),
    /// or the wait would end after it. An override ([`Decision::RetryAfter`]) follows the same
    /// rule: one that ends after the deadline gives up at once (a client never comes back
    /// before the server allowed it, and a hostile server cannot park it). `rng` is drawn at
    /// most once, and only for a jittered wait.
    ///
    /// Pass the time at which the failure was judged: if something slow runs between this call
    /// and the wait (a hook, a log write), check [`Retrying::time_left`] again before sleeping.
    ///
    /// ```
    /// use stamina::{Backoff, Decision, FastRng, Retrying, Step};
    /// use core::time::Duration;
    ///
    /// let mut r = Retrying::new(Backoff::new().attempts(2).wait_jitter(Duration::ZERO));
    /// let mut rng = FastRng::new(1);
    /// assert_eq!(r.failed(0, Decision::Retry, &mut rng), Step::RetryAfter(100_000));
    /// assert_eq!(r.failed(100_000, Decision::Retry, &mut rng), Step::GiveUp);
    /// ```
    #[inline(always)] // so that a constant schedule folds into the caller's loop
    pub fn failed(&mut self, now_us: u64, decision: Decision, rng: &mut impl Rng) -> Step {
        let step = self.progress.failed(&self.backoff, now_us, decision, rng);
        if let Step::RetryAfter(wait) = step {
            self.retries = self.retries.saturating_add(1);
            self.waited_us = self.waited_us.saturating_add(wait);
        }
        step
    }

    /// [`Retrying::failed`] with the decision taken by the filter `on` on `error`.
    ///
    /// ```
    /// use stamina::{Backoff, FastRng, Retrying, Step};
    ///
    /// let mut r = Retrying::new(Backoff::new());
    /// let step = r.failed_with(0, &"fatal", &mut |e: &&str| *e != "fatal", &mut FastRng::new(1));
    /// assert_eq!(step, Step::GiveUp);
    /// ```
    #[inline]
    pub fn failed_with<E: ?Sized, M>(
        &mut self,
        now_us: u64,
        error: &E,
        on: &mut impl RetryOn<E, M>,
        rng: &mut impl Rng,
    ) -> Step {
        let decision = on.decide(error);
        self.failed(now_us, decision, rng)
    }

    /// Retries scheduled so far (failed tries that were not the last).
    ///
    /// ```
    /// assert_eq!(stamina::Retrying::new(stamina::Backoff::new()).retries(), 0);
    /// ```
    #[must_use]
    #[inline]
    pub const fn retries(&self) -> u32 {
        self.retries
    }

    /// The total of the waits scheduled so far.
    ///
    /// ```
    /// use core::time::Duration;
    /// assert_eq!(stamina::Retrying::new(stamina::Backoff::new()).waited(), Duration::ZERO);
    /// ```
    #[must_use]
    #[inline]
    pub const fn waited(&self) -> Duration {
        micros::to_duration(self.waited_us)
    }

    /// The time left at `now_us` before the deadline (`timeout` after the first failure), in
    /// microseconds: `None` once it is reached, `Some(u64::MAX)` when nothing bounds the loop
    /// in time (no timeout, testing mode, retrying off) or before the first failure. A driver
    /// uses it to cut a per-attempt timeout to the deadline, or to check, after slow work
    /// between [`failed`](Self::failed) and the wait, that the wait still fits.
    ///
    /// ```
    /// use core::time::Duration;
    /// use stamina::{Backoff, Decision, FastRng, Retrying};
    ///
    /// let mut r = Retrying::new(Backoff::new().timeout(Duration::from_secs(1)));
    /// assert_eq!(r.time_left(5_000_000), Some(u64::MAX)); // no failure yet
    /// let _ = r.failed(5_000_000, Decision::Retry, &mut FastRng::new(1));
    /// assert_eq!(r.time_left(5_250_000), Some(750_000));
    /// assert_eq!(r.time_left(6_000_000), None);
    /// ```
    #[must_use]
    #[inline]
    pub const fn time_left(&self, now_us: u64) -> Option<u64> {
        if self.progress.failures == 0 {
            return Some(u64::MAX);
        }
        self.progress
            .time_left(self.backoff.view().timeout_us(), now_us)
    }

    /// The upcoming try: its number and the jitter-free wait that follows it if it fails (zero
    /// in testing mode and while retrying is off, which never wait).
    ///
    /// ```
    /// use core::time::Duration;
    /// let a = stamina::Retrying::new(stamina::Backoff::new()).attempt();
    /// assert_eq!((a.num(), a.next_wait()), (1, Duration::from_millis(100)));
    /// ```
    #[must_use]
    #[inline]
    pub fn attempt(&self) -> Attempt {
        self.progress.attempt(&self.backoff)
    }

    /// The schedule this loop runs on.
    ///
    /// ```
    /// let r = stamina::Retrying::new(stamina::Backoff::new().attempts(3));
    /// assert_eq!(r.backoff().attempts_limit(), Some(3));
    /// ```
    #[inline]
    pub const fn backoff(&self) -> &Backoff<N> {
        &self.backoff
    }
}

impl Progress {
    /// A loop that has made one try so far.
    pub const NEW: Self = Self {
        attempts: 0,
        sleeps: true,
        failures: 0,
        base_us: 0,
        first_failure_us: 0,
    };

    /// [`Retrying::failed`] on a schedule kept elsewhere.
    #[inline(always)]
    pub fn failed<const N: usize>(
        &mut self,
        backoff: &Backoff<N>,
        now_us: u64,
        decision: Decision,
        rng: &mut impl Rng,
    ) -> Step {
        if self.failures == 0 {
            *self = Self::started(now_us, backoff.view());
        }
        match decision.wait_us() {
            None => Step::GiveUp,
            Some(wait) => match self.step(backoff.view(), now_us, wait, rng) {
                wait if wait > MAX_WAIT => Step::GiveUp,
                wait => Step::RetryAfter(wait),
            },
        }
    }

    /// [`Retrying::attempt`] on a schedule kept elsewhere.
    #[inline]
    pub fn attempt<const N: usize>(&self, backoff: &Backoff<N>) -> Attempt {
        let base_us = match self.failures {
            // Before the first failure the switch has not been read yet: read it now.
            0 if limits(backoff.view().attempts()).1 => backoff.view().first_base_us(),
            0 => 0,
            _ if self.sleeps => self.base_us,
            _ => 0,
        };
        Attempt::from_parts(self.failures.saturating_add(1), base_us)
    }

    /// [`Retrying::time_left`], on the schedule's `timeout_us` (kept there, not here: the
    /// state stays small, and the shared step smaller).
    #[inline]
    pub const fn time_left(&self, timeout_us: u64, now_us: u64) -> Option<u64> {
        // Testing mode and retrying off never wait, and apply no timeout.
        if timeout_us == NO_TIMEOUT || !self.sleeps {
            return Some(u64::MAX);
        }
        // Readings only ever get subtracted: a clock's `now` may start anywhere.
        let elapsed = now_us.saturating_sub(self.first_failure_us);
        if elapsed >= timeout_us {
            None
        } else {
            Some(timeout_us - elapsed)
        }
    }

    /// Whether a wait of `wait_us` from `now_us` still ends by the deadline: the check a loop
    /// makes again after its hooks ran, since they may have taken time.
    #[inline]
    pub const fn fits(&self, timeout_us: u64, now_us: u64, wait_us: u64) -> bool {
        match self.time_left(timeout_us, now_us) {
            Some(left) => wait_us <= left,
            None => false,
        }
    }

    /// Failed tries so far: in a retry loop's hook, the number of the retry being scheduled.
    #[inline]
    pub const fn failures(&self) -> u32 {
        self.failures
    }

    /// The progress of a loop whose first try just failed, at `now_us`: the global switch is
    /// read now, once for the whole loop.
    #[inline]
    fn started(now_us: u64, schedule: View<'_>) -> Self {
        let (attempts, sleeps) = limits(schedule.attempts());
        Self {
            attempts,
            sleeps,
            base_us: schedule.first_base_us(),
            first_failure_us: now_us,
            ..Self::NEW
        }
    }

    /// The step every retry loop shares: try number `failures + 1` failed at `now_us`, and the
    /// filter asked for `wait` ([`BACK_OFF`] or an override). Returns the wait in microseconds,
    /// or [`GIVE_UP`]. Not generic (the RNG is a trait object), so that every call site in a
    /// program calls the same code: a further call site costs only its call.
    #[inline(always)]
    fn step(&mut self, schedule: View<'_>, now_us: u64, wait: u64, rng: &mut dyn Rng) -> u64 {
        self.failures = self.failures.saturating_add(1);
        let base_us = self.base_us;
        self.base_us = schedule.following_base_us(self.failures, base_us);
        let next = self.next_wait(schedule, base_us, now_us, wait, rng);
        if let Jitter::Decorrelated = schedule.jitter_kind() {
            // Decorrelated waits grow from the last wait drawn, not from a jitter-free one.
            if wait == BACK_OFF && next <= MAX_WAIT && self.sleeps {
                self.base_us = next;
            } else {
                self.base_us = base_us;
            }
        }
        next
    }

    #[inline(always)]
    fn next_wait(
        &self,
        schedule: View<'_>,
        base_us: u64,
        now_us: u64,
        wait: u64,
        rng: &mut dyn Rng,
    ) -> u64 {
        // `attempts == 0` is unlimited: the timeout alone bounds the loop.
        if self.attempts != 0 && self.failures >= self.attempts {
            return GIVE_UP;
        }
        if !self.sleeps {
            return 0;
        }
        let Some(remaining) = self.time_left(schedule.timeout_us(), now_us) else {
            return GIVE_UP;
        };
        let wait = if wait == BACK_OFF {
            let random = if schedule.draws() { rng.next_u32() } else { 0 };
            schedule.jittered_us(base_us, random).min(MAX_WAIT)
        } else {
            // An override: no jitter, no cap, and the same deadline rule as any wait.
            wait
        };
        if wait > remaining {
            GIVE_UP
        } else {
            wait
        }
    }
}

/// [`Progress::step`]'s answer when the loop must give up. Never a wait: waits are at most
/// [`MAX_WAIT`], so a call site tells the two apart by one bit.
pub(crate) const GIVE_UP: u64 = u64::MAX;

/// The longest wait the state machine hands out: `i64::MAX` µs, 292,000 years. Longer ones
/// (from a `Duration::MAX` configuration) are cut to it.
pub(crate) const MAX_WAIT: u64 = i64::MAX as u64;

/// The step of the macros' loops, out of line: at the first failure it starts the loop's
/// progress, then it takes the step. One copy serves every call site of a program: each passes
/// its schedule as a slice and a reference, and its RNG as a trait object. The schedule travels
/// in registers rather than as a `View` in memory, so that when every site of a program uses
/// the same constant schedule (the default one, say), the optimiser folds it into this copy.
///
/// With `std` (a server, where speed counts more than bytes) it may be inlined instead, so that
/// a constant schedule folds into the loop.
#[cfg_attr(not(feature = "std"), inline(never))]
#[cfg_attr(feature = "std", inline)]
pub(crate) fn failed_at_site(
    state: &mut Option<Progress>,
    waits: &[u64],
    rules: &Rules,
    now_us: u64,
    wait: u64,
    rng: &mut dyn Rng,
) -> u64 {
    let progress = match state {
        Some(progress) => progress,
        None => state.insert(Progress::started(now_us, View { waits, rules })),
    };
    // Without this, the optimiser writes a second copy of the step for the first failure,
    // where it knows the progress; one copy is smaller, and on firmware a retry is never hot.
    #[cfg(not(feature = "std"))]
    let progress = core::hint::black_box(progress);
    progress.step(View { waits, rules }, now_us, wait, rng)
}

#[inline]
fn limits(configured: u32) -> (u32, bool) {
    match switch::mode() {
        Mode::Normal => (configured, true),
        Mode::Inactive => (1, false),
        Mode::Testing { attempts, cap } => {
            let fewer = configured != 0 && configured < attempts;
            (if cap && fewer { configured } else { attempts }, false)
        }
    }
}
