//! The scenarios, in the order they run. Each returns `Err(why)` on the first check that fails.
//!
//! Waits are kept to a few milliseconds so that the whole run takes well under a second of
//! emulated time; the checks on real time only ever demand that at least the waited time passed
//! (an emulator on a busy host may run slow, never fast).

use core::time::Duration;

use stamina::{Backoff, Decision, DelayClock, FastRng};

use crate::clocks::{board_clock, InstantClock, Recording};
use crate::exec::block_on;
use crate::report::{ensure, Outcome};
use crate::time::{self, Deadline, SysTickDelay};

/// A scenario: its name and what runs it.
pub type Scenario = (&'static str, fn() -> Outcome);

/// Each function, named as it is written.
macro_rules! scenarios {
    ($($scenario:ident),* $(,)?) => {
        &[$((stringify!($scenario), $scenario as fn() -> Outcome)),*]
    };
}

pub const ALL: &[Scenario] = scenarios![
    sensor_read_retried_on_systick,
    gives_up_with_the_last_error,
    only_named_errors_are_retried,
    inactive_switch_tries_once,
    retry_async_on_a_poll_loop,
    const_schedule_checked_at_compile_time,
    jitter_seeded_per_device,
    timeout_counts_the_waits_on_delay_clock_new,
    timeout_counts_wall_time_on_delay_clock_with_now,
    attempt_form_sees_each_try,
    retry_after_override_and_hook,
];

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

const fn us(n: u64) -> Duration {
    Duration::from_micros(n)
}

/// The seed of the jitter RNG the scenarios pass explicitly. A real device would use something
/// unique to it, such as its factory-programmed ID.
const SEED: u64 = 0x5EED_F00D;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum BusError {
    /// The sensor did not acknowledge: busy, worth retrying.
    Nak,
    /// Wired wrong, or the wrong chip: retrying cannot help.
    Fatal,
}

/// A sensor on a bus that NAKs `naks_left` times, then answers.
struct Sensor {
    naks_left: u32,
    reads: u32,
}

impl Sensor {
    const VALUE: u16 = 0x0BAD;

    fn new(naks: u32) -> Self {
        Sensor {
            naks_left: naks,
            reads: 0,
        }
    }

    fn read(&mut self) -> Result<u16, BusError> {
        self.reads += 1;
        if self.naks_left > 0 {
            self.naks_left -= 1;
            Err(BusError::Nak)
        } else {
            Ok(Self::VALUE)
        }
    }

    /// The same over an async bus, whose transfer takes 100 µs.
    async fn read_async(&mut self) -> Result<u16, BusError> {
        Deadline::after_us(100).await;
        self.read()
    }
}

/// An error that says which try made it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Failed {
    try_no: u32,
}

/// 1. A flaky sensor read, retried with `retry!` on real SysTick waits.
fn sensor_read_retried_on_systick() -> Outcome {
    // The schedule that the keys below make, to check the waits against.
    const SCHEDULE: Backoff = Backoff::new()
        .wait_initial(ms(1))
        .wait_jitter(ms(1))
        .wait_max(ms(5));

    let mut sensor = Sensor::new(2);
    let mut clock = Recording::new(board_clock());
    let start = time::now_us();
    let reading = stamina::retry!(
        on = |e: &BusError| *e == BusError::Nak,
        wait_initial = ms(1),
        wait_jitter = ms(1),
        wait_max = ms(5),
        clock = &mut clock,
        rng = FastRng::new(SEED),
        sensor.read()
    );
    let elapsed = time::now_us() - start;

    ensure!(reading == Ok(Sensor::VALUE), "read {:?}", reading);
    ensure!(sensor.reads == 3, "{} reads, expected 3", sensor.reads);
    ensure!(clock.count() == 2, "{} waits, expected 2", clock.count());
    for (n, &wait) in (1..).zip(clock.waits()) {
        let (wait, low, high) = (us(wait), SCHEDULE.wait(n), SCHEDULE.longest_wait(n));
        ensure!(
            low <= wait && wait <= high,
            "wait {} was {:?}, not in {:?}..={:?}",
            n,
            wait,
            low,
            high
        );
    }
    ensure!(
        elapsed >= clock.total_us(),
        "{} us passed for {} us of waits: the clock did not really wait",
        elapsed,
        clock.total_us()
    );
    Ok(())
}

/// 2. An operation that always fails: after `attempts` tries, its last error comes back as is.
fn gives_up_with_the_last_error() -> Outcome {
    let mut tries = 0u32;
    let mut clock = Recording::new(board_clock());
    let result: Result<(), Failed> = stamina::retry!(
        on = |_: &Failed| true,
        attempts = 3,
        wait_initial = us(200),
        wait_jitter = us(200),
        clock = &mut clock,
        rng = FastRng::new(SEED),
        {
            tries += 1;
            Err(Failed { try_no: tries })
        }
    );

    ensure!(
        result == Err(Failed { try_no: 3 }),
        "returned {:?}, expected the 3rd try's error",
        result
    );
    ensure!(tries == 3, "{} tries, expected 3", tries);
    ensure!(clock.count() == 2, "{} waits, expected 2", clock.count());
    Ok(())
}

/// 3. Only the errors `on` names are retried: a fatal one comes back at once, whether it is the
///    first error or follows retried ones.
fn only_named_errors_are_retried() -> Outcome {
    let mut tries = 0u32;
    let mut clock = Recording::new(board_clock());
    let result: Result<u16, BusError> = stamina::retry!(
        on = |e: &BusError| *e == BusError::Nak,
        wait_initial = us(100),
        wait_jitter = us(100),
        clock = &mut clock,
        rng = FastRng::new(SEED),
        {
            tries += 1;
            Err(BusError::Fatal)
        }
    );
    ensure!(result == Err(BusError::Fatal), "returned {:?}", result);
    ensure!(tries == 1, "{} tries for a fatal error, expected 1", tries);
    ensure!(clock.count() == 0, "{} waits, expected none", clock.count());

    // NAK, NAK, then fatal: two retries, and the fatal error ends it.
    let mut tries = 0u32;
    let result: Result<u16, BusError> = stamina::retry!(
        on = |e: &BusError| *e == BusError::Nak,
        wait_initial = us(100),
        wait_jitter = us(100),
        clock = &mut clock,
        rng = FastRng::new(SEED),
        {
            tries += 1;
            Err(if tries < 3 {
                BusError::Nak
            } else {
                BusError::Fatal
            })
        }
    );
    ensure!(result == Err(BusError::Fatal), "returned {:?}", result);
    ensure!(tries == 3, "{} tries, expected 3 (NAK, NAK, fatal)", tries);
    ensure!(clock.count() == 2, "{} waits, expected 2", clock.count());
    Ok(())
}

/// 4. `set_active(false)`: one try, no wait, for every retry loop; `set_active(true)` restores.
fn inactive_switch_tries_once() -> Outcome {
    let mut tries = 0u32;
    let mut clock = Recording::new(board_clock());
    stamina::set_active(false);
    let result: Result<(), Failed> = stamina::retry!(
        on = |_: &Failed| true,
        attempts = 5,
        wait_initial = ms(1),
        clock = &mut clock,
        rng = FastRng::new(SEED),
        {
            tries += 1;
            Err(Failed { try_no: tries })
        }
    );
    // Switched back on before any check can return, so that a failure here spoils nothing else.
    stamina::set_active(true);

    ensure!(result == Err(Failed { try_no: 1 }), "returned {:?}", result);
    ensure!(tries == 1, "{} tries while inactive, expected 1", tries);
    ensure!(
        clock.count() == 0,
        "{} waits while inactive, expected none",
        clock.count()
    );
    ensure!(
        stamina::is_active(),
        "still inactive after set_active(true)"
    );

    // And on again: the same loop retries.
    let mut tries = 0u32;
    let result: Result<(), Failed> = stamina::retry!(
        on = |_: &Failed| true,
        attempts = 2,
        wait_initial = us(100),
        wait_jitter = Duration::ZERO,
        clock = &mut clock,
        rng = FastRng::new(SEED),
        {
            tries += 1;
            Err(Failed { try_no: tries })
        }
    );
    ensure!(
        result == Err(Failed { try_no: 2 }),
        "returned {:?} once active again",
        result
    );
    Ok(())
}

/// 5. `retry_async!` on a poll loop, sleeping on futures that complete when SysTick says so.
fn retry_async_on_a_poll_loop() -> Outcome {
    let mut sensor = Sensor::new(2);
    let mut clock = Recording::new(board_clock());
    let start = time::now_us();
    let (reading, polls) = block_on(async {
        stamina::retry_async!(
            on = |e: &BusError| *e == BusError::Nak,
            wait_initial = ms(1),
            wait_jitter = ms(1),
            wait_max = ms(5),
            clock = &mut clock,
            rng = FastRng::new(SEED),
            sensor.read_async().await
        )
    });
    let elapsed = time::now_us() - start;

    ensure!(reading == Ok(Sensor::VALUE), "read {:?}", reading);
    ensure!(sensor.reads == 3, "{} reads, expected 3", sensor.reads);
    ensure!(clock.count() == 2, "{} waits, expected 2", clock.count());
    // Three reads and two sleeps that each suspended at least once, and the final poll.
    ensure!(
        polls > 5,
        "only {} polls: the sleeps did not suspend",
        polls
    );
    ensure!(
        elapsed >= clock.total_us(),
        "{} us passed for {} us of waits",
        elapsed,
        clock.total_us()
    );
    Ok(())
}

/// 6. A schedule in flash, checked against a watchdog when compiling.
const SENSOR_SCHEDULE: Backoff = Backoff::new()
    .attempts(4)
    .wait_initial(ms(1))
    .wait_max(ms(4))
    .wait_jitter(ms(1))
    .timeout(ms(100));

/// The watchdog gives the retries 50 ms at most. (1 + 1) + (2 + 1) + 4 = 9 ms in the worst case.
const WATCHDOG_MS: u128 = 50;
const _: () = assert!(SENSOR_SCHEDULE.max_total_wait().as_millis() <= WATCHDOG_MS);

fn const_schedule_checked_at_compile_time() -> Outcome {
    let mut tries = 0u32;
    let mut clock = Recording::new(board_clock());
    let start = time::now_us();
    let result: Result<(), Failed> = stamina::retry!(
        on = |_: &Failed| true,
        backoff = SENSOR_SCHEDULE,
        clock = &mut clock,
        rng = FastRng::new(SEED),
        {
            tries += 1;
            Err(Failed { try_no: tries })
        }
    );
    let elapsed = time::now_us() - start;

    ensure!(result == Err(Failed { try_no: 4 }), "returned {:?}", result);
    ensure!(tries == 4, "{} tries, expected the schedule's 4", tries);
    let waited = us(clock.total_us());
    let bound = SENSOR_SCHEDULE.max_total_wait();
    ensure!(
        waited <= bound,
        "waited {:?}, more than max_total_wait {:?}",
        waited,
        bound
    );
    ensure!(
        elapsed >= clock.total_us(),
        "{} us passed for {:?} of waits",
        elapsed,
        waited
    );
    Ok(())
}

/// 7. The default RNG without `std` is `GlobalRng`, seeded by `seed_jitter`: the same seed
///    gives the same waits (a test can reproduce a device's retries), different seeds give
///    different ones (a fleet rebooted together does not retry in lock-step).
fn jitter_seeded_per_device() -> Outcome {
    /// The waits of 4 retries, with the jitter drawn from the global RNG seeded with `seed`.
    fn waits_after_seeding(seed: u64) -> [u64; 4] {
        stamina::seed_jitter(seed);
        // Pretend time: the schedule is what is checked here, not the waiting.
        let mut clock = Recording::new(InstantClock::default());
        let _: Result<(), Failed> = stamina::retry!(
            on = |_: &Failed| true,
            attempts = 5,
            wait_initial = ms(1),
            wait_jitter = ms(100),
            clock = &mut clock,
            // No `rng = ...`: the default, GlobalRng.
            Err(Failed { try_no: 0 })
        );
        let mut waits = [0; 4];
        for (slot, &wait) in waits.iter_mut().zip(clock.waits()) {
            *slot = wait;
        }
        waits
    }

    let device_a = waits_after_seeding(0xA);
    let device_b = waits_after_seeding(0xB);
    let device_a_again = waits_after_seeding(0xA);

    ensure!(
        device_a == device_a_again,
        "seed A gave {:?}, then {:?}",
        device_a,
        device_a_again
    );
    ensure!(
        device_a != device_b,
        "seeds A and B both gave {:?}",
        device_a
    );
    // Each wait is the jitter-free one (1, 2, 4, 8 ms) plus less than 100 ms of jitter.
    for (n, &wait) in (1u32..).zip(&device_a) {
        let base = 1_000u64 << (n - 1);
        ensure!(
            (base..base + 100_000).contains(&wait),
            "wait {} of {} us, base {} us",
            n,
            wait,
            base
        );
    }
    Ok(())
}

/// An operation that always fails, taking 5 ms of wall time per try.
fn slow_failure(tries: &mut u32) -> Result<(), Failed> {
    use embedded_hal::delay::DelayNs;
    *tries += 1;
    SysTickDelay.delay_ms(5);
    Err(Failed { try_no: *tries })
}

/// More: `DelayClock::new` counts only its own waits as elapsed time, so the timeout is exact:
///    waits of 2, 4 and 8 ms make 14; the next, 16 ms, would end past the 20 ms timeout.
fn timeout_counts_the_waits_on_delay_clock_new() -> Outcome {
    let mut tries = 0u32;
    let mut clock = Recording::new(DelayClock::new(SysTickDelay));
    let result = stamina::retry!(
        on = |_: &Failed| true,
        attempts = 100,
        timeout = ms(20),
        wait_initial = ms(2),
        wait_jitter = Duration::ZERO,
        clock = &mut clock,
        rng = FastRng::new(SEED),
        slow_failure(&mut tries)
    );

    ensure!(
        result == Err(Failed { try_no: 4 }),
        "returned {:?}, expected the 4th try's error",
        result
    );
    ensure!(tries == 4, "{} tries, expected 4", tries);
    ensure!(
        clock.waits() == [2_000, 4_000, 8_000],
        "waits {:?} us",
        clock.waits()
    );
    Ok(())
}

/// More: `DelayClock::with_now` reads SysTick, so the 5 ms each try takes counts too: the third
///    failure comes 7 + 4 + 5 = 16 ms after the first, and 8 ms more would pass the 20 ms
///    timeout: 3 tries where `DelayClock::new` makes 4. (At least 2 on a slow host: the first
///    failure always retries.)
fn timeout_counts_wall_time_on_delay_clock_with_now() -> Outcome {
    let mut tries = 0u32;
    let mut clock = Recording::new(board_clock());
    let start = time::now_us();
    let result = stamina::retry!(
        on = |_: &Failed| true,
        attempts = 100,
        timeout = ms(20),
        wait_initial = ms(2),
        wait_jitter = Duration::ZERO,
        clock = &mut clock,
        rng = FastRng::new(SEED),
        slow_failure(&mut tries)
    );
    let elapsed = time::now_us() - start;

    ensure!(
        result == Err(Failed { try_no: tries }),
        "returned {:?} after {} tries",
        result,
        tries
    );
    ensure!(
        (2..=3).contains(&tries),
        "{} tries, expected 3 (2 if the host is slow)",
        tries
    );
    ensure!(
        clock.waits() == &[2_000, 4_000][..clock.count()],
        "waits {:?} us",
        clock.waits()
    );
    ensure!(
        elapsed >= clock.total_us() + 5_000 * u64::from(tries),
        "only {} us passed",
        elapsed
    );
    Ok(())
}

/// More: the `|attempt|` form numbers the tries and tells each its jitter-free next wait.
fn attempt_form_sees_each_try() -> Outcome {
    let mut nums = [0u32; 3];
    let mut next_waits = [Duration::ZERO; 3];
    let mut clock = Recording::new(InstantClock::default());
    let result: Result<u32, Failed> = stamina::retry!(
        on = |_: &Failed| true,
        attempts = 3,
        wait_initial = ms(1),
        wait_jitter = Duration::ZERO,
        clock = &mut clock,
        rng = FastRng::new(SEED),
        |attempt| {
            let n = attempt.num();
            if let Some(i) = (n as usize).checked_sub(1).filter(|&i| i < nums.len()) {
                nums[i] = n;
                next_waits[i] = attempt.next_wait();
            }
            if n < 3 {
                Err(Failed { try_no: n })
            } else {
                Ok(n)
            }
        }
    );

    ensure!(result == Ok(3), "returned {:?}", result);
    ensure!(nums == [1, 2, 3], "try numbers {:?}", nums);
    ensure!(
        next_waits[..2] == [ms(1), ms(2)],
        "next waits {:?}, expected 1 ms, 2 ms",
        next_waits
    );
    ensure!(
        clock.waits() == [1_000, 2_000],
        "waits {:?} us, expected [1000, 2000]",
        clock.waits()
    );
    Ok(())
}

/// More: `on` may choose the wait itself (a device's "busy, ask again in 3 ms"), and the
/// `on_retry` hook sees each retry before its wait.
fn retry_after_override_and_hook() -> Outcome {
    #[derive(Debug, PartialEq)]
    enum DeviceError {
        Busy { ready_in_ms: u64 },
    }

    let mut tries = 0u32;
    let mut hook_calls = 0u32;
    let mut clock = Recording::new(board_clock());
    let result: Result<u32, DeviceError> = stamina::retry!(
        on = |e: &DeviceError| match e {
            DeviceError::Busy { ready_in_ms } => Decision::RetryAfter(ms(*ready_in_ms)),
        },
        on_retry = |_: &stamina::RetryDetails<'_, DeviceError>| hook_calls += 1,
        clock = &mut clock,
        rng = FastRng::new(SEED),
        {
            tries += 1;
            if tries == 1 {
                Err(DeviceError::Busy { ready_in_ms: 3 })
            } else {
                Ok(tries)
            }
        }
    );

    ensure!(result == Ok(2), "returned {:?}", result);
    ensure!(
        hook_calls == 1,
        "on_retry called {} times, expected 1",
        hook_calls
    );
    ensure!(
        clock.waits() == [3_000],
        "waits {:?} us, expected exactly [3000]",
        clock.waits()
    );
    Ok(())
}
