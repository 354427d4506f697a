//! `retry_async!` on the real tokio executor: with a manual clock for exact schedules, and with
//! a clock on tokio's timer (paused, so no real time passes) for real sleeping and `Send`.

#![cfg(feature = "std")]

use core::future::Future;
use core::time::Duration;
use std::sync::Arc;

use stamina::testing::ManualClock;
use stamina::{retry_async, AsyncClock, Attempt, Backoff, Decision, FastRng, RetryDetails};

mod common;
use common::{transient, Error};

/// An `AsyncClock` on tokio's timer, as an application without the `tokio` feature would write
/// it (this binary needs only `std`; the crate's own `stamina::TokioClock` is tested in
/// `tests/tokio.rs`).
#[derive(Clone, Copy)]
struct TokioTimerClock {
    start: tokio::time::Instant,
}

impl TokioTimerClock {
    fn new() -> Self {
        Self {
            start: tokio::time::Instant::now(),
        }
    }
}

impl AsyncClock for TokioTimerClock {
    fn now_us(&mut self) -> u64 {
        u64::try_from(self.start.elapsed().as_micros()).unwrap_or(u64::MAX)
    }
    fn sleep_us(&mut self, us: u64) -> impl Future<Output = ()> {
        tokio::time::sleep(Duration::from_micros(us))
    }
}

/// A stand-in for a network call that fails `failures` times.
async fn flaky(calls: &mut u32, failures: u32) -> Result<u32, Error> {
    tokio::task::yield_now().await;
    *calls += 1;
    if *calls <= failures {
        Err(Error::Transient(*calls))
    } else {
        Ok(*calls)
    }
}

#[tokio::test]
async fn success_passes_through_on_the_first_try() {
    let clock = ManualClock::new();
    let mut calls = 0;
    let r = retry_async!(on = transient, clock = &clock, flaky(&mut calls, 0).await);
    assert_eq!(r, Ok(1));
    assert_eq!(clock.sleeps(), 0);
}

/// An async clock and an RNG that fail the test if anything reads them.
struct PanickingClockAndRng;

impl AsyncClock for PanickingClockAndRng {
    fn now_us(&mut self) -> u64 {
        panic!("the happy path read the clock")
    }
    #[allow(clippy::manual_async_fn)]
    fn sleep_us(&mut self, _: u64) -> impl Future<Output = ()> {
        async { panic!("the happy path slept") }
    }
}

impl stamina::Rng for PanickingClockAndRng {
    fn next_u32(&mut self) -> u32 {
        panic!("the happy path drew a random number")
    }
}

#[tokio::test]
async fn the_happy_path_never_touches_the_clock_or_the_rng() {
    let mut calls = 0;
    let r = retry_async!(
        on = transient,
        clock = PanickingClockAndRng,
        rng = PanickingClockAndRng,
        flaky(&mut calls, 0).await
    );
    assert_eq!(r, Ok(1));
}

#[tokio::test]
async fn attempts_zero_and_one_both_mean_one_try() {
    for attempts in [0, 1] {
        let clock = ManualClock::new();
        let mut calls = 0;
        let r = retry_async!(
            on = transient,
            attempts = attempts,
            clock = &clock,
            flaky(&mut calls, 5).await
        );
        assert_eq!((r, clock.sleeps()), (Err(Error::Transient(1)), 0));
    }
}

#[tokio::test]
async fn a_matching_error_is_retried_then_succeeds() {
    let clock = ManualClock::new();
    let mut calls = 0;
    let r = retry_async!(
        on = transient,
        clock = &clock,
        wait_jitter = Duration::ZERO,
        flaky(&mut calls, 2).await
    );
    assert_eq!(r, Ok(3));
    assert_eq!(
        clock.waits(),
        [Duration::from_millis(100), Duration::from_millis(200)]
    );
}

#[tokio::test]
async fn a_non_matching_error_returns_at_once() {
    let clock = ManualClock::new();
    let mut calls = 0;
    let r: Result<(), Error> = retry_async!(on = transient, clock = &clock, {
        calls += 1;
        Err(Error::Fatal)
    });
    assert_eq!((r, calls, clock.sleeps()), (Err(Error::Fatal), 1, 0));
}

#[tokio::test]
async fn giving_up_returns_the_last_error() {
    let clock = ManualClock::new();
    let mut calls = 0;
    let r = retry_async!(
        on = transient,
        attempts = 3,
        clock = &clock,
        flaky(&mut calls, 100).await
    );
    assert_eq!(r, Err(Error::Transient(3)));
    assert_eq!(clock.sleeps(), 2);
}

#[tokio::test]
async fn default_schedule_and_timeout() {
    let clock = ManualClock::new();
    let mut calls = 0;
    let r = retry_async!(
        on = transient,
        clock = &clock,
        wait_jitter = Duration::ZERO,
        flaky(&mut calls, 100).await
    );
    assert_eq!(r, Err(Error::Transient(10)));
    assert_eq!(
        clock.waits(),
        [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000].map(Duration::from_millis)
    );

    let clock = ManualClock::new();
    let mut calls = 0;
    let r = retry_async!(
        on = transient,
        backoff = Backoff::new()
            .unlimited_attempts()
            .wait_jitter(Duration::ZERO),
        clock = &clock,
        flaky(&mut calls, 1000).await
    );
    assert_eq!(r, Err(Error::Transient(14)));
    assert_eq!(clock.slept(), Duration::from_millis(41_300));
}

#[tokio::test]
async fn an_override_is_used_while_it_ends_before_the_deadline() {
    let clock = ManualClock::new();
    let mut calls = 0;
    let r = retry_async!(
        on = |_: &Error| Decision::RetryAfter(Duration::from_secs(7)),
        timeout = Duration::from_secs(10),
        clock = &clock,
        flaky(&mut calls, 100).await
    );
    // 7 s fit in the 10 s; the next 7 s would end 4 s after the deadline: give up at once.
    assert_eq!(r, Err(Error::Transient(2)));
    assert_eq!(clock.waits(), [Duration::from_secs(7)]);
}

#[tokio::test]
async fn attempt_form_and_hook() {
    let clock = ManualClock::new();
    let mut attempts: Vec<Attempt> = Vec::new();
    let mut retries = Vec::new();
    let r: Result<(), Error> = retry_async!(
        on = transient,
        attempts = 3,
        rng = FastRng::new(1),
        clock = &clock,
        on_retry = |d: &RetryDetails<'_, Error>| retries.push(d.retry_num),
        |attempt| {
            tokio::task::yield_now().await;
            attempts.push(attempt);
            Err(Error::Transient(attempt.num()))
        }
    );
    assert_eq!(r, Err(Error::Transient(3)));
    assert_eq!(
        attempts.iter().map(Attempt::num).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    assert_eq!(retries, [1, 2]);
}

#[tokio::test]
async fn the_operation_can_mutate_borrowed_locals() {
    let clock = ManualClock::new();
    let mut buffer = Vec::new();
    let r = retry_async!(on = transient, clock = &clock, {
        buffer.push(buffer.len());
        tokio::task::yield_now().await;
        if buffer.len() < 4 {
            Err(Error::Transient(0))
        } else {
            Ok(buffer.len())
        }
    });
    assert_eq!(r, Ok(4));
    assert_eq!(buffer, [0, 1, 2, 3]);
}

#[tokio::test(start_paused = true)]
async fn sleeps_on_the_real_tokio_timer() {
    let started = tokio::time::Instant::now();
    let mut calls = 0;
    let r = retry_async!(
        on = transient,
        clock = TokioTimerClock::new(),
        wait_jitter = Duration::ZERO,
        flaky(&mut calls, 3).await
    );
    assert_eq!(r, Ok(4));
    // Paused time auto-advances exactly by the sleeps: 0.1 + 0.2 + 0.4 s.
    assert_eq!(started.elapsed(), Duration::from_millis(700));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_future_is_send_when_the_operation_is_and_releases_locks_before_waiting() {
    let shared = Arc::new(tokio::sync::Mutex::new(0u32));
    let std_lock = Arc::new(std::sync::Mutex::new(0u32));
    let task = {
        let shared = Arc::clone(&shared);
        let std_lock = Arc::clone(&std_lock);
        async move {
            retry_async!(
                on = transient,
                clock = TokioTimerClock::new(),
                wait_initial = Duration::from_millis(1),
                wait_jitter = Duration::from_millis(1),
                {
                    let n = {
                        let mut guard = shared.lock().await;
                        *guard += 1;
                        *guard
                    };
                    // A std MutexGuard is not Send: this one, a temporary of the operation's
                    // tail expression, must be gone before the wait or the task is not Send.
                    match std_lock.lock().unwrap().checked_add(n) {
                        Some(_) if n < 3 => Err(Error::Transient(n)),
                        _ => Ok(n),
                    }
                }
            )
        }
    };
    fn assert_send<T: Send>(t: T) -> T {
        t
    }
    let r = tokio::spawn(assert_send(task)).await.unwrap();
    assert_eq!(r, Ok(3));
    assert_eq!(*shared.lock().await, 3);
}

#[tokio::test]
async fn time_spent_in_the_hook_counts_against_the_timeout() {
    let clock = ManualClock::new();
    let mut started = Vec::new();
    let r: Result<(), Error> = retry_async!(
        on = transient,
        backoff = common::HALF_SECOND_WAITS_FOR_ONE_SECOND,
        clock = &clock,
        on_retry = |_: &RetryDetails<'_, Error>| clock.advance(Duration::from_millis(800)),
        {
            started.push(clock.now());
            tokio::task::yield_now().await;
            Err(Error::Transient(0))
        }
    );
    // The hook ends at 0.8 s: a 0.5 s wait would start the next try at 1.3 s, past the deadline.
    assert_eq!(r, Err(Error::Transient(0)));
    assert_eq!(started, [Duration::ZERO]);
    assert_eq!(clock.sleeps(), 0);
}

/// Runs a loop of zero waits on a single-threaded runtime beside a task that raises a flag; the
/// loop's operation succeeds once it sees the flag. Returns the number of tries.
fn tries_until_a_neighbour_task_runs(zero_waits: Backoff<10>, on: fn(&Error) -> Decision) -> u32 {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    runtime.block_on(async {
        let flag = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let neighbour = {
            let flag = Arc::clone(&flag);
            tokio::spawn(async move { flag.store(true, std::sync::atomic::Ordering::Relaxed) })
        };
        let mut tries = 0;
        let r: Result<(), Error> =
            retry_async!(on = on, backoff = zero_waits, clock = ManualClock::new(), {
                tries += 1;
                if flag.load(std::sync::atomic::Ordering::Relaxed) {
                    Ok(())
                } else {
                    Err(Error::Transient(tries))
                }
            });
        neighbour.await.unwrap();
        assert_eq!(r, Ok(()));
        tries
    })
}

#[test]
fn a_zero_override_yields_to_the_executor_once_per_retry() {
    let backoff = Backoff::new().attempts(1_000);
    let tries =
        tries_until_a_neighbour_task_runs(backoff, |_| Decision::RetryAfter(Duration::ZERO));
    assert_eq!(tries, 2);
}

#[test]
fn a_zero_schedule_yields_to_the_executor_once_per_retry() {
    let backoff = Backoff::new()
        .attempts(1_000)
        .wait_initial(Duration::ZERO)
        .wait_jitter(Duration::ZERO);
    let tries = tries_until_a_neighbour_task_runs(backoff, |_| Decision::Retry);
    assert_eq!(tries, 2);
}

fn assert_send<T: Send>(t: T) -> T {
    t
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[allow(clippy::borrowed_box)] // `on` sees `&E`, and here `E` is the box
async fn the_future_is_send_when_the_error_is_not() {
    let task = async {
        let mut calls = 0;
        let r: Result<u32, Box<dyn std::error::Error>> = retry_async!(
            on = |_: &Box<dyn std::error::Error>| true,
            clock = TokioTimerClock::new(),
            wait_initial = Duration::from_millis(1),
            wait_jitter = Duration::from_millis(1),
            {
                tokio::task::yield_now().await;
                calls += 1;
                if calls < 3 {
                    Err("down".into())
                } else {
                    Ok(calls)
                }
            }
        );
        r.map_err(|e| e.to_string())
    };
    assert_eq!(tokio::spawn(assert_send(task)).await.unwrap(), Ok(3));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_future_is_send_when_the_value_is_not() {
    let task = async {
        let mut calls = 0;
        let r: Result<std::rc::Rc<u32>, String> = retry_async!(
            on = |_: &String| true,
            clock = TokioTimerClock::new(),
            wait_initial = Duration::from_millis(1),
            wait_jitter = Duration::from_millis(1),
            {
                tokio::task::yield_now().await;
                calls += 1;
                if calls < 3 {
                    Err(format!("down {calls}"))
                } else {
                    Ok(std::rc::Rc::new(calls))
                }
            }
        );
        r.map(|n| *n)
    };
    assert_eq!(tokio::spawn(assert_send(task)).await.unwrap(), Ok(3));
}

async fn parse(text: &str) -> Result<u32, std::num::ParseIntError> {
    tokio::task::yield_now().await;
    text.parse()
}

impl From<std::num::ParseIntError> for Error {
    fn from(_: std::num::ParseIntError) -> Self {
        Error::Transient(0)
    }
}

#[tokio::test]
async fn a_question_mark_in_the_async_operation_is_retried() {
    let clock = ManualClock::new();
    let inputs = ["x", "y", "41"];
    let mut tries = 0;
    let r = retry_async!(on = transient, clock = &clock, {
        let text = inputs[tries];
        tries += 1;
        let n = parse(text).await?;
        Ok(n + 1)
    });
    assert_eq!((r, tries, clock.sleeps()), (Ok(42), 3, 2));
}

#[tokio::test]
async fn a_question_mark_on_async_io_results_needs_no_annotation() {
    async fn connect(tries: u32) -> std::io::Result<u32> {
        tokio::task::yield_now().await;
        if tries < 2 {
            Err(std::io::ErrorKind::ConnectionRefused.into())
        } else {
            Ok(tries)
        }
    }
    let clock = ManualClock::new();
    let mut tries = 0;
    let r = retry_async!(
        on = std::io::ErrorKind::ConnectionRefused,
        clock = &clock,
        {
            tries += 1;
            let n = connect(tries).await?;
            Ok(n * 10)
        }
    );
    assert_eq!(r.unwrap(), 20);
}

#[tokio::test]
async fn return_in_the_async_operation_ends_only_that_attempt() {
    let clock = ManualClock::new();
    let mut tries = 0;
    let r: Result<u32, Error> = retry_async!(on = transient, clock = &clock, {
        tries += 1;
        tokio::task::yield_now().await;
        if tries < 3 {
            return Err(Error::Transient(tries));
        }
        if tries == 3 {
            return Ok(tries);
        }
        Err(Error::Fatal)
    });
    assert_eq!((r, clock.sleeps()), (Ok(3), 2));
}
