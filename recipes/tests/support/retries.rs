//! What the retry loops reported, through stamina's global `on_retry` hooks: the recipes stay
//! as a user writes them, and the tests still see each retry, its wait and its error.
//!
//! Tests of one binary run side by side on their own threads, and a loop calls its hooks on
//! the thread that runs it (the test's thread, for `#[tokio::test]`'s current-thread runtime
//! and for embassy's std executor): so each thread keeps its own list.

use std::cell::RefCell;
use std::sync::Once;
use std::time::Duration;

use stamina::{HookDetails, OnRetryHook};

/// One scheduled retry.
#[derive(Clone, Debug)]
#[allow(dead_code)] // each test binary reads the fields it checks
pub struct Retry {
    pub retry_num: u32,
    /// The wait before it, jitter included.
    pub wait_for: Duration,
    /// The error that caused it, as `{:?}` prints it.
    pub error: String,
}

thread_local! {
    static SEEN: RefCell<Vec<Retry>> = const { RefCell::new(Vec::new()) };
}

/// Installs the recording hook (once per process) and clears this thread's list.
pub fn record() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        stamina::set_on_retry_hooks([OnRetryHook::new(|d: &HookDetails<'_, '_>| {
            let retry = Retry {
                retry_num: d.retry_num,
                wait_for: d.wait_for,
                error: format!("{:?}", d.error),
            };
            SEEN.with(|seen| seen.borrow_mut().push(retry));
        })]);
    });
    SEEN.with(|seen| seen.borrow_mut().clear());
}

/// The retries this thread's loops scheduled since [`record`].
pub fn seen() -> Vec<Retry> {
    SEEN.with(|seen| seen.borrow().clone())
}
