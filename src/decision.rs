//! What the `on` filter says about an error: give up, retry on schedule, or retry after a wait
//! of its own choosing.

use core::time::Duration;

use crate::encoded_wait::EncodedWait;
use crate::micros;

/// The verdict of an `on` filter on one error.
///
/// # Examples
///
/// Honour a server's `Retry-After` (the loop gives up at once if it ends after its deadline):
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
    /// added). A wait that would end after the loop's deadline gives up at once with this
    /// error, like any other wait: the caller never comes back before the server allowed it,
    /// and a hostile server cannot park it. Without a timeout nothing bounds it: keep a
    /// timeout when honouring a server's `Retry-After`.
    RetryAfter(Duration),
}

impl Decision {
    /// The decision as the shared step takes it: `None` to give up, else the wait that `on`
    /// asked for ([`EncodedWait::SCHEDULED`] for the schedule's). One integer instead of a
    /// 16-byte enum, so that the step, not generic, takes it in a register.
    #[inline]
    pub(crate) const fn encoded(self) -> Option<EncodedWait> {
        match self {
            Decision::GiveUp => None,
            Decision::Retry => Some(EncodedWait::SCHEDULED),
            Decision::RetryAfter(wait) => Some(EncodedWait::after_us(micros::from_duration(wait))),
        }
    }
}

impl From<bool> for Decision {
    /// `true` is [`Decision::Retry`], `false` is [`Decision::GiveUp`].
    ///
    /// ```
    /// assert_eq!(stamina::Decision::from(true), stamina::Decision::Retry);
    /// ```
    #[inline]
    fn from(retry: bool) -> Self {
        if retry {
            Decision::Retry
        } else {
            Decision::GiveUp
        }
    }
}
