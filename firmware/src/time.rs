//! Time on the chip, from the Cortex-M SysTick timer: a 64-bit tick count, a blocking delay
//! (embedded-hal's `DelayNs`) and an async one (embedded-hal-async's `DelayNs`).
//!
//! SysTick is a 24-bit down-counter. It runs free here (reload 2^24 - 1), and every reading
//! adds the ticks since the previous reading to a 64-bit total: that is exact as long as two
//! readings are less than one wrap apart (about a second at 16 MHz, 0.67 s at 25 MHz). The
//! SysTick exception, which fires at each wrap, makes one reading, so that holds however long
//! the program goes without asking the time.
//!
//! SysTick is clocked from the processor clock (CLKSOURCE = 1). QEMU's `microbit` machine
//! wires no reference clock to SysTick, so the other source would never tick there. (A real
//! nRF51 has no SysTick at all; QEMU models one. On real hardware this module would sit on one
//! of the chip's TIMERs instead; the retry code above it would not change.)

use core::cell::Cell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use cortex_m::peripheral::{syst::SystClkSource, SYST};
use cortex_m_rt::exception;
use critical_section::Mutex;

/// The processor clock that drives SysTick, as QEMU's machine sets it.
#[cfg(board_microbit)]
const CORE_HZ: u32 = 16_000_000;
#[cfg(board_mps2_an386)]
const CORE_HZ: u32 = 25_000_000;

const TICKS_PER_US: u64 = (CORE_HZ / 1_000_000) as u64;
const RELOAD: u32 = 0x00FF_FFFF;

/// (the counter at the previous reading, ticks since `start`).
static COUNT: Mutex<Cell<(u32, u64)>> = Mutex::new(Cell::new((0, 0)));

/// Starts the free-running count; time 0 is now. Call once, before anything else here.
pub fn start(mut syst: SYST) {
    syst.disable_counter();
    syst.set_clock_source(SystClkSource::Core);
    syst.set_reload(RELOAD);
    syst.clear_current(); // the counter reads 0, as COUNT's `previous` says
    syst.enable_interrupt();
    syst.enable_counter();
}

/// Processor ticks since `start`.
pub fn ticks() -> u64 {
    // A critical section: the SysTick exception reads too, and both update the same total.
    critical_section::with(|cs| {
        let count = COUNT.borrow(cs);
        let (previous, total) = count.get();
        let current = SYST::get_current();
        // A down-counter over 2^24 values: the distance travelled is previous - current,
        // modulo 2^24 (the mask), whether or not it wrapped since.
        let total = total + u64::from(previous.wrapping_sub(current) & RELOAD);
        count.set((current, total));
        total
    })
}

/// Microseconds since `start`.
pub fn now_us() -> u64 {
    ticks() / TICKS_PER_US
}

#[exception]
fn SysTick() {
    // Once per wrap: keeps the 64-bit total exact however rarely the program reads it.
    ticks();
}

/// Ticks in `ns` nanoseconds, rounded up: a delay may be longer than asked, never shorter.
fn ns_to_ticks(ns: u32) -> u64 {
    (u64::from(ns) * TICKS_PER_US).div_ceil(1_000)
}

/// A delay on the SysTick count. Needs [`start`] first.
#[derive(Clone, Copy, Debug, Default)]
pub struct SysTickDelay;

impl embedded_hal::delay::DelayNs for SysTickDelay {
    fn delay_ns(&mut self, ns: u32) {
        let until = ticks() + ns_to_ticks(ns);
        while ticks() < until {}
    }

    fn delay_us(&mut self, us: u32) {
        // Whole microseconds, without the default's split into `delay_ns` calls of at most
        // 4.29 s: one deadline, however long.
        let until = ticks() + u64::from(us) * TICKS_PER_US;
        while ticks() < until {}
    }
}

impl embedded_hal_async::delay::DelayNs for SysTickDelay {
    async fn delay_ns(&mut self, ns: u32) {
        Deadline {
            at: ticks() + ns_to_ticks(ns),
        }
        .await;
    }

    async fn delay_us(&mut self, us: u32) {
        Deadline {
            at: ticks() + u64::from(us) * TICKS_PER_US,
        }
        .await;
    }
}

/// Completes once the tick count reaches `at`.
///
/// Nothing here raises an interrupt at the deadline, so a pending poll asks to be polled again
/// at once (`wake_by_ref`): a busy wait that still yields to the executor at every poll.
#[derive(Debug)]
pub struct Deadline {
    at: u64,
}

impl Deadline {
    /// `us` microseconds from now.
    pub fn after_us(us: u64) -> Self {
        Deadline {
            at: ticks().saturating_add(us.saturating_mul(TICKS_PER_US)),
        }
    }
}

impl Future for Deadline {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if ticks() >= self.at {
            Poll::Ready(())
        } else {
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}
