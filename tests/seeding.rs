//! Seeding the program-wide jitter RNG, as firmware does at boot: different devices draw
//! different waits, the same seed reproduces the same waits.
//!
//! The RNG is global, so the tests in this binary take turns.

#![cfg(feature = "std")]

/// With `defmt` on, every test binary needs a global logger: the shared one drops the lines.
mod common;

use std::sync::Mutex;
use std::time::Duration;

use stamina::testing::ManualClock;
use stamina::{seed_jitter, GlobalRng, Rng};

static SERIAL: Mutex<()> = Mutex::new(());

/// The waits of a device seeded with `seed` whose operation fails five times.
fn waits_of_device(seed: u64) -> Vec<Duration> {
    seed_jitter(seed);
    let clock = ManualClock::new();
    let result: Result<(), ()> = stamina::retry!(
        on = |_: &()| true,
        attempts = 6,
        clock = &clock,
        rng = GlobalRng,
        Err(())
    );
    assert_eq!(result, Err(()));
    clock.waits().iter().copied().collect()
}

#[test]
fn devices_with_different_seeds_draw_different_waits() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Neighbouring chip IDs, as a production line hands them out.
    let a = waits_of_device(0x0000_0001);
    let b = waits_of_device(0x0000_0002);
    // The seed, not the order of the draws, decides: device 1 again draws what it drew first.
    assert_eq!(waits_of_device(0x0000_0001), a);
    assert_eq!(a.len(), 5);
    assert_eq!(b.len(), 5);
    let same = a.iter().zip(&b).filter(|(x, y)| x == y).count();
    assert_eq!(same, 0, "{a:?} vs {b:?}");
}

#[test]
fn the_same_seed_reproduces_the_same_waits() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let seed = 0xDEAD_BEEF_0BAD_F00D;
    assert_eq!(waits_of_device(seed), waits_of_device(seed));
}

#[test]
fn neighbouring_seeds_spread_over_the_whole_jitter_range() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // A fleet of 1000 devices with consecutive IDs: their first jitter draws, scaled to the
    // default 1 s jitter, must fill all ten 100 ms buckets, each with 60..=140 devices.
    let mut buckets = [0u32; 10];
    for id in 0..1000 {
        seed_jitter(id);
        let draw = GlobalRng.next_u32();
        buckets[usize::try_from((u64::from(draw) * 10) >> 32).unwrap()] += 1;
    }
    assert!(
        buckets.iter().all(|&n| (60..=140).contains(&n)),
        "{buckets:?}"
    );
}

#[test]
fn a_seed_of_zero_is_a_seed_like_any_other() {
    let _turn = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // xoroshiro cannot leave an all-zero state: seeding must never put it there.
    seed_jitter(0);
    let draws: Vec<u32> = (0..4).map(|_| GlobalRng.next_u32()).collect();
    assert!(draws.iter().any(|&d| d != 0), "{draws:?}");
    assert_ne!(draws[0], draws[1]);
}
