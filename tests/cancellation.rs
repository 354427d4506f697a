//! Cancellation safety: a `retry_async!` future dropped while it sleeps, while its operation
//! runs, or while an attempt races its timeout releases everything it holds (hook guards,
//! futures) once, takes no more from a budget than the retries it scheduled, and leaves the
//! global switch and testing mode as they were. On the real tokio runtime, with paused time.

#![cfg(all(feature = "tokio", target_has_atomic = "32"))]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

use stamina::{retry_async, AttemptTimedOut, Budget, HookDetails, OnRetryHook};
use tokio::time::timeout;

mod common;

/// The hooks and the switch are global: one test at a time (each test has its own runtime, so
/// an async lock is held across its awaits).
async fn one_at_a_time() -> tokio::sync::MutexGuard<'static, ()> {
    static TURN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
    TURN.lock().await
}

#[derive(Debug, PartialEq)]
enum Error {
    Down,
    Slow,
}

impl From<AttemptTimedOut> for Error {
    fn from(_: AttemptTimedOut) -> Self {
        Error::Slow
    }
}

/// Counts hook calls, and guards alive.
#[derive(Default)]
struct Counts {
    hooks: AtomicU32,
    guards_alive: AtomicU32,
    guards_dropped: AtomicU32,
}

struct Guard(Arc<Counts>);

impl Drop for Guard {
    fn drop(&mut self) {
        self.0.guards_alive.fetch_sub(1, Ordering::SeqCst);
        self.0.guards_dropped.fetch_add(1, Ordering::SeqCst);
    }
}

fn counting_hooks() -> Arc<Counts> {
    let counts = Arc::new(Counts::default());
    let c = Arc::clone(&counts);
    stamina::set_on_retry_hooks([OnRetryHook::with_guard(move |_: &HookDetails<'_, '_>| {
        c.hooks.fetch_add(1, Ordering::SeqCst);
        c.guards_alive.fetch_add(1, Ordering::SeqCst);
        Guard(Arc::clone(&c))
    })]);
    counts
}

/// A loop that fails at once, then waits 1 s before its next try.
async fn fails_then_waits(calls: &AtomicU32, budget: &Budget) -> Result<(), Error> {
    retry_async!(
        on = |_: &Error| true,
        wait_initial = Duration::from_secs(1),
        wait_jitter = Duration::ZERO,
        budget = budget,
        {
            calls.fetch_add(1, Ordering::SeqCst);
            Err::<(), _>(Error::Down)
        }
    )
}

fn switch_untouched() {
    assert!(stamina::is_active());
    assert!(!stamina::is_testing());
}

#[tokio::test(start_paused = true)]
async fn dropped_while_sleeping() {
    let _turn = one_at_a_time().await;
    let counts = counting_hooks();
    let budget = Budget::new(5);
    let calls = AtomicU32::new(0);
    // 0.5 s in, the loop is in its 1 s wait: the timeout drops it there.
    assert!(timeout(
        Duration::from_millis(500),
        fails_then_waits(&calls, &budget)
    )
    .await
    .is_err());
    stamina::set_on_retry_hooks([]);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    assert_eq!(counts.hooks.load(Ordering::SeqCst), 1);
    assert_eq!(
        counts.guards_alive.load(Ordering::SeqCst),
        0,
        "the guard went with the future"
    );
    assert_eq!(counts.guards_dropped.load(Ordering::SeqCst), 1, "once");
    assert_eq!(
        budget.milli_tokens(),
        4_000,
        "one retry scheduled, one token taken"
    );
    switch_untouched();
}

#[tokio::test(start_paused = true)]
async fn dropped_while_the_operation_runs() {
    let _turn = one_at_a_time().await;
    let counts = counting_hooks();
    let budget = Budget::new(5);
    let started = AtomicU32::new(0);
    let attempt = async {
        retry_async!(on = |_: &Error| true, budget = &budget, {
            started.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Err::<(), _>(Error::Down)
        })
    };
    assert!(timeout(Duration::from_secs(1), attempt).await.is_err());
    stamina::set_on_retry_hooks([]);
    assert_eq!(started.load(Ordering::SeqCst), 1);
    assert_eq!(
        counts.hooks.load(Ordering::SeqCst),
        0,
        "nothing failed, nothing reported"
    );
    assert_eq!(budget.milli_tokens(), 5_000, "no retry, no token");
    switch_untouched();
}

#[tokio::test(start_paused = true)]
async fn dropped_while_an_attempt_races_its_timeout() {
    let _turn = one_at_a_time().await;
    let dropped = Arc::new(AtomicU32::new(0));
    struct Tracked(Arc<AtomicU32>);
    impl Drop for Tracked {
        fn drop(&mut self) {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
    }
    let attempt = async {
        retry_async!(
            on = |_: &Error| true,
            attempt_timeout = Duration::from_secs(10),
            {
                let _held = Tracked(Arc::clone(&dropped));
                tokio::time::sleep(Duration::from_secs(3600)).await;
                Err::<(), _>(Error::Down)
            }
        )
    };
    assert!(timeout(Duration::from_secs(1), attempt).await.is_err());
    assert_eq!(
        dropped.load(Ordering::SeqCst),
        1,
        "the running attempt was dropped, once"
    );
    switch_untouched();
}

#[tokio::test(start_paused = true)]
async fn testing_mode_survives_a_dropped_loop_and_the_next_loop_runs_normally() {
    let _turn = one_at_a_time().await;
    let budget = Budget::new(5);
    let calls = AtomicU32::new(0);
    {
        let _testing = stamina::set_testing(3, false);
        // Testing mode never waits, so drop it mid-operation instead.
        let attempt = async {
            retry_async!(on = |_: &Error| true, {
                calls.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_secs(3600)).await;
                Err::<(), _>(Error::Down)
            })
        };
        assert!(timeout(Duration::from_secs(1), attempt).await.is_err());
        assert!(stamina::is_testing(), "still on: its guard is alive");
    }
    switch_untouched();
    // A loop after the cancelled ones: its own tries and waits, from a full budget.
    calls.store(0, Ordering::SeqCst);
    let start = tokio::time::Instant::now();
    let r = timeout(
        Duration::from_millis(2_500),
        fails_then_waits(&calls, &budget),
    )
    .await;
    assert!(r.is_err());
    assert_eq!(
        calls.load(Ordering::SeqCst),
        2,
        "tries at 0 s and 1 s, waiting until 3 s"
    );
    assert_eq!(start.elapsed(), Duration::from_millis(2_500));
}
