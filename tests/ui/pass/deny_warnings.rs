//! A crate that denies every warning and a set of strict lints can call `retry!` and
//! `retry_async!` in all their forms: the expansion must trigger none of them in the caller's
//! crate. (trybuild runs rustc, not clippy: the `clippy::` lints are here for `cargo clippy`
//! runs on a copy of this file; rustc only checks that they are known tool lints.)

#![deny(warnings)]
#![deny(missing_docs, unused_results, unused_qualifications, clippy::pedantic)]
#![deny(
    unused,
    nonstandard_style,
    rust_2018_idioms,
    future_incompatible,
    let_underscore_drop,
    missing_debug_implementations,
    trivial_casts,
    trivial_numeric_casts,
    unreachable_pub,
    unused_import_braces,
    unused_lifetimes,
    unused_macro_rules,
    single_use_lifetimes,
    variant_size_differences,
    clippy::all,
    clippy::nursery
)]
#![forbid(unsafe_code)]

use core::future::Future;
use core::time::Duration;
use stamina::testing::ManualClock;
use stamina::{retry, retry_async, Backoff, Budget, RetryDetails};

/// An error from the operation.
#[derive(Debug, PartialEq, Eq)]
pub enum MyError {
    /// Worth retrying.
    Busy,
    /// Not worth it.
    Broken,
}

/// Fails with `Busy` until `fails` reaches zero.
const fn op(fails: &mut u32) -> Result<u32, MyError> {
    if *fails > 0 {
        *fails -= 1;
        Err(MyError::Busy)
    } else {
        Ok(5)
    }
}

/// Polls a future to completion; the `ManualClock` never makes it wait.
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = core::pin::pin!(f);
    let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
    loop {
        if let core::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// A schedule shared by several calls.
const SCHEDULE: Backoff = Backoff::new()
    .attempts(3)
    .wait_initial(Duration::from_millis(1))
    .wait_jitter(Duration::ZERO);

fn main() {
    // The plain form with no schedule key at all, and the default clock on a call that
    // succeeds at once.
    let r = retry!(on = |_: &MyError| true, op(&mut 0));
    assert_eq!(r, Ok(5));

    // Every key but `attempt_timeout`.
    let clock = ManualClock::new();
    let budget = Budget::new(5);
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
        backoff = SCHEDULE,
        clock = &clock,
        rng = stamina::FastRng::new(1),
        on_retry = |d: &RetryDetails<'_, MyError>| retries += d.retry_num,
        name = "deny_warnings::op",
        budget = &budget,
        flatten = false,
        op(&mut fails)
    );
    assert_eq!(r, Ok(5));
    assert_eq!(retries, 1 + 2);
    assert_eq!(clock.waits(), [1000, 1500].map(Duration::from_micros));

    // `backoff = SCHEDULE` alone (borrowed, not copied), giving up after its 3 tries.
    let clock = ManualClock::new();
    let mut fails = 9;
    let r = retry!(
        on = |_: &MyError| true,
        backoff = SCHEDULE,
        clock = &clock,
        op(&mut fails)
    );
    assert_eq!(r, Err(MyError::Busy));
    assert_eq!(fails, 9 - 3);
    assert_eq!(clock.waits(), [1, 2].map(Duration::from_millis));

    // The `|attempt|` and `|attempt: Attempt|` forms, and an error not worth retrying.
    let clock = ManualClock::new();
    let mut tries = Vec::new();
    let r: Result<(), MyError> = retry!(
        on = |e: &MyError| *e == MyError::Busy,
        clock = &clock,
        |a| {
            tries.push(a.num());
            Err(MyError::Broken)
        }
    );
    assert_eq!(r, Err(MyError::Broken));
    let r: Result<u32, MyError> = retry!(
        on = |e: &MyError| *e == MyError::Busy,
        clock = &clock,
        |a: stamina::Attempt| {
            tries.push(a.num());
            if a.num() < 2 {
                Err(MyError::Busy)
            } else {
                Ok(a.num())
            }
        }
    );
    assert_eq!(r, Ok(2));
    assert_eq!(tries, [1, 1, 2]);
    assert_eq!(clock.sleeps(), 1);

    // `retry_async!`, plain and with `|attempt|`.
    let clock = ManualClock::new();
    let mut fails = 1;
    let r = block_on(async {
        retry_async!(
            on = |_: &MyError| true,
            clock = &clock,
            async { op(&mut fails) }.await
        )
    });
    assert_eq!(r, Ok(5));
    let r: Result<u32, MyError> = block_on(async {
        retry_async!(on = |_: &MyError| true, attempts = 2, clock = &clock, |a| {
            if a.num() < 5 {
                Err(MyError::Busy)
            } else {
                Ok(0)
            }
        })
    });
    assert_eq!(r, Err(MyError::Busy));
    assert_eq!(clock.sleeps(), 2);
}
