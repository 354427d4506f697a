//! A wait, or the absence of one, in one `u64`: the currency of the shared step.
//!
//! Every call site of a program calls the same out-of-line step (see [`crate::call_site`]), so
//! what crosses it must be cheap to pass and cheap to test: one register, where a wait is a
//! value of at most [`EncodedWait::MAX_US`] and "no wait" is a value above it. A call site then
//! tells a wait from giving up by one bit instead of a branch on an enum.

/// A wait in µs, or none.
///
/// "None" means, in the two places the type travels:
/// - from the `on` filter into the step ([`EncodedWait::SCHEDULED`]): no wait of its own, wait
///   as the schedule says;
/// - from the step back to the loop ([`EncodedWait::GIVE_UP`]): no further wait, give up.
#[repr(transparent)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct EncodedWait(u64);

/// The one value that means "no wait": above every wait.
const NONE: u64 = u64::MAX;

impl EncodedWait {
    /// The longest wait that can be encoded: `i64::MAX` µs (292,000 years), also the longest a
    /// clock is ever asked to sleep. Longer ones (a `Duration::MAX` configuration) are cut to it.
    pub(crate) const MAX_US: u64 = i64::MAX as u64;

    /// The filter asked for no wait of its own: wait as the schedule says.
    pub(crate) const SCHEDULED: Self = Self(NONE);

    /// The step's answer when the loop must stop.
    pub(crate) const GIVE_UP: Self = Self(NONE);

    /// A wait of `us` µs, cut to [`EncodedWait::MAX_US`].
    #[inline(always)]
    pub(crate) const fn after_us(us: u64) -> Self {
        Self(if us < Self::MAX_US { us } else { Self::MAX_US })
    }

    /// The wait in µs, or `None` for [`EncodedWait::SCHEDULED`] / [`EncodedWait::GIVE_UP`].
    #[inline(always)]
    pub(crate) const fn wait_us(self) -> Option<u64> {
        // One bit: the cheapest test at every call site.
        if self.0 > Self::MAX_US {
            None
        } else {
            Some(self.0)
        }
    }

    /// Whether this is no wait.
    #[inline(always)]
    pub(crate) const fn is_none(self) -> bool {
        self.0 > Self::MAX_US
    }
}

#[cfg(test)]
mod tests {
    use super::EncodedWait;

    #[test]
    fn waits_round_trip_and_saturate() {
        assert_eq!(EncodedWait::after_us(0).wait_us(), Some(0));
        assert_eq!(EncodedWait::after_us(1_500).wait_us(), Some(1_500));
        let longest = Some(EncodedWait::MAX_US);
        assert_eq!(
            EncodedWait::after_us(EncodedWait::MAX_US).wait_us(),
            longest
        );
        assert_eq!(EncodedWait::after_us(u64::MAX).wait_us(), longest);
    }

    #[test]
    fn no_wait_is_never_a_wait() {
        assert_eq!(EncodedWait::GIVE_UP.wait_us(), None);
        assert_eq!(EncodedWait::SCHEDULED.wait_us(), None);
        assert!(EncodedWait::GIVE_UP.is_none());
        assert!(!EncodedWait::after_us(u64::MAX).is_none());
    }
}
