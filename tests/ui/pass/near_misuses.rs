//! Forms next to the misuses that the crate reports itself, which must still compile and work.
//!
//! `retry!` gives its operation the expected type `Result<_, E>`, with `E` from `on`: an
//! `Err(Box::new(e))` or an `.ok_or(Box::new(e))` coerces into a `Box<dyn Error>`. (That is why
//! a non-`Result` operation in `retry!` is left to rustc's own error.) `retry_async!` checks the
//! output of its `async` block once the block is known: an operation that ends only through
//! `return` still gets the `Result` type, and `?` still converts with `From`. Next to the
//! rejected untyped `on` closure, a closure typed `|_: &_|`; next to a rejected negative
//! `attempts`, a negative number cast into a count; next to a rejected closure or unawaited
//! `async` block as the operation, the `|attempt|` form and an `async` block awaited.

use core::future::Future;
use core::task::{Context, Poll, Waker};
use std::error::Error;
use std::fmt;

use stamina::testing::ManualClock;

#[derive(Debug)]
struct Missing;

impl fmt::Display for Missing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("missing")
    }
}

impl Error for Missing {}

#[derive(Debug, PartialEq)]
struct Flaky;

impl From<core::num::ParseIntError> for Flaky {
    fn from(_: core::num::ParseIntError) -> Self {
        Flaky
    }
}

fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = core::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[allow(clippy::borrowed_box)] // `on` sees `&E`, and here `E` is the box
fn main() {
    let clock = ManualClock::new();

    // `Err(Box::new(Missing))` is a `Result<_, Box<Missing>>` but for the expected type.
    let mut calls = 0;
    let r: Result<u32, Box<dyn Error>> = stamina::retry!(
        on = |e: &Box<dyn Error>| e.to_string() == "missing",
        clock = &clock,
        {
            calls += 1;
            if calls < 3 {
                Err(Box::new(Missing))
            } else {
                Ok(calls)
            }
        }
    );
    assert_eq!(r.unwrap(), 3);

    // The same through `ok_or`, the way to turn an `Option` into a `Result`.
    let cache = [None, None, Some(7_u32)];
    let mut reads = 0;
    let r: Result<u32, Box<dyn Error>> = stamina::retry!(
        on = |_: &Box<dyn Error>| true,
        clock = &clock,
        {
            reads += 1;
            cache[reads - 1].ok_or(Box::new(Missing))
        }
    );
    assert_eq!(r.unwrap(), 7);

    // A filter whose parameter's type is written, if inferred.
    let r: Result<u32, Flaky> = stamina::retry!(on = |_: &_| false, clock = &clock, Err(Flaky));
    assert_eq!(r, Err(Flaky));

    // A count written as a negative number cast (`u32::MAX` tries), and the `|attempt|` form.
    #[allow(clippy::cast_sign_loss)]
    let r: Result<u32, Flaky> = stamina::retry!(
        on = |_: &Flaky| true,
        attempts = -1i32 as u32,
        clock = &clock,
        |attempt| if attempt.num() < 3 { Err(Flaky) } else { Ok(attempt.num()) }
    );
    assert_eq!(r, Ok(3));

    block_on(async {
        // An operation that ends only through `return`: its type comes from `on`.
        let mut tries = 0;
        let r = stamina::retry_async!(on = |_: &Flaky| true, clock = &clock, loop {
            tries += 1;
            if tries < 2 {
                return Err(Flaky);
            }
            return Ok(tries);
        });
        assert_eq!(r, Ok(2));

        // `?` converts into the error type of `on`.
        let mut texts = ["x", "4"].into_iter();
        let r: Result<u32, Flaky> = stamina::retry_async!(on = |_: &Flaky| true, clock = &clock, {
            let n: u32 = texts.next().unwrap_or("x").parse()?;
            Ok(n)
        });
        assert_eq!(r, Ok(4));

        // An `async` block as the operation, awaited.
        let r: Result<u32, Flaky> = stamina::retry_async!(
            on = |_: &Flaky| true,
            clock = &clock,
            async move { Ok(5) }.await
        );
        assert_eq!(r, Ok(5));
    });
}
