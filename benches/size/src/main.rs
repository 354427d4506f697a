//! The size probe: what one and two retry loops cost in flash, through `retry!` and through
//! an honest hand-written loop with the same features (error filter, attempts, exponential
//! backoff with a cap, jitter from an RNG, a timeout from the first failure, an off switch).
//!
//! The hardware is a few registers read and written with volatile accesses, so that nothing
//! is optimised away and the link needs no external symbol. The panic handler calls a
//! function that does not exist: if any panic path survives optimisation, the link fails.

#![no_std]
#![no_main]
#![allow(dead_code)] // each build uses some of the loops
#![allow(clippy::empty_loop)] // never run: the end of the program is a place to stop
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss
)]

use core::sync::atomic::{AtomicBool, Ordering};
use core::time::Duration;

use stamina::{Backoff, Clock, Rng};

/// Memory-mapped registers of an imaginary board.
mod hw {
    const TIMER_LOW: usize = 0x4000_0000;
    const TIMER_HIGH: usize = 0x4000_0004;
    const DELAY: usize = 0x4000_0008;
    const RNG: usize = 0x4000_000C;
    const SENSOR_A: usize = 0x4000_0010;
    const SENSOR_B: usize = 0x4000_0014;
    const OUT: usize = 0x4000_0018;

    fn read(address: usize) -> u32 {
        // SAFETY: a register of the imaginary board; the probe is never run.
        unsafe { core::ptr::read_volatile(address as *const u32) }
    }

    fn write(address: usize, value: u32) {
        // SAFETY: as above.
        unsafe { core::ptr::write_volatile(address as *mut u32, value) }
    }

    pub fn now_us() -> u64 {
        u64::from(read(TIMER_HIGH)) << 32 | u64::from(read(TIMER_LOW))
    }

    pub fn delay_us(us: u64) {
        // Two writes: the delay register takes the wait in two halves.
        write(DELAY, (us >> 32) as u32);
        write(DELAY, us as u32);
    }

    pub fn random() -> u32 {
        read(RNG)
    }

    pub fn sensor_a() -> i32 {
        read(SENSOR_A) as i32
    }

    pub fn sensor_b() -> i32 {
        read(SENSOR_B) as i32
    }

    pub fn out(value: i32) {
        write(OUT, value as u32);
    }
}

struct Timer;

impl Clock for Timer {
    fn now_us(&mut self) -> u64 {
        hw::now_us()
    }
    fn sleep_us(&mut self, us: u64) {
        hw::delay_us(us);
    }
}

struct HwRng;

impl Rng for HwRng {
    fn next_u32(&mut self) -> u32 {
        hw::random()
    }
}

/// A sensor read: negative values are bus errors, -1 (a NAK) is worth retrying.
fn read_a() -> Result<i32, i32> {
    match hw::sensor_a() {
        e if e < 0 => Err(e),
        v => Ok(v),
    }
}

fn read_b() -> Result<i32, i32> {
    match hw::sensor_b() {
        e if e < 0 => Err(e),
        v => Ok(v),
    }
}

/// The schedule of both loops: 5 tries, 2 ms doubling to at most 50 ms, 1 s jitter, 45 s.
const SENSOR: Backoff = Backoff::new()
    .attempts(5)
    .wait_initial(Duration::from_millis(2))
    .wait_max(Duration::from_millis(50));

/// The same schedule as plain numbers, for the hand-written loop.
const ATTEMPTS: u32 = 5;
const INITIAL_US: u64 = 2_000;
const MAX_US: u64 = 50_000;
const JITTER_US: u64 = 1_000_000;
const TIMEOUT_US: u64 = 45_000_000;

/// The hand-written loop's off switch (stamina's is `set_active`).
static ACTIVE: AtomicBool = AtomicBool::new(true);

/// The honest hand-written loop: integer microseconds, no division, no panic.
fn hand_written(
    mut op: impl FnMut() -> Result<i32, i32>,
    retry: impl Fn(&i32) -> bool,
) -> Result<i32, i32> {
    let mut tries = 0u32;
    let mut base = INITIAL_US;
    let mut start = 0u64;
    loop {
        let error = match op() {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let now = hw::now_us();
        if tries == 0 {
            start = now;
        }
        tries += 1;
        if !retry(&error) || tries >= ATTEMPTS || !ACTIVE.load(Ordering::Relaxed) {
            return Err(error);
        }
        // Jitter in [0, JITTER_US): a multiply and a shift, not a modulo.
        let jitter = (JITTER_US * u64::from(hw::random())) >> 32;
        let wait = (base + jitter).min(MAX_US);
        if now.saturating_sub(start).saturating_add(wait) > TIMEOUT_US {
            return Err(error);
        }
        hw::delay_us(wait);
        base = (base * 2).min(MAX_US);
    }
}

#[no_mangle]
pub extern "C" fn _start() -> ! {
    #[cfg(feature = "retry-1")]
    hw::out(
        stamina::retry!(
            on = |e: &i32| *e == -1,
            backoff = SENSOR,
            clock = Timer,
            rng = HwRng,
            read_a()
        )
        .unwrap_or(0),
    );
    #[cfg(feature = "retry-2")]
    hw::out(
        stamina::retry!(
            on = |e: &i32| *e == -2,
            backoff = SENSOR,
            clock = Timer,
            rng = HwRng,
            read_b()
        )
        .unwrap_or(0),
    );
    #[cfg(feature = "retry-2-mixed")]
    hw::out(
        stamina::retry!(
            on = |e: &i32| *e == -2,
            clock = Timer,
            rng = HwRng,
            read_b()
        )
        .unwrap_or(0),
    );
    #[cfg(feature = "baseline-1")]
    hw::out(hand_written(read_a, |e| *e == -1).unwrap_or(0));
    #[cfg(feature = "baseline-2")]
    hw::out(hand_written(read_b, |e| *e == -2).unwrap_or(0));
    loop {}
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    extern "C" {
        /// Defined nowhere: referencing it fails the link.
        fn a_panic_path_survived() -> !;
    }
    // SAFETY: never called, only referenced if a panic path exists.
    unsafe { a_panic_path_survived() }
}
