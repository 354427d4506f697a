//! Conversions between `Duration` (the configuration's unit) and integer microseconds (the
//! unit the loops run on). Both directions saturate; none divides at run time on a `u64`.

use core::time::Duration;

/// Whole microseconds in `d`, rounded down, saturating at `u64::MAX` (about 584,000 years).
pub(crate) const fn from_duration(d: Duration) -> u64 {
    // `subsec_micros` is a 32-bit division by a constant, which compiles to a multiply.
    let micros = d.subsec_micros();
    d.as_secs()
        .saturating_mul(1_000_000)
        .saturating_add(micros as u64)
}

/// The `Duration` of `us` microseconds (exact: every `u64` of microseconds fits).
pub(crate) const fn to_duration(us: u64) -> Duration {
    Duration::from_micros(us)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_down_to_the_microsecond() {
        assert_eq!(from_duration(Duration::from_nanos(1_999)), 1);
        assert_eq!(from_duration(Duration::from_millis(1500)), 1_500_000);
    }

    #[test]
    fn saturates_at_u64_max() {
        assert_eq!(from_duration(Duration::MAX), u64::MAX);
        assert_eq!(to_duration(u64::MAX), Duration::from_micros(u64::MAX));
    }
}
