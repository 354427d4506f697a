//! What the `retry!` and `retry_async!` tests share: an error with a retryable and a fatal kind.

#![allow(dead_code)] // each test binary uses its own part of it

/// The operation's error in the tests.
#[derive(Debug, PartialEq)]
pub enum Error {
    Transient(u32),
    Fatal,
}

/// The `on` filter of the tests: retry `Transient`, give up on `Fatal`.
pub fn transient(e: &Error) -> bool {
    matches!(e, Error::Transient(_))
}

/// The schedule of the slow-hook tests: unlimited tries, a 1 s timeout and 500 ms waits, no
/// jitter. A hook that takes 800 ms leaves no room for the next wait before the deadline.
pub const HALF_SECOND_WAITS_FOR_ONE_SECOND: stamina::Backoff = stamina::Backoff::new()
    .unlimited_attempts()
    .timeout(core::time::Duration::from_secs(1))
    .wait_initial(core::time::Duration::from_millis(500))
    .wait_exp_base(1)
    .wait_jitter(core::time::Duration::ZERO);

/// The smallest executor, for futures whose clock never really waits: polls until ready, with
/// a waker that does nothing.
pub fn block_on<F: core::future::Future>(future: F) -> F::Output {
    let mut future = core::pin::pin!(future);
    let mut cx = core::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let core::task::Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
    }
}

/// With `defmt` on, the retry loops log through defmt, which needs a global logger in every
/// binary that links them. This one drops the bytes; `tests/defmt_lines.rs` counts them.
#[cfg(feature = "defmt")]
mod null_logger {
    #[defmt::global_logger]
    struct Discard;

    defmt::timestamp!("");

    // SAFETY: a logger that does nothing cannot be re-entered unsafely.
    unsafe impl defmt::Logger for Discard {
        fn acquire() {}
        unsafe fn flush() {}
        unsafe fn release() {}
        unsafe fn write(_: &[u8]) {}
    }
}
