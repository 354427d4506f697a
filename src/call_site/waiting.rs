//! The clock calls of the loops: named functions rather than trait methods, so that a clock
//! of the wrong kind (an async clock given to `retry!`) fails with the trait it lacks.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};

use crate::report::Guards;
use crate::{AsyncClock, Clock};

/// The hooks' guards end with the wait they announced: dropped here, once.
#[inline(always)]
pub fn wait_ended(guards: Guards) {
    guards.end();
}

/// Reads a blocking clock (named so that an async clock given to `retry!` fails clearly).
#[inline]
pub fn now<C: Clock>(clock: &mut C) -> u64 {
    clock.now_us()
}

/// Sleeps unless there is nothing to wait (testing mode, zero waits): a clock is never asked
/// for a zero wait.
#[inline]
pub fn sleep<C: Clock>(clock: &mut C, us: u64) {
    if us > 0 {
        clock.sleep_us(us);
    }
}

/// Reads an async clock.
#[inline]
pub fn now_async<C: AsyncClock>(clock: &mut C) -> u64 {
    clock.now_us()
}

/// Waits on the clock; a zero wait (testing mode, `RetryAfter(0)`, `wait_initial = 0`) yields
/// to the executor once instead, as Python's `sleep(0)` does, so that a loop of zero waits
/// never starves the other tasks of its thread.
#[inline]
pub async fn sleep_async<C: AsyncClock>(clock: &mut C, us: u64) {
    if us > 0 {
        clock.sleep_us(us).await;
    } else {
        YieldNow(false).await;
    }
}

/// Pending once (after asking to be polled again), then ready.
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
