//! The `on` filter: which errors are worth retrying. There is no default: retrying on every
//! error is an attractive nuisance, so the caller names the errors. The filters over
//! `io::ErrorKind` (`std`) are in `io.rs` next to this file.

use crate::Decision;

#[cfg(feature = "std")]
mod io;

#[cfg(feature = "std")]
pub use io::Kinds;

/// Decides, for one error, whether to retry: what the `on = ...` key of the macros takes.
///
/// Implemented for:
///
/// - closures and functions `FnMut(&E) -> bool` and `FnMut(&E) -> Decision`. The closure's
///   parameter needs its type written, `|e: &MyError| ...`: the macro checks `on` before it
///   knows the operation's error type;
/// - with `std`, [`std::io::ErrorKind`](https://doc.rust-lang.org/std/io/enum.ErrorKind.html), an array or a slice of them, for `std::io::Error`.
///
/// `M` only tells the implementations for closures apart; your own filters leave it out.
///
/// # Examples
///
/// A filter of your own:
///
/// ```
/// use stamina::{Decision, RetryOn};
///
/// #[derive(Debug)]
/// struct HttpError { status: u16 }
///
/// /// Retries 5xx and 429, nothing else.
/// struct Transient;
///
/// impl RetryOn<HttpError> for Transient {
///     fn decide(&mut self, e: &HttpError) -> Decision {
///         (e.status >= 500 || e.status == 429).into()
///     }
/// }
///
/// let mut calls = 0;
/// let result: Result<(), HttpError> = stamina::retry!(
///     on = Transient,
///     attempts = 3,
///     wait_initial = core::time::Duration::ZERO,
///     wait_jitter = core::time::Duration::ZERO,
///     { calls += 1; Err(HttpError { status: 503 }) }
/// );
/// assert_eq!(calls, 3);
/// assert_eq!(result.unwrap_err().status, 503);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot decide whether to retry a `{E}`",
    label = "`on` needs a filter for this error type",
    note = "`on` takes a closure `|e: &{E}| -> bool` (or `-> stamina::Decision`), with the parameter's type written, or an `io::ErrorKind` (or an array of them) for `io::Error`"
)]
pub trait RetryOn<E: ?Sized, M = ()> {
    /// The verdict on `error`.
    fn decide(&mut self, error: &E) -> Decision;
}

/// What a filter closure may return: `bool` (retry or not) or [`Decision`].
///
/// ```
/// use stamina::{Decision, RetryOn};
///
/// let mut by_bool = |e: &u8| *e > 1;
/// let mut by_decision = |_: &u8| Decision::GiveUp;
/// assert_eq!(by_bool.decide(&2), Decision::Retry);
/// assert_eq!(by_decision.decide(&2), Decision::GiveUp);
/// ```
pub trait IntoDecision: Into<Decision> {}

impl IntoDecision for bool {}
impl IntoDecision for Decision {}

impl<E: ?Sized, F, R> RetryOn<E, R> for F
where
    F: FnMut(&E) -> R,
    R: IntoDecision,
{
    fn decide(&mut self, error: &E) -> Decision {
        self(error).into()
    }
}
