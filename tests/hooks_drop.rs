//! Replacing the global hooks drops the old ones after the registry is unlocked: a value that
//! a hook captured may read the hooks, or run a failing `retry!`, in its `Drop`. A regression
//! deadlocks the replacing thread, so each replacement runs on a thread of its own and the
//! test fails after a timeout instead of hanging. (A binary of its own: a deadlocked thread
//! keeps the registry locked and would hang every later test of its binary.)

#![cfg(feature = "std")]

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use stamina::{retry, HookDetails, OnRetryHook};

mod common;

/// Serialises the tests of this binary: the hooks are global.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Runs `f` on a thread of its own and fails if it has not returned in time.
fn finishes<T: Send + 'static>(what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, finished) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(f());
    });
    match finished.recv_timeout(Duration::from_secs(20)) {
        Ok(value) => value,
        Err(RecvTimeoutError::Timeout) => panic!("{what}: deadlocked"),
        Err(RecvTimeoutError::Disconnected) => panic!("{what}: panicked"),
    }
}

/// Calls `f` when dropped.
struct OnDrop<F: FnMut()>(F);

impl<F: FnMut()> Drop for OnDrop<F> {
    fn drop(&mut self) {
        (self.0)();
    }
}

/// A hook that owns `on_drop` (and does nothing else).
fn hook_owning<F: FnMut() + Send + Sync + 'static>(on_drop: OnDrop<F>) -> OnRetryHook {
    OnRetryHook::new(move |_: &HookDetails<'_, '_>| {
        let _ = &on_drop;
    })
}

/// A hook that counts its calls.
fn counting(calls: &Arc<AtomicU32>) -> OnRetryHook {
    let calls = Arc::clone(calls);
    OnRetryHook::new(move |_: &HookDetails<'_, '_>| {
        calls.fetch_add(1, Ordering::SeqCst);
    })
}

#[test]
fn a_replaced_hook_may_read_the_hooks_when_dropped() {
    let _turn = one_at_a_time();
    let seen = Arc::new(Mutex::new(None));
    let record = Arc::clone(&seen);
    let old = hook_owning(OnDrop(move || {
        *record.lock().unwrap() = Some(stamina::get_on_retry_hooks().len());
    }));
    finishes("setting", move || stamina::set_on_retry_hooks([old]));
    let calls = Arc::new(AtomicU32::new(0));
    let new = counting(&calls);
    finishes("set_on_retry_hooks", move || {
        stamina::set_on_retry_hooks([new.clone(), new]);
    });
    // Dropped once the new list was in place.
    assert_eq!(*seen.lock().unwrap(), Some(2));
    finishes("clearing", || stamina::set_on_retry_hooks([]));
}

#[test]
fn a_replaced_hook_may_retry_when_dropped() {
    let _turn = one_at_a_time();
    let result = Arc::new(Mutex::new(None));
    let record = Arc::clone(&result);
    let old = hook_owning(OnDrop(move || {
        let r: Result<(), &str> = retry!(
            on = |_: &&str| true,
            attempts = 2,
            clock = stamina::testing::ManualClock::new(),
            Err("down")
        );
        *record.lock().unwrap() = Some(r);
    }));
    finishes("setting", move || stamina::set_on_retry_hooks([old]));
    let calls = Arc::new(AtomicU32::new(0));
    let new = counting(&calls);
    finishes("set_on_retry_hooks", move || {
        stamina::set_on_retry_hooks([new])
    });
    assert_eq!(*result.lock().unwrap(), Some(Err("down")));
    // The retry in the drop ran the new hooks: one scheduled retry.
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    finishes("clearing", || stamina::set_on_retry_hooks([]));
}

#[test]
fn a_hook_replaced_by_the_defaults_may_read_the_hooks_when_dropped() {
    let _turn = one_at_a_time();
    let seen = Arc::new(Mutex::new(None));
    let record = Arc::clone(&seen);
    let old = hook_owning(OnDrop(move || {
        *record.lock().unwrap() = Some(stamina::get_on_retry_hooks().len());
    }));
    finishes("setting", move || stamina::set_on_retry_hooks([old]));
    finishes("reset_on_retry_hooks", stamina::reset_on_retry_hooks);
    let defaults = finishes("get_on_retry_hooks", stamina::get_on_retry_hooks).len();
    assert_eq!(*seen.lock().unwrap(), Some(defaults));
}
