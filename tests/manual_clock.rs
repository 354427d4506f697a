//! `ManualClock` as an `AsyncClock`: its sleep, a `ManualSleep`, moves time when it is polled,
//! not when it is made, and no further than it waits.

#![cfg(feature = "std")]

use std::future::Future;
use std::pin::pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use stamina::testing::ManualClock;
use stamina::{retry_async, AsyncClock};

mod common;
use common::{transient, Error};

const MS: u64 = 1_000;

fn noop() -> Context<'static> {
    Context::from_waker(Waker::noop())
}

#[test]
fn a_manual_sleep_created_but_never_polled_records_nothing() {
    let clock = ManualClock::new();
    drop((&clock).sleep_us(5 * MS));
    assert_eq!((clock.sleeps(), clock.now()), (0, Duration::ZERO));

    let mut owned = ManualClock::new();
    drop(owned.sleep_us(5 * MS));
    assert_eq!((owned.sleeps(), owned.now()), (0, Duration::ZERO));
}

#[test]
fn a_manual_sleep_moves_the_clock_when_it_ends_not_when_it_starts() {
    let clock = ManualClock::new();
    let mut sleep = pin!((&clock).sleep_us(5 * MS));
    assert!(sleep.as_mut().poll(&mut noop()).is_pending());
    assert_eq!((clock.sleeps(), clock.now()), (0, Duration::ZERO));
    assert_eq!(sleep.as_mut().poll(&mut noop()), Poll::Ready(()));
    assert_eq!(clock.waits(), [Duration::from_millis(5)]);
    assert_eq!(clock.now(), Duration::from_millis(5));
    // Polled again once it ended, it stays ended and records nothing more.
    assert_eq!(sleep.as_mut().poll(&mut noop()), Poll::Ready(()));
    assert_eq!(clock.sleeps(), 1);
}

#[test]
fn a_manual_sleep_asks_to_be_polled_again_so_that_no_executor_waits_for_it() {
    struct Count(AtomicUsize);
    impl Wake for Count {
        fn wake(self: Arc<Self>) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let wakes = Arc::new(Count(AtomicUsize::new(0)));
    let waker = Waker::from(Arc::clone(&wakes));
    let clock = ManualClock::new();
    let mut sleep = pin!((&clock).sleep_us(5 * MS));
    assert!(sleep
        .as_mut()
        .poll(&mut Context::from_waker(&waker))
        .is_pending());
    assert_eq!(wakes.0.load(Ordering::SeqCst), 1);
}

#[test]
fn a_manual_sleep_ends_at_its_deadline_wherever_the_clock_moved_meanwhile() {
    let clock = ManualClock::starting_at(Duration::from_secs(1));
    let mut sleep = pin!((&clock).sleep_us(5 * MS));
    assert!(sleep.as_mut().poll(&mut noop()).is_pending());
    clock.advance(Duration::from_millis(2));
    assert!(sleep.as_mut().poll(&mut noop()).is_ready());
    assert_eq!(clock.now(), Duration::from_millis(1_005), "not 1.007 s");
    assert_eq!(clock.waits(), [Duration::from_millis(5)]);

    let clock = ManualClock::new();
    let mut sleep = pin!((&clock).sleep_us(5 * MS));
    assert!(sleep.as_mut().poll(&mut noop()).is_pending());
    clock.advance(Duration::from_millis(8));
    assert!(sleep.as_mut().poll(&mut noop()).is_ready());
    assert_eq!(
        clock.now(),
        Duration::from_millis(8),
        "past the deadline already"
    );
    assert_eq!(clock.waits(), [Duration::from_millis(5)]);
}

#[test]
fn a_manual_sleep_dropped_after_it_started_records_only_what_it_waited() {
    let clock = ManualClock::new();
    {
        let mut sleep = pin!((&clock).sleep_us(10_000 * MS));
        assert!(sleep.as_mut().poll(&mut noop()).is_pending());
    }
    assert_eq!(
        (clock.sleeps(), clock.now()),
        (0, Duration::ZERO),
        "no time passed"
    );

    {
        let mut sleep = pin!((&clock).sleep_us(10_000 * MS));
        assert!(sleep.as_mut().poll(&mut noop()).is_pending());
        clock.advance(Duration::from_secs(3));
    }
    assert_eq!(clock.waits(), [Duration::from_secs(3)]);
    assert_eq!(
        clock.now(),
        Duration::from_secs(3),
        "not moved by the sleep"
    );

    {
        let mut sleep = pin!((&clock).sleep_us(10_000 * MS));
        assert!(sleep.as_mut().poll(&mut noop()).is_pending());
        clock.advance(Duration::from_secs(60));
    }
    assert_eq!(
        clock.waits(),
        [Duration::from_secs(3), Duration::from_secs(10)],
        "at most its own wait"
    );
}

#[test]
fn a_zero_manual_sleep_ends_at_its_first_poll() {
    let clock = ManualClock::new();
    assert!(pin!((&clock).sleep_us(0)).poll(&mut noop()).is_ready());
    assert_eq!(clock.waits(), [Duration::ZERO]);
    assert_eq!(clock.now(), Duration::ZERO);
}

#[test]
fn the_waits_of_retry_async_are_recorded_on_a_manual_clock_it_owns_and_the_loop_stays_send() {
    fn assert_send<T: Send>(t: T) -> T {
        t
    }
    let mut calls = 0;
    let (r, waits, now) = common::block_on(assert_send(async {
        let mut clock = ManualClock::new();
        let r = retry_async!(
            on = transient,
            wait_jitter = Duration::ZERO,
            clock = &mut clock,
            {
                calls += 1;
                if calls < 3 {
                    Err(Error::Transient(calls))
                } else {
                    Ok(calls)
                }
            }
        );
        (r, clock.waits(), clock.now())
    }));
    assert_eq!(r, Ok(3));
    assert_eq!(waits, [100, 200].map(Duration::from_millis));
    assert_eq!(now, Duration::from_millis(300));

    let r = common::block_on(assert_send(async {
        retry_async!(
            on = transient,
            attempts = 2,
            clock = ManualClock::new(),
            Err::<(), _>(Error::Transient(0))
        )
    }));
    assert_eq!(r, Err(Error::Transient(0)));
}
