//! The smallest executor, shared by the benches that await: polls until ready, with a waker that
//! does nothing (every future they measure is ready at once). Inlined for every side, so that
//! none pays for moving its future into it.

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

#[inline(always)]
pub fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(value) = future.as_mut().poll(&mut cx) {
            return value;
        }
    }
}
