//! The smallest executor that can run `retry_async!`: poll one future in a loop.

use core::future::Future;
use core::pin::pin;
use core::task::{Context, Poll, Waker};

/// Runs `future` to completion; returns its output and how many polls it took (more than one
/// means it really suspended, at a sleep).
///
/// The waker does nothing: this loop polls again at once anyway. An executor that sleeps the
/// core between polls (`wfi`) would need a waker an interrupt can fire; none is needed here.
pub fn block_on<F: Future>(future: F) -> (F::Output, u32) {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    let mut polls = 0u32;
    loop {
        polls = polls.saturating_add(1);
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return (output, polls);
        }
    }
}
