//! stamina on the real embassy stack, on the host: embassy-executor's std executor and
//! embassy-time's std driver (real time, a timer thread).
//!
//! No `retry_async!` here passes `clock = ...`: with the `embassy-time` feature the default async
//! clock is `EmbassyClock`. Run with `--no-default-features` too (stamina without `std`): then
//! `retry!` defaults to `EmbassyClock` as well, and the jitter comes from `GlobalRng`.
//!
//! Real time only gives lower bounds: each test checks that at least the scheduled waits
//! passed, never that no more did (the machine may be busy).

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use embassy_executor::{Executor, Spawner};
use embassy_time::{Instant, Timer};
use stamina::{EmbassyClock, RetryDetails};

/// Runs an executor on this thread until a task sends its report, and returns the report.
/// `Executor::run` never returns; `run_until` (std platform) stops once `done` says so, which
/// it asks after each round of polling, so a test can use libtest's own harness.
fn run_until_report<R: Send + 'static>(spawn: impl FnOnce(Spawner, Sender<R>)) -> R {
    // A test that never reports would hang `cargo test`: fail the whole run instead.
    let (finished, watch) = mpsc::channel::<()>();
    thread::spawn(move || {
        if watch.recv_timeout(Duration::from_secs(30)) == Err(RecvTimeoutError::Timeout) {
            eprintln!("an embassy test sent no report within 30 s");
            std::process::exit(1);
        }
    });

    let (report, reports) = mpsc::channel();
    // `run_until` needs `&'static mut`: one small leak per test.
    let executor: &'static mut Executor = Box::leak(Box::new(Executor::new()));
    let mut received = None;
    executor.run_until(
        |spawner| spawn(spawner, report),
        || {
            received = reports.try_recv().ok();
            received.is_some()
        },
    );
    drop(finished);
    received.unwrap()
}

/// What a retrying task saw.
#[derive(Debug)]
struct Report {
    result: Result<u32, u32>,
    tries: u32,
    /// The waits the loop scheduled, jitter included (from `on_retry`).
    waits: Vec<Duration>,
    /// Embassy time from before the first try to after the last.
    elapsed: Duration,
    /// A concurrent task's progress, read at each try.
    seen: Vec<u32>,
}

impl Report {
    /// The report of a loop started at `start` and just ended: no waits nor progress recorded.
    fn new(result: Result<u32, u32>, tries: u32, start: Instant) -> Self {
        let (waits, seen) = (Vec::new(), Vec::new());
        Self {
            result,
            tries,
            waits,
            elapsed: since(start),
            seen,
        }
    }

    fn waited(&self) -> Duration {
        self.waits.iter().sum()
    }
}

fn since(start: Instant) -> Duration {
    Duration::from_micros(start.elapsed().as_micros())
}

/// One try: fails with its number while it is at most `failures`, then succeeds with it.
async fn flaky(tries: &mut u32, failures: u32) -> Result<u32, u32> {
    *tries += 1;
    if *tries <= failures {
        Err(*tries)
    } else {
        Ok(*tries)
    }
}

/// `wait` is within `[base, base + jitter)`.
fn assert_jittered(wait: Duration, base: Duration, jitter: Duration) {
    assert!(
        wait >= base && wait < base + jitter,
        "wait {wait:?} not in [{base:?}, {:?})",
        base + jitter
    );
}

// ---------------------------------------------------------------------------------------------

#[embassy_executor::task]
async fn fails_twice_then_succeeds(report: Sender<Report>) {
    let mut tries = 0;
    let mut waits = Vec::new();
    let start = Instant::now();
    let result = stamina::retry_async!(
        on = |_: &u32| true,
        wait_initial = Duration::from_millis(2),
        wait_jitter = Duration::from_millis(1),
        on_retry = |d: &RetryDetails<'_, u32>| waits.push(d.wait_for),
        flaky(&mut tries, 2).await
    );
    let done = Report {
        waits,
        ..Report::new(result, tries, start)
    };
    report.send(done).unwrap();
}

/// Two failures, then success, on the default clock: the waits follow the schedule (2 ms then
/// 4 ms, plus under 1 ms of jitter each) and embassy's time really passed.
#[test]
fn retries_on_the_default_clock() {
    let r = run_until_report(|s, report| s.spawn(fails_twice_then_succeeds(report).unwrap()));
    assert_eq!(r.result, Ok(3));
    assert_eq!(r.tries, 3);
    assert_eq!(r.waits.len(), 2);
    assert_jittered(
        r.waits[0],
        Duration::from_millis(2),
        Duration::from_millis(1),
    );
    assert_jittered(
        r.waits[1],
        Duration::from_millis(4),
        Duration::from_millis(1),
    );
    assert!(r.elapsed >= Duration::from_millis(6), "{r:?}");
    assert!(r.elapsed >= r.waited(), "{r:?}");
}

#[embassy_executor::task]
async fn gives_up(report: Sender<Report>) {
    let mut tries = 0;
    let start = Instant::now();
    let result = stamina::retry_async!(
        on = |_: &u32| true,
        attempts = 3,
        wait_initial = Duration::from_millis(1),
        wait_jitter = Duration::from_millis(1),
        flaky(&mut tries, u32::MAX).await
    );
    report.send(Report::new(result, tries, start)).unwrap();
}

/// Out of attempts: the last error comes back unchanged, after both waits (1 ms, 2 ms).
#[test]
fn gives_up_with_the_last_error() {
    let r = run_until_report(|s, report| s.spawn(gives_up(report).unwrap()));
    assert_eq!(r.result, Err(3));
    assert_eq!(r.tries, 3);
    assert!(r.elapsed >= Duration::from_millis(3), "{r:?}");
}

#[embassy_executor::task]
async fn refuses(report: Sender<Report>) {
    let mut tries = 0;
    let start = Instant::now();
    let result = stamina::retry_async!(
        on = |e: &u32| *e != 1, // the first error is not worth a retry
        flaky(&mut tries, u32::MAX).await
    );
    report.send(Report::new(result, tries, start)).unwrap();
}

/// An error the filter does not retry ends the loop at once, with no wait (the default
/// schedule would wait at least 100 ms).
#[test]
fn an_error_not_retried_returns_at_once() {
    let r = run_until_report(|s, report| s.spawn(refuses(report).unwrap()));
    assert_eq!(r.result, Err(1));
    assert_eq!(r.tries, 1);
    assert!(r.elapsed < Duration::from_millis(100), "{r:?}");
}

// ---------------------------------------------------------------------------------------------
// Waiting alongside another task.

/// Another task: takes `steps` steps 1 ms apart, counting them. A pool slot per test that spawns
/// it (a ticker still running when its test reports keeps its slot: the executor stops).
#[embassy_executor::task(pool_size = 4)]
async fn ticker(count: &'static AtomicU32, steps: u32) {
    for _ in 0..steps {
        Timer::after_millis(1).await;
        count.fetch_add(1, Ordering::SeqCst);
    }
}

#[embassy_executor::task]
async fn waits_for_the_ticker(report: Sender<Report>, count: &'static AtomicU32) {
    let mut tries = 0;
    let mut seen = Vec::new();
    let start = Instant::now();
    // Fails until the ticker has taken its 3 steps: only a wait that yields lets it.
    let result = stamina::retry_async!(
        on = |_: &u32| true,
        attempts = 50,
        wait_initial = Duration::from_millis(1),
        wait_max = Duration::from_millis(2),
        wait_jitter = Duration::from_millis(1),
        {
            tries += 1;
            let steps = count.load(Ordering::SeqCst);
            seen.push(steps);
            if steps < 3 {
                Err(tries)
            } else {
                Ok(tries)
            }
        }
    );
    let done = Report {
        seen,
        ..Report::new(result, tries, start)
    };
    report.send(done).unwrap();
}

/// The async wait yields to the executor: the other task runs during it (on one thread), and
/// the retry succeeds because of that.
#[test]
fn the_wait_lets_other_tasks_run() {
    let count: &'static AtomicU32 = Box::leak(Box::new(AtomicU32::new(0)));
    let r = run_until_report(|s, report| {
        s.spawn(waits_for_the_ticker(report, count).unwrap());
        s.spawn(ticker(count, 3).unwrap());
    });
    assert_eq!(r.result, Ok(r.tries), "{r:?}");
    assert!(r.tries >= 2, "{r:?}");
    assert_eq!(r.seen.first(), Some(&0), "{r:?}");
    assert_eq!(r.seen.last(), Some(&3), "{r:?}");
    assert!(r.seen.windows(2).all(|w| w[0] <= w[1]), "{r:?}");
    assert!(r.elapsed >= Duration::from_millis(3), "{r:?}");
}

#[embassy_executor::task]
async fn blocks_the_ticker(report: Sender<Report>, count: &'static AtomicU32) {
    let mut tries = 0;
    let mut seen = Vec::new();
    let mut waits = Vec::new();
    let start = Instant::now();
    // Busy waits of 1 ms and 2 ms: the ticker's timers fire, but its task cannot run.
    let result = stamina::retry!(
        on = |_: &u32| true,
        attempts = 3,
        clock = EmbassyClock,
        wait_initial = Duration::from_millis(1),
        wait_jitter = Duration::ZERO,
        on_retry = |d: &RetryDetails<'_, u32>| waits.push(d.wait_for),
        {
            tries += 1;
            seen.push(count.load(Ordering::SeqCst));
            Err::<u32, u32>(tries)
        }
    );
    let done = Report {
        waits,
        seen,
        ..Report::new(result, tries, start)
    };
    report.send(done).unwrap();
}

/// The contrast: `retry!` in a task busy-waits on `EmbassyClock` and holds the executor, so the
/// other task makes no step during the 3 ms of waits. (Firmware wants `retry_async!` in tasks.)
#[test]
fn a_blocking_retry_holds_the_executor() {
    let count: &'static AtomicU32 = Box::leak(Box::new(AtomicU32::new(0)));
    let r = run_until_report(|s, report| {
        s.spawn(blocks_the_ticker(report, count).unwrap());
        s.spawn(ticker(count, 3).unwrap());
    });
    assert_eq!(r.result, Err(3));
    assert_eq!(r.seen, [0, 0, 0]);
    assert_eq!(
        r.waits,
        [Duration::from_millis(1), Duration::from_millis(2)]
    );
    assert!(r.elapsed >= Duration::from_millis(3), "{r:?}");
}

// ---------------------------------------------------------------------------------------------
// Blocking, outside any executor: embassy's clock works wherever its driver does.

/// `retry!` on `EmbassyClock`: busy waits of 1-2 ms, measured on embassy's time.
#[test]
fn blocking_retry_on_embassy_clock() {
    let mut tries = 0;
    let mut waits = Vec::new();
    let start = Instant::now();
    let result = stamina::retry!(
        on = |_: &u32| true,
        clock = EmbassyClock,
        wait_initial = Duration::from_millis(1),
        wait_jitter = Duration::from_millis(1),
        on_retry = |d: &RetryDetails<'_, u32>| waits.push(d.wait_for),
        {
            tries += 1;
            if tries < 3 {
                Err(tries)
            } else {
                Ok(tries)
            }
        }
    );
    let elapsed = since(start);
    assert_eq!(result, Ok(3));
    assert_eq!(waits.len(), 2);
    assert_jittered(waits[0], Duration::from_millis(1), Duration::from_millis(1));
    assert_jittered(waits[1], Duration::from_millis(2), Duration::from_millis(1));
    assert!(
        elapsed >= waits.iter().sum(),
        "{elapsed:?} for waits {waits:?}"
    );
}

/// Without `std`, `retry!` needs neither `clock` nor `rng`: `EmbassyClock` and `GlobalRng`.
#[cfg(not(feature = "std"))]
#[test]
fn blocking_retry_defaults_to_embassy_without_std() {
    let mut tries = 0;
    let start = Instant::now();
    let result = stamina::retry!(
        on = |_: &u32| true,
        attempts = 2,
        wait_initial = Duration::from_millis(1),
        wait_jitter = Duration::from_millis(1),
        {
            tries += 1;
            Err::<(), u32>(tries)
        }
    );
    assert_eq!(result, Err(2));
    assert!(since(start) >= Duration::from_millis(1));
}
