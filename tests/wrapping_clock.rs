//! `WrappingClock`: a retry loop on a hardware counter that wraps neither gives up early nor
//! waits forever, and behaves exactly as on a counter that does not wrap.

use core::future::Future;
use core::time::Duration;

use stamina::{retry, retry_async, AsyncClock, Backoff, Clock, FastRng, WrappingClock};

mod common;
use common::block_on;

/// The hardware `WrappingClock` widens: a free-running counter of `bits` bits at 1 MHz
/// (`now_us` wraps; sleeping advances it, recording each sleep). At 64 bits it never wraps.
#[derive(Clone, Debug)]
struct HardwareCounter {
    true_us: u64,
    bits: u32,
    sleeps: Vec<u64>,
}

impl HardwareCounter {
    fn new(bits: u32, start_us: u64) -> Self {
        Self {
            true_us: start_us,
            bits,
            sleeps: Vec::new(),
        }
    }
}

impl Clock for HardwareCounter {
    fn now_us(&mut self) -> u64 {
        self.true_us & (u64::MAX >> (64 - self.bits))
    }
    fn sleep_us(&mut self, us: u64) {
        self.sleeps.push(us);
        self.true_us += us;
    }
}

impl AsyncClock for HardwareCounter {
    fn now_us(&mut self) -> u64 {
        Clock::now_us(self)
    }
    fn sleep_us(&mut self, us: u64) -> impl Future<Output = ()> {
        Clock::sleep_us(self, us);
        core::future::ready(())
    }
}

const PERIOD_32: u64 = 1 << 32; // 71.6 minutes of microseconds

#[test]
fn readings_across_the_wrap_are_monotonic_and_exact() {
    let mut clock = WrappingClock::new(HardwareCounter::new(32, PERIOD_32 - 30), 32);
    let mut previous = Clock::now_us(&mut clock);
    for _ in 0..60 {
        Clock::sleep_us(&mut clock, 1);
        let now = Clock::now_us(&mut clock);
        assert_eq!(now, previous + 1);
        previous = now;
    }
}

#[test]
fn a_sleep_longer_than_the_period_is_counted_in_full() {
    let mut clock = WrappingClock::new(HardwareCounter::new(20, 5), 20);
    let before = Clock::now_us(&mut clock);
    Clock::sleep_us(&mut clock, 10 << 20); // ten periods of a 20-bit counter
    assert_eq!(Clock::now_us(&mut clock) - before, 10 << 20);
    let inner = clock.into_inner();
    assert!(
        inner.sleeps.iter().all(|&s| s <= 1 << 19),
        "chunks of half a period at most"
    );
    assert_eq!(inner.sleeps.iter().sum::<u64>(), 10 << 20);
}

/// The waits of a loop that always fails, on `clock`.
fn run(clock: &mut impl Clock, schedule: Backoff) -> (Result<(), u8>, u32) {
    let mut tries = 0;
    let r = retry!(
        on = |_: &u8| true,
        backoff = schedule,
        clock = &mut *clock,
        rng = FastRng::new(3),
        {
            tries += 1;
            Err(1)
        }
    );
    (r, tries)
}

#[test]
fn a_loop_across_the_wrap_runs_as_on_a_counter_that_does_not_wrap() {
    let schedule = Backoff::new()
        .unlimited_attempts()
        .timeout(Duration::from_secs(30));
    // Starts 0.2 s before a 32-bit counter wraps; the reference counts 64 bits.
    let mut wrapping = WrappingClock::new(HardwareCounter::new(32, PERIOD_32 - 200_000), 32);
    let mut reference = HardwareCounter::new(64, PERIOD_32 - 200_000);
    let (r, tries) = run(&mut wrapping, schedule);
    let (r_ref, tries_ref) = run(&mut reference, schedule);
    assert_eq!((r, tries), (r_ref, tries_ref));
    let slept: u64 = wrapping.into_inner().sleeps.iter().sum();
    assert_eq!(slept, reference.sleeps.iter().sum::<u64>());
    assert!(slept <= 30_000_000, "never past the 30 s deadline: {slept}");
    assert!(tries > 5, "it ran until the deadline: {tries} tries");
}

#[test]
fn without_the_adapter_a_wrapping_counter_breaks_the_timeout() {
    // A 24-bit counter wraps every 16.8 s: its readings jump backwards, which a loop reads as
    // no time passing, so the 30 s timeout never comes (the loop stops at its attempts).
    let schedule = Backoff::new().attempts(40).timeout(Duration::from_secs(30));
    let mut raw = HardwareCounter::new(24, 0);
    let (_, tries_raw) = run(&mut raw, schedule);
    let mut widened = WrappingClock::new(HardwareCounter::new(24, 0), 24);
    let (_, tries_widened) = run(&mut widened, schedule);
    let slept_raw: u64 = raw.sleeps.iter().sum();
    let slept_widened: u64 = widened.into_inner().sleeps.iter().sum();
    assert!(slept_widened <= 30_000_000, "{slept_widened}");
    assert!(
        slept_raw > 30_000_000,
        "the raw counter overran the deadline: {slept_raw}"
    );
    assert!(tries_raw > tries_widened, "{tries_raw} vs {tries_widened}");
}

#[test]
fn async_loops_widen_too() {
    let schedule = Backoff::new()
        .unlimited_attempts()
        .timeout(Duration::from_secs(20));
    let mut clock = WrappingClock::new(HardwareCounter::new(32, PERIOD_32 - 1_000), 32);
    let mut tries = 0;
    let r: Result<(), u8> = block_on(async {
        retry_async!(
            on = |_: &u8| true,
            backoff = schedule,
            clock = &mut clock,
            rng = FastRng::new(3),
            {
                tries += 1;
                Err(2)
            }
        )
    });
    assert_eq!(r, Err(2));
    let slept: u64 = clock.into_inner().sleeps.iter().sum();
    assert!(
        (15_000_000..=20_000_000).contains(&slept),
        "ran to the 20 s deadline: {slept}"
    );
    assert!(tries > 5);
}

#[test]
fn bits_are_clamped_and_64_bits_pass_through() {
    let mut clock = WrappingClock::new(HardwareCounter::new(64, u64::MAX - 5), 200);
    assert_eq!(Clock::now_us(&mut clock), u64::MAX - 5);
    let mut one_bit = WrappingClock::new(HardwareCounter::new(1, 0), 0);
    Clock::sleep_us(&mut one_bit, 9);
    assert_eq!(Clock::now_us(&mut one_bit), 9);
}
