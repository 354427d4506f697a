//! The `rand_core` adapters: an RNG of each supported version drives the jitter.

#![cfg(all(
    feature = "std",
    feature = "rand_core_06",
    feature = "rand_core_09",
    feature = "rand_core_010"
))]

/// With `defmt` on, every test binary needs a global logger: the shared one drops the lines.
mod common;

use std::time::Duration;

use stamina::testing::ManualClock;
use stamina::{RandCore010, RandCore06, RandCore09, Rng};

/// An RNG that always answers half of the `u32` range, in every version's terms.
struct Half;

const HALF: u32 = 1 << 31;

impl rand_core_06::RngCore for Half {
    fn next_u32(&mut self) -> u32 {
        HALF
    }
    fn next_u64(&mut self) -> u64 {
        u64::from(HALF)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        dest.fill(0x80);
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand_core_06::Error> {
        dest.fill(0x80);
        Ok(())
    }
}

impl rand_core_09::RngCore for Half {
    fn next_u32(&mut self) -> u32 {
        HALF
    }
    fn next_u64(&mut self) -> u64 {
        u64::from(HALF)
    }
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        dest.fill(0x80);
    }
}

impl rand_core_010::TryRng for Half {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(HALF)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(u64::from(HALF))
    }
    fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), Self::Error> {
        dest.fill(0x80);
        Ok(())
    }
}

/// The first wait of a loop whose jitter comes from `rng`.
fn first_wait(rng: impl Rng) -> Duration {
    let clock = ManualClock::new();
    let _: Result<(), ()> = stamina::retry!(
        on = |_: &()| true,
        attempts = 2,
        clock = &clock,
        rng = rng,
        Err(())
    );
    clock.waits().iter().next().copied().unwrap_or_default()
}

#[test]
fn every_version_drives_the_jitter() {
    // 100 ms base plus half of the default 1 s jitter.
    let expected = Duration::from_millis(600);
    assert_eq!(first_wait(RandCore06(Half)), expected);
    assert_eq!(first_wait(RandCore09(Half)), expected);
    assert_eq!(first_wait(RandCore010(Half)), expected);
}

#[test]
fn the_adapters_pass_the_words_through() {
    assert_eq!(RandCore06(Half).next_u32(), HALF);
    assert_eq!(RandCore09(Half).next_u32(), HALF);
    assert_eq!(RandCore010(Half).next_u32(), HALF);
}
