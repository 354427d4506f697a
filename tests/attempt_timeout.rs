//! `attempt_timeout` in `retry_async!`: each attempt races the clock; one that runs out of time
//! becomes an error (through `From<AttemptTimedOut>`) that `on` sees like any other.

#![cfg(feature = "tokio")]

use std::time::Duration;

use stamina::{retry_async, AttemptTimedOut};
use tokio::time::Instant;

mod common;

#[derive(Debug, PartialEq)]
enum FetchError {
    Slow(Duration),
    Refused,
}

impl From<AttemptTimedOut> for FetchError {
    fn from(e: AttemptTimedOut) -> Self {
        FetchError::Slow(e.after())
    }
}

/// Answers after `delays[n]` on call `n`.
async fn fetch(calls: &mut usize, delays: &[u64]) -> Result<&'static str, FetchError> {
    let delay = delays[*calls];
    *calls += 1;
    tokio::time::sleep(Duration::from_millis(delay)).await;
    Ok("body")
}

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
