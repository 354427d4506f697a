//! `retry_async!` on embassy-time's mock driver: time moves only when a test advances it, so
//! every wait can be checked to the tick (1 MHz: one tick is one microsecond).
//!
//! No test passes `clock = ...`: with the `embassy-time` feature the default async clock is
//! `EmbassyClock`, which these tests prove by controlling its time. Jitter is off or drawn from
//! a seeded `FastRng`, so every expected tick is exact.
//!
//! The mock driver is one global clock: each test holds a lock on it (`mock_time`), so the tests
//! run one at a time, each from time zero.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::task::{Context, Poll, Wake, Waker};
use std::time::Duration;

use embassy_time::{Instant, MockDriver};
use stamina::{AsyncClock, Backoff, Decision, EmbassyClock, FastRng, RetryDetails};

// ---------------------------------------------------------------------------------------------
// The harness: a future polled by hand, only when woken, as an executor would.

/// Counts wakes, so a test can tell "woken by the timer" from "not yet".
#[derive(Default)]
struct Wakes(AtomicUsize);

impl Wake for Wakes {
    fn wake(self: Arc<Self>) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

struct Polled<F: Future> {
    future: Pin<Box<F>>,
    wakes: Arc<Wakes>,
    waker: Waker,
}

impl<F: Future> Polled<F> {
    fn new(future: F) -> Self {
        let wakes = Arc::new(Wakes::default());
        let waker = Waker::from(wakes.clone());
        Self {
            future: Box::pin(future),
            wakes,
            waker,
        }
    }

    fn poll(&mut self) -> Poll<F::Output> {
        self.future
            .as_mut()
            .poll(&mut Context::from_waker(&self.waker))
    }

    fn wakes(&self) -> usize {
        self.wakes.0.load(Ordering::SeqCst)
    }

    /// Checks that the future sleeps until exactly `tick`: at `tick - 1` it is not woken (and a
    /// spurious poll leaves it pending), at `tick` it is woken once; then polls it.
    fn poll_at(&mut self, tick: u64) -> Poll<F::Output> {
        let before = self.wakes();
        advance_to(tick - 1);
        assert_eq!(self.wakes(), before, "woken before tick {tick}");
        assert!(self.poll().is_pending(), "ready before tick {tick}");
        advance_to(tick);
        assert_eq!(self.wakes(), before + 1, "not woken at tick {tick}");
        self.poll()
    }
}

/// The mock driver for one test: locked (libtest runs tests on parallel threads), at time zero.
fn mock_time() -> MutexGuard<'static, ()> {
    static DRIVER: Mutex<()> = Mutex::new(());
    // A failed test poisons the lock; the next one resets the driver anyway.
    let guard = DRIVER.lock().unwrap_or_else(PoisonError::into_inner);
    MockDriver::get().reset();
    guard
}

fn now() -> u64 {
    Instant::now().as_ticks()
}

fn advance_to(tick: u64) {
    let now = now();
    assert!(tick >= now, "time cannot go back from {now} to {tick}");
    MockDriver::get().advance(embassy_time::Duration::from_ticks(tick - now));
}

fn us(d: Duration) -> u64 {
    d.as_micros().try_into().unwrap()
}

/// What the retried operation and the `on_retry` hook saw: the tick of each try, the waits.
#[derive(Default)]
struct Log {
    tries: RefCell<Vec<u64>>,
    waits: RefCell<Vec<u64>>,
}

impl Log {
    /// One try: fails with its number while it is at most `failures`, then succeeds with it.
    async fn attempt(&self, failures: usize) -> Result<usize, usize> {
        let mut tries = self.tries.borrow_mut();
        tries.push(now());
        let n = tries.len();
        if n <= failures {
            Err(n)
        } else {
            Ok(n)
        }
    }

    fn record(&self, details: &RetryDetails<'_, usize>) {
        self.waits.borrow_mut().push(us(details.wait_for));
    }

    fn tries(&self) -> Vec<u64> {
        self.tries.borrow().clone()
    }

    fn waits(&self) -> Vec<u64> {
        self.waits.borrow().clone()
    }
}

// ---------------------------------------------------------------------------------------------
// The tests.

/// Fails twice, then succeeds: each retry runs exactly when its wait ends, not a tick before.
#[test]
fn retries_exactly_when_each_wait_ends() {
    let _time = mock_time();
    let log = Log::default();
    let mut retry = Polled::new(async {
        stamina::retry_async!(
            on = |_: &usize| true,
            wait_initial = Duration::from_millis(2),
            wait_jitter = Duration::ZERO,
            log.attempt(2).await
        )
    });
    assert!(retry.poll().is_pending()); // try 1 failed at tick 0: 2 ms to wait
    assert_eq!(log.tries(), [0]);
    assert!(retry.poll_at(2_000).is_pending()); // try 2 failed: 4 ms more
    assert_eq!(log.tries(), [0, 2_000]);
    assert_eq!(retry.poll_at(6_000), Poll::Ready(Ok(3)));
    assert_eq!(log.tries(), [0, 2_000, 6_000]);
    assert_eq!(retry.wakes(), 2); // one wake per wait, none spurious
}

/// Odd waits (a 3/2 growth, sub-millisecond parts, seeded jitter) are slept to the tick: each
/// try starts after exactly the wait the loop reported, and the waits are the schedule's.
#[test]
fn jittered_waits_are_slept_to_the_tick() {
    let _time = mock_time();
    const SCHEDULE: Backoff = Backoff::new()
        .wait_initial(Duration::from_micros(1_337))
        .wait_exp_base_ratio(3, 2)
        .wait_jitter(Duration::from_micros(977))
        .attempts(8);
    let log = Log::default();
    let mut retry = Polled::new(async {
        stamina::retry_async!(
            on = |_: &usize| true,
            backoff = SCHEDULE,
            rng = FastRng::new(0x5EED),
            on_retry = |d: &RetryDetails<'_, usize>| log.record(d),
            log.attempt(usize::MAX).await
        )
    });
    let mut poll = retry.poll();
    while poll.is_pending() {
        let wait = *log.waits().last().unwrap();
        poll = retry.poll_at(log.tries().last().unwrap() + wait);
    }
    assert_eq!(poll, Poll::Ready(Err(8))); // the last error, unchanged

    let (tries, waits) = (log.tries(), log.waits());
    assert_eq!(tries.len(), 8);
    assert_eq!(waits.len(), 7);
    for (n, wait) in (1..).zip(&waits) {
        let base = us(SCHEDULE.wait(n));
        assert!(
            (base..base + 977).contains(wait),
            "wait {n}: {wait} us, base {base} us"
        );
    }
    // Some jitter was drawn (a seed that drew none would make this test weaker).
    assert!((1..).zip(&waits).any(|(n, w)| *w != us(SCHEDULE.wait(n))));
    // The next try starts exactly one wait after the previous one, to the tick.
    let gaps: Vec<u64> = tries.windows(2).map(|t| t[1] - t[0]).collect();
    assert_eq!(gaps, waits);
}

/// `attempts = 3`: the third failure gives up at once, returning its error, with no wait.
#[test]
fn attempts_give_up_on_the_last_try() {
    let _time = mock_time();
    let log = Log::default();
    let mut retry = Polled::new(async {
        stamina::retry_async!(
            on = |_: &usize| true,
            attempts = 3,
            wait_initial = Duration::from_micros(100),
            wait_jitter = Duration::ZERO,
            log.attempt(usize::MAX).await
        )
    });
    assert!(retry.poll().is_pending());
    assert!(retry.poll_at(100).is_pending());
    assert_eq!(retry.poll_at(300), Poll::Ready(Err(3)));
    assert_eq!(log.tries(), [0, 100, 300]);
    assert_eq!(now(), 300);
}

/// `timeout` counts from the first failure; a retry whose wait would end past it is not made.
/// Waits of 2 ms then 4 ms: a 6 ms timeout allows both (the second ends exactly on it), one
/// tick less gives up at the second failure.
#[test]
fn timeout_gives_up_at_the_right_tick() {
    let _time = mock_time();
    for (timeout_us, expected) in [(6_000, vec![0, 2_000, 6_000]), (5_999, vec![0, 2_000])] {
        MockDriver::get().reset();
        advance_to(1_000); // the first failure is not at time zero
        let log = Log::default();
        let mut retry = Polled::new(async {
            stamina::retry_async!(
                on = |_: &usize| true,
                timeout = Duration::from_micros(timeout_us),
                wait_initial = Duration::from_millis(2),
                wait_jitter = Duration::ZERO,
                log.attempt(usize::MAX).await
            )
        });
        let mut poll = retry.poll();
        for tick in &expected[1..] {
            assert!(poll.is_pending(), "timeout {timeout_us} us: gave up early");
            poll = retry.poll_at(1_000 + tick);
        }
        assert_eq!(
            poll,
            Poll::Ready(Err(expected.len())),
            "timeout {timeout_us} us"
        );
        let tries: Vec<u64> = log.tries().iter().map(|t| t - 1_000).collect();
        assert_eq!(tries, expected, "timeout {timeout_us} us");
    }
}

/// A `Retry-After` longer than the time left gives up at once with the error, without
/// sleeping to the deadline and coming back before the server allowed it.
#[test]
fn a_retry_after_past_the_deadline_gives_up_at_once() {
    let _time = mock_time();
    let log = Log::default();
    let mut retry = Polled::new(async {
        stamina::retry_async!(
            on = |_: &usize| Decision::RetryAfter(Duration::from_secs(3_600)),
            timeout = Duration::from_millis(10),
            log.attempt(usize::MAX).await
        )
    });
    assert_eq!(retry.poll(), Poll::Ready(Err(1)));
    assert_eq!(log.tries(), [0]);
}

/// Waits too long for embassy's `Instant + Duration` (which panics on overflow) saturate at the
/// end of time instead: no panic, the loop sleeps, and if time ever gets there it wakes.
#[test]
fn huge_waits_saturate_instead_of_panicking() {
    let _time = mock_time();
    advance_to(5);
    let log = Log::default();
    let mut retry = Polled::new(async {
        stamina::retry_async!(
            on = |_: &usize| true,
            attempts = 3,
            timeout = Duration::MAX,
            wait_initial = Duration::MAX,
            wait_max = Duration::MAX,
            wait_jitter = Duration::MAX,
            log.attempt(usize::MAX).await
        )
    });
    assert!(retry.poll().is_pending());
    // A thousand years later: still asleep.
    advance_to(1_000 * 365 * 24 * 3_600 * 1_000_000);
    assert!(retry.poll().is_pending());
    assert_eq!(retry.wakes(), 0);
    // stamina cuts a wait to `i64::MAX` us (292,000 years): try 2 runs then, and its own wait
    // ends past the driver's last tick, so embassy's deadline saturates there.
    let second = 5 + i64::MAX as u64;
    assert!(retry.poll_at(second).is_pending());
    assert_eq!(retry.poll_at(u64::MAX), Poll::Ready(Err(3)));
    assert_eq!(log.tries(), [5, second, u64::MAX]);
}

/// Exponential growth far past `u64::MAX` microseconds under a `Duration::MAX` cap: the waits
/// saturate rather than wrap, and each is slept in full.
#[test]
fn growth_past_u64_saturates() {
    let _time = mock_time();
    let log = Log::default();
    let mut retry = Polled::new(async {
        stamina::retry_async!(
            on = |_: &usize| true,
            attempts = 5,
            timeout = Duration::MAX,
            wait_initial = Duration::from_secs(1),
            wait_exp_base = 1_000_000,
            wait_max = Duration::MAX,
            wait_jitter = Duration::ZERO,
            on_retry = |d: &RetryDetails<'_, usize>| log.record(d),
            log.attempt(usize::MAX).await
        )
    });
    assert!(retry.poll().is_pending());
    assert!(retry.poll_at(1_000_000).is_pending()); // 1 s
    assert!(retry.poll_at(1_000_000 + 1_000_000_000_000).is_pending()); // 10^6 s
                                                                        // 10^12 s is 10^18 us, still below u64::MAX (1.8 * 10^19 us); 10^18 s is not.
    let third = 1_000_000 + 1_000_000_000_000 + 1_000_000_000_000_000_000;
    assert!(retry.poll_at(third).is_pending());
    // The 4th wait (10^24 us) is cut to `i64::MAX` us, the longest stamina hands out.
    let fourth = third + i64::MAX as u64;
    assert_eq!(retry.poll_at(fourth), Poll::Ready(Err(5)));
    assert_eq!(
        log.waits(),
        [
            1_000_000,
            1_000_000_000_000,
            1_000_000_000_000_000_000,
            i64::MAX as u64
        ]
    );
}

/// `EmbassyClock` itself: its time is the driver's ticks, its sleep ends on the tick.
#[test]
fn clock_reads_and_sleeps_in_driver_ticks() {
    let _time = mock_time();
    // A sleep borrows its clock: one clock per sleep (it is a unit struct).
    let (mut a, mut b, mut c) = (EmbassyClock, EmbassyClock, EmbassyClock);
    advance_to(123_456_789);
    assert_eq!(AsyncClock::now_us(&mut a), 123_456_789);
    let mut sleep = Polled::new(a.sleep_us(1));
    assert_eq!(sleep.poll_at(123_456_790), Poll::Ready(()));
    // Nothing to wait: embassy's `Timer` yields once even when due, woken at once.
    let mut due = Polled::new(b.sleep_us(0));
    assert!(due.poll().is_pending());
    assert_eq!(due.wakes(), 1);
    assert_eq!(due.poll(), Poll::Ready(()));
    // `u64::MAX` saturates at the last tick, where embassy's own arithmetic panics.
    let overflow = std::panic::catch_unwind(|| Instant::now() + embassy_time::Duration::MAX);
    assert!(
        overflow.is_err(),
        "embassy's `Instant + Duration` no longer panics on overflow"
    );
    let mut forever = Polled::new(c.sleep_us(u64::MAX));
    assert!(forever.poll().is_pending());
    assert_eq!(forever.poll_at(u64::MAX), Poll::Ready(()));
}
