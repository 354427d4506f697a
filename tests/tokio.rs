//! The `tokio` feature: `TokioClock` is the default clock of `retry_async!`, follows
//! `tokio::time::pause()`, runs on both runtime flavours, and keeps the loop's future `Send`.

#![cfg(feature = "tokio")]

use core::time::Duration;

use stamina::{retry_async, RetryingCaller};
use tokio::time::Instant;

mod common;
use common::{transient, Error};

async fn flaky(calls: &mut u32, failures: u32) -> Result<u32, Error> {
    tokio::task::yield_now().await;
    *calls += 1;
    if *calls <= failures {
        Err(Error::Transient(*calls))
    } else {
        Ok(*calls)
    }
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_default_clock_sleeps_in_paused_virtual_time() {
    let start = Instant::now();
    let mut calls = 0;
    let r = retry_async!(
        on = transient,
        wait_jitter = Duration::ZERO,
        flaky(&mut calls, 3).await
    );
    assert_eq!(r, Ok(4));
    // 100 + 200 + 400 ms of virtual time, and no real waiting.
    assert_eq!(start.elapsed(), Duration::from_millis(700));
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_timeout_is_counted_on_tokio_time() {
    let start = Instant::now();
    let mut calls = 0;
    let r = retry_async!(
        on = transient,
        backoff = stamina::Backoff::new().unlimited_attempts(), // the timeout alone stops it
        timeout = Duration::from_secs(2),
        wait_initial = Duration::from_millis(500),
        wait_exp_base = 1,
        wait_jitter = Duration::ZERO,
        flaky(&mut calls, u32::MAX).await
    );
    assert_eq!(r, Err(Error::Transient(5)));
    assert_eq!(
        start.elapsed(),
        Duration::from_secs(2),
        "4 waits of 0.5 s, none past 2 s"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn runs_on_the_multi_thread_runtime_with_real_sleeps() {
    let start = std::time::Instant::now();
    let mut calls = 0;
    let r = retry_async!(
        on = transient,
        wait_initial = Duration::from_millis(1),
        wait_jitter = Duration::ZERO,
        flaky(&mut calls, 2).await
    );
    assert_eq!(r, Ok(3));
    assert!(
        start.elapsed() >= Duration::from_millis(3),
        "1 + 2 ms slept for real"
    );
}

fn assert_send<T: Send>(value: T) -> T {
    value
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retry_async_future_on_tokio_can_be_spawned() {
    let task = tokio::spawn(assert_send(async {
        let mut calls = 0;
        retry_async!(
            on = transient,
            wait_initial = Duration::from_millis(1),
            wait_jitter = Duration::ZERO,
            flaky(&mut calls, 2).await
        )
    }));
    assert_eq!(task.await.unwrap(), Ok(3));
}

#[tokio::test(flavor = "current_thread", start_paused = true)]
async fn the_function_api_runs_on_tokio_too() {
    let mut caller = RetryingCaller::new(transient)
        .clock(stamina::TokioClock::new())
        .backoff(stamina::Backoff::new().wait_jitter(Duration::ZERO));
    let start = Instant::now();
    let mut calls = 0;
    let r = caller.call_async(async || flaky(&mut calls, 1).await).await;
    assert_eq!(r, Ok(2));
    assert_eq!(start.elapsed(), Duration::from_millis(100));
}
