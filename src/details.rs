//! What a hook learns about each scheduled retry.

use core::time::Duration;

/// One scheduled retry, as hooks see it: handed to the `on_retry` hook before the wait.
/// Nothing is reported on success or on the final give-up.
///
/// # Examples
///
/// ```
/// use stamina::RetryDetails;
///
/// let mut log = [(0u32, 0u128); 2];
/// let r: Result<(), &str> = stamina::retry!(
///     on = |_: &&str| true,
///     attempts = 3,
///     wait_jitter = core::time::Duration::ZERO,
///     clock = &stamina::testing::ManualClock::new(),
///     on_retry = |d: &RetryDetails<'_, &str>| log[d.retry_num as usize - 1] = (d.retry_num, d.wait_for.as_millis()),
///     Err("busy")
/// );
/// assert_eq!(log, [(1, 100), (2, 200)]);
/// # assert!(r.is_err());
/// ```
#[derive(Debug)]
#[non_exhaustive]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RetryDetails<'a, E: ?Sized> {
    /// The call site: `name = "..."` if given, else the module path and the operation's text.
    pub name: &'static str,
    /// Which retry this is: 1 for the retry after the first failure.
    pub retry_num: u32,
    /// The wait before this retry, jitter included.
    pub wait_for: Duration,
    /// The total of the waits before earlier retries of this call.
    pub waited_so_far: Duration,
    /// The error that caused the retry.
    pub error: &'a E,
    /// The error's type, as `core::any::type_name` spells it.
    pub error_type: &'static str,
}

// Not derived: a derive would ask `E: Clone`, but only a reference to `E` is copied.
impl<E: ?Sized> Clone for RetryDetails<'_, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E: ?Sized> Copy for RetryDetails<'_, E> {}
