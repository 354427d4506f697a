//! `rand_core`: any RNG of the rand ecosystem, a hardware RNG included, drives the jitter.
//!
//! One newtype per `rand_core` version: blanket impls over two versions' traits would
//! conflict, and HALs are spread over versions (embassy's implement 0.6 and 0.9, `rand` itself
//! is on 0.10).

use crate::Rng;

/// Writes one version's newtype: docs with a runnable example, the struct, the `Rng` impl.
macro_rules! adapter {
    ($feature:literal, $version:literal, $name:ident, $krate:ident :: $trait:ident, $example_impl:literal) => {
        #[doc = concat!("Jitter from any `rand_core` ", $version, " [`", stringify!($trait), "`](https://docs.rs/rand_core/", $version, "/rand_core/trait.", stringify!($trait), ".html), such as a HAL's hardware RNG (feature `", $feature, "`).")]
        ///
        /// The RNG is asked for one `u32` per scheduled retry, never on success.
        ///
        /// # Examples
        ///
        /// ```
        #[doc = concat!("use ", stringify!($krate), " as rand_core;")]
        ///
        /// // Stands in for a HAL's RNG peripheral.
        /// struct Peripheral(u32);
        #[doc = $example_impl]
        ///
        /// let mut fails = 2;
        /// let reading = stamina::retry!(
        ///     on = |_: &()| true,
        ///     clock = stamina::testing::ManualClock::new(),
        #[doc = concat!("    rng = stamina::", stringify!($name), "(Peripheral(7)),")]
        ///     if fails > 0 { fails -= 1; Err(()) } else { Ok(42) }
        /// );
        /// assert_eq!(reading, Ok(42));
        /// ```
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        pub struct $name<R>(pub R);

        impl<R: $krate::$trait> Rng for $name<R> {
            fn next_u32(&mut self) -> u32 {
                $krate::$trait::next_u32(&mut self.0)
            }
        }
    };
}

#[cfg(feature = "rand_core_06")]
adapter!(
    "rand_core_06",
    "0.6",
    RandCore06,
    rand_core_06::RngCore,
    "impl rand_core::RngCore for Peripheral {
    fn next_u32(&mut self) -> u32 { self.0 = self.0.wrapping_mul(69069).wrapping_add(1); self.0 }
    fn next_u64(&mut self) -> u64 { u64::from(self.next_u32()) }
    fn fill_bytes(&mut self, dest: &mut [u8]) { rand_core::impls::fill_bytes_via_next(self, dest) }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core::Error> {
        Ok(self.fill_bytes(dest))
    }
}"
);

#[cfg(feature = "rand_core_09")]
adapter!(
    "rand_core_09",
    "0.9",
    RandCore09,
    rand_core_09::RngCore,
    "impl rand_core::RngCore for Peripheral {
    fn next_u32(&mut self) -> u32 { self.0 = self.0.wrapping_mul(69069).wrapping_add(1); self.0 }
    fn next_u64(&mut self) -> u64 { u64::from(self.next_u32()) }
    fn fill_bytes(&mut self, dest: &mut [u8]) { rand_core::impls::fill_bytes_via_next(self, dest) }
}"
);

#[cfg(feature = "rand_core_010")]
adapter!(
    "rand_core_010",
    "0.10",
    RandCore010,
    rand_core_010::Rng,
    "impl rand_core::TryRng for Peripheral {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        self.0 = self.0.wrapping_mul(69069).wrapping_add(1);
        Ok(self.0)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> { self.try_next_u32().map(u64::from) }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Self::Error> {
        dest.iter_mut().for_each(|b| *b = 7);
        Ok(())
    }
}"
);
