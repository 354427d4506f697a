//! A clock over a hardware counter that wraps: widened to 64 bits, so that a retry loop running
//! across the wrap neither gives up early nor waits forever.

use crate::{AsyncClock, Clock};

/// Widens a clock whose `now_us` wraps at `2^bits` µs (a 32-bit timer at 1 MHz wraps every
/// 71.6 minutes) into the monotonic 64-bit clock that [`Clock`] asks for.
///
/// Each reading is compared with the previous one: a smaller reading means the counter
/// wrapped once. So the counter must be read at least once per wrap period; the adapter sees to
/// it during its own sleeps, which it splits into chunks of half the period. Between retry
/// loops nothing reads it: call [`now_us`](Clock::now_us) from a periodic task (or start each
/// loop with a fresh adapter) if loops can be further apart than one period.
///
/// The inner clock's readings are taken modulo `2^bits` and must only move forwards modulo
/// `2^bits` (any backwards step reads as a wrap); its sleeps are passed on.
///
/// # Examples
///
/// A 32-bit, 1 MHz timer that wrapped during the retry loop:
///
/// ```
/// use stamina::{Clock, WrappingClock};
///
/// struct Timer32 { ticks: u32 }
///
/// impl Clock for Timer32 {
///     fn now_us(&mut self) -> u64 { u64::from(self.ticks) }
///     fn sleep_us(&mut self, us: u64) { self.ticks = self.ticks.wrapping_add(us as u32) }
/// }
///
/// let mut clock = WrappingClock::new(Timer32 { ticks: u32::MAX - 50_000 }, 32);
/// let before = clock.now_us();
/// clock.sleep_us(200_000); // across the wrap
/// assert_eq!(clock.now_us() - before, 200_000);
/// ```
#[derive(Clone, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct WrappingClock<C> {
    inner: C,
    /// `2^bits - 1`.
    mask: u64,
    /// The previous raw reading.
    last: u64,
    /// The wraps seen so far, times `2^bits`.
    high: u64,
    started: bool,
}

impl<C> WrappingClock<C> {
    /// Widens `inner`, whose readings wrap at `2^bits` µs. `bits` is clamped to `1..=64`
    /// (64 means no wrap).
    ///
    /// ```
    /// let _clock = stamina::WrappingClock::new(stamina::testing::ManualClock::new(), 32);
    /// ```
    pub const fn new(inner: C, bits: u32) -> Self {
        let bits = if bits == 0 {
            1
        } else if bits > 64 {
            64
        } else {
            bits
        };
        Self {
            inner,
            mask: u64::MAX >> (64 - bits),
            last: 0,
            high: 0,
            started: false,
        }
    }

    /// The wrapped clock.
    pub fn into_inner(self) -> C {
        self.inner
    }

    /// The longest sleep that cannot hide a wrap: half the period.
    const fn chunk_us(&self) -> u64 {
        match self.mask / 2 {
            0 => 1,
            half => half,
        }
    }

    /// Widens one raw reading.
    fn widen(&mut self, raw: u64) -> u64 {
        if self.mask == u64::MAX {
            return raw; // 64 bits: nothing wraps
        }
        let raw = raw & self.mask;
        if self.started && raw < self.last {
            self.high = self.high.saturating_add(self.mask).saturating_add(1);
        }
        self.started = true;
        self.last = raw;
        self.high.saturating_add(raw)
    }
}

impl<C: Clock> Clock for WrappingClock<C> {
    fn now_us(&mut self) -> u64 {
        let raw = self.inner.now_us();
        self.widen(raw)
    }

    fn sleep_us(&mut self, us: u64) {
        let mut left = us;
        // A reading before and after each chunk: no chunk is long enough to hide a wrap.
        let _ = self.now_us();
        while left > 0 {
            let chunk = left.min(self.chunk_us());
            self.inner.sleep_us(chunk);
            let _ = self.now_us();
            left -= chunk;
        }
    }
}

impl<C: AsyncClock> AsyncClock for WrappingClock<C> {
    fn now_us(&mut self) -> u64 {
        let raw = self.inner.now_us();
        self.widen(raw)
    }

    async fn sleep_us(&mut self, us: u64) {
        let mut left = us;
        let _ = AsyncClock::now_us(self);
        while left > 0 {
            let chunk = left.min(self.chunk_us());
            self.inner.sleep_us(chunk).await;
            let _ = AsyncClock::now_us(self);
            left -= chunk;
        }
    }
}
