//! The `budget = &B` key: every scheduled retry withdraws from the budget, every success
//! deposits; a dry budget makes the loop give up at once with the last error.

#![cfg(all(feature = "std", target_has_atomic = "32"))]

use std::sync::Arc;
use std::time::Duration;

use stamina::testing::ManualClock;
use stamina::{retry, Budget};

mod common;
use common::{transient, Error};

fn fails(calls: &mut u32, failures: u32) -> Result<u32, Error> {
    *calls += 1;
    if *calls <= failures {
        Err(Error::Transient(*calls))
    } else {
        Ok(*calls)
    }
}

#[test]
fn retries_draw_from_the_budget_and_stop_when_it_is_dry() {
    static BUDGET: Budget = Budget::new(3);
    let clock = ManualClock::new();
    let mut calls = 0;
    let r = retry!(
        on = transient,
        budget = &BUDGET,
        clock = &clock,
        fails(&mut calls, 9)
    );
    // Three retries were paid for; the fourth failure finds the budget dry.
    assert_eq!(r, Err(Error::Transient(4)));
    assert_eq!(clock.sleeps(), 3);
    assert_eq!(BUDGET.available(), 0);

    // Dry: the next call tries once, whatever its schedule says.
    let mut calls = 0;
    assert_eq!(
        retry!(
            on = transient,
            budget = &BUDGET,
            clock = &clock,
            fails(&mut calls, 9)
        ),
        Err(Error::Transient(1))
    );
    assert_eq!(clock.sleeps(), 3, "no wait when the budget is dry");
}

#[test]
fn successes_refill_it() {
    let budget = Arc::new(Budget::new(1).refill_per_success(500));
    let clock = ManualClock::new();
    let mut calls = 0;
    // One retry, then success: 1000 - 1000 + 500.
    assert_eq!(
        retry!(
            on = transient,
            budget = &budget,
            clock = &clock,
            fails(&mut calls, 1)
        ),
        Ok(2)
    );
    assert_eq!(budget.milli_tokens(), 500);
    let mut calls = 0;
    assert_eq!(
        retry!(
            on = transient,
            budget = &budget,
            clock = &clock,
            fails(&mut calls, 0)
        ),
        Ok(1)
    );
    assert_eq!(
        budget.milli_tokens(),
        1000,
        "a first-try success deposits too"
    );
}

#[test]
fn errors_not_retried_and_give_ups_cost_nothing() {
    let budget = Budget::new(2);
    let clock = ManualClock::new();
    let r: Result<(), Error> = retry!(
        on = transient,
        budget = &budget,
        clock = &clock,
        Err(Error::Fatal)
    );
    assert_eq!(r, Err(Error::Fatal));
    let mut calls = 0;
    let r = retry!(
        on = transient,
        attempts = 2,
        wait_jitter = Duration::ZERO,
        budget = &budget,
        clock = &clock,
        fails(&mut calls, 9)
    );
    assert_eq!(r, Err(Error::Transient(2)));
    // Only the one scheduled retry was paid for.
    assert_eq!(budget.milli_tokens(), 1000);
}
