//! `std`: the blocking clock on `Instant` and `thread::sleep`, the default `clock` of
//! `retry!` when `std` is on.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::{micros, Clock};

/// The blocking clock on `std`: `Instant` for now, `thread::sleep` for waits. The default
/// `clock` of [`retry!`](crate::retry!) when `std` is on.
///
/// Free to create: all `StdClock`s share one process-wide epoch, taken at the first reading.
///
/// # Examples
///
/// ```
/// use stamina::{Clock, StdClock};
///
/// let mut clock = StdClock::new();
/// let t0 = clock.now_us();
/// clock.sleep_us(1_000);
/// assert!(clock.now_us() - t0 >= 1_000);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct StdClock;

impl StdClock {
    /// The clock.
    ///
    /// ```
    /// let _clock = stamina::StdClock::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        StdClock
    }
}

impl Clock for StdClock {
    fn now_us(&mut self) -> u64 {
        static EPOCH: OnceLock<Instant> = OnceLock::new();
        let epoch = *EPOCH.get_or_init(Instant::now);
        micros::from_duration(epoch.elapsed())
    }

    fn sleep_us(&mut self, us: u64) {
        std::thread::sleep(Duration::from_micros(us));
    }
}
