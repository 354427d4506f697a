//! A crate that denies strict lints (and all warnings) can call `retry!`: the expansion
//! must trigger none of them in the caller's crate.

#![deny(
    warnings,
    missing_docs,
    unused_results,
    unused_qualifications,
    clippy::all
)]

use core::time::Duration;
use stamina::testing::ManualClock;
use stamina::{retry, RetryDetails};

/// An error from the operation.
#[derive(Debug, PartialEq, Eq)]
pub enum MyError {
    /// Worth retrying.
    Busy,
    /// Not worth it.
    Broken,
}

/// Fails with `Busy` until `fails` reaches zero.
fn op(fails: &mut u32) -> Result<u32, MyError> {
    if *fails > 0 {
        *fails -= 1;
        Err(MyError::Busy)
    } else {
        Ok(5)
    }
}

fn main() {
    let clock = ManualClock::new();
    let mut fails = 2;
    let mut retries = 0;
    let r = retry!(
        on = |e: &MyError| *e == MyError::Busy,
        attempts = 4,
        timeout = Duration::from_secs(10),
        wait_initial = Duration::from_millis(1),
        wait_max = Duration::from_millis(50),
        wait_jitter = Duration::ZERO,
        wait_exp_base = (3, 2),
        clock = &clock,
        rng = stamina::FastRng::new(1),
        on_retry = |d: &RetryDetails<'_, MyError>| retries += d.retry_num,
        name = "deny_lints::op",
        op(&mut fails)
    );
    assert_eq!(r, Ok(5));
    assert_eq!(retries, 1 + 2);
    assert_eq!(clock.sleeps(), 2);

    // The `|attempt|` form, and an error not worth retrying.
    let mut tries = Vec::new();
    let r: Result<(), MyError> = retry!(on = |e: &MyError| *e == MyError::Busy, clock = &clock, |a| {
        tries.push(a.num());
        Err(MyError::Broken)
    });
    assert_eq!(r, Err(MyError::Broken));
    assert_eq!(tries, [1]);
}
