//! `DelayClock`: retry! and retry_async! over embedded-hal delays, and how it tells the time.

#![cfg(all(feature = "std", feature = "embedded-hal-async"))]
// Tests run on the current toolchain; only the library keeps to the MSRV.
#![allow(clippy::incompatible_msrv)]

/// With `defmt` on, every test binary needs a global logger: the shared one drops the lines.
mod common;
use common::block_on;

use std::cell::Cell;
use std::time::Duration;

use stamina::{Clock, DelayClock, FastRng};

/// A delay that only records what it was asked, in nanoseconds, one entry per call.
#[derive(Default)]
struct Recorder {
    calls_us: Vec<u32>,
}

impl embedded_hal::delay::DelayNs for Recorder {
    fn delay_ns(&mut self, ns: u32) {
        self.calls_us.push(ns / 1000);
    }
    fn delay_us(&mut self, us: u32) {
        self.calls_us.push(us);
    }
}

impl embedded_hal_async::delay::DelayNs for Recorder {
    async fn delay_ns(&mut self, ns: u32) {
        self.calls_us.push(ns / 1000);
    }
    async fn delay_us(&mut self, us: u32) {
        self.calls_us.push(us);
    }
}

#[test]
fn sleeps_on_the_delay_and_counts_the_waits_as_time() {
    let mut clock = DelayClock::new(Recorder::default());
    let mut tries = 0;
    let result: Result<(), u32> = stamina::retry!(
        on = |_: &u32| true,
        attempts = 4,
        wait_jitter = Duration::ZERO,
        clock = &mut clock,
        rng = FastRng::new(1),
        {
            tries += 1;
            Err(tries)
        }
    );
    assert_eq!(result, Err(4));
    // 100, 200, 400 ms with no jitter: each wait is one delay_us call.
    assert_eq!(clock.now_us(), 700_000);
    assert_eq!(clock.into_delay().calls_us, [100_000, 200_000, 400_000]);
}

#[test]
fn the_timeout_counts_only_the_waits_with_new() {
    // 1 s timeout, 300 ms waits: 300 + 300 + 300 fit, the 4th wait would end at 1.2 s.
    let mut clock = DelayClock::new(Recorder::default());
    let mut tries = 0u32;
    let result: Result<(), u32> = stamina::retry!(
        on = |_: &u32| true,
        backoff = stamina::Backoff::from_waits([Duration::from_millis(300)])
            .unlimited_attempts()
            .timeout(Duration::from_secs(1))
            .wait_jitter(Duration::ZERO),
        clock = &mut clock,
        rng = FastRng::new(1),
        {
            tries += 1;
            Err(tries)
        }
    );
    assert_eq!(result, Err(4));
    assert_eq!(clock.now_us(), 900_000);
}

#[test]
fn with_now_takes_the_time_from_the_function() {
    // Each try takes 700 ms of wall time, which `with_now` sees and `new` would not.
    let wall_us = Cell::new(0u64);
    let mut clock = DelayClock::with_now(Recorder::default(), || wall_us.get());
    let mut tries = 0u32;
    let result: Result<(), u32> = stamina::retry!(
        on = |_: &u32| true,
        attempts = 10,
        timeout = Duration::from_secs(1),
        wait_jitter = Duration::ZERO,
        clock = &mut clock,
        rng = FastRng::new(1),
        {
            tries += 1;
            wall_us.set(wall_us.get() + 700_000);
            Err(tries)
        }
    );
    // Try 1 fails at 0.7 s (the deadline is 1 s later) and waits 100 ms (the recorder does
    // not move `wall_us`); try 2 fails at 1.4 s and waits 200 ms; try 3 fails at 2.1 s, past
    // the deadline: give up. Counting only the waits, as `new` does, would have made a 4th try.
    assert_eq!(result, Err(3));
    assert_eq!(clock.into_delay().calls_us, [100_000, 200_000]);
}

#[test]
fn waits_longer_than_u32_micros_are_split() {
    let mut clock = DelayClock::new(Recorder::default());
    let long = u64::from(u32::MAX) * 2 + 5;
    clock.sleep_us(long);
    assert_eq!(clock.now_us(), long);
    assert_eq!(clock.delay_mut().calls_us, [u32::MAX, u32::MAX, 5]);
}

#[test]
fn retry_async_awaits_the_async_delay() {
    let mut clock = DelayClock::new(Recorder::default());
    let mut tries = 0;
    let result: Result<u8, u32> = block_on(async {
        stamina::retry_async!(
            on = |_: &u32| true,
            wait_jitter = Duration::ZERO,
            clock = &mut clock,
            rng = FastRng::new(1),
            async {
                tries += 1;
                if tries < 3 {
                    Err(tries)
                } else {
                    Ok(7)
                }
            }
            .await
        )
    });
    assert_eq!(result, Ok(7));
    assert_eq!(stamina::AsyncClock::now_us(&mut clock), 300_000);
    assert_eq!(clock.into_delay().calls_us, [100_000, 200_000]);
}
