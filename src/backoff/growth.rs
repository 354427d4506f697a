//! Growth in fixed point: factors are kept in 1024ths of a `u32`, and a wait grows by two
//! 32 x 32-bit multiplications, never a division. Builds the table of an exponential schedule.

/// A factor of 1, in the 1024ths that growth factors are kept in. The resolution is coarse
/// enough that any schedule settles (reaches its cap, or stops growing once a step adds less
/// than a microsecond) within about 45,000 steps, which keeps `wait(n)` and `max_total_wait()`
/// cheap, in `const` evaluation too; and a factor fits a `u32`, so growing a wait takes two
/// 32 x 32-bit multiplications.
pub(super) const ONE: u32 = 1024;

/// `num / den` in 1024ths, rounded down, between 1 and `u32::MAX / 1024` (about 4.2 million;
/// `den == 0` counts as 1).
#[inline]
pub(super) const fn factor_of(num: u32, den: u32) -> u32 {
    let den = if den == 0 { 1 } else { den };
    if num <= den {
        return ONE;
    }
    let exact = if den == 1 {
        // Integer factors do not divide: no 64-bit division routine at run time.
        (num as u64) << 10
    } else {
        ((num as u64) << 10) / den as u64
    };
    if exact > u32::MAX as u64 {
        u32::MAX
    } else if exact > ONE as u64 {
        #[allow(clippy::cast_possible_truncation)] // below u32::MAX, checked above
        let factor = exact as u32;
        factor
    } else {
        ONE
    }
}

/// `min(max, floor(wait * factor / 1024))`: exact, saturating, two 32 x 32-bit
/// multiplications and no division.
#[inline]
pub(super) const fn grow(wait: u64, factor: u32, max: u64) -> u64 {
    if wait >= max {
        return max;
    }
    let factor = factor as u64;
    let high = (wait >> 32) * factor;
    let low = (wait & 0xFFFF_FFFF) * factor;
    // wait * factor / 2^10 = high * 2^22 + low / 2^10, beyond u64 once high reaches 2^42.
    let next = if high >> 42 != 0 {
        u64::MAX
    } else {
        (high << 22).saturating_add(low >> 10)
    };
    if next < max {
        next
    } else {
        max
    }
}

/// `[initial, initial*r, initial*r^2, ...]` capped at `max`, with `r = factor >= 1`.
#[inline]
pub(super) const fn exponential_table<const N: usize>(
    initial: u64,
    factor: u32,
    max: u64,
) -> [u64; N] {
    let mut table = [0u64; N];
    let mut wait = if initial < max { initial } else { max };
    let mut i = 0;
    while i < N {
        table[i] = wait;
        wait = grow(wait, factor, max);
        i += 1;
    }
    table
}

/// The jitter-free wait after failed try `N + 1` of an exponential schedule whose table is
/// `table`: the one that follows the table (or, with no table, the first).
#[inline]
pub(super) const fn exponential_first_past_table<const N: usize>(
    table: &[u64; N],
    initial: u64,
    factor: u32,
    max: u64,
) -> u64 {
    if N == 0 {
        if initial < max {
            initial
        } else {
            max
        }
    } else {
        grow(table[N - 1], factor, max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_are_kept_in_1024ths() {
        assert_eq!(factor_of(3, 2), ONE + ONE / 2);
        assert_eq!(factor_of(6, 4), ONE + ONE / 2);
        assert_eq!(factor_of(4, 2), 2 * ONE);
        assert_eq!(factor_of(5, 4), ONE + ONE / 4);
        assert_eq!(factor_of(11, 10), ONE + 102); // 1.0996
        assert_eq!(factor_of(1, 2), ONE);
        assert_eq!(factor_of(0, 0), ONE);
        assert_eq!(factor_of(5, 0), 5 * ONE);
        assert_eq!(factor_of(u32::MAX, u32::MAX - 1), ONE, "below 1 + 1/1024");
        assert_eq!(factor_of(4_194_303, 1), 4_194_303 * ONE);
        assert_eq!(factor_of(u32::MAX, 1), u32::MAX, "saturates");
    }

    #[test]
    fn grow_saturates_at_the_cap() {
        assert_eq!(
            grow(u64::MAX - 1, factor_of(u32::MAX, 1), u64::MAX),
            u64::MAX
        );
        assert_eq!(grow(u64::MAX - 1, factor_of(3, 2), u64::MAX), u64::MAX);
        assert_eq!(grow(7, factor_of(3, 2), 100), 10);
        assert_eq!(grow(7, factor_of(3, 2), 9), 9);
    }

    #[test]
    fn grow_is_exact() {
        for wait in [0, 1, 7, 999_999, 1 << 32, (1 << 40) + 12_345, u64::MAX / 3] {
            for factor in [ONE, ONE + 1, ONE + ONE / 2, 2 * ONE, 3 * ONE + 5, u32::MAX] {
                let exact = (u128::from(wait) * u128::from(factor)) >> 10;
                let expected = u64::try_from(exact).unwrap_or(u64::MAX);
                assert_eq!(grow(wait, factor, u64::MAX), expected, "{wait} * {factor}");
            }
        }
    }
}
