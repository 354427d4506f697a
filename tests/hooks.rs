//! Global `on_retry` hooks: called once per scheduled retry (never on success nor on the final
//! give-up), after the call's own hook, with the details; a hook's guard lives exactly as long
//! as the wait it announced and is dropped exactly once, also when an async loop is dropped
//! while it waits. The hooks are global, so these tests take turns.

#![cfg(feature = "std")]

use core::future::Future;
use core::pin::pin;
use core::task::Context;
use std::string::{String, ToString};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use stamina::testing::ManualClock;
use stamina::{retry, retry_async, HookDetails, OnRetryHook, RetryDetails};

mod common;
use common::{push, transient, Error, Log, TestClock};

/// Serialises the tests of this binary: the hooks are global.
fn one_at_a_time() -> MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A guard that writes its drop into the log.
struct Guard(Log, u32);

impl Drop for Guard {
    fn drop(&mut self) {
        push(&self.0, std::format!("drop {}", self.1));
    }
}

fn hooks_that_log(log: &Log) {
    let seen = Arc::clone(log);
    let guarded = Arc::clone(log);
    stamina::set_on_retry_hooks([
        OnRetryHook::new(move |d: &HookDetails<'_, '_>| {
            push(
                &seen,
                std::format!(
                    "hook {} {} {:?} {:?} {:?} {}",
                    d.name,
                    d.retry_num,
                    d.wait_for,
                    d.waited_so_far,
                    d.error,
                    d.error_type
                ),
            );
        }),
        OnRetryHook::with_guard(move |d: &HookDetails<'_, '_>| {
            Guard(Arc::clone(&guarded), d.retry_num)
        }),
    ]);
}

fn run(log: &Log, failures: u32, attempts: u32) -> Result<u32, Error> {
    let mut calls = 0;
    retry!(
        on = transient,
        attempts = attempts,
        wait_jitter = Duration::ZERO,
        clock = TestClock::new().logging_to(log),
        name = "db",
        on_retry =
            |d: &RetryDetails<'_, Error>| push(log, std::format!("call hook {}", d.retry_num)),
        {
            calls += 1;
            if calls <= failures {
                Err(Error::Transient(calls))
            } else {
                Ok(calls)
            }
        }
    )
}

#[test]
fn hooks_run_per_scheduled_retry_and_guards_end_with_the_wait() {
    let _turn = one_at_a_time();
    let log = Log::default();
    hooks_that_log(&log);
    assert_eq!(run(&log, 2, 10), Ok(3));
    stamina::set_on_retry_hooks([]);
    let error_type = core::any::type_name::<Error>();
    assert_eq!(
        *log.lock().unwrap(),
        [
            "call hook 1".to_string(),
            std::format!("hook db 1 100ms 0ns Transient(1) {error_type}"),
            "sleep 100000".to_string(),
            "drop 1".to_string(),
            "call hook 2".to_string(),
            std::format!("hook db 2 200ms 100ms Transient(2) {error_type}"),
            "sleep 200000".to_string(),
            "drop 2".to_string(),
        ]
    );
}

#[test]
fn nothing_is_reported_on_success_nor_on_the_final_give_up() {
    let _turn = one_at_a_time();
    let log = Log::default();
    hooks_that_log(&log);
    assert_eq!(run(&log, 0, 10), Ok(1));
    assert!(
        log.lock().unwrap().is_empty(),
        "success: {:?}",
        log.lock().unwrap()
    );
    // Two tries: one retry reported; the give-up after the second failure is not.
    assert_eq!(run(&log, 5, 2), Err(Error::Transient(2)));
    stamina::set_on_retry_hooks([]);
    let lines = log.lock().unwrap();
    assert_eq!(lines.iter().filter(|l| l.starts_with("hook ")).count(), 1);
    assert_eq!(lines.iter().filter(|l| l.starts_with("drop ")).count(), 1);
}

#[test]
fn guards_do_not_leak_into_later_calls() {
    let _turn = one_at_a_time();
    let log = Log::default();
    hooks_that_log(&log);
    assert_eq!(run(&log, 3, 10), Ok(4));
    assert_eq!(run(&log, 1, 10), Ok(2));
    assert_eq!(run(&log, 0, 10), Ok(1));
    stamina::set_on_retry_hooks([]);
    let lines = log.lock().unwrap();
    let drops: Vec<&String> = lines.iter().filter(|l| l.starts_with("drop ")).collect();
    // 3 + 1 retries, one drop each, each right after its own sleep.
    assert_eq!(drops, ["drop 1", "drop 2", "drop 3", "drop 1"]);
    for (i, line) in lines.iter().enumerate() {
        if line.starts_with("drop ") {
            assert!(lines[i - 1].starts_with("sleep "), "{lines:?}");
        }
    }
}

#[test]
fn hooks_can_be_read_back_and_cleared() {
    let _turn = one_at_a_time();
    stamina::set_on_retry_hooks([
        OnRetryHook::new(|_: &HookDetails<'_, '_>| {}),
        OnRetryHook::new(|_: &HookDetails<'_, '_>| {}),
    ]);
    assert_eq!(stamina::get_on_retry_hooks().len(), 2);
    stamina::set_on_retry_hooks(stamina::get_on_retry_hooks().into_iter().take(1));
    assert_eq!(stamina::get_on_retry_hooks().len(), 1);
    stamina::set_on_retry_hooks([]);
    assert!(stamina::get_on_retry_hooks().is_empty());
}

#[test]
fn an_error_type_without_debug_is_reported_by_its_type_name() {
    let _turn = one_at_a_time();
    struct Opaque;
    let log = Log::default();
    hooks_that_log(&log);
    let r: Result<(), Opaque> = retry!(
        on = |_: &Opaque| true,
        attempts = 2,
        clock = TestClock::new().logging_to(&log),
        name = "opaque",
        Err(Opaque)
    );
    stamina::set_on_retry_hooks([]);
    assert!(r.is_err());
    let lines = log.lock().unwrap();
    assert!(
        lines[0].contains("<error type without Debug>") && lines[0].ends_with("::Opaque"),
        "{lines:?}"
    );
}

#[test]
fn dropping_an_async_loop_during_its_wait_drops_the_guard_once() {
    let _turn = one_at_a_time();
    let log = Log::default();
    hooks_that_log(&log);
    {
        // A `ManualClock`'s sleep is pending at its first poll: one poll leaves the loop in
        // its first wait.
        let mut future = pin!(async {
            retry_async!(
                on = |_: &&str| true,
                clock = ManualClock::new(),
                Err::<(), &str>("down")
            )
        });
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert!(
            future.as_mut().poll(&mut cx).is_pending(),
            "waiting after try 1"
        );
        assert!(!log.lock().unwrap().iter().any(|l| l.starts_with("drop")));
    } // the future is dropped here, in its wait
    stamina::set_on_retry_hooks([]);
    let lines = log.lock().unwrap();
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("drop ")).count(),
        1,
        "{lines:?}"
    );
}

/// Three hooks that each hand back a guard logging its drop as `drop <hook>`.
fn three_guarding_hooks(log: &Log) {
    stamina::set_on_retry_hooks((1..=3).map(|hook| {
        let log = Arc::clone(log);
        OnRetryHook::with_guard(move |_: &HookDetails<'_, '_>| Guard(Arc::clone(&log), hook))
    }));
}

#[test]
fn guards_are_dropped_newest_first_when_the_wait_ends() {
    let _turn = one_at_a_time();
    let log = Log::default();
    three_guarding_hooks(&log);
    let r: Result<(), &str> = retry!(
        on = |_: &&str| true,
        attempts = 2,
        clock = TestClock::new().logging_to(&log),
        Err("down")
    );
    stamina::set_on_retry_hooks([]);
    assert!(r.is_err());
    let lines = log.lock().unwrap();
    assert_eq!(lines[1..], ["drop 3", "drop 2", "drop 1"], "{lines:?}");
}

#[test]
fn guards_are_dropped_newest_first_with_an_async_loop_dropped_in_its_wait() {
    let _turn = one_at_a_time();
    let log = Log::default();
    three_guarding_hooks(&log);
    {
        // A `ManualClock`'s sleep is pending at its first poll: one poll leaves the loop in
        // its first wait.
        let mut future = pin!(async {
            retry_async!(
                on = |_: &&str| true,
                clock = ManualClock::new(),
                Err::<(), &str>("down")
            )
        });
        let mut cx = Context::from_waker(std::task::Waker::noop());
        assert!(future.as_mut().poll(&mut cx).is_pending());
    }
    stamina::set_on_retry_hooks([]);
    assert_eq!(*log.lock().unwrap(), ["drop 3", "drop 2", "drop 1"]);
}

#[test]
fn time_spent_in_a_global_hook_counts_against_the_timeout() {
    let _turn = one_at_a_time();
    std::thread_local! {
        // The hook runs on the loop's thread: it finds the loop's clock here.
        static CLOCK: stamina::testing::ManualClock = const { stamina::testing::ManualClock::new() };
    }
    stamina::set_on_retry_hooks([OnRetryHook::new(|_: &HookDetails<'_, '_>| {
        CLOCK.with(|clock| clock.advance(Duration::from_millis(800)));
    })]);
    let (r, started, sleeps) = CLOCK.with(|clock| {
        let mut started = Vec::new();
        let r: Result<(), Error> = retry!(
            on = transient,
            backoff = common::HALF_SECOND_WAITS_FOR_ONE_SECOND,
            clock = clock,
            {
                started.push(clock.now());
                Err(Error::Transient(0))
            }
        );
        (r, started, clock.sleeps())
    });
    stamina::reset_on_retry_hooks();
    // The hook ends at 0.8 s: a 0.5 s wait would start the next try at 1.3 s, past the deadline.
    assert_eq!(r, Err(Error::Transient(0)));
    assert_eq!(started, [Duration::ZERO]);
    assert_eq!(sleeps, 0);
}
