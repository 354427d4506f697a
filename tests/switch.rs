//! The global switch, testing mode and the testing session. They are process-wide, so every test
//! in this binary holds `SERIAL` and leaves them as it found them (each test binary is a process
//! of its own: tests elsewhere that touch them serialise among themselves).

#![cfg(feature = "std")]

mod common;

use core::time::Duration;
use std::sync::{Mutex, MutexGuard};

use stamina::testing::ManualClock;
use stamina::{
    end_testing_session, is_active, is_testing, retry, retry_async, set_active, set_testing,
    set_testing_session,
};

static SERIAL: Mutex<()> = Mutex::new(());

fn serial() -> MutexGuard<'static, ()> {
    SERIAL
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Restores `set_active(true)` even when an assertion fails.
struct Reactivate;
impl Drop for Reactivate {
    fn drop(&mut self) {
        set_active(true);
    }
}

/// Ends the testing session even when an assertion fails.
struct EndSession;
impl Drop for EndSession {
    fn drop(&mut self) {
        end_testing_session();
    }
}

/// Tries made and waits slept by a loop that always fails, configured with `attempts`.
fn run_failing(attempts: u32) -> (u32, usize) {
    let clock = ManualClock::new();
    let mut tries = 0;
    let r: Result<(), u32> = retry!(on = |_: &u32| true, attempts = attempts, clock = &clock, {
        tries += 1;
        Err(tries)
    });
    assert_eq!(r, Err(tries));
    (tries, clock.sleeps())
}

#[test]
fn inactive_means_exactly_one_try() {
    let _serial = serial();
    let _reactivate = Reactivate;
    set_active(false);
    set_active(false); // idempotent
    assert!(!is_active());
    assert_eq!(run_failing(10), (1, 0));

    // Also when that one try succeeds.
    let mut tries = 0;
    let r: Result<u8, u32> = retry!(on = |_: &u32| true, clock = &ManualClock::new(), {
        tries += 1;
        Ok(9)
    });
    assert_eq!((r, tries), (Ok(9), 1));

    set_active(true);
    assert!(is_active());
    assert_eq!(run_failing(3), (3, 2));
}

#[test]
fn testing_mode_makes_n_tries_without_waiting() {
    let _serial = serial();
    assert!(!is_testing());
    {
        let _testing = set_testing(3, false);
        assert!(is_testing());
        // Configured for 10 tries, runs 3; configured for 2, still runs 3 (no cap).
        assert_eq!(run_failing(10), (3, 0));
        assert_eq!(run_failing(2), (3, 0));
    }
    assert!(!is_testing());
    assert_eq!(run_failing(2), (2, 1));
}

#[test]
fn testing_mode_with_cap_keeps_fewer_configured_attempts() {
    let _serial = serial();
    let _testing = set_testing(5, true);
    assert_eq!(run_failing(10), (5, 0));
    assert_eq!(run_failing(2), (2, 0));
}

#[test]
fn testing_mode_ignores_the_timeout() {
    let _serial = serial();
    let _testing = set_testing(4, false);
    let clock = ManualClock::new();
    let mut tries = 0;
    let r: Result<(), ()> = retry!(
        on = |_: &()| true,
        timeout = Duration::from_millis(1),
        clock = &clock,
        {
            tries += 1;
            clock.advance(Duration::from_secs(1));
            Err(())
        }
    );
    assert!(r.is_err());
    assert_eq!((tries, clock.sleeps()), (4, 0));
}

#[test]
fn testing_guards_nest_and_restore_the_previous_state() {
    let _serial = serial();
    let outer = set_testing(2, false);
    assert_eq!(run_failing(10).0, 2);
    {
        let _inner = set_testing(4, false);
        assert_eq!(run_failing(10).0, 4);
    }
    assert_eq!(
        run_failing(10).0,
        2,
        "the inner guard restored the outer mode"
    );
    drop(outer);
    assert!(!is_testing());
    assert_eq!(run_failing(3), (3, 2));
}

#[test]
fn testing_mode_with_zero_or_huge_attempts_saturates() {
    let _serial = serial();
    {
        let _t = set_testing(0, false);
        assert_eq!(run_failing(10).0, 1);
    }
    let _t = set_testing(u32::MAX, true);
    assert_eq!(run_failing(7).0, 7);
}

#[test]
fn inactive_wins_over_testing_mode() {
    let _serial = serial();
    let _reactivate = Reactivate;
    let _testing = set_testing(5, false);
    set_active(false);
    assert_eq!(run_failing(10), (1, 0));
}

#[test]
fn the_switch_applies_to_retry_async() {
    let _serial = serial();
    let _reactivate = Reactivate;
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let run = || {
        rt.block_on(async {
            let clock = ManualClock::new();
            let mut tries = 0;
            let r: Result<(), ()> = retry_async!(on = |_: &()| true, clock = &clock, {
                tries += 1;
                tokio::task::yield_now().await;
                Err(())
            });
            assert!(r.is_err());
            (tries, clock.sleeps())
        })
    };
    {
        let _testing = set_testing(3, false);
        assert_eq!(run(), (3, 0));
    }
    set_active(false);
    assert_eq!(run(), (1, 0));
    set_active(true);
    assert_eq!(run(), (10, 9));
}

#[test]
fn out_of_order_drop_leaves_testing_off() {
    let _serial = serial();
    let a = set_testing(3, false);
    let b = set_testing(1, false);
    drop(a);
    assert!(is_testing(), "b is alive");
    assert_eq!(run_failing(10), (1, 0), "b's setting stays in force");
    drop(b);
    assert!(!is_testing(), "no guard is alive");
    assert_eq!(run_failing(3), (3, 2));
}

#[test]
fn nested_guards_dropped_in_order_restore_each_outer_setting() {
    let _serial = serial();
    let outer = set_testing(2, false);
    let middle = set_testing(6, true);
    let inner = set_testing(4, false);
    assert_eq!(run_failing(3).0, 4);
    drop(inner);
    assert_eq!(run_failing(3).0, 3, "the middle guard's cap is back");
    assert_eq!(run_failing(10).0, 6);
    drop(middle);
    assert_eq!(run_failing(10).0, 2);
    assert_eq!(run_failing(3).0, 2, "the outer guard has no cap");
    drop(outer);
    assert!(!is_testing());
    assert_eq!(run_failing(3), (3, 2));
}

/// The case `set_testing`'s rustdoc spells out: testing mode stays on while any guard is alive,
/// though the setting put back may belong to a guard already gone.
#[test]
fn guards_dropped_out_of_order_keep_testing_on_until_the_last_one_goes() {
    let _serial = serial();
    let a = set_testing(3, false);
    let b = set_testing(1, false);
    let c = set_testing(2, false);
    drop(b);
    assert_eq!(run_failing(10), (2, 0), "c's setting stays in force");
    drop(c);
    assert!(is_testing(), "a is alive");
    assert_eq!(run_failing(10), (1, 0), "c put back what it replaced: b's");
    drop(a);
    assert!(!is_testing());
    assert_eq!(run_failing(3), (3, 2));
}

#[test]
fn guards_from_many_threads_leave_testing_off() {
    let _serial = serial();
    const THREADS: u32 = 4;
    let rounds: u32 = if cfg!(miri) { 20 } else { 2_000 };
    let start = std::sync::Barrier::new(THREADS as usize);
    std::thread::scope(|s| {
        for t in 0..THREADS {
            let start = &start;
            s.spawn(move || {
                start.wait();
                for round in 0..rounds {
                    let outer = set_testing(t + 1, false);
                    assert!(is_testing(), "this thread's guard is alive");
                    let inner = set_testing(round % 5 + 1, true);
                    assert!(is_testing());
                    // Half the rounds drop the outer guard first.
                    if round % 2 == 0 {
                        drop(outer);
                        assert!(is_testing(), "the inner guard is alive");
                        drop(inner);
                    } else {
                        drop(inner);
                        assert!(is_testing(), "the outer guard is alive");
                        drop(outer);
                    }
                }
            });
        }
    });
    assert!(!is_testing(), "every guard was dropped");
    assert_eq!(run_failing(3), (3, 2));
}

#[test]
fn the_testing_session_needs_no_guard_and_ends_with_end_testing_session() {
    let _serial = serial();
    let _end = EndSession;
    set_testing_session(2, false);
    assert!(is_testing());
    assert_eq!(run_failing(10), (2, 0));
    assert_eq!(run_failing(10), (2, 0), "still on: nothing to drop");
    set_testing_session(4, true); // replaces the session's setting
    assert_eq!(run_failing(10), (4, 0));
    assert_eq!(run_failing(3), (3, 0));
    end_testing_session();
    assert!(!is_testing());
    assert_eq!(run_failing(3), (3, 2));
    end_testing_session(); // idempotent
    assert!(!is_testing());
}

#[test]
fn a_live_guard_takes_precedence_over_the_session_and_outlives_its_end() {
    let _serial = serial();
    let _end = EndSession;
    set_testing_session(5, false);
    let outer = set_testing(2, false);
    assert_eq!(
        run_failing(10),
        (2, 0),
        "the guard's setting, not the session's"
    );
    {
        let _inner = set_testing(3, false);
        assert_eq!(run_failing(10), (3, 0));
    }
    assert_eq!(
        run_failing(10),
        (2, 0),
        "the inner guard restored the outer one"
    );
    drop(outer);
    assert!(is_testing(), "the session is still on");
    assert_eq!(run_failing(10), (5, 0), "no guard: the session's setting");

    let guard = set_testing(3, false);
    end_testing_session();
    assert!(is_testing(), "ending the session leaves the guard alone");
    assert_eq!(run_failing(10), (3, 0));
    drop(guard);
    assert!(!is_testing());
    assert_eq!(run_failing(3), (3, 2));
}

#[test]
fn a_session_started_under_a_guard_applies_once_the_guard_is_dropped() {
    let _serial = serial();
    let _end = EndSession;
    let guard = set_testing(2, false);
    set_testing_session(4, false);
    assert_eq!(run_failing(10), (2, 0));
    drop(guard);
    assert_eq!(run_failing(10), (4, 0));
}

#[test]
fn guards_dropped_out_of_order_over_a_session_fall_back_to_it() {
    let _serial = serial();
    let _end = EndSession;
    set_testing_session(4, false);
    let a = set_testing(3, false);
    let b = set_testing(1, false);
    drop(a);
    assert_eq!(run_failing(10), (1, 0), "b's setting stays in force");
    drop(b);
    assert_eq!(run_failing(10), (4, 0), "the session's, not a's");
}

#[test]
fn inactive_wins_over_the_testing_session() {
    let _serial = serial();
    let _reactivate = Reactivate;
    let _end = EndSession;
    set_testing_session(5, false);
    set_active(false);
    assert!(is_testing(), "is_testing says nothing of set_active");
    assert_eq!(run_failing(10), (1, 0));
}

#[test]
fn the_next_wait_is_zero_in_testing_mode_and_while_retrying_is_off() {
    let _serial = serial();
    let next_waits = || {
        let clock = ManualClock::new();
        let mut seen = Vec::new();
        let _: Result<(), ()> = retry!(
            on = |_: &()| true,
            attempts = 3,
            clock = &clock,
            |attempt| {
                seen.push(attempt.next_wait());
                Err(())
            }
        );
        seen
    };
    assert_eq!(next_waits(), [100, 200, 400].map(Duration::from_millis));
    {
        let _testing = set_testing(3, false);
        assert_eq!(next_waits(), [Duration::ZERO; 3]);
    }
    set_active(false);
    let _reactivate = Reactivate;
    assert_eq!(next_waits(), [Duration::ZERO]);
}
