//! One attempt: the operation run once, as a closure (`retry!`) or an `async` block
//! (`retry_async!`), its output checked against what `on` judges, and its race against the
//! clock with `attempt_timeout`.

use core::future::Future;
use core::marker::PhantomData;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::call_site::keys::DurationKey;
use crate::encoded_wait::EncodedWait;
use crate::{micros, AsyncClock, AttemptTimedOut, RetryOn};

/// Runs one attempt of `retry!`: the operation's closure, called at once, so that a `?` or a
/// `return` in the operation ends the attempt rather than the enclosing function. `on` comes
/// first so that the error type is known from it before the closure is checked: the `?`
/// inside then knows what to convert its error into. Names the type the operation must have,
/// so that a non-`Result` is reported at the operation.
///
/// # Errors
///
/// The operation's error, as it gave it.
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
    /// The output, as that `Result`.
    fn from_output(output: Output) -> Self;
}

impl<T, E> AttemptOutput<Result<T, E>> for Result<T, E> {
    #[inline(always)]
    fn from_output(output: Result<T, E>) -> Self {
        output
    }
}

/// For doctests: an `AttemptTimedOut` of `us` µs.
#[must_use]
pub const fn attempt_timed_out(us: u64) -> AttemptTimedOut {
    AttemptTimedOut::after_us(us)
}

/// The per-attempt timeout of `retry_async!`, in µs, at most the longest wait a clock is
/// asked for (`i64::MAX` µs).
#[inline]
pub fn attempt_timeout_us(timeout: impl DurationKey) -> u64 {
    micros::from_duration(timeout.duration()).min(EncodedWait::MAX_US)
}

/// Runs one attempt against the clock: the attempt's result, or `timed_out` of an
/// `AttemptTimedOut` if the clock's sleep ends first. The attempt is polled first, alone, so an
/// attempt that is ready at once always wins and starts no sleep; with a limit of zero, an
/// attempt that is not ready at once times out without sleeping (a clock is never asked for a
/// zero wait).
///
/// # Errors
///
/// The attempt's error, or `timed_out`'s value when the clock wins.
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
#[must_use]
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
    /// `E::from(timed_out)`.
    fn from_attempt_timed_out(timed_out: AttemptTimedOut) -> Self;
}

impl<E: From<AttemptTimedOut>> FromAttemptTimedOut for E {
    #[inline(always)]
    fn from_attempt_timed_out(timed_out: AttemptTimedOut) -> Self {
        E::from(timed_out)
    }
}
