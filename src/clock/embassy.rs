//! `embassy-time`: the clock of embassy firmware, blocking and async.

use crate::{micros, AsyncClock, Clock};
use embassy_time::{Duration, Instant, Timer, TICK_HZ};

/// The clock of embassy: `Instant::now()` for the time, [`Timer::at`] for `retry_async!`'s waits
/// and a busy wait on `Instant` (as [`block_for`]) for `retry!`'s. With the `embassy-time`
/// feature and without `std`, it is the default `clock` of both macros.
///
/// It runs at the driver's full tick resolution: microseconds convert to ticks with integer
/// arithmetic on the driver's `TICK_HZ`, rounding a wait up to the next whole tick (so it is
/// never shorter than the schedule asks) and the time down; both saturate instead of
/// overflowing. At the default 1 MHz tick the conversions are free; a 32.768 kHz tick waits in
/// steps of 30.5 µs.
///
/// Inside an embassy task, use `retry_async!`: `retry!`'s busy wait holds the executor, and no
/// other task runs until it ends.
///
/// # Examples
///
/// ```no_run
/// # async fn send(_: &[u8]) -> Result<(), u8> { Ok(()) }
/// # async fn run() -> Result<(), u8> {
/// use stamina::EmbassyClock;
///
/// // Explicit here; it is the default without `std`.
/// stamina::retry_async!(on = |e: &u8| *e == 1, clock = EmbassyClock, send(b"ping").await)?;
/// # Ok(()) }
/// ```
///
/// [`Timer::at`]: https://docs.rs/embassy-time/0.5/embassy_time/struct.Timer.html#method.at
/// [`block_for`]: https://docs.rs/embassy-time/0.5/embassy_time/fn.block_for.html
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct EmbassyClock;

impl EmbassyClock {
    /// The driver's time since boot, in whole microseconds (rounded down, saturating).
    fn now() -> u64 {
        micros::from_ticks(Instant::now().as_ticks(), TICK_HZ)
    }

    /// The instant at least `us` microseconds from now, in whole ticks. Saturating: embassy's
    /// own `Instant + Duration` panics on overflow, which `Duration::MAX` waits would reach.
    fn deadline(us: u64) -> Instant {
        Instant::now().saturating_add(Duration::from_ticks(micros::to_ticks(us, TICK_HZ)))
    }
}

impl Clock for EmbassyClock {
    fn now_us(&mut self) -> u64 {
        Self::now()
    }

    fn sleep_us(&mut self, us: u64) {
        // What `embassy_time::block_for` does, without its overflow panic.
        let deadline = Self::deadline(us);
        while Instant::now() < deadline {}
    }
}

impl AsyncClock for EmbassyClock {
    fn now_us(&mut self) -> u64 {
        Self::now()
    }

    fn sleep_us(&mut self, us: u64) -> impl core::future::Future<Output = ()> {
        Timer::at(Self::deadline(us))
    }
}
