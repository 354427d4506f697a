//! Support for the macros' expansions: not public API, no stability promise.
//!
//! Every path an expansion uses goes through here (`$crate::__private::...`), `core` included,
//! so that user code with a `mod core`, `#![no_implicit_prelude]` or its own `Ok` cannot break
//! the macros. The logic lives in functions, which keeps each expansion small.

pub use core;
pub use core::option::Option::{self, None, Some};
pub use core::result::Result::{self, Err, Ok};
pub use core::{compile_error, concat, module_path, stringify};

use core::time::Duration;

use crate::{micros, retrying, AsyncClock, Backoff, Clock, Progress, RetryDetails, RetryOn, Rng};

/// The default schedule, as a constant: evaluated at compile time, never in the loop.
pub const DEFAULT_BACKOFF: Backoff = Backoff::new();

/// Names the type the operation must have, so that a non-`Result` is reported at the operation,
/// once, with rustc's own "wrap it in `Ok`" suggestion.
#[inline(always)]
pub fn operation_result<T, E>(result: Result<T, E>) -> Result<T, E> {
    result
}

/// The per-call `on_retry` hook, or none.
pub trait Hook<E> {
    fn call(&mut self, details: &RetryDetails<'_, E>);
}

/// No `on_retry` key.
#[derive(Debug)]
pub struct NoHook;

impl<E> Hook<E> for NoHook {
    #[inline(always)]
    fn call(&mut self, _: &RetryDetails<'_, E>) {}
}

impl<E, F: FnMut(&RetryDetails<'_, E>)> Hook<E> for F {
    #[inline]
    fn call(&mut self, details: &RetryDetails<'_, E>) {
        self(details);
    }
}

/// The schedule from `backoff = ...` (or the default) and the schedule keys, in that order.
/// Always inlined: the keys left out are `None` constants and their branches vanish.
#[inline(always)]
pub fn schedule<const N: usize>(
    backoff: Backoff<N>,
    attempts: Option<u32>,
    timeout: Option<Duration>,
    wait_initial: Option<Duration>,
    wait_max: Option<Duration>,
    wait_jitter: Option<Duration>,
    wait_exp_base: Option<(u32, u32)>,
) -> Backoff<N> {
    let mut b = backoff;
    if let Some(n) = attempts {
        b = b.attempts(n);
    }
    if let Some(t) = timeout {
        b = b.timeout(t);
    }
    if let Some(m) = wait_max {
        b = b.wait_max(m);
    }
    if let Some(w) = wait_initial {
        b = b.wait_initial(w);
    }
    if let Some((num, den)) = wait_exp_base {
        b = b.wait_exp_base_ratio(num, den);
    }
    if let Some(j) = wait_jitter {
        b = b.wait_jitter(j);
    }
    b
}

/// What `wait_exp_base = ...` takes: an integer factor or a `(num, den)` ratio.
pub trait ExpBaseArg {
    fn ratio(self) -> (u32, u32);
}

impl ExpBaseArg for u32 {
    fn ratio(self) -> (u32, u32) {
        (self, 1)
    }
}

impl ExpBaseArg for (u32, u32) {
    fn ratio(self) -> (u32, u32) {
        self
    }
}

#[inline]
pub fn exp_base(arg: impl ExpBaseArg) -> Option<(u32, u32)> {
    Some(arg.ratio())
}

/// One failed try at a call site: asks `on`, takes the shared step, tells the hook, and answers
/// the wait in µs, or `None` to give up. Shared by the blocking and async loops. Inlined at the
/// site, it keeps there only what is generic; the step itself is out of line and shared.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn failed<const N: usize, E, M>(
    state: &mut Option<Progress>,
    waited_us: &mut u64,
    backoff: &Backoff<N>,
    now_us: u64,
    error: &E,
    on: &mut impl RetryOn<E, M>,
    rng: &mut impl Rng,
    hook: &mut impl Hook<E>,
    name: &'static str,
) -> Option<u64> {
    let decision = on.decide(error).wait_us()?;
    let waited_so_far = micros::to_duration(*waited_us);
    let schedule = backoff.view();
    let wait_us =
        retrying::failed_at_site(state, schedule.waits, schedule.rules, now_us, decision, rng);
    // One bit tells a wait from giving up: cheaper at every call site than a comparison.
    if wait_us > retrying::MAX_WAIT {
        return None;
    }
    // Kept here rather than in the shared step: a call site that reports nothing drops it.
    *waited_us = waited_us.saturating_add(wait_us);
    let retry_num = match state {
        Some(progress) => progress.failures(),
        None => 0,
    };
    #[cfg(feature = "defmt")]
    defmt::warn!(
        "stamina.retry_scheduled {=str} retry_num={=u32} wait_us={=u64}",
        name,
        retry_num,
        wait_us
    );
    hook.call(&RetryDetails {
        name,
        retry_num,
        wait_for: micros::to_duration(wait_us),
        waited_so_far,
        error,
    });
    Some(wait_us)
}

/// Reads a blocking clock (named so that an async clock given to `retry!` fails clearly).
#[inline]
pub fn now<C: Clock>(clock: &mut C) -> u64 {
    clock.now_us()
}

/// Sleeps unless there is nothing to wait (testing mode, zero waits).
#[inline]
pub fn sleep<C: Clock>(clock: &mut C, us: u64) {
    if us > 0 {
        clock.sleep_us(us);
    }
}

#[inline]
pub fn now_async<C: AsyncClock>(clock: &mut C) -> u64 {
    clock.now_us()
}

/// Waits unless there is nothing to wait.
#[inline]
pub async fn sleep_async<C: AsyncClock>(clock: &mut C, us: u64) {
    if us > 0 {
        clock.sleep_us(us).await;
    }
}
