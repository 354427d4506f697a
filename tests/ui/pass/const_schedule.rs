//! Schedules built in `const` contexts: a `const` `Backoff` from a `const fn`, checked at
//! compile time with `const _: () = assert!(...)`, and used with `backoff = SCHEDULE` (alone,
//! where it is only borrowed, and with keys that adjust a copy); a `Backoff<N>` from a list;
//! a `static` schedule; a `const` RNG and a `static` budget as keys.

use core::time::Duration;
use stamina::testing::ManualClock;
use stamina::{Attempt, Backoff, Budget, FastRng};

/// A schedule of `attempts` tries, 10 ms doubling, no jitter, no time limit.
const fn schedule(attempts: u32) -> Backoff {
    Backoff::new()
        .attempts(attempts)
        .wait_initial(Duration::from_millis(10))
        .wait_jitter(Duration::ZERO)
        .no_timeout()
}

const SCHEDULE: Backoff = schedule(4);
const _: () = assert!(matches!(SCHEDULE.attempts_limit(), Some(4)));
const _: () = assert!(SCHEDULE.timeout_limit().is_none());
const _: () = assert!(SCHEDULE.wait(1).as_millis() == 10);
const _: () = assert!(SCHEDULE.wait(3).as_millis() == 40);
const _: () = assert!(SCHEDULE.longest_wait(3).as_millis() == 40); // no jitter
const _: () = assert!(SCHEDULE.max_total_wait().as_millis() == 10 + 20 + 40);

/// A list of waits; past its end, the last one repeats.
const STEPS: Backoff<3> = Backoff::from_waits([
    Duration::from_millis(1),
    Duration::from_millis(5),
    Duration::from_millis(50),
])
.attempts(6)
.wait_jitter(Duration::ZERO);
const _: () = assert!(STEPS.wait(5).as_millis() == 50);
const _: () = assert!(STEPS.max_total_wait().as_millis() == 1 + 5 + 50 + 50 + 50);

/// The attempt the `|attempt|` form would bind, computed at compile time.
const SECOND: Attempt = Attempt::new(2, &SCHEDULE);
const _: () = assert!(SECOND.num() == 2 && SECOND.next_wait().as_millis() == 20);

static STATIC_SCHEDULE: Backoff = schedule(2);
const RNG: FastRng = FastRng::new(42);
static BUDGET: Budget = Budget::new(3);

/// Fails `fails` times, then gives `value`.
fn op(fails: &mut u32, value: u32) -> Result<u32, &'static str> {
    if *fails > 0 {
        *fails -= 1;
        Err("busy")
    } else {
        Ok(value)
    }
}

fn main() {
    // `backoff = SCHEDULE` alone: the constant's waits, its attempts.
    let clock = ManualClock::new();
    let mut fails = 2;
    let r = stamina::retry!(
        on = |_: &&str| true,
        backoff = SCHEDULE,
        clock = &clock,
        op(&mut fails, 1)
    );
    assert_eq!(r, Ok(1));
    assert_eq!(clock.waits(), [10, 20].map(Duration::from_millis));
    let mut fails = 9;
    let r = stamina::retry!(
        on = |_: &&str| true,
        backoff = SCHEDULE,
        clock = &clock,
        op(&mut fails, 1)
    );
    assert_eq!(r, Err("busy"));
    assert_eq!(fails, 9 - 4);

    // A `const fn` call as the value, with keys adjusting it.
    let clock = ManualClock::new();
    let mut fails = 9;
    let r = stamina::retry!(
        on = |_: &&str| true,
        backoff = schedule(10),
        attempts = 3,
        wait_exp_base = 3,
        clock = &clock,
        op(&mut fails, 2)
    );
    assert_eq!(r, Err("busy"));
    assert_eq!(clock.waits(), [10, 30].map(Duration::from_millis));

    // A list schedule, in the `|attempt|` form: each attempt knows its next wait.
    let clock = ManualClock::new();
    let mut next_waits = Vec::new();
    let r: Result<(), &str> = stamina::retry!(
        on = |_: &&str| true,
        backoff = STEPS,
        clock = &clock,
        |attempt| {
            next_waits.push(attempt.next_wait());
            Err("down")
        }
    );
    assert_eq!(r, Err("down"));
    assert_eq!(clock.waits(), [1, 5, 50, 50, 50].map(Duration::from_millis));
    assert_eq!(
        next_waits,
        [1, 5, 50, 50, 50, 50].map(Duration::from_millis)
    );

    // A `static` schedule, a `const` RNG and a `static` budget of 3 retries: the first call
    // takes one (its schedule allows 2 tries), the second the other two, whatever its schedule
    // allows.
    let clock = ManualClock::new();
    let mut tries = 0;
    let r: Result<(), &str> = stamina::retry!(
        on = |_: &&str| true,
        backoff = STATIC_SCHEDULE,
        clock = &clock,
        rng = RNG,
        budget = &BUDGET,
        {
            tries += 1;
            Err("down")
        }
    );
    assert_eq!(r, Err("down"));
    assert_eq!((tries, clock.sleeps()), (2, 1));
    let mut tries = 0;
    let r: Result<(), &str> = stamina::retry!(
        on = |_: &&str| true,
        backoff = SCHEDULE.attempts(10),
        clock = &clock,
        rng = RNG,
        budget = &BUDGET,
        {
            tries += 1;
            Err("down")
        }
    );
    assert_eq!(r, Err("down"));
    // Two tokens were left: two retries, three tries.
    assert_eq!(tries, 3);
}
