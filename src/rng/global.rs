//! The jitter RNG shared by a whole program, for targets without `std`, and how to seed it.
//!
//! Only atomic loads and stores of `u32`: it builds on Cortex-M0, which has no compare-and-swap
//! and no 64-bit atomics. Two loops drawing at the same instant (an interrupt preempting a
//! draw) may get the same number; for jitter that is harmless, and no lock is worth it.

use core::sync::atomic::{AtomicU32, Ordering};

use crate::Rng;

/// The state every device starts from when nobody calls [`seed_jitter`]: the seed 0, mixed.
const UNSEEDED: (u32, u32) = mix(0);

static STATE: [AtomicU32; 2] = [AtomicU32::new(UNSEEDED.0), AtomicU32::new(UNSEEDED.1)];

/// Seeds the program-wide jitter RNG ([`GlobalRng`], the default `rng` of the macros without
/// `std`) with something unique to this device. Call it once at boot, before the first retry.
///
/// **Why it matters.** A fleet of identical devices that reboots together (a power cut, a
/// firmware rollout) fails together when its server is down. Jitter exists to spread their
/// retries out, but an unseeded [`GlobalRng`] starts from the same fixed state on every device
/// running the same firmware, so every device draws the *same* jitter and they retry in
/// lock-step, as if there were no jitter at all. The fallback is a constant because firmware
/// has no portable source of entropy; only you know where this chip keeps one.
///
/// **What to seed with**, best first: a word from the hardware RNG (nRF `RNG`, STM32 `RNG`,
/// RP2040 `ROSC`, ESP32 `RNG`); otherwise the chip's unique ID (nRF `FICR.DEVICEID`, STM32
/// `UID`, RP2040 flash unique ID), perhaps mixed with a boot counter or the time of first
/// network contact. A unique ID is unique but not secret: that is enough for jitter.
///
/// Any two different seeds give unrelated sequences; the same seed gives the same sequence,
/// which makes a device's retries reproducible in a test. With `std`, the default RNG is
/// [`StdRng`], seeded from the OS per thread, and this function only affects
/// loops that use `rng = GlobalRng` explicitly.
///
/// # Examples
///
/// ```
/// # fn read_device_id() -> u64 { 0x1234_5678_9abc_def0 }
/// // At boot, e.g. `let id = u64::from(ficr.deviceid[0].read().bits()) << 32 | ...;`
/// stamina::seed_jitter(read_device_id());
/// ```
#[cfg_attr(feature = "std", doc = "[`StdRng`]: crate::StdRng")]
#[cfg_attr(
    not(feature = "std"),
    doc = "[`StdRng`]: https://docs.rs/stamina/latest/stamina/struct.StdRng.html"
)]
pub fn seed_jitter(seed: u64) {
    let (a, b) = mix(seed);
    STATE[0].store(a, Ordering::Relaxed);
    STATE[1].store(b, Ordering::Relaxed);
}

/// The program-wide jitter RNG: a small generator (xoroshiro64**) whose state lives in two
/// atomic words, seeded by [`seed_jitter`]. The default `rng` of [`retry!`](crate::retry!) and
/// [`retry_async!`](crate::retry_async!) without `std`; read [`seed_jitter`] for why to seed
/// it. 32-bit arithmetic only, so it is cheap on a Cortex-M0.
///
/// # Examples
///
/// ```
/// use stamina::{GlobalRng, Rng};
///
/// stamina::seed_jitter(42);
/// let first = GlobalRng.next_u32();
/// stamina::seed_jitter(42);
/// assert_eq!(GlobalRng.next_u32(), first);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct GlobalRng;

impl Rng for GlobalRng {
    fn next_u32(&mut self) -> u32 {
        let s0 = STATE[0].load(Ordering::Relaxed);
        let mut s1 = STATE[1].load(Ordering::Relaxed);
        let out = s0.wrapping_mul(0x9E37_79BB).rotate_left(5).wrapping_mul(5);
        s1 ^= s0;
        STATE[0].store(s0.rotate_left(26) ^ s1 ^ (s1 << 9), Ordering::Relaxed);
        STATE[1].store(s1.rotate_left(13), Ordering::Relaxed);
        out
    }
}

/// Spreads a seed over the two state words, so that neighbouring seeds (device 1, device 2)
/// start far apart. Never all zero, the one state the generator cannot leave.
#[allow(clippy::cast_possible_truncation)] // the two halves of the seed, on purpose
const fn mix(seed: u64) -> (u32, u32) {
    let low = finalize(seed as u32 ^ 0x6A09_E667);
    let high = finalize((seed >> 32) as u32 ^ low);
    (low | 1, high)
}

/// A 32-bit avalanche: each input bit flips about half the output bits.
const fn finalize(mut x: u32) -> u32 {
    x ^= x >> 16;
    x = x.wrapping_mul(0x7FEB_352D);
    x ^= x >> 15;
    x = x.wrapping_mul(0x846C_A68B);
    x ^ (x >> 16)
}
