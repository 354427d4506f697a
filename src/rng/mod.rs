//! Randomness for the jitter: the [`Rng`] trait and [`FastRng`], a small generator of our own,
//! here; the program-wide RNG, the `std` one and the `rand_core` adapters next to this file.

// In this file `std` names the module, not the crate: a path to the crate here needs a leading
// `::` (the files themselves see the crates as usual).
mod global;
#[cfg(any(
    feature = "rand_core_06",
    feature = "rand_core_09",
    feature = "rand_core_010"
))]
mod rand_core;
#[cfg(feature = "std")]
mod std;

#[cfg(feature = "std")]
pub use self::std::StdRng;
pub use global::{seed_jitter, GlobalRng};
#[cfg(feature = "rand_core_010")]
pub use rand_core::RandCore010;
#[cfg(feature = "rand_core_06")]
pub use rand_core::RandCore06;
#[cfg(feature = "rand_core_09")]
pub use rand_core::RandCore09;

/// A source of random `u32`s for the jitter.
///
/// The jitter is `jitter * x / 2^32` for a drawn `x` (a multiply and a shift: no modulo bias,
/// no division, no floats), so every bit of `x` counts.
///
/// # Examples
///
/// A hardware RNG register:
///
/// ```
/// struct Trng;
/// impl stamina::Rng for Trng {
///     fn next_u32(&mut self) -> u32 {
///         0x2545_f491 // read the peripheral's data register here
///     }
/// }
/// # let _ = Trng;
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `stamina::Rng`",
    note = "`rng = ...` takes a `stamina::Rng`, such as `stamina::FastRng::new(seed)`"
)]
pub trait Rng {
    /// The next random `u32`, uniformly distributed.
    fn next_u32(&mut self) -> u32;
}

impl<T: Rng + ?Sized> Rng for &mut T {
    #[inline]
    fn next_u32(&mut self) -> u32 {
        (**self).next_u32()
    }
}

/// A small, fast, seedable generator (`SplitMix64`: a Weyl sequence through a 64-bit mixer).
///
/// Good enough to spread retries; not for cryptography. Identical seeds give identical
/// jitter, so seed each device or process differently (the `std` default does).
///
/// # Examples
///
/// ```
/// use stamina::{FastRng, Rng};
///
/// let mut a = FastRng::new(42);
/// let mut b = FastRng::new(42);
/// assert_eq!(a.next_u32(), b.next_u32());
/// assert_ne!(FastRng::new(1).next_u32(), FastRng::new(2).next_u32());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FastRng {
    state: u64,
}

impl FastRng {
    /// A generator seeded with `seed` (any value, zero included).
    ///
    /// ```
    /// const RNG: stamina::FastRng = stamina::FastRng::new(0xC0FFEE);
    /// # let _ = RNG;
    /// ```
    #[must_use]
    #[inline]
    pub const fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The next 64 random bits.
    ///
    /// ```
    /// let mut rng = stamina::FastRng::new(7);
    /// assert_ne!(rng.next_u64(), rng.next_u64());
    /// ```
    #[inline]
    pub fn next_u64(&mut self) -> u64 {
        // The golden-ratio increment visits every u64 once per period; the mixer spreads
        // neighbouring states far apart.
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl FastRng {
    /// The state, to save and restore a generator (`FastRng::new(rng.state())` continues it).
    ///
    /// ```
    /// let mut a = stamina::FastRng::new(3);
    /// a.next_u64();
    /// let mut b = stamina::FastRng::new(a.state());
    /// assert_eq!(a.next_u64(), b.next_u64());
    /// ```
    #[must_use]
    #[inline]
    pub const fn state(&self) -> u64 {
        self.state
    }
}

impl Rng for FastRng {
    #[inline]
    fn next_u32(&mut self) -> u32 {
        // The high half is the better mixed one.
        (self.next_u64() >> 32) as u32
    }
}

/// `jitter * x / 2^32`, exactly, without 128-bit arithmetic: always below `jitter` (or zero).
#[inline]
pub(crate) const fn scale(jitter: u64, x: u32) -> u64 {
    let x = x as u64;
    let high = (jitter >> 32) * x;
    let low = ((jitter & 0xFFFF_FFFF) * x) >> 32;
    // high <= (2^32-1)^2 and low < 2^32: the sum stays below 2^64.
    high + low
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_is_exact_and_below_the_bound() {
        for jitter in [0, 1, 999, 1_000_000, u64::from(u32::MAX) + 5, u64::MAX] {
            for x in [0, 1, 12345, 1 << 31, u32::MAX] {
                let exact = (u128::from(jitter) * u128::from(x)) >> 32;
                assert_eq!(u128::from(scale(jitter, x)), exact);
                assert!(scale(jitter, x) < jitter.max(1));
            }
        }
    }
}
