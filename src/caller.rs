//! The function API: a retry policy configured once, then called with closures, for code that
//! prefers no macros (stamina's `RetryingCaller`). It runs the same loop as the macros.

use crate::{AsyncClock, Backoff, Clock, Decision, RetryOn, Rng, DEFAULT_TABLE_LEN};

/// A reusable retry policy: which errors to retry (`on`), the schedule, the clock and the RNG.
/// [`call`](Self::call) retries a closure, [`call_async`](Self::call_async) an async one; both
/// behave exactly like [`retry!`](crate::retry!) and [`retry_async!`](crate::retry_async!)
/// with the same keys (global switch, hooks and reports included).
///
/// # Examples
///
/// ```
/// use core::time::Duration;
/// use stamina::RetryingCaller;
///
/// #[derive(Debug, PartialEq)]
/// enum DbError { Busy, Corrupt }
///
/// let mut caller = RetryingCaller::new(|e: &DbError| *e == DbError::Busy)
///     .backoff(stamina::Backoff::new().attempts(3).wait_initial(Duration::from_millis(1)))
///     .clock(stamina::testing::ManualClock::new());
///
/// let mut busy = 2;
/// let row = caller.call(|| if busy > 0 { busy -= 1; Err(DbError::Busy) } else { Ok(42) });
/// assert_eq!(row, Ok(42));
/// assert_eq!(caller.call(|| Err::<u8, _>(DbError::Corrupt)), Err(DbError::Corrupt));
/// ```
#[derive(Clone, Debug)]
pub struct RetryingCaller<On, C, R, const N: usize = DEFAULT_TABLE_LEN> {
    on: On,
    backoff: Backoff<N>,
    clock: C,
    rng: R,
    name: &'static str,
}

#[cfg(feature = "std")]
impl<On> RetryingCaller<On, crate::StdClock, crate::StdRng> {
    /// A policy that retries the errors `on` accepts, on the default schedule, with the `std`
    /// clock and RNG (change them with [`clock`](Self::clock) and [`rng`](Self::rng); async
    /// calls need an async clock, such as `TokioClock`).
    ///
    /// ```
    /// let caller = stamina::RetryingCaller::new(|e: &std::io::Error| e.kind() == std::io::ErrorKind::TimedOut);
    /// # drop(caller);
    /// ```
    pub const fn new(on: On) -> Self {
        Self::with_parts(on, crate::StdClock::new(), crate::StdRng::new())
    }
}

impl<On, C, R> RetryingCaller<On, C, R> {
    /// A policy with its clock and RNG given (the constructor without `std`), on the default
    /// schedule.
    ///
    /// ```
    /// use stamina::{testing::ManualClock, FastRng, RetryingCaller};
    /// let caller = RetryingCaller::with_parts(|_: &()| true, ManualClock::new(), FastRng::new(7));
    /// # drop(caller);
    /// ```
    pub const fn with_parts(on: On, clock: C, rng: R) -> Self {
        Self {
            on,
            backoff: Backoff::new(),
            clock,
            rng,
            name: "stamina::RetryingCaller",
        }
    }
}

impl<On, C, R, const N: usize> RetryingCaller<On, C, R, N> {
    /// The same policy on another schedule.
    ///
    /// ```
    /// let caller = stamina::RetryingCaller::new(|_: &()| true).backoff(stamina::Backoff::new().attempts(3));
    /// # drop(caller);
    /// ```
    pub fn backoff<const M: usize>(self, backoff: Backoff<M>) -> RetryingCaller<On, C, R, M> {
        RetryingCaller {
            on: self.on,
            backoff,
            clock: self.clock,
            rng: self.rng,
            name: self.name,
        }
    }

    /// The same policy with another clock (an [`AsyncClock`] for
    /// [`call_async`](Self::call_async)).
    ///
    /// ```
    /// let caller = stamina::RetryingCaller::new(|_: &()| true).clock(stamina::testing::ManualClock::new());
    /// # drop(caller);
    /// ```
    pub fn clock<D>(self, clock: D) -> RetryingCaller<On, D, R, N> {
        RetryingCaller {
            on: self.on,
            backoff: self.backoff,
            clock,
            rng: self.rng,
            name: self.name,
        }
    }

    /// The same policy with another jitter RNG.
    ///
    /// ```
    /// let caller = stamina::RetryingCaller::new(|_: &()| true).rng(stamina::FastRng::new(1));
    /// # drop(caller);
    /// ```
    pub fn rng<S>(self, rng: S) -> RetryingCaller<On, C, S, N> {
        RetryingCaller {
            on: self.on,
            backoff: self.backoff,
            clock: self.clock,
            rng,
            name: self.name,
        }
    }

    /// The name that reports and hooks give the call site (`"stamina::RetryingCaller"` by
    /// default).
    ///
    /// ```
    /// let caller = stamina::RetryingCaller::new(|_: &()| true).name("db.query");
    /// # drop(caller);
    /// ```
    #[must_use]
    pub const fn name(mut self, name: &'static str) -> Self {
        self.name = name;
        self
    }

    /// Calls `op` until it succeeds, returns an error that `on` does not retry, or the schedule
    /// gives up; returns the last result unchanged.
    ///
    /// # Errors
    ///
    /// The last error of `op`, unchanged, once the loop stops retrying.
    ///
    /// ```
    /// let mut caller = stamina::RetryingCaller::new(|_: &&str| true)
    ///     .clock(stamina::testing::ManualClock::new());
    /// let mut tries = 0;
    /// let r: Result<(), &str> = caller.call(|| { tries += 1; Err("down") });
    /// assert_eq!((r, tries), (Err("down"), 10));
    /// ```
    #[inline(always)] // like a macro call site: a success costs what the operation costs
    pub fn call<T, E, M>(&mut self, mut op: impl FnMut() -> Result<T, E>) -> Result<T, E>
    where
        On: RetryOn<E, M>,
        C: Clock,
        R: Rng,
    {
        let Self {
            on,
            backoff,
            clock,
            rng,
            name,
        } = self;
        crate::retry!(
            on = |e: &E| -> Decision { on.decide(e) },
            backoff = *backoff,
            clock = &mut *clock,
            rng = &mut *rng,
            name = *name,
            op()
        )
    }

    /// [`call`](Self::call) for an async closure, waiting on an [`AsyncClock`].
    ///
    /// # Errors
    ///
    /// The last error of `op`, unchanged, once the loop stops retrying.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() {
    /// // TokioClock (feature `tokio`) on a real server; a manual clock here.
    /// let mut caller = stamina::RetryingCaller::new(|_: &&str| true)
    ///     .clock(stamina::testing::ManualClock::new());
    /// let mut tries = 0;
    /// let r: Result<u8, &str> = caller
    ///     .call_async(async || { tries += 1; if tries < 3 { Err("busy") } else { Ok(7) } })
    ///     .await;
    /// assert_eq!(r, Ok(7));
    /// # }
    /// ```
    #[inline]
    pub async fn call_async<T, E, M>(
        &mut self,
        mut op: impl AsyncFnMut() -> Result<T, E>,
    ) -> Result<T, E>
    where
        On: RetryOn<E, M>,
        C: AsyncClock,
        R: Rng,
    {
        let Self {
            on,
            backoff,
            clock,
            rng,
            name,
        } = self;
        crate::retry_async!(
            on = |e: &E| -> Decision { on.decide(e) },
            backoff = *backoff,
            clock = &mut *clock,
            rng = &mut *rng,
            name = *name,
            op().await
        )
    }
}
