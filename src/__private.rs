//! Support for the macros' expansions: not public API, no stability promise.
//!
//! Every path an expansion uses goes through here (`$crate::__private::...`), `core` included,
//! so that user code with a `mod core`, `#![no_implicit_prelude]` or its own `Ok` cannot break
//! the macros. The logic lives in functions, which keeps each expansion small.

pub use core;
pub use core::option::Option::{self, None, Some};
pub use core::result::Result::{self, Err, Ok};
pub use core::{compile_error, concat, line, module_path, stringify};

use core::fmt::Debug;
use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;

pub use crate::report::Guards;
use crate::{micros, report, retrying};
use crate::{
    AsyncClock, Attempt, AttemptTimedOut, Backoff, Clock, Progress, RetryDetails, RetryOn, Rng,
};

/// The default schedule, as a constant: evaluated at compile time, never in the loop.
pub const DEFAULT_BACKOFF: Backoff = Backoff::new();

/// Runs one attempt of `retry!`: the operation's closure, called at once, so that a `?` or a
/// `return` in the operation ends the attempt rather than the enclosing function. `on` comes
/// first so that the error type is known from it before the closure is checked: the `?`
/// inside then knows what to convert its error into. Names the type the operation must have,
/// so that a non-`Result` is reported at the operation.
#[inline(always)]
pub fn attempt<T, E, M, On: RetryOn<E, M>>(
    _on: &On,
    operation: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    operation()
}

/// [`attempt`] for `retry_async!`: the operation's `async` block, pinned where it stands, as an
/// attempt whose result is the `Result` that `on` judges (see [`Attempting::poll_result`]).
#[inline(always)]
pub fn attempt_async<'a, T, E, M, On: RetryOn<E, M>, F>(
    _on: &On,
    operation: Pin<&'a mut F>,
) -> Attempting<'a, F, T, E> {
    Attempting {
        operation,
        result: PhantomData,
    }
}

/// The operation's future, whose output must be `Result<T, E>`.
#[allow(missing_debug_implementations)] // a wrapper for the macro only
pub struct Attempting<'a, F, T, E> {
    operation: Pin<&'a mut F>,
    // `fn() -> _`: the wrapper is `Send` and `Sync` whatever `T` and `E` are.
    result: PhantomData<fn() -> Result<T, E>>,
}

impl<F, T, E> Attempting<'_, F, T, E> {
    /// Polls the operation. An `async` block gets no expected type from its use, so its output
    /// is checked here, once the block is known, and only here (a method of the expansion, not
    /// a `Future` impl that `.await` would check again): anything but the `Result` that `on`
    /// judges is reported by [`AttemptOutput`] with what to write, rather than as a bare type
    /// mismatch, and an output still unknown (an operation that never ends at its tail, such as
    /// `todo!()`) becomes that `Result`.
    #[inline(always)]
    pub fn poll_result(&mut self, cx: &mut Context<'_>) -> Poll<Result<T, E>>
    where
        F: Future,
        Result<T, E>: AttemptOutput<F::Output>,
    {
        self.operation
            .as_mut()
            .poll(cx)
            .map(<Result<T, E>>::from_output)
    }
}

/// What an attempt of `retry_async!` must give: the `Result` that `on` judges. `Self` is that
/// `Result`, whose shape is known before the operation's output: with one impl, an output not
/// known yet becomes it.
#[diagnostic::on_unimplemented(
    message = "`retry_async!` needs the operation to give a `{Self}`, and it gives `{Output}`",
    label = "the operation's value is not the `Result` that `on` judges",
    note = "an `Option`: turn `None` into an error that `on` can retry, with `.ok_or(MyError::Missing)`; wrapped in `Ok(...)` it would compile and never retry",
    note = "a `Result` with another error type: convert it with `.map_err(...)`, or `?` inside the operation"
)]
pub trait AttemptOutput<Output> {
    fn from_output(output: Output) -> Self;
}

impl<T, E> AttemptOutput<Result<T, E>> for Result<T, E> {
    #[inline(always)]
    fn from_output(output: Result<T, E>) -> Self {
        output
    }
}

/// The binding of the `|attempt|` form: the try about to be made.
#[inline]
pub fn attempt_now<const N: usize>(progress: &Option<Progress>, backoff: &Backoff<N>) -> Attempt {
    match progress {
        Some(progress) => progress.attempt(backoff),
        None => Progress::NEW.attempt(backoff),
    }
}

/// The per-call `on_retry` hook, or none.
pub trait Hook<E> {
    /// Whether there is a hook to call: a slow hook makes the loop read its clock again.
    const PRESENT: bool = true;
    fn call(&mut self, details: &RetryDetails<'_, E>);
}

/// No `on_retry` key.
#[derive(Debug)]
pub struct NoHook;

impl<E> Hook<E> for NoHook {
    const PRESENT: bool = false;
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

/// One failed try at a call site: asks `on`, reads the clock, takes the shared step, draws
/// from the budget, reports the retry, checks that the wait still fits before the deadline
/// after the hooks ran (they may be slow during an outage), and answers the wait in µs with
/// the hooks' guards, or `None` to give up. Shared by the blocking and async loops. Inlined at
/// the site, it keeps there only what is generic; the step itself is out of line and shared.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub fn failed<const N: usize, E, M, H: Hook<E>>(
    state: &mut Option<Progress>,
    waited_us: &mut u64,
    backoff: &Backoff<N>,
    now: &mut impl FnMut() -> u64,
    error: &E,
    described: &dyn Debug,
    on: &mut impl RetryOn<E, M>,
    rng: &mut impl Rng,
    hook: &mut H,
    name: &impl Fn() -> &'static str,
    budget: &impl BudgetKey,
    nesting: &impl Nesting,
) -> Option<(u64, Guards)> {
    let decision = on.decide(error).wait_us()?;
    if nesting.enclosed() {
        return None;
    }
    // Read after `on` ran, so that its time counts.
    let now_us = now();
    let schedule = backoff.view();
    let wait_us =
        retrying::failed_at_site(state, schedule.waits, schedule.rules, now_us, decision, rng);
    // One bit tells a wait from giving up: cheaper at every call site than a comparison.
    if wait_us > retrying::MAX_WAIT || !budget.withdraw() {
        return None;
    }
    let waited_so_far_us = *waited_us;
    // Kept here rather than in the shared step: a call site that reports nothing drops it.
    *waited_us = waited_us.saturating_add(wait_us);
    let retry_num = match state {
        Some(progress) => progress.failures(),
        None => 0,
    };
    let details = RetryDetails {
        name: name(),
        retry_num,
        wait_for: micros::to_duration(wait_us),
        waited_so_far: micros::to_duration(waited_so_far_us),
        error,
        error_type: core::any::type_name::<E>(),
    };
    hook.call(&details);
    // Only built when someone listens: a loop on a server with no global hook (no report
    // feature, or `set_on_retry_hooks([])`) pays one atomic load per retry.
    let listened = report::listened();
    let guards = if listened {
        report::retry_scheduled(
            &RetryDetails {
                error: described,
                name: details.name,
                retry_num: details.retry_num,
                wait_for: details.wait_for,
                waited_so_far: details.waited_so_far,
                error_type: details.error_type,
            },
            wait_us,
        )
    } else {
        Guards::NONE
    };
    if H::PRESENT || listened {
        // The hooks took time: the wait must still end by the deadline.
        if let Some(progress) = state {
            if !progress.fits(schedule.timeout_us(), now(), wait_us) {
                return None;
            }
        }
    }
    Some((wait_us, guards))
}

/// Takes `name = "..."`: evaluated once, like every key.
#[inline(always)]
pub fn name(name: &'static str) -> impl Fn() -> &'static str {
    move || name
}

/// The hooks' guards end with the wait they announced: dropped here, once.
#[inline(always)]
pub fn wait_ended(guards: Guards) {
    guards.end();
}

/// The error as `dyn Debug` when its type is `Debug`, else a placeholder: picked by method
/// resolution at the call site (`(&Described(&e)).described()` with both traits in scope),
/// where the type is known, so reporting never asks the error type for a bound.
#[allow(missing_debug_implementations)] // a wrapper for method resolution only
pub struct Described<'a, T>(pub &'a T);

pub trait ViaDebug<'a> {
    fn described(&self) -> &'a dyn Debug;
}

impl<'a, T: Debug> ViaDebug<'a> for Described<'a, T> {
    #[inline(always)]
    fn described(&self) -> &'a dyn Debug {
        self.0
    }
}

pub trait ViaPlaceholder<'a> {
    fn described(&self) -> &'a dyn Debug;
}

impl<'a, T> ViaPlaceholder<'a> for &Described<'a, T> {
    #[inline(always)]
    fn described(&self) -> &'a dyn Debug {
        &NotDebug
    }
}

/// How an error whose type is not `Debug` shows in reports (`error_type` names the type).
struct NotDebug;

impl Debug for NotDebug {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("<error type without Debug>")
    }
}

/// The `budget` key: every scheduled retry withdraws, every success deposits.
pub trait BudgetKey {
    fn withdraw(&self) -> bool;
    fn deposit(&self);
}

/// No `budget` key.
#[derive(Debug)]
pub struct NoBudget;

impl BudgetKey for NoBudget {
    #[inline(always)]
    fn withdraw(&self) -> bool {
        true
    }
    #[inline(always)]
    fn deposit(&self) {}
}

#[cfg(target_has_atomic = "32")]
impl BudgetKey for &crate::Budget {
    #[inline]
    fn withdraw(&self) -> bool {
        self.try_withdraw()
    }
    #[inline]
    fn deposit(&self) {
        let _ = crate::Budget::deposit(self);
    }
}

/// Takes `budget = &B` (a `&Budget`, or a `&Arc<Budget>` through deref).
#[cfg(target_has_atomic = "32")]
#[inline(always)]
pub fn budget(budget: &crate::Budget) -> &crate::Budget {
    budget
}

/// The `flatten` key: whether an enclosing loop makes this one try once.
pub trait Nesting {
    fn enclosed(&self) -> bool;
}

/// No `flatten` key.
#[derive(Debug)]
pub struct NotFlattened;

impl Nesting for NotFlattened {
    #[inline(always)]
    fn enclosed(&self) -> bool {
        false
    }
}

#[cfg(feature = "std")]
pub use crate::nesting::{flatten, Flattened};

/// For doctests: an `AttemptTimedOut` of `us` µs.
pub const fn attempt_timed_out(us: u64) -> AttemptTimedOut {
    AttemptTimedOut::after_us(us)
}

/// The per-attempt timeout of `retry_async!`, in µs, at most the longest wait a clock is
/// asked for (`i64::MAX` µs).
#[inline]
pub fn attempt_timeout_us(timeout: impl DurationKey) -> u64 {
    micros::from_duration(timeout.duration()).min(retrying::MAX_WAIT)
}

/// The time an attempt after a failure may take: `limit_us`, cut to the time left at `now_us`
/// before the loop's deadline (zero once it is reached). Before the first failure there is no
/// deadline yet, and the loop uses `limit_us` as it is, reading no clock.
#[inline]
pub fn attempt_limit_us<const N: usize>(
    limit_us: u64,
    progress: &Progress,
    backoff: &Backoff<N>,
    now_us: u64,
) -> u64 {
    match progress.time_left(backoff.view().timeout_us(), now_us) {
        Some(left) => limit_us.min(left),
        None => 0,
    }
}

/// What the keys that take a `Duration` accept: a `Duration`, and a clear error otherwise.
#[diagnostic::on_unimplemented(
    message = "this key takes a `core::time::Duration`, not `{Self}`",
    label = "expected a `Duration`",
    note = "write e.g. `Duration::from_secs(30)` or `Duration::from_millis(250)`"
)]
pub trait DurationKey {
    fn duration(self) -> Duration;
}

impl DurationKey for Duration {
    #[inline(always)]
    fn duration(self) -> Duration {
        self
    }
}

/// Takes the value of a key that is a `Duration`.
#[inline(always)]
pub fn duration_key(value: impl DurationKey) -> Option<Duration> {
    Some(value.duration())
}

/// Runs one attempt against the clock: the attempt's result, or `timed_out` of an
/// `AttemptTimedOut` if the clock's sleep ends first. The attempt is polled first, alone, so an
/// attempt that is ready at once always wins and starts no sleep; with a limit of zero, an
/// attempt that is not ready at once times out without sleeping (a clock is never asked for a
/// zero wait).
pub async fn race<T, E, C: AsyncClock>(
    attempt: impl Future<Output = Result<T, E>>,
    clock: &mut C,
    timeout_us: u64,
    timed_out: impl FnOnce(AttemptTimedOut) -> E,
) -> Result<T, E> {
    let mut attempt = core::pin::pin!(attempt);
    // The clock's sleep starts only if the attempt is not ready at once: a test clock that
    // records its sleeps then records none for an attempt that did not wait.
    let first = core::future::poll_fn(|cx| match attempt.as_mut().poll(cx) {
        Poll::Ready(result) => Poll::Ready(Some(result)),
        Poll::Pending => Poll::Ready(None),
    })
    .await;
    if let Some(result) = first {
        return result;
    }
    if timeout_us == 0 {
        return Err(timed_out(AttemptTimedOut::after_us(0)));
    }
    let mut sleep = core::pin::pin!(clock.sleep_us(timeout_us));
    let finished = core::future::poll_fn(|cx| {
        if let Poll::Ready(result) = attempt.as_mut().poll(cx) {
            return Poll::Ready(Some(result));
        }
        sleep.as_mut().poll(cx).map(|()| None)
    })
    .await;
    match finished {
        Some(result) => result,
        None => Err(timed_out(AttemptTimedOut::after_us(timeout_us))),
    }
}

/// What a timed-out attempt becomes with `attempt_timeout = d`: `E::from(AttemptTimedOut)`.
/// Called in a closure of the expansion, so that its bound is checked there alone.
#[inline(always)]
pub fn timed_out_into<E: FromAttemptTimedOut>(timed_out: AttemptTimedOut) -> E {
    E::from_attempt_timed_out(timed_out)
}

/// `From<AttemptTimedOut>`, under a name whose error says what to write when it is missing:
/// the `(d, f)` form, the only one for an error type of another crate (the orphan rule keeps
/// the user from implementing `From` for it).
#[diagnostic::on_unimplemented(
    message = "`attempt_timeout = d` needs `From<AttemptTimedOut>` for the operation's error type `{Self}`, to turn a timed-out attempt into one",
    label = "`{Self}` does not implement `From<stamina::AttemptTimedOut>`",
    note = "implement `From<stamina::AttemptTimedOut> for {Self}`, or say what a timed-out attempt becomes with `attempt_timeout = (d, |timed_out| ...)`, e.g. `(d, MyError::Slow)` or `(d, |_| MyError::Slow)`: the way for an error type of another crate"
)]
pub trait FromAttemptTimedOut {
    fn from_attempt_timed_out(timed_out: AttemptTimedOut) -> Self;
}

impl<E: From<AttemptTimedOut>> FromAttemptTimedOut for E {
    #[inline(always)]
    fn from_attempt_timed_out(timed_out: AttemptTimedOut) -> Self {
        E::from(timed_out)
    }
}

/// Reads a blocking clock (named so that an async clock given to `retry!` fails clearly).
#[inline]
pub fn now<C: Clock>(clock: &mut C) -> u64 {
    clock.now_us()
}

/// Sleeps unless there is nothing to wait (testing mode, zero waits): a clock is never asked
/// for a zero wait.
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

/// Waits on the clock; a zero wait (testing mode, `RetryAfter(0)`, `wait_initial = 0`) yields
/// to the executor once instead, as Python's `sleep(0)` does, so that a loop of zero waits
/// never starves the other tasks of its thread.
#[inline]
pub async fn sleep_async<C: AsyncClock>(clock: &mut C, us: u64) {
    if us > 0 {
        clock.sleep_us(us).await;
    } else {
        YieldNow(false).await;
    }
}

/// Pending once (after asking to be polled again), then ready.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();

    fn poll(
        mut self: core::pin::Pin<&mut Self>,
        cx: &mut core::task::Context<'_>,
    ) -> core::task::Poll<()> {
        if self.0 {
            return core::task::Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        core::task::Poll::Pending
    }
}
