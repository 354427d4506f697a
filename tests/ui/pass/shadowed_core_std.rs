//! `retry!` and `retry_async!` in a crate whose root declares `mod core {}` and `mod std {}`
//! (and a module that does it again, and a local `mod stamina {}`): any `core::...`,
//! `std::...` or `stamina::...` path in the expansion would resolve to an empty module here.

#![allow(dead_code)]

mod core {}
mod std {}
mod stamina {}

use ::core::time::Duration;
use ::stamina as st;
use ::stamina::testing::ManualClock;
use ::std::io::{Error, ErrorKind};

#[derive(Debug, PartialEq)]
enum MyError {
    Busy,
    Broken,
}

/// The same shadowing one level down, where the macros are called.
mod inner {
    mod core {}
    mod std {}

    use super::MyError;
    use ::core::time::Duration;
    use ::stamina::testing::ManualClock;

    /// Fails with `Busy` twice, then succeeds: three tries, two jitter-free waits.
    pub fn run(clock: &ManualClock) -> (Result<u32, MyError>, u32) {
        let mut tries = 0u32;
        let r = ::stamina::retry!(
            on = |e: &MyError| *e == MyError::Busy,
            attempts = 5,
            wait_jitter = Duration::ZERO,
            clock = clock,
            {
                tries += 1;
                if tries < 3 {
                    Err(MyError::Busy)
                } else {
                    Ok(tries * 10)
                }
            }
        );
        (r, tries)
    }
}

/// Polls a future to completion; the `ManualClock` never makes it wait.
fn block_on<F: ::core::future::Future>(f: F) -> F::Output {
    let mut f = ::core::pin::pin!(f);
    let mut cx = ::core::task::Context::from_waker(::core::task::Waker::noop());
    loop {
        if let ::core::task::Poll::Ready(v) = ::core::future::Future::poll(f.as_mut(), &mut cx) {
            return v;
        }
    }
}

fn main() {
    // Called from a module that shadows `core` and `std` too.
    let clock = ManualClock::new();
    let (r, tries) = inner::run(&clock);
    assert_eq!(r, Ok(30));
    assert_eq!(tries, 3);
    assert_eq!(clock.waits(), [100, 200].map(Duration::from_millis));

    // Through a renamed import of the crate, with an `io::ErrorKind` filter and the `|attempt|`
    // form: gives up after `attempts` with the last error.
    let clock = ManualClock::new();
    let mut seen = ::std::vec::Vec::new();
    let r: Result<(), Error> = st::retry!(
        on = [ErrorKind::TimedOut, ErrorKind::ConnectionRefused],
        attempts = 3,
        wait_jitter = Duration::ZERO,
        clock = &clock,
        |attempt| {
            seen.push(attempt.num());
            Err(Error::from(ErrorKind::TimedOut))
        }
    );
    assert_eq!(r.map_err(|e| e.kind()), Err(ErrorKind::TimedOut));
    assert_eq!(seen, [1, 2, 3]);
    assert_eq!(clock.sleeps(), 2);

    // The default clock and RNG (`StdClock`, `StdRng`): an error the filter rejects ends the
    // loop at once, with no wait.
    let mut tries = 0;
    let r: Result<u8, MyError> = ::stamina::retry!(on = |e: &MyError| *e == MyError::Busy, {
        tries += 1;
        Err(MyError::Broken)
    });
    assert_eq!(r, Err(MyError::Broken));
    assert_eq!(tries, 1);

    // `retry_async!`.
    let clock = ManualClock::new();
    let mut tries = 0u32;
    let r = block_on(async {
        ::stamina::retry_async!(
            on = |e: &MyError| *e == MyError::Busy,
            wait_jitter = Duration::ZERO,
            clock = &clock,
            {
                tries += 1;
                if tries < 2 {
                    Err(MyError::Busy)
                } else {
                    Ok("done")
                }
            }
        )
    });
    assert_eq!(r, Ok("done"));
    assert_eq!(tries, 2);
    assert_eq!(clock.waits(), [Duration::from_millis(100)]);
}
