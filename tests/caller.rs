//! The function API: `RetryingCaller` runs the same loop as the macros, configured once.

#![cfg(feature = "std")]

use std::time::Duration;

use stamina::testing::ManualClock;
use stamina::{Backoff, Decision, FastRng, RetryingCaller};

mod common;
use common::{block_on, transient, Error};

fn fails(calls: &mut u32, failures: u32) -> Result<u32, Error> {
    *calls += 1;
    if *calls <= failures {
        Err(Error::Transient(*calls))
    } else {
        Ok(*calls)
    }
}

#[test]
fn the_same_schedule_as_the_macro() {
    let by_caller = ManualClock::new();
    let by_macro = ManualClock::new();
    let mut caller = RetryingCaller::new(transient)
        .clock(&by_caller)
        .rng(FastRng::new(9));
    let mut calls = 0;
    assert_eq!(caller.call(|| fails(&mut calls, 4)), Ok(5));
    let mut calls = 0;
    let r = stamina::retry!(
        on = transient,
        clock = &by_macro,
        rng = FastRng::new(9),
        fails(&mut calls, 4)
    );
    assert_eq!(r, Ok(5));
    assert_eq!(by_caller.waits(), by_macro.waits());
    assert_eq!(by_caller.sleeps(), 4);
}

#[test]
fn gives_up_with_the_last_error_and_is_reusable() {
    let clock = ManualClock::new();
    let mut caller = RetryingCaller::new(transient)
        .backoff(Backoff::new().attempts(3).wait_jitter(Duration::ZERO))
        .clock(&clock);
    let mut calls = 0;
    assert_eq!(
        caller.call(|| fails(&mut calls, 9)),
        Err(Error::Transient(3))
    );
    assert_eq!(
        clock.waits(),
        [Duration::from_millis(100), Duration::from_millis(200)]
    );
    // A second call starts afresh: its own tries, its own schedule.
    let mut calls = 0;
    assert_eq!(caller.call(|| fails(&mut calls, 1)), Ok(2));
    assert_eq!(clock.sleeps(), 3);
    assert_eq!(clock.waits()[2], Duration::from_millis(100));
}

#[test]
fn errors_that_on_rejects_return_at_once() {
    let clock = ManualClock::new();
    let mut caller = RetryingCaller::new(transient).clock(&clock);
    let mut calls = 0;
    let r: Result<(), Error> = caller.call(|| {
        calls += 1;
        Err(Error::Fatal)
    });
    assert_eq!((r, calls, clock.sleeps()), (Err(Error::Fatal), 1, 0));
}

#[test]
fn decisions_override_the_wait() {
    let clock = ManualClock::new();
    let mut caller =
        RetryingCaller::new(|_: &Error| Decision::RetryAfter(Duration::from_secs(3))).clock(&clock);
    let mut calls = 0;
    assert_eq!(caller.call(|| fails(&mut calls, 1)), Ok(2));
    assert_eq!(clock.waits(), [Duration::from_secs(3)]);
}

#[test]
fn async_closures_may_borrow_mutably() {
    let clock = ManualClock::new();
    let mut caller = RetryingCaller::new(transient)
        .clock(&clock)
        .rng(FastRng::new(1));
    let mut calls = 0u32;
    let mut log = Vec::new();
    let future = caller.call_async(async || {
        log.push(calls);
        fails(&mut calls, 2)
    });
    let r = block_on(future);
    assert_eq!(r, Ok(3));
    assert_eq!(log, [0, 1, 2]);
    assert_eq!(clock.sleeps(), 2);
}
