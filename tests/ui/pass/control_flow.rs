//! Control flow around and inside the operation: `retry_async!` in an `async` block driven by a
//! hand-written `block_on`, `retry!` in a closure, loops inside the operation and around the
//! macro, `?` and `return` in the operation. The operation is one try: `?` and `return` end that
//! try with their value, and `on` decides as for any other error.

use core::future::Future;
use core::task::{Context, Poll, Waker};
use core::time::Duration;
use stamina::testing::ManualClock;

#[derive(Debug, PartialEq)]
struct Flaky;

/// Polls a future to completion; the `ManualClock` never makes it wait.
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = core::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

/// Fails until `fails` reaches zero, after yielding once to the executor.
async fn fetch(fails: &mut u32) -> Result<u32, Flaky> {
    let mut yielded = false;
    core::future::poll_fn(|cx| {
        if yielded {
            Poll::Ready(())
        } else {
            yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    })
    .await;
    if *fails > 0 {
        *fails -= 1;
        Err(Flaky)
    } else {
        Ok(7)
    }
}

/// `?` in an async operation ends that try; `From` turns the parse error into a `Flaky`.
async fn async_question_mark(clock: &ManualClock, tries: &mut u32) -> Result<u32, Flaky> {
    stamina::retry_async!(on = |_: &Flaky| true, clock = clock, {
        *tries += 1;
        let n: u32 = if *tries < 3 { "x" } else { "4" }.parse()?;
        fetch(&mut 0).await.map(|v| v + n)
    })
}

/// `return` from an async operation is that try's result.
async fn async_return(clock: &ManualClock, tries: &mut u32) -> Result<u32, Flaky> {
    let r = stamina::retry_async!(on = |_: &Flaky| true, clock = clock, {
        *tries += 1;
        if *tries == 1 {
            return Err(Flaky);
        }
        if *tries == 2 {
            return Ok(1000);
        }
        fetch(&mut 1).await
    });
    r.map(|v| v + 1)
}

/// `?` in a blocking operation ends that try, which is retried.
fn question_mark(clock: &ManualClock, tries: &mut u32) -> Result<u32, Flaky> {
    stamina::retry!(on = |_: &Flaky| true, clock = clock, {
        *tries += 1;
        let n: u32 = if *tries < 2 { "x" } else { "5" }.parse()?;
        Ok(n)
    })
}

impl From<core::num::ParseIntError> for Flaky {
    fn from(_: core::num::ParseIntError) -> Self {
        Flaky
    }
}

fn main() {
    // In an `async` block: the operation awaits, and the future is driven by hand.
    let clock = ManualClock::new();
    let mut fails = 2;
    let mut tries = 0;
    let r = block_on(async {
        stamina::retry_async!(
            on = |_: &Flaky| true,
            wait_jitter = Duration::ZERO,
            clock = &clock,
            {
                tries += 1;
                fetch(&mut fails).await
            }
        )
    });
    assert_eq!(r, Ok(7));
    assert_eq!(tries, 3);
    assert_eq!(clock.waits(), [100, 200].map(Duration::from_millis));

    // `?` and `return` in an async operation.
    let clock = ManualClock::new();
    let mut tries = 0;
    assert_eq!(block_on(async_question_mark(&clock, &mut tries)), Ok(11));
    assert_eq!((tries, clock.sleeps()), (3, 2));
    let clock = ManualClock::new();
    let mut tries = 0;
    assert_eq!(block_on(async_return(&clock, &mut tries)), Ok(1001));
    assert_eq!((tries, clock.sleeps()), (2, 1));

    // In an async closure, called twice.
    let clock = ManualClock::new();
    let fetch_twice = async |fails: u32| {
        let mut fails = fails;
        stamina::retry_async!(on = |_: &Flaky| true, attempts = 3, clock = &clock, {
            fetch(&mut fails).await
        })
    };
    assert_eq!(block_on(fetch_twice(2)), Ok(7));
    assert_eq!(block_on(fetch_twice(3)), Err(Flaky));
    assert_eq!(clock.sleeps(), 2 + 2);

    // In a closure: `return` in the operation ends the try, not the closure.
    let clock = ManualClock::new();
    let mut calls = 0;
    let mut call = |fail_first: u32| -> Result<u32, Flaky> {
        let mut fails = fail_first;
        let r = stamina::retry!(on = |_: &Flaky| true, attempts = 3, clock = &clock, {
            calls += 1;
            if fails == 99 {
                return Ok(99);
            }
            if fails > 0 {
                fails -= 1;
                return Err(Flaky);
            }
            Ok(fail_first)
        });
        r.map(|v| v * 10)
    };
    assert_eq!(call(1), Ok(10));
    assert_eq!(call(5), Err(Flaky));
    assert_eq!(call(99), Ok(990));
    assert_eq!(calls, 2 + 3 + 1);
    assert_eq!(clock.sleeps(), 1 + 2);

    // Loops inside the operation keep their own `break` and `continue`, labeled or not; a
    // labeled loop around the macro is driven by its result.
    let clock = ManualClock::new();
    let mut tries = 0;
    let mut seen = Vec::new();
    let last = 'outer: loop {
        let r = stamina::retry!(on = |_: &Flaky| true, attempts = 3, clock = &clock, {
            tries += 1;
            let mut sum = 0;
            'inner: for i in 0..10 {
                if i % 2 == 0 {
                    continue 'inner;
                }
                if i > 5 {
                    break;
                }
                sum += i;
            }
            let mut n = 0;
            let found = loop {
                n += 1;
                if n == tries {
                    break n;
                }
            };
            if found % 2 == 1 { Err(Flaky) } else { Ok(sum + found) }
        });
        match r {
            Ok(v) if v > 12 => break 'outer v,
            other => seen.push(other),
        }
    };
    // Odd tries fail; even ones give 1 + 3 + 5 plus the try's number.
    assert_eq!(seen, [Ok(11)]);
    assert_eq!(last, 13);
    assert_eq!(tries, 4);
    assert_eq!(clock.sleeps(), 2);

    // `?` in a blocking operation.
    let clock = ManualClock::new();
    let mut tries = 0;
    assert_eq!(question_mark(&clock, &mut tries), Ok(5));
    assert_eq!((tries, clock.sleeps()), (2, 1));
}
