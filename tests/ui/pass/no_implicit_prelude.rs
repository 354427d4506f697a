//! `retry!` and `retry_async!` in a crate with `#![no_implicit_prelude]`: nothing from the
//! prelude (`Ok`, `Some`, `Option`, `Vec`, `Into`, `Iterator`...) is in scope at the call site,
//! so the expansion must name everything itself. The test code names `::std::...` explicitly.

#![no_implicit_prelude]

use ::std::io::{Error, ErrorKind};
use ::std::result::Result::{self, Err, Ok};
use ::std::time::Duration;
use ::std::{assert, assert_eq};

use ::stamina::testing::ManualClock;
use ::stamina::{Attempt, Backoff, Budget, RetryDetails};

#[derive(::std::fmt::Debug, ::std::cmp::PartialEq)]
enum MyError {
    Busy,
    Broken,
}

/// Polls a future to completion; the `ManualClock` never makes it wait.
fn block_on<F: ::std::future::Future>(f: F) -> F::Output {
    let mut f = ::std::pin::pin!(f);
    let mut cx = ::std::task::Context::from_waker(::std::task::Waker::noop());
    loop {
        if let ::std::task::Poll::Ready(v) = ::std::future::Future::poll(f.as_mut(), &mut cx) {
            return v;
        }
    }
}

/// Every key at once (but `flatten` and `attempt_timeout`), and the plain form.
fn every_key() {
    let clock = ManualClock::new();
    let budget = Budget::new(10);
    let mut tries = 0u32;
    let mut hooked = ::std::vec::Vec::new();
    let r: Result<u32, MyError> = ::stamina::retry!(
        on = |e: &MyError| *e == MyError::Busy,
        attempts = 4,
        timeout = Duration::from_secs(60),
        wait_initial = Duration::from_millis(10),
        wait_max = Duration::from_secs(1),
        wait_jitter = Duration::ZERO,
        wait_exp_base = 3,
        backoff = Backoff::new(),
        clock = &clock,
        rng = ::stamina::FastRng::new(7),
        on_retry = |d: &RetryDetails<'_, MyError>| hooked.push((d.retry_num, d.wait_for)),
        name = "no_implicit_prelude::every_key",
        budget = &budget,
        flatten = false,
        {
            tries += 1;
            if tries < 3 {
                Err(MyError::Busy)
            } else {
                Ok(tries)
            }
        }
    );
    assert_eq!(r, Ok(3));
    assert_eq!(clock.waits(), [10, 30].map(Duration::from_millis));
    assert_eq!(
        hooked,
        [
            (1, Duration::from_millis(10)),
            (2, Duration::from_millis(30))
        ]
    );
}

/// The `|attempt: Attempt|` form with an `io::ErrorKind` filter, giving up after `attempts`.
fn typed_attempt() {
    let clock = ManualClock::new();
    let mut nums = ::std::vec::Vec::new();
    let r: Result<(), Error> = ::stamina::retry!(
        on = ErrorKind::TimedOut,
        attempts = 3,
        wait_jitter = Duration::ZERO,
        clock = &clock,
        |attempt: Attempt| {
            nums.push((attempt.num(), attempt.next_wait()));
            Err(<Error as ::std::convert::From<ErrorKind>>::from(
                ErrorKind::TimedOut,
            ))
        }
    );
    assert_eq!(r.map_err(|e| e.kind()), Err(ErrorKind::TimedOut));
    assert_eq!(
        nums,
        [
            (1, Duration::from_millis(100)),
            (2, Duration::from_millis(200)),
            (3, Duration::from_millis(400))
        ]
    );
    assert_eq!(clock.sleeps(), 2);
}

/// The defaults (`StdClock`, `StdRng`, `Backoff::new()`) on a call that succeeds at once, and
/// an error the filter rejects, which ends the loop without a wait.
fn defaults() {
    let r: Result<&str, MyError> = ::stamina::retry!(on = |_: &MyError| true, Ok("first"));
    assert_eq!(r, Ok("first"));
    let mut tries = 0;
    let r: Result<(), MyError> = ::stamina::retry!(on = |e: &MyError| *e == MyError::Busy, {
        tries += 1;
        Err(MyError::Broken)
    });
    assert_eq!(r, Err(MyError::Broken));
    assert_eq!(tries, 1);
}

/// `retry_async!`, including `attempt_timeout` (the attempt is ready at once, so it wins).
fn async_forms() {
    #[derive(::std::fmt::Debug, ::std::cmp::PartialEq)]
    struct TimedOut;
    impl ::std::convert::From<::stamina::AttemptTimedOut> for TimedOut {
        fn from(_: ::stamina::AttemptTimedOut) -> Self {
            TimedOut
        }
    }

    let clock = ManualClock::new();
    let mut tries = 0u32;
    let r: Result<u32, TimedOut> = block_on(async {
        ::stamina::retry_async!(
            on = |_: &TimedOut| true,
            attempt_timeout = Duration::from_secs(1),
            wait_jitter = Duration::ZERO,
            clock = &clock,
            |attempt| {
                tries += 1;
                if attempt.num() < 3 {
                    Err(TimedOut)
                } else {
                    Ok(attempt.num())
                }
            }
        )
    });
    assert_eq!(r, Ok(3));
    assert_eq!(tries, 3);
    // The backoff waits; `ManualClock` may also record each attempt's race against the timeout.
    let mut backoff_waits = ::std::vec::Vec::new();
    for wait in ::std::iter::IntoIterator::into_iter(clock.waits().to_vec()) {
        if wait != Duration::from_secs(1) {
            backoff_waits.push(wait);
        }
    }
    assert_eq!(backoff_waits, [100, 200].map(Duration::from_millis));
}

fn main() {
    every_key();
    typed_attempt();
    defaults();
    async_forms();
    assert!(::stamina::is_active());
}
