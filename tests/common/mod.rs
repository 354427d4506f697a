//! What the `retry!` and `retry_async!` tests share: an error with a retryable and a fatal kind,
//! a schedule, an executor, an event log and the one hand-written test clock.

#![allow(dead_code)] // each test binary uses its own part of it

use core::cell::Cell;
use core::time::Duration;
use std::string::String;
use std::sync::{Arc, Mutex};
use std::vec::Vec;

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

/// The events of a test, in order, from whatever writes them: a [`TestClock`]'s sleeps, hooks,
/// guards. An `Arc<Mutex<..>>` so that global hooks (`Send + Sync + 'static`) can write too.
pub type Log = Arc<Mutex<Vec<String>>>;

/// Appends `line` to `log`.
pub fn push(log: &Log, line: impl Into<String>) {
    log.lock().unwrap().push(line.into());
}

/// The tests' own blocking clock, for what `stamina::testing::ManualClock` cannot do: log its
/// sleeps among the other events of a test, or move on its own when read. Time starts at zero
/// and moves only when something sleeps on it (by the wait) or reads it (by the jump, if set).
///
/// - [`logging_to`](TestClock::logging_to): each sleep of `us` pushes `sleep {us}` to the log.
/// - [`jumping_on_reads`](TestClock::jumping_on_reads): each reading first moves time forward,
///   as if the code between two readings took that long.
///
/// A `&TestClock` is a clock too (time is a `Cell`), so the operation can read
/// [`now`](TestClock::now) while the loop sleeps on it: pass `clock = &clock`.
#[derive(Debug, Default)]
pub struct TestClock {
    now_us: Cell<u64>,
    jump_us: u64,
    log: Option<Log>,
}

impl TestClock {
    /// A clock at zero that neither logs nor jumps.
    pub fn new() -> Self {
        Self::default()
    }

    /// The same clock, pushing `sleep {us}` to `log` on each sleep.
    pub fn logging_to(self, log: &Log) -> Self {
        Self {
            log: Some(Arc::clone(log)),
            ..self
        }
    }

    /// The same clock, moving `by` forward each time the loop reads it.
    pub fn jumping_on_reads(self, by: Duration) -> Self {
        Self {
            jump_us: u64::try_from(by.as_micros()).unwrap(),
            ..self
        }
    }

    /// The current time, read without jumping.
    pub fn now(&self) -> Duration {
        Duration::from_micros(self.now_us.get())
    }

    fn read(&self) -> u64 {
        self.now_us
            .set(self.now_us.get().saturating_add(self.jump_us));
        self.now_us.get()
    }

    fn sleep(&self, us: u64) {
        if let Some(log) = &self.log {
            push(log, std::format!("sleep {us}"));
        }
        self.now_us.set(self.now_us.get().saturating_add(us));
    }
}

impl stamina::Clock for TestClock {
    fn now_us(&mut self) -> u64 {
        self.read()
    }
    fn sleep_us(&mut self, us: u64) {
        self.sleep(us);
    }
}

impl stamina::Clock for &TestClock {
    fn now_us(&mut self) -> u64 {
        self.read()
    }
    fn sleep_us(&mut self, us: u64) {
        self.sleep(us);
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
