//! `tokio`: an async clock on `tokio::time`, so that `retry_async!` needs no setup on tokio and
//! follows `tokio::time::pause()` in tests.

use core::future::Future;
use core::time::Duration;

use tokio::time::Instant;

use crate::{micros, AsyncClock};

/// The async clock on tokio: `tokio::time::Instant` for now, `tokio::time::sleep` for waits.
/// The default `clock` of [`retry_async!`](crate::retry_async!) when the `tokio` feature is on.
///
/// It reads tokio's clock, so a test that calls `tokio::time::pause()` runs every retry wait
/// in virtual time, at once. Its futures are `Send`: a `retry_async!` future on it can be
/// `tokio::spawn`ed when its operation can. It must be used inside a tokio runtime with the
/// time driver enabled (`enable_time()`, or `#[tokio::main]` / `#[tokio::test]`).
///
/// # Examples
///
/// ```
/// # #[tokio::main(flavor = "current_thread", start_paused = true)]
/// # async fn main() {
/// use stamina::{AsyncClock, TokioClock};
///
/// let mut clock = TokioClock::new();
/// let t0 = clock.now_us();
/// clock.sleep_us(5_000_000).await; // paused time: returns at once, 5 s later
/// assert_eq!(clock.now_us() - t0, 5_000_000);
/// # }
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TokioClock {
    epoch: Option<Instant>,
}

impl TokioClock {
    /// The clock. Free to create: it takes its epoch at its first reading.
    ///
    /// ```
    /// let _clock = stamina::TokioClock::new();
    /// ```
    #[must_use]
    pub const fn new() -> Self {
        Self { epoch: None }
    }
}

impl Default for TokioClock {
    fn default() -> Self {
        Self::new()
    }
}

impl AsyncClock for TokioClock {
    fn now_us(&mut self) -> u64 {
        let now = Instant::now();
        let epoch = *self.epoch.get_or_insert(now);
        micros::from_duration(now.saturating_duration_since(epoch))
    }

    /// tokio caps a sleep that would end past its far future (about 30 years) there, so no
    /// wait overflows.
    fn sleep_us(&mut self, us: u64) -> impl Future<Output = ()> {
        tokio::time::sleep(Duration::from_micros(us))
    }
}
