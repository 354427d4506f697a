//! The clocks the retry loops run on: the traits, blocking ([`Clock`]) and async
//! ([`AsyncClock`]), here; each clock stamina provides in a file of its own next to this one.
//!
//! Time is integer microseconds: every conversion between `Duration` and a timer's ticks costs a
//! 64-bit division, which a Cortex-M0 does in a library routine larger than the whole retry loop.
//! embedded-hal's `delay_us` and embassy's default 1 MHz tick are microseconds already.

use core::future::Future;

// In this file `std` and `tokio` name these modules, not the crates: a path to either crate
// here needs a leading `::` (the files themselves see the crates as usual).
#[cfg(feature = "embedded-hal")]
mod delay;
#[cfg(feature = "embassy-time")]
mod embassy;
#[cfg(feature = "std")]
mod std;
#[cfg(feature = "tokio")]
mod tokio;
mod wrapping;

#[cfg(feature = "std")]
pub use self::std::StdClock;
#[cfg(feature = "tokio")]
pub use self::tokio::TokioClock;
#[cfg(feature = "embedded-hal")]
pub use delay::{DelayClock, SleptTime, TimeSource};
#[cfg(feature = "embassy-time")]
pub use embassy::EmbassyClock;
pub use wrapping::WrappingClock;

/// A monotonic clock that can block: what [`retry!`](crate::retry!) sleeps on.
///
/// What an implementation must guarantee:
///
/// - `now_us` is microseconds since any fixed point (the loop only subtracts readings) and
///   never goes backwards. A reading that does go backwards is treated as no time passing, so
///   a counter that wraps would make a loop's timeout come late or never: widen it with
///   [`WrappingClock`], which also reads the counter often enough during long sleeps not to
///   miss a wrap.
/// - `sleep_us(us)` returns after at least `us` microseconds (oversleeping by a tick is
///   expected), whatever `us` is, up to `i64::MAX`: split what the hardware cannot wait at
///   once, as [`DelayClock`](https://docs.rs/stamina/latest/stamina/struct.DelayClock.html) does.
///   The loops never ask for a zero wait.
/// - Neither panics. Saturate (at `u64::MAX`) rather than overflow.
///
/// # Examples
///
/// A clock over a HAL's blocking delay and a free-running 1 MHz counter:
///
/// ```
/// struct Board { ticks: u64 }
///
/// impl stamina::Clock for Board {
///     fn now_us(&mut self) -> u64 { self.ticks }
///     fn sleep_us(&mut self, us: u64) { self.ticks = self.ticks.saturating_add(us) }
/// }
///
/// let mut board = Board { ticks: 0 };
/// let r: Result<u8, ()> = stamina::retry!(on = |_: &()| true, clock = &mut board, rng = stamina::FastRng::new(1), Ok(7));
/// assert_eq!(r, Ok(7));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a blocking `stamina::Clock`, which `retry!` sleeps on",
    note = "an `AsyncClock` goes with `retry_async!`; a blocking clock implements `now_us` and `sleep_us`"
)]
pub trait Clock {
    /// Microseconds since a fixed point, monotonic.
    fn now_us(&mut self) -> u64;
    /// Blocks for `us` microseconds (at least; oversleeping by a tick is expected).
    fn sleep_us(&mut self, us: u64);
}

/// A monotonic clock with an async sleep: what [`retry_async!`](crate::retry_async!) awaits on.
///
/// The same contract as [`Clock`]; `sleep_us` returns a future that completes after `us`
/// microseconds and may borrow the clock.
///
/// # Examples
///
/// ```
/// struct Instant0 { now: u64 }
///
/// impl stamina::AsyncClock for Instant0 {
///     fn now_us(&mut self) -> u64 { self.now }
///     fn sleep_us(&mut self, us: u64) -> impl core::future::Future<Output = ()> {
///         self.now = self.now.saturating_add(us);
///         core::future::ready(())
///     }
/// }
/// # let _ = Instant0 { now: 0 };
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a `stamina::AsyncClock`, which `retry_async!` awaits on",
    note = "a blocking `Clock` goes with `retry!`; an async clock's `sleep_us` returns a future"
)]
pub trait AsyncClock {
    /// Microseconds since a fixed point, monotonic.
    fn now_us(&mut self) -> u64;
    /// Waits `us` microseconds (at least).
    fn sleep_us(&mut self, us: u64) -> impl Future<Output = ()>;
}

impl<T: Clock + ?Sized> Clock for &mut T {
    fn now_us(&mut self) -> u64 {
        (**self).now_us()
    }
    fn sleep_us(&mut self, us: u64) {
        (**self).sleep_us(us);
    }
}

impl<T: AsyncClock + ?Sized> AsyncClock for &mut T {
    fn now_us(&mut self) -> u64 {
        (**self).now_us()
    }
    fn sleep_us(&mut self, us: u64) -> impl Future<Output = ()> {
        (**self).sleep_us(us)
    }
}
