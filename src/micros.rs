//! Conversions between `Duration` (the configuration's unit) and integer microseconds (the
//! unit the loops run on). Both directions saturate; none divides at run time on a `u64`.

use core::time::Duration;

/// Whole microseconds in `d`, rounded down, saturating at `u64::MAX` (about 584,000 years).
#[inline]
pub(crate) const fn from_duration(d: Duration) -> u64 {
    // `subsec_micros` is a 32-bit division by a constant, which compiles to a multiply.
    let micros = d.subsec_micros();
    d.as_secs()
        .saturating_mul(1_000_000)
        .saturating_add(micros as u64)
}

/// The `Duration` of `us` microseconds (exact: every `u64` of microseconds fits).
#[inline]
pub(crate) const fn to_duration(us: u64) -> Duration {
    Duration::from_micros(us)
}

/// Ticks of a `hz` timer in at least `us` microseconds: rounded up, so that a sleep is never
/// shorter than asked, and saturating at `u64::MAX`. `hz` is a constant at every call site, so
/// for a 1 MHz timer this is the identity and for others the divisions are by constants.
#[cfg_attr(not(feature = "embassy-time"), allow(dead_code))]
pub(crate) const fn to_ticks(us: u64, hz: u64) -> u64 {
    let (per, every) = ratio(hz); // `per` ticks every `every` microseconds
    let whole = (us / every).saturating_mul(per);
    // The remainder is below `every` (at most 10^6): the product cannot overflow below
    // 10^13 Hz. Beyond that, round the rate up instead (still never short).
    let rest = us % every;
    let part = match rest.checked_mul(per) {
        Some(product) => product.div_ceil(every),
        None => rest.saturating_mul(per / every + 1),
    };
    whole.saturating_add(part)
}

/// Microseconds in `ticks` of a `hz` timer: rounded down, saturating at `u64::MAX`.
#[cfg_attr(not(feature = "embassy-time"), allow(dead_code))]
pub(crate) const fn from_ticks(ticks: u64, hz: u64) -> u64 {
    let (per, every) = ratio(hz);
    let whole = (ticks / per).saturating_mul(every);
    // The remainder is below `per`, and `every` is at most 10^6: no overflow below 10^13 Hz.
    // Beyond that, divide by the rate rounded up instead (still rounded down).
    let rest = ticks % per;
    let part = match rest.checked_mul(every) {
        Some(product) => product / per,
        None => rest / (per / every + 1),
    };
    whole.saturating_add(part)
}

/// `hz` ticks per 10^6 microseconds, reduced to lowest terms. A 0 Hz timer counts as 1 Hz.
const fn ratio(hz: u64) -> (u64, u64) {
    let hz = if hz == 0 { 1 } else { hz };
    let (mut a, mut b) = (hz, 1_000_000u64);
    while b != 0 {
        (a, b) = (b, a % b);
    }
    (hz / a, 1_000_000 / a)
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATES: [u64; 8] = [
        1,
        1_000,
        32_768,
        1_000_000,
        16_000_000,
        1_000_000_000,
        u64::MAX,
        0,
    ];

    #[test]
    fn ticks_round_trip_at_common_rates() {
        assert_eq!(to_ticks(1_234_567, 1_000_000), 1_234_567);
        assert_eq!(from_ticks(1_234_567, 1_000_000), 1_234_567);
        // 32.768 kHz: one tick is 30.52 us; 1 us needs a whole tick, 1 s is exactly 32768.
        assert_eq!(to_ticks(1, 32_768), 1);
        assert_eq!(to_ticks(1_000_000, 32_768), 32_768);
        assert_eq!(from_ticks(32_768, 32_768), 1_000_000);
        assert_eq!(from_ticks(1, 32_768), 30);
        // 1 kHz: 1.5 ms rounds up to 2 ticks, 2 ticks are 2000 us.
        assert_eq!(to_ticks(1_500, 1_000), 2);
        assert_eq!(from_ticks(2, 1_000), 2_000);
        // 16 MHz: 16 ticks per microsecond.
        assert_eq!(to_ticks(5, 16_000_000), 80);
        assert_eq!(from_ticks(81, 16_000_000), 5);
    }

    #[test]
    fn ticks_never_sleep_short_and_never_overflow() {
        for hz in RATES {
            for us in [0, 1, 999, 1_000_001, u64::MAX / 3, u64::MAX - 1, u64::MAX] {
                let ticks = to_ticks(us, hz);
                // Converting back never gives less than asked, unless saturated.
                assert!(
                    ticks == u64::MAX || from_ticks(ticks, hz) >= us,
                    "{us} us at {hz} Hz"
                );
                // Rounded down: never more microseconds than the ticks hold.
                let back = from_ticks(us, hz);
                if hz <= 1_000_000_000 && back < u64::MAX {
                    assert!(to_ticks(back, hz) <= us, "{us} ticks at {hz} Hz");
                }
            }
        }
        assert_eq!(to_ticks(u64::MAX, 16_000_000), u64::MAX);
        assert_eq!(from_ticks(u64::MAX, 1), u64::MAX);
    }

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
