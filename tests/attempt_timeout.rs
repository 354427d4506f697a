//! `attempt_timeout` in `retry_async!`: each attempt races the clock; one that runs out of time
//! becomes an error (through `From<AttemptTimedOut>`, or the `f` of `attempt_timeout = (d, f)`)
//! that `on` sees like any other.

#![cfg(feature = "std")]

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use stamina::testing::ManualClock;
use stamina::{retry_async, AttemptTimedOut};
#[cfg(feature = "tokio")]
use tokio::time::Instant;

mod common;

#[derive(Debug, PartialEq)]
enum FetchError {
    Slow(Duration),
    #[cfg_attr(not(feature = "tokio"), allow(dead_code))] // refused by the tokio tests only
    Refused,
}

impl From<AttemptTimedOut> for FetchError {
    fn from(e: AttemptTimedOut) -> Self {
        FetchError::Slow(e.after())
    }
}

/// Answers after `delays[n]` on call `n`.
#[cfg(feature = "tokio")]
async fn fetch(calls: &mut usize, delays: &[u64]) -> Result<&'static str, FetchError> {
    let delay = delays[*calls];
    *calls += 1;
    tokio::time::sleep(Duration::from_millis(delay)).await;
    Ok("body")
}

#[cfg(feature = "tokio")]
#[tokio::test(start_paused = true)]
async fn a_slow_attempt_is_cut_and_retried() {
    let start = Instant::now();
    let mut calls = 0;
    let r = retry_async!(
        on = |e: &FetchError| matches!(e, FetchError::Slow(_)),
        attempt_timeout = Duration::from_secs(1),
        wait_jitter = Duration::ZERO,
        fetch(&mut calls, &[60_000, 60_000, 10]).await
    );
    assert_eq!(r, Ok("body"));
    assert_eq!(calls, 3);
    // 1 s cut + 0.1 s wait + 1 s cut + 0.2 s wait + 10 ms answer.
    assert_eq!(start.elapsed(), Duration::from_millis(2_310));
}

#[cfg(feature = "tokio")]
#[tokio::test(start_paused = true)]
async fn the_filter_sees_the_timeout_and_may_refuse_it() {
    let mut calls = 0;
    let r = retry_async!(
        on = |e: &FetchError| *e == FetchError::Refused,
        attempt_timeout = Duration::from_millis(250),
        fetch(&mut calls, &[60_000]).await
    );
    assert_eq!(r, Err(FetchError::Slow(Duration::from_millis(250))));
    assert_eq!(calls, 1);
}

#[cfg(feature = "tokio")]
#[tokio::test(start_paused = true)]
async fn a_fast_attempt_is_not_affected() {
    let mut calls = 0;
    let r = retry_async!(
        on = |_: &FetchError| true,
        attempt_timeout = Duration::from_millis(250),
        fetch(&mut calls, &[249]).await
    );
    assert_eq!((r, calls), (Ok("body"), 1));
}

#[cfg(feature = "tokio")]
#[tokio::test(start_paused = true)]
async fn io_errors_time_out_as_timed_out() {
    let r: Result<(), std::io::Error> = retry_async!(
        on = std::io::ErrorKind::TimedOut,
        attempts = 2,
        attempt_timeout = Duration::from_millis(5),
        wait_jitter = Duration::ZERO,
        async {
            std::future::pending::<()>().await;
            Ok(())
        }
        .await
    );
    let e = r.unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::TimedOut);
    assert_eq!(e.to_string(), "the attempt timed out after 5ms");
}

#[cfg(feature = "tokio")]
#[tokio::test(start_paused = true)]
async fn an_attempt_cannot_run_past_the_loop_timeout() {
    let start = Instant::now();
    let mut calls = 0;
    let r: Result<(), FetchError> = retry_async!(
        on = |_: &FetchError| true,
        timeout = Duration::from_secs(1),
        attempt_timeout = Duration::from_secs(10),
        wait_jitter = Duration::ZERO,
        {
            calls += 1;
            if calls == 1 {
                return Err(FetchError::Refused);
            }
            std::future::pending::<()>().await;
            Ok(())
        }
    );
    // Fails at 0, waits 0.1 s; the second attempt gets the 0.9 s left, not 10 s.
    assert_eq!(r, Err(FetchError::Slow(Duration::from_millis(900))));
    assert_eq!(calls, 2);
    assert_eq!(start.elapsed(), Duration::from_secs(1));
}

#[cfg(feature = "tokio")]
#[tokio::test(start_paused = true)]
async fn a_zero_attempt_timeout_fails_an_attempt_that_is_not_ready_at_once() {
    let start = Instant::now();
    let mut calls = 0;
    let r = retry_async!(
        on = |_: &FetchError| true,
        attempts = 3,
        attempt_timeout = Duration::ZERO,
        wait_jitter = Duration::ZERO,
        {
            calls += 1;
            if calls < 3 {
                tokio::task::yield_now().await;
            }
            Ok::<_, FetchError>(calls)
        }
    );
    // Two attempts were pending when first polled: cut without a sleep. The third was ready.
    assert_eq!(r, Ok(3));
    assert_eq!(start.elapsed(), Duration::from_millis(300));
}

#[cfg(feature = "tokio")]
#[tokio::test(start_paused = true)]
async fn an_attempt_timeout_of_duration_max_is_capped_and_never_fires_early() {
    let mut calls = 0;
    let r = retry_async!(
        on = |_: &FetchError| true,
        attempt_timeout = Duration::MAX,
        fetch(&mut calls, &[3_600_000]).await
    );
    assert_eq!((r, calls), (Ok("body"), 1));
}

/// Pending `times` times, each time asking to be polled again, then `Ok`.
struct PendingThenOk {
    times: u32,
}

impl Future for PendingThenOk {
    type Output = Result<&'static str, FetchError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        if self.times == 0 {
            return Poll::Ready(Ok("body"));
        }
        self.times -= 1;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// Runs the loop `make` builds on the tests' busy-polling `block_on` with a fresh clock, then on
/// a tokio current-thread runtime with another, and checks each outcome with its clock.
fn on_both_executors<T>(
    make: impl for<'c> Fn(&'c ManualClock) -> Pin<Box<dyn Future<Output = T> + 'c>>,
    check: impl Fn(T, &ManualClock),
) {
    let clock = ManualClock::new();
    check(common::block_on(make(&clock)), &clock);
    let clock = ManualClock::new();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    check(runtime.block_on(make(&clock)), &clock);
}

#[test]
fn an_attempt_pending_once_does_not_advance_the_manual_clock_by_the_attempt_timeout() {
    on_both_executors(
        |clock| {
            Box::pin(async move {
                retry_async!(
                    on = |_: &FetchError| true,
                    attempt_timeout = Duration::from_secs(10),
                    clock = clock,
                    PendingThenOk { times: 1 }.await
                )
            })
        },
        |r, clock| {
            assert_eq!(r, Ok("body"));
            assert!(clock.now() < Duration::from_secs(10), "{:?}", clock.now());
            assert_eq!(clock.now(), Duration::ZERO);
            assert_eq!(clock.waits(), []);
        },
    );
}

#[test]
fn an_attempt_ready_after_the_manual_sleep_started_wins_and_costs_no_time() {
    // Pending at its first poll (alone) and its second (the sleep starts after it): the
    // sleep ends at its own second poll, after the attempt's third.
    on_both_executors(
        |clock| {
            Box::pin(async move {
                retry_async!(
                    on = |_: &FetchError| true,
                    attempt_timeout = Duration::from_secs(10),
                    clock = clock,
                    PendingThenOk { times: 2 }.await
                )
            })
        },
        |r, clock| {
            assert_eq!(r, Ok("body"));
            assert_eq!(clock.now(), Duration::ZERO);
            assert_eq!(clock.sleeps(), 0);
        },
    );
}

#[test]
fn an_attempt_that_never_ends_is_timed_out_with_the_manual_clock_moved_by_exactly_the_attempt_timeout(
) {
    on_both_executors(
        |clock| {
            Box::pin(async move {
                retry_async!(
                    on = |_: &FetchError| true,
                    attempts = 1,
                    attempt_timeout = Duration::from_secs(10),
                    clock = clock,
                    std::future::pending::<Result<(), FetchError>>().await
                )
            })
        },
        |r, clock| {
            assert_eq!(r, Err(FetchError::Slow(Duration::from_secs(10))));
            assert_eq!(clock.now(), Duration::from_secs(10));
            assert_eq!(clock.waits(), [Duration::from_secs(10)]);
        },
    );
}

#[test]
fn timed_out_attempts_and_the_waits_between_them_are_recorded_in_order_on_a_manual_clock() {
    on_both_executors(
        |clock| {
            Box::pin(async move {
                retry_async!(
                    on = |_: &FetchError| true,
                    attempts = 3,
                    wait_jitter = Duration::ZERO,
                    attempt_timeout = Duration::from_secs(1),
                    clock = clock,
                    std::future::pending::<Result<(), FetchError>>().await
                )
            })
        },
        |r, clock| {
            assert_eq!(r, Err(FetchError::Slow(Duration::from_secs(1))));
            assert_eq!(
                clock.waits(),
                [1_000, 100, 1_000, 200, 1_000].map(Duration::from_millis)
            );
            assert_eq!(clock.now(), Duration::from_millis(3_300));
        },
    );
}

#[test]
fn an_attempt_that_takes_manual_time_but_wins_moves_the_clock_by_that_time_only() {
    // The attempt moves the clock by 3 s while the 10 s sleep runs, then wins: the sleep
    // waited those 3 s, and the clock stands at 3 s, not 13 s.
    on_both_executors(
        |clock| {
            Box::pin(async move {
                retry_async!(
                    on = |_: &FetchError| true,
                    attempt_timeout = Duration::from_secs(10),
                    clock = clock,
                    {
                        PendingThenOk { times: 2 }.await?;
                        clock.advance(Duration::from_secs(3));
                        Ok::<_, FetchError>("body")
                    }
                )
            })
        },
        |r, clock| {
            assert_eq!(r, Ok("body"));
            assert_eq!(clock.now(), Duration::from_secs(3));
            assert_eq!(clock.waits(), [Duration::from_secs(3)]);
        },
    );
}

// `attempt_timeout = (d, f)`: `f` says what a timed-out attempt becomes, for an error type
// without `From<AttemptTimedOut>`, such as one of another crate (here `String`, which this
// crate could not give that impl).

#[test]
fn a_timed_out_attempt_becomes_the_mapped_error_of_a_foreign_type() {
    on_both_executors(
        |clock| {
            Box::pin(async move {
                retry_async!(
                    on = |_: &String| true,
                    attempts = 1,
                    attempt_timeout = (Duration::from_secs(10), |t| t.to_string()),
                    clock = clock,
                    std::future::pending::<Result<(), String>>().await
                )
            })
        },
        |r, clock| {
            assert_eq!(r, Err("the attempt timed out after 10s".to_string()));
            assert_eq!(clock.waits(), [Duration::from_secs(10)]);
        },
    );
}

#[test]
fn the_mapped_error_is_retried_like_any_other() {
    on_both_executors(
        |clock| {
            Box::pin(async move {
                let mut calls = 0;
                let r = retry_async!(
                    on = |e: &String| e == "slow",
                    attempts = 3,
                    wait_jitter = Duration::ZERO,
                    attempt_timeout = (Duration::from_secs(1), |_| String::from("slow")),
                    clock = clock,
                    {
                        calls += 1;
                        if calls < 3 {
                            std::future::pending::<()>().await;
                        }
                        Ok::<_, String>(calls)
                    }
                );
                (r, calls)
            })
        },
        |(r, calls), clock| {
            assert_eq!((r, calls), (Ok(3), 3));
            // Two cut attempts, each followed by its wait; the third answers at once.
            assert_eq!(
                clock.waits(),
                [1_000, 100, 1_000, 200].map(Duration::from_millis)
            );
        },
    );
}

#[test]
fn the_filter_sees_the_mapped_error_and_may_refuse_it() {
    on_both_executors(
        |clock| {
            Box::pin(async move {
                let mut seen = Vec::new();
                let r = retry_async!(
                    on = |e: &String| {
                        seen.push(e.clone());
                        false
                    },
                    attempt_timeout = (Duration::from_secs(1), |_| String::from("slow")),
                    clock = clock,
                    std::future::pending::<Result<(), String>>().await
                );
                (r, seen)
            })
        },
        |(r, seen), clock| {
            assert_eq!(r, Err("slow".to_string()));
            assert_eq!(seen, ["slow"]);
            assert_eq!(clock.waits(), [Duration::from_secs(1)]);
        },
    );
}

#[derive(Debug, PartialEq)]
enum QueryError {
    Slow(AttemptTimedOut),
    #[allow(dead_code)] // only the timeout is raised here
    Refused,
}

#[test]
fn a_tuple_variant_taking_the_timeout_maps_it() {
    on_both_executors(
        |clock| {
            Box::pin(async move {
                retry_async!(
                    on = |e: &QueryError| *e == QueryError::Refused,
                    attempt_timeout = (Duration::from_millis(250), QueryError::Slow),
                    clock = clock,
                    std::future::pending::<Result<(), QueryError>>().await
                )
            })
        },
        |r, _| {
            let Err(QueryError::Slow(timed_out)) = r else {
                panic!("{r:?}");
            };
            assert_eq!(timed_out.after(), Duration::from_millis(250));
        },
    );
}

#[test]
fn the_pair_is_used_rather_than_from_when_the_error_type_has_both() {
    on_both_executors(
        |clock| {
            Box::pin(async move {
                retry_async!(
                    on = |_: &FetchError| false,
                    attempt_timeout = (Duration::from_secs(1), |_| FetchError::Refused),
                    clock = clock,
                    std::future::pending::<Result<(), FetchError>>().await
                )
            })
        },
        |r, _| assert_eq!(r, Err(FetchError::Refused)),
    );
}

#[test]
fn a_zero_limit_maps_an_attempt_that_is_not_ready_at_once_without_sleeping() {
    on_both_executors(
        |clock| {
            Box::pin(async move {
                retry_async!(
                    on = |_: &String| false,
                    attempt_timeout = (Duration::ZERO, |t| format!("cut after {:?}", t.after())),
                    clock = clock,
                    std::future::pending::<Result<(), String>>().await
                )
            })
        },
        |r, clock| {
            assert_eq!(r, Err("cut after 0ns".to_string()));
            assert_eq!(clock.sleeps(), 0);
        },
    );
}
