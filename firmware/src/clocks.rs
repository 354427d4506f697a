//! The clocks the scenarios retry on: the board's, one that only pretends, and a recorder.

use core::future::Future;

use stamina::{AsyncClock, Clock, DelayClock};

use crate::time::{self, SysTickDelay};

/// The board's clock, blocking and async: waits on the SysTick delay, real time from SysTick
/// (so that a timeout bounds the wall time, tries included).
pub type BoardClock = DelayClock<SysTickDelay, fn() -> u64>;

pub fn board_clock() -> BoardClock {
    DelayClock::with_now(SysTickDelay, time::now_us)
}

/// A clock whose time moves only when it sleeps, and at once: for checks on the schedule alone,
/// with no need to spend the time.
#[derive(Default)]
pub struct InstantClock {
    now: u64,
}

impl Clock for InstantClock {
    fn now_us(&mut self) -> u64 {
        self.now
    }
    fn sleep_us(&mut self, us: u64) {
        self.now = self.now.saturating_add(us);
    }
}

/// Wraps a clock and writes down every wait asked of it (the first `MAX`, and how many).
pub struct Recording<C> {
    pub inner: C,
    waits: [u64; Recording::<()>::MAX],
    count: usize,
}

impl Recording<()> {
    pub const MAX: usize = 8;
}

impl<C> Recording<C> {
    pub fn new(inner: C) -> Self {
        Recording {
            inner,
            waits: [0; Recording::<()>::MAX],
            count: 0,
        }
    }

    fn record(&mut self, us: u64) {
        if let Some(slot) = self.waits.get_mut(self.count) {
            *slot = us;
        }
        self.count += 1;
    }

    /// The waits, in microseconds, in the order asked.
    pub fn waits(&self) -> &[u64] {
        &self.waits[..self.count.min(Recording::<()>::MAX)]
    }

    /// How many waits were asked.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Their sum, in microseconds.
    pub fn total_us(&self) -> u64 {
        self.waits().iter().sum()
    }
}

impl<C: Clock> Clock for Recording<C> {
    fn now_us(&mut self) -> u64 {
        self.inner.now_us()
    }
    fn sleep_us(&mut self, us: u64) {
        self.record(us);
        self.inner.sleep_us(us);
    }
}

impl<C: AsyncClock> AsyncClock for Recording<C> {
    fn now_us(&mut self) -> u64 {
        self.inner.now_us()
    }
    fn sleep_us(&mut self, us: u64) -> impl Future<Output = ()> {
        self.record(us);
        self.inner.sleep_us(us)
    }
}
