//! `std`: the default jitter RNG, a [`FastRng`] per thread seeded from the OS's randomness.

use std::cell::Cell;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use crate::{FastRng, Rng};

/// The default jitter RNG on `std`: a [`FastRng`] per thread, seeded from the OS's randomness
/// (through `RandomState`), so that no two processes, nor two threads, jitter alike.
///
/// A handle without state: free to create, seeded at its first draw on each thread.
///
/// # Examples
///
/// ```
/// use stamina::{Rng, StdRng};
///
/// let mut rng = StdRng::new();
/// let draws = [rng.next_u32(), rng.next_u32(), rng.next_u32()];
/// assert!(draws[0] != draws[1] || draws[1] != draws[2]);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct StdRng;

impl StdRng {
    /// The handle.
    ///
    /// ```
    /// let _rng = stamina::StdRng::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        StdRng
    }
}

std::thread_local! {
    static THREAD_RNG: Cell<Option<u64>> = const { Cell::new(None) };
}

impl Rng for StdRng {
    fn next_u32(&mut self) -> u32 {
        THREAD_RNG.with(|state| {
            let seed = state.get().unwrap_or_else(seed_from_os);
            let mut rng = FastRng::new(seed);
            let x = rng.next_u32();
            state.set(Some(rng.state()));
            x
        })
    }
}

/// 64 bits from `RandomState`, whose keys the OS randomises per process (and which differ per
/// instance within a thread).
fn seed_from_os() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(0x5EED);
    hasher.finish()
}
