//! The retry state machine as a public value, for drivers of their own: told "try n failed at
//! time t", it answers "retry after this wait" or "give up". Sans-IO: it never sleeps and never
//! reads a clock, so a firmware super-loop or a simulation drives it as the macros do (on the
//! same state and step, [`crate::loop_state`]).

use core::time::Duration;

use crate::loop_state::LoopState;
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
    state: LoopState,
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
            state: LoopState::new(),
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
    #[inline(always)] // a constant schedule folds into the caller's loop
    pub fn failed(&mut self, now_us: u64, decision: Decision, rng: &mut impl Rng) -> Step {
        let Some(wanted) = decision.encoded() else {
            return Step::GiveUp;
        };
        match self
            .state
            .advance(self.backoff.view(), now_us, wanted, rng, true)
            .wait_us()
        {
            Some(wait) => Step::RetryAfter(wait),
            None => Step::GiveUp,
        }
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
        self.state.retries()
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
        micros::to_duration(self.state.waited_us())
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
        self.state
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
        self.state.attempt(self.backoff.view())
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
