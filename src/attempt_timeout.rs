//! The error value of an attempt that ran out of time (`attempt_timeout = ...` in
//! `retry_async!`).

use core::fmt;
use core::time::Duration;

use crate::micros;

/// An attempt of `retry_async!` took longer than its `attempt_timeout` and was dropped.
///
/// The loop turns it into the operation's error type with `From`, so that `on` sees it like any
/// other error: implement `From<AttemptTimedOut>` for your error type (with `std` it is done
/// for `std::io::Error`, as `ErrorKind::TimedOut`). For an error type of another crate, which
/// cannot have that impl, say what it becomes with `attempt_timeout = (d, f)`, e.g.
/// `(d, |_| MyError::Slow)`.
///
/// # Examples
///
/// ```
/// use stamina::AttemptTimedOut;
///
/// #[derive(Debug)]
/// enum FetchError { Slow, Refused }
///
/// impl From<AttemptTimedOut> for FetchError {
///     fn from(_: AttemptTimedOut) -> Self { FetchError::Slow }
/// }
/// # let _ = FetchError::Refused;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AttemptTimedOut {
    after_us: u64,
}

impl AttemptTimedOut {
    pub(crate) const fn after_us(after_us: u64) -> Self {
        Self { after_us }
    }

    /// How long the attempt was given.
    ///
    /// ```
    /// # let e: stamina::AttemptTimedOut = stamina::__private::attempt_timed_out(250_000);
    /// assert_eq!(e.after(), core::time::Duration::from_millis(250));
    /// ```
    #[must_use]
    pub const fn after(&self) -> Duration {
        micros::to_duration(self.after_us)
    }
}

impl fmt::Display for AttemptTimedOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the attempt timed out after {:?}", self.after())
    }
}

impl core::error::Error for AttemptTimedOut {}

#[cfg(feature = "std")]
impl From<AttemptTimedOut> for std::io::Error {
    fn from(timed_out: AttemptTimedOut) -> Self {
        std::io::Error::new(std::io::ErrorKind::TimedOut, timed_out)
    }
}
