//! Control flow around and inside the operation: `retry_async!` in an `async` block driven by a
//! hand-written `block_on`, `retry!` in a closure, a labeled loop whose label the operation
//! `break`s or `continue`s (even a label named like the macro's own), `?` and `return` in the
//! operation. Each leaves the retry loop at once, with no further try and no wait.

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

/// `?` in an async operation leaves the `async fn` without a retry.
async fn async_question_mark(clock: &ManualClock, tries: &mut u32) -> Result<u32, &'static str> {
    let v = stamina::retry_async!(on = |_: &Flaky| true, clock = clock, {
        *tries += 1;
        let parsed: Result<u32, &'static str> = Err("bad input");
        let n = parsed?;
        fetch(&mut 0).await.map(|v| v + n)
    });
    Ok(v.unwrap_or(0))
}

/// `return` from an async operation, on the second try.
async fn async_return(clock: &ManualClock, tries: &mut u32) -> Result<u32, Flaky> {
    let r = stamina::retry_async!(on = |_: &Flaky| true, clock = clock, {
        *tries += 1;
        if *tries == 2 {
            return Ok(1000);
        }
        fetch(&mut 1).await
    });
    r.map(|v| v + 1)
}

/// `?` in a blocking operation leaves the function without a retry.
fn question_mark(clock: &ManualClock, tries: &mut u32) -> Result<u32, String> {
    let v: Result<u32, Flaky> = stamina::retry!(on = |_: &Flaky| true, clock = clock, {
        *tries += 1;
        let n: u32 = "x".parse().map_err(|e| format!("{e}"))?;
        Ok(n)
    });
    Ok(v.unwrap_or(0))
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
    assert_eq!(
        block_on(async_question_mark(&clock, &mut tries)),
        Err("bad input")
    );
    assert_eq!(tries, 1);
    let mut tries = 0;
    assert_eq!(block_on(async_return(&clock, &mut tries)), Ok(1000));
    assert_eq!(tries, 2);
    assert_eq!(clock.sleeps(), 1);

    // `break 'outer` out of an async loop from inside the operation.
    let clock = ManualClock::new();
    let mut tries = 0;
    let got = block_on(async {
        'outer: loop {
            let r = stamina::retry_async!(on = |_: &Flaky| true, attempts = 2, clock = &clock, {
                tries += 1;
                if tries == 3 {
                    break 'outer "broke out";
                }
                fetch(&mut 1).await
            });
            assert_eq!(r, Err(Flaky));
        }
    });
    assert_eq!(got, "broke out");
    assert_eq!((tries, clock.sleeps()), (3, 1));

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

    // In a closure: `return` in the operation returns from the closure.
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
                Err(Flaky)
            } else {
                Ok(fail_first)
            }
        });
        r.map(|v| v * 10)
    };
    assert_eq!(call(1), Ok(10));
    assert_eq!(call(5), Err(Flaky));
    assert_eq!(call(99), Ok(99));
    assert_eq!(calls, 2 + 3 + 1);
    assert_eq!(clock.sleeps(), 1 + 2);

    // A labeled loop: `continue 'outer` skips odd rounds on their first try, `break 'outer`
    // ends everything with a value, both from inside the operation.
    let clock = ManualClock::new();
    let mut seen = Vec::new();
    let mut tries = 0;
    let mut round = 0u32;
    let last = 'outer: loop {
        round += 1;
        let mut fails = 1;
        let r = stamina::retry!(on = |_: &Flaky| true, attempts = 3, clock = &clock, {
            tries += 1;
            if round % 2 == 0 {
                continue 'outer;
            }
            if round == 5 {
                break 'outer round;
            }
            if fails > 0 {
                fails -= 1;
                Err(Flaky)
            } else {
                Ok(round)
            }
        });
        seen.push(r);
    };
    assert_eq!(last, 5);
    assert_eq!(seen, [Ok(1), Ok(3)]);
    // Rounds 1 and 3: two tries each; rounds 2, 4 and 5: one.
    assert_eq!(tries, 2 + 1 + 2 + 1 + 1);
    assert_eq!(clock.sleeps(), 2);

    // A user label with the very name the expansion gives its own block: labels are hygienic,
    // so `break '__stamina_operation` is the user's loop. The first round gives up after two
    // tries; the second breaks out on its first try.
    let clock = ManualClock::new();
    let mut tries = 0;
    let mut rounds = 0;
    let got = '__stamina_operation: loop {
        rounds += 1;
        let r = stamina::retry!(on = |_: &Flaky| true, attempts = 2, clock = &clock, {
            tries += 1;
            if tries == 3 {
                break '__stamina_operation tries * 100;
            }
            Err::<(), _>(Flaky)
        });
        assert_eq!(r, Err(Flaky));
    };
    assert_eq!((got, rounds), (300, 2));
    assert_eq!(clock.sleeps(), 1);

    // `?` in a blocking operation.
    let clock = ManualClock::new();
    let mut tries = 0;
    assert!(question_mark(&clock, &mut tries).is_err());
    assert_eq!((tries, clock.sleeps()), (1, 0));
}
