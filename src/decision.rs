//! What the `on` filter says about an error: give up, retry on schedule, or retry after a wait
//! of its own choosing.

use core::time::Duration;

/// The verdict of an `on` filter on one error.
///
/// # Examples
///
/// Honour a server's `Retry-After` (clamped to the retry loop's deadline):
///
/// ```
/// use core::time::Duration;
/// use stamina::Decision;
///
/// enum ApiError { Busy { retry_after_s: u64 }, Unavailable, BadRequest }
///
/// fn classify(e: &ApiError) -> Decision {
///     match e {
///         ApiError::Busy { retry_after_s } => Decision::RetryAfter(Duration::from_secs(*retry_after_s)),
///         ApiError::Unavailable => Decision::Retry,
///         ApiError::BadRequest => Decision::GiveUp,
///     }
/// }
/// assert_eq!(classify(&ApiError::BadRequest), Decision::GiveUp);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Decision {
    /// Not worth retrying: the loop returns this error at once.
    GiveUp,
    /// Retry after the schedule's next wait.
    Retry,
    /// Retry after this wait instead of the schedule's (not capped by `wait_max`, no jitter
    /// added, but clamped to the deadline so that a hostile server cannot park the caller).
    /// Without a timeout nothing bounds it: keep a timeout when honouring a server's
    /// `Retry-After`.
    RetryAfter(Duration),
}

impl From<bool> for Decision {
    /// `true` is [`Decision::Retry`], `false` is [`Decision::GiveUp`].
    ///
    /// ```
    /// assert_eq!(stamina::Decision::from(true), stamina::Decision::Retry);
    /// ```
    fn from(retry: bool) -> Self {
        if retry {
            Decision::Retry
        } else {
            Decision::GiveUp
        }
    }
}
