//! `retry!` and `retry_async!` in a `no_std` library, with a clock and an RNG supplied.
#![no_std]

use core::future::{ready, Future};
use core::time::Duration;

use stamina::{AsyncClock, Backoff, Clock, FastRng};

/// A free-running microsecond counter and a busy-wait, as on a board.
pub struct Timer {
    pub now: u64,
}

impl Clock for Timer {
    fn now_us(&mut self) -> u64 {
        self.now
    }
    fn sleep_us(&mut self, us: u64) {
        self.now = self.now.saturating_add(us);
    }
}

impl AsyncClock for Timer {
    fn now_us(&mut self) -> u64 {
        self.now
    }
    fn sleep_us(&mut self, us: u64) -> impl Future<Output = ()> {
        self.now = self.now.saturating_add(us);
        ready(())
    }
}

pub const SENSOR: Backoff = Backoff::new()
    .attempts(5)
    .wait_initial(Duration::from_millis(2))
    .wait_max(Duration::from_millis(50));
const _: () = assert!(SENSOR.max_total_wait().as_millis() < 8_000);

pub fn read_sensor(timer: &mut Timer, read: &mut dyn FnMut() -> Result<u16, u8>) -> Result<u16, u8> {
    stamina::retry!(
        on = |e: &u8| *e != 0xFF,
        backoff = SENSOR,
        clock = timer,
        rng = FastRng::new(0x1234_5678),
        read()
    )
}

/// No `rng =`: without `std` the default is the program-wide `GlobalRng`, seeded at boot.
pub async fn send(timer: &mut Timer, attempts: u32, read: &mut dyn FnMut() -> Result<u16, u8>) -> Result<u16, u8> {
    stamina::retry_async!(on = |_: &u8| true, attempts = attempts, clock = timer, read())
}

pub fn boot(device_id: u64) {
    stamina::seed_jitter(device_id);
}

#[cfg(feature = "missing-defaults")]
pub fn no_clock_given(read: &mut dyn FnMut() -> Result<u16, u8>) -> Result<u16, u8> {
    stamina::retry!(on = |_: &u8| true, read())
}
