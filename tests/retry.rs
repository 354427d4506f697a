//! `retry!`: the blocking loop, driven by a manual clock (no real sleeps).
//!
//! The global switch is never touched here (see `tests/switch.rs`): test threads share it.

#![cfg(feature = "std")]

use core::cell::{Cell, RefCell};
use core::time::Duration;
use std::io;
use std::sync::Mutex;

use stamina::testing::ManualClock;
use stamina::{retry, Attempt, Backoff, Clock, Decision, FastRng, RetryDetails, Rng};

mod common;
use common::{transient, Error, TestClock};

const NO_JITTER: Duration = Duration::ZERO;

/// A clock and an RNG that fail the test if anything reads them.
struct PanickingClockAndRng;

impl Clock for PanickingClockAndRng {
    fn now_us(&mut self) -> u64 {
        panic!("the happy path read the clock")
    }
    fn sleep_us(&mut self, _: u64) {
        panic!("the happy path slept")
    }
}

impl Rng for PanickingClockAndRng {
    fn next_u32(&mut self) -> u32 {
        panic!("the happy path drew a random number")
    }
}

#[test]
fn success_passes_the_value_through_on_the_first_try() {
    let clock = ManualClock::new();
    let mut tries = 0;
    let r: Result<&str, Error> = retry!(on = transient, clock = &clock, {
        tries += 1;
        Ok("value")
    });
    assert_eq!(r, Ok("value"));
    assert_eq!(tries, 1);
    assert_eq!(clock.sleeps(), 0);
}

#[test]
fn the_happy_path_never_touches_the_clock_or_the_rng() {
    let r: Result<u8, Error> = retry!(
        on = transient,
        clock = PanickingClockAndRng,
        rng = PanickingClockAndRng,
        Ok(1)
    );
    assert_eq!(r, Ok(1));
    let r: Result<u8, Error> = retry!(
        on = transient,
        clock = PanickingClockAndRng,
        rng = PanickingClockAndRng,
        attempts = 3,
        timeout = Duration::from_secs(1),
        wait_initial = Duration::from_millis(1),
        |attempt| Ok(u8::try_from(attempt.num()).unwrap())
    );
    assert_eq!(r, Ok(1));
}

#[test]
fn a_matching_error_is_retried_then_succeeds() {
    let clock = ManualClock::new();
    let mut tries = 0;
    let r = retry!(on = transient, clock = &clock, wait_jitter = NO_JITTER, {
        tries += 1;
        if tries < 3 {
            Err(Error::Transient(tries))
        } else {
            Ok(tries)
        }
    });
    assert_eq!(r, Ok(3));
    assert_eq!(
        clock.waits(),
        [Duration::from_millis(100), Duration::from_millis(200)]
    );
}

#[test]
fn a_non_matching_error_returns_at_once_without_waiting() {
    let clock = ManualClock::new();
    let mut tries = 0;
    let r: Result<(), Error> = retry!(on = transient, clock = &clock, {
        tries += 1;
        Err(Error::Fatal)
    });
    assert_eq!(r, Err(Error::Fatal));
    assert_eq!(tries, 1);
    assert_eq!(clock.sleeps(), 0);
}

#[test]
fn giving_up_returns_the_last_error_itself() {
    let clock = ManualClock::new();
    let mut tries = 0;
    let r: Result<(), Error> = retry!(on = transient, attempts = 4, clock = &clock, {
        tries += 1;
        Err(Error::Transient(tries))
    });
    assert_eq!(r, Err(Error::Transient(4)));
    assert_eq!(clock.sleeps(), 3);
}

#[test]
fn default_schedule_through_the_macro() {
    let clock = ManualClock::new();
    let r: Result<(), Error> = retry!(
        on = transient,
        clock = &clock,
        wait_jitter = NO_JITTER,
        Err(Error::Transient(0))
    );
    assert!(r.is_err());
    let expected = [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000].map(Duration::from_millis);
    assert_eq!(clock.waits(), expected);
}

#[test]
fn keys_shape_the_schedule() {
    let clock = ManualClock::new();
    let r: Result<(), Error> = retry!(
        wait_max = Duration::from_secs(30),
        wait_exp_base = 3,
        on = transient,
        wait_initial = Duration::from_secs(1),
        clock = &clock,
        attempts = 6,
        wait_jitter = NO_JITTER,
        timeout = Duration::from_secs(3600),
        Err(Error::Transient(0))
    );
    assert!(r.is_err());
    assert_eq!(clock.waits(), [1, 3, 9, 27, 30].map(Duration::from_secs));

    let clock = ManualClock::new();
    let r: Result<(), Error> = retry!(
        on = transient,
        clock = &clock,
        attempts = 4,
        wait_initial = Duration::from_millis(500),
        wait_exp_base = (3, 2),
        wait_jitter = NO_JITTER,
        Err(Error::Transient(0))
    );
    assert!(r.is_err());
    assert_eq!(
        clock.waits(),
        [500_000, 750_000, 1_125_000].map(Duration::from_micros)
    );
}

#[test]
fn a_backoff_key_is_adjusted_by_the_other_keys() {
    const STEPS: Backoff<2> =
        Backoff::from_waits([Duration::from_millis(10), Duration::from_millis(30)]);
    let clock = ManualClock::new();
    let r: Result<(), Error> = retry!(
        on = transient,
        backoff = STEPS,
        attempts = 5,
        wait_jitter = NO_JITTER,
        clock = &clock,
        Err(Error::Transient(0))
    );
    assert!(r.is_err());
    assert_eq!(clock.waits(), [10, 30, 30, 30].map(Duration::from_millis));
}

#[test]
fn jitter_comes_from_the_rng_key() {
    let run = |seed| {
        let clock = ManualClock::new();
        let r: Result<(), Error> = retry!(
            on = transient,
            clock = &clock,
            rng = FastRng::new(seed),
            Err(Error::Transient(0))
        );
        assert!(r.is_err());
        clock.waits()
    };
    assert_eq!(run(5), run(5));
    assert_ne!(run(5), run(6));
    for (n, wait) in (1..).zip(run(5).iter()) {
        let b = Backoff::new();
        assert!(
            *wait >= b.wait(n) && *wait <= b.longest_wait(n),
            "wait {n}: {wait:?}"
        );
    }
}

#[test]
fn the_timeout_bounds_unlimited_attempts() {
    let clock = ManualClock::new();
    let mut tries = 0;
    let r: Result<(), Error> = retry!(
        on = transient,
        backoff = Backoff::new().unlimited_attempts(),
        timeout = Duration::from_secs(45),
        wait_jitter = NO_JITTER,
        clock = &clock,
        {
            tries += 1;
            Err(Error::Transient(tries))
        }
    );
    assert_eq!(r, Err(Error::Transient(14)));
    assert_eq!(clock.slept(), Duration::from_millis(41_300));
}

#[test]
fn the_loop_never_sleeps_past_the_deadline_when_tries_take_time() {
    // The clock starts far from zero: readings are only ever subtracted.
    let clock = ManualClock::starting_at(Duration::from_secs(1_000_000));
    let mut first_failure = None;
    let r: Result<(), Error> = retry!(
        on = transient,
        backoff = Backoff::new().unlimited_attempts(),
        timeout = Duration::from_secs(10),
        clock = &clock,
        rng = FastRng::new(11),
        {
            clock.advance(Duration::from_millis(700)); // every try takes 0.7 s
            first_failure.get_or_insert(clock.now());
            Err(Error::Transient(0))
        }
    );
    assert!(r.is_err());
    // The last try starts no later than the deadline (then takes its 0.7 s).
    let last_try_started = clock.now() - Duration::from_millis(700);
    assert!(last_try_started - first_failure.unwrap() <= Duration::from_secs(10));
}

#[test]
fn an_override_that_ends_after_the_deadline_gives_up_at_once() {
    let clock = ManualClock::new();
    let mut tries = 0;
    let r: Result<(), Error> = retry!(
        on = |_: &Error| Decision::RetryAfter(Duration::from_secs(7)),
        timeout = Duration::from_secs(10),
        clock = &clock,
        {
            tries += 1;
            Err(Error::Transient(tries))
        }
    );
    // 7 s fit in the 10 s; the next 7 s do not: no sleep until the deadline, no early try.
    assert_eq!(r, Err(Error::Transient(2)));
    assert_eq!(clock.waits(), [Duration::from_secs(7)]);
    assert_eq!(clock.now(), Duration::from_secs(7));
}

#[test]
fn an_override_longer_than_the_whole_timeout_gives_up_without_waiting() {
    let clock = ManualClock::new();
    let r: Result<(), Error> = retry!(
        on = |_: &Error| Decision::RetryAfter(Duration::from_secs(30)),
        timeout = Duration::from_secs(2),
        clock = &clock,
        Err(Error::Transient(0))
    );
    assert_eq!(r, Err(Error::Transient(0)));
    assert_eq!(clock.sleeps(), 0);
}

#[test]
fn a_decision_can_give_up() {
    let clock = ManualClock::new();
    let mut tries = 0;
    let r: Result<(), Error> = retry!(
        on = |e: &Error| if *e == Error::Transient(2) {
            Decision::GiveUp
        } else {
            Decision::Retry
        },
        clock = &clock,
        {
            tries += 1;
            Err(Error::Transient(tries))
        }
    );
    assert_eq!(r, Err(Error::Transient(2)));
    assert_eq!(clock.sleeps(), 1);
}

#[test]
fn io_error_kinds_filter_io_errors() {
    let clock = ManualClock::new();
    let mut tries = 0;
    let mut op = || -> io::Result<()> {
        tries += 1;
        Err(io::ErrorKind::TimedOut.into())
    };
    let r = retry!(
        on = io::ErrorKind::TimedOut,
        attempts = 3,
        clock = &clock,
        op()
    );
    assert_eq!(r.unwrap_err().kind(), io::ErrorKind::TimedOut);
    assert_eq!(tries, 3);

    let kinds = [io::ErrorKind::ConnectionRefused, io::ErrorKind::TimedOut];
    let r: io::Result<()> = retry!(
        on = kinds,
        attempts = 2,
        clock = &clock,
        Err(io::ErrorKind::ConnectionRefused.into())
    );
    assert_eq!(r.unwrap_err().kind(), io::ErrorKind::ConnectionRefused);
    let r: io::Result<()> = retry!(
        on = &kinds[..],
        attempts = 2,
        clock = &clock,
        Err(io::ErrorKind::NotFound.into())
    );
    assert_eq!(r.unwrap_err().kind(), io::ErrorKind::NotFound);
    assert_eq!(clock.sleeps(), 2 + 1);
}

#[test]
fn the_operation_can_mutate_borrowed_locals_across_attempts() {
    let clock = ManualClock::new();
    let mut log = Vec::new();
    let mut counter = 0u32;
    let r = retry!(on = transient, clock = &clock, {
        counter += 1;
        log.push(counter);
        if counter < 3 {
            Err(Error::Transient(counter))
        } else {
            Ok(counter * 10)
        }
    });
    assert_eq!(r, Ok(30));
    assert_eq!(log, [1, 2, 3]);
}

struct Device {
    failures_left: u32,
    reads: u32,
}

impl Device {
    fn read(&mut self) -> Result<u32, Error> {
        self.reads += 1;
        if self.failures_left > 0 {
            self.failures_left -= 1;
            Err(Error::Transient(self.failures_left))
        } else {
            Ok(42)
        }
    }

    fn read_retrying(&mut self, clock: &ManualClock) -> Result<u32, Error> {
        retry!(on = transient, clock = clock, self.read())
    }
}

#[test]
fn the_operation_can_borrow_self_mutably() {
    let clock = ManualClock::new();
    let mut device = Device {
        failures_left: 2,
        reads: 0,
    };
    assert_eq!(device.read_retrying(&clock), Ok(42));
    assert_eq!(device.reads, 3);
}

/// A clock that checks, each time it is asked to sleep, that nothing the operation took is
/// still held: its lock is free and its cell not borrowed. It counts its checks.
struct ReleaseCheckingClock<'a> {
    lock: &'a Mutex<Vec<u32>>,
    cell: &'a RefCell<u32>,
    checks: &'a Cell<u32>,
}

impl Clock for ReleaseCheckingClock<'_> {
    fn now_us(&mut self) -> u64 {
        0
    }
    fn sleep_us(&mut self, _: u64) {
        assert!(
            self.lock.try_lock().is_ok(),
            "slept holding the operation's lock"
        );
        assert!(
            self.cell.try_borrow_mut().is_ok(),
            "slept holding the operation's borrow"
        );
        self.checks.set(self.checks.get() + 1);
    }
}

#[test]
fn locks_and_borrows_taken_by_the_operation_are_released_before_the_wait() {
    let lock = Mutex::new(vec![1, 2]);
    let cell = RefCell::new(0);
    let checks = Cell::new(0);
    let clock = ReleaseCheckingClock {
        lock: &lock,
        cell: &cell,
        checks: &checks,
    };
    // Temporaries of the operation's expression: the MutexGuard of the scrutinee and the RefMut
    // in the arm live to the end of the expression, which ends before the wait.
    let r = retry!(
        on = transient,
        clock = clock,
        match lock.lock().unwrap().pop() {
            Some(_) => Err(Error::Transient(*cell.borrow_mut())),
            None => Ok(()),
        }
    );
    assert_eq!(r, Ok(()));
    assert_eq!(checks.get(), 2);
}

#[test]
fn attempt_form_binds_the_number_and_next_wait() {
    let clock = ManualClock::new();
    let mut seen: Vec<Attempt> = Vec::new();
    let r: Result<(), Error> = retry!(on = transient, attempts = 4, clock = &clock, |attempt| {
        seen.push(attempt);
        Err(Error::Transient(attempt.num()))
    });
    assert_eq!(r, Err(Error::Transient(4)));
    let nums: Vec<u32> = seen.iter().map(Attempt::num).collect();
    let next: Vec<Duration> = seen.iter().map(Attempt::next_wait).collect();
    assert_eq!(nums, [1, 2, 3, 4]);
    assert_eq!(next, [100, 200, 400, 800].map(Duration::from_millis));
}

#[test]
fn on_retry_hook_sees_each_scheduled_retry_only() {
    let clock = ManualClock::new();
    let mut seen = Vec::new();
    let mut tries = 0;
    let r = retry!(
        on = transient,
        wait_jitter = NO_JITTER,
        clock = &clock,
        name = "fetch_config",
        on_retry = |d: &RetryDetails<'_, Error>| {
            seen.push((
                d.name,
                d.retry_num,
                d.wait_for,
                d.waited_so_far,
                format!("{:?}", d.error),
            ))
        },
        {
            tries += 1;
            if tries < 3 {
                Err(Error::Transient(tries))
            } else {
                Ok(())
            }
        }
    );
    assert_eq!(r, Ok(()));
    let ms = Duration::from_millis;
    assert_eq!(
        seen,
        [
            (
                "fetch_config",
                1,
                ms(100),
                ms(0),
                "Transient(1)".to_string()
            ),
            (
                "fetch_config",
                2,
                ms(200),
                ms(100),
                "Transient(2)".to_string()
            ),
        ]
    );

    // Nothing on the final give-up, nor on a non-matching error.
    let mut calls = 0;
    let r: Result<(), Error> = retry!(
        on = transient,
        attempts = 2,
        clock = &clock,
        on_retry = |_: &RetryDetails<'_, Error>| calls += 1,
        Err(Error::Transient(0))
    );
    assert!(r.is_err());
    assert_eq!(calls, 1);
    let r: Result<(), Error> = retry!(
        on = transient,
        clock = &clock,
        on_retry = |_: &RetryDetails<'_, Error>| calls += 1,
        Err(Error::Fatal)
    );
    assert!(r.is_err());
    assert_eq!(calls, 1);
}

/// The name `on_retry` saw for each call site, in order.
fn names_seen(run: impl FnOnce(&mut dyn FnMut(&'static str))) -> Vec<&'static str> {
    let mut names = Vec::new();
    run(&mut |name| names.push(name));
    names
}

mod remote {
    pub fn connect(_address: &str) -> Result<u32, super::Error> {
        Err(super::Error::Transient(1))
    }
}

struct Db;
impl Db {
    fn query(&self, _sql: &str) -> Result<u32, Error> {
        Err(Error::Transient(1))
    }
}

#[test]
fn the_default_name_is_the_call_path_without_its_arguments() {
    let clock = ManualClock::new();
    let db = Db;
    let names = names_seen(|seen| {
        let _ = retry!(
            on = transient,
            attempts = 2,
            clock = &clock,
            on_retry = |d: &RetryDetails<'_, Error>| seen(d.name),
            db.query("SELECT secret FROM users WHERE id = 7")
        );
        let _ = retry!(
            on = transient,
            attempts = 2,
            clock = &clock,
            on_retry = |d: &RetryDetails<'_, Error>| seen(d.name),
            remote::connect("10.0.0.7:5432")
        );
    });
    assert_eq!(names, ["retry::db.query", "retry::remote::connect"]);
}

#[test]
fn without_a_call_path_the_default_name_is_the_module_and_line() {
    let clock = ManualClock::new();
    let mut name = "";
    let line = line!() + 1;
    let _: Result<(), Error> = retry!(
        on = transient,
        attempts = 2,
        clock = &clock,
        on_retry = |d: &RetryDetails<'_, Error>| name = d.name,
        { Err(Error::Transient(u32::from(b"a literal"[0]))) }
    );
    assert_eq!(name, format!("retry:{line}"));
    assert!(!name.contains("literal"));
}

fn parse(text: &str) -> Result<u32, Error> {
    text.parse().map_err(|_| Error::Transient(99))
}

#[test]
fn a_question_mark_in_the_operation_is_retried() {
    let clock = ManualClock::new();
    let inputs = ["x", "y", "41"];
    let mut tries = 0;
    let r = retry!(on = transient, clock = &clock, {
        let text = inputs[tries];
        tries += 1;
        let n = parse(text)?;
        Ok(n + 1)
    });
    assert_eq!(r, Ok(42));
    assert_eq!((tries, clock.sleeps()), (3, 2));
}

#[test]
fn a_question_mark_converts_with_from_into_the_error_type_of_on() {
    #[derive(Debug, PartialEq)]
    enum AppError {
        Io(io::ErrorKind),
        Parse,
    }
    impl From<io::Error> for AppError {
        fn from(e: io::Error) -> Self {
            AppError::Io(e.kind())
        }
    }
    impl From<core::num::ParseIntError> for AppError {
        fn from(_: core::num::ParseIntError) -> Self {
            AppError::Parse
        }
    }
    fn read() -> io::Result<&'static str> {
        Err(io::ErrorKind::TimedOut.into())
    }
    let clock = ManualClock::new();
    let mut tries = 0;
    // No annotation on the result: the error type comes from `on`.
    let r = retry!(
        on = |e: &AppError| *e == AppError::Io(io::ErrorKind::TimedOut),
        attempts = 3,
        clock = &clock,
        {
            tries += 1;
            let text = if tries < 3 { read()? } else { "x" };
            let n: u32 = text.parse()?;
            Ok(n)
        }
    );
    assert_eq!(r, Err(AppError::Parse));
    assert_eq!((tries, clock.sleeps()), (3, 2));
}

#[test]
fn a_question_mark_on_io_results_needs_no_annotation() {
    fn connect(tries: &mut u32) -> io::Result<u32> {
        *tries += 1;
        if *tries < 3 {
            Err(io::ErrorKind::ConnectionRefused.into())
        } else {
            Ok(*tries)
        }
    }
    let clock = ManualClock::new();
    let mut tries = 0;
    let r = retry!(on = io::ErrorKind::ConnectionRefused, clock = &clock, {
        let n = connect(&mut tries)?;
        Ok(n * 10)
    });
    assert_eq!(r.unwrap(), 30);
    let mut tries = 0;
    let r = retry!(
        on = |e: &io::Error| e.kind() == io::ErrorKind::ConnectionRefused,
        clock = &clock,
        {
            let n = connect(&mut tries)?;
            Ok(n * 10)
        }
    );
    assert_eq!(r.unwrap(), 30);
    assert_eq!(clock.sleeps(), 2 + 2);
}

#[test]
fn return_err_in_the_operation_is_an_attempts_error() {
    let clock = ManualClock::new();
    let mut tries = 0;
    let r: Result<u32, Error> = retry!(on = transient, attempts = 3, clock = &clock, {
        tries += 1;
        if tries < 3 {
            return Err(Error::Transient(tries));
        }
        Ok(tries)
    });
    assert_eq!(r, Ok(3));
    assert_eq!(clock.sleeps(), 2);
}

#[test]
fn return_ok_in_the_operation_is_a_success() {
    fn early(clock: &ManualClock, tries: &mut u32) -> u32 {
        let r: Result<u32, Error> = retry!(on = transient, clock = clock, {
            *tries += 1;
            if *tries == 2 {
                return Ok(5);
            }
            Err(Error::Transient(*tries))
        });
        // The loop's value, not a return from this function.
        r.unwrap() + 100
    }
    let clock = ManualClock::new();
    let mut tries = 0;
    assert_eq!(early(&clock, &mut tries), 105);
    assert_eq!((tries, clock.sleeps()), (2, 1));
}

#[test]
fn the_std_clock_and_rng_are_the_defaults() {
    let started = std::time::Instant::now();
    let mut tries = 0;
    let r = retry!(
        on = transient,
        wait_initial = Duration::from_millis(1),
        wait_jitter = Duration::from_millis(1),
        {
            tries += 1;
            if tries < 3 {
                Err(Error::Transient(tries))
            } else {
                Ok(tries)
            }
        }
    );
    assert_eq!(r, Ok(3));
    // Two real waits of at least 1 ms and 2 ms.
    assert!(started.elapsed() >= Duration::from_millis(3));
}

#[test]
#[cfg_attr(
    miri,
    ignore = "100,000 steps are too slow under Miri; the plain runs cover them"
)]
fn a_hundred_thousand_attempts_through_the_macro() {
    let clock = ManualClock::new();
    let mut tries = 0u32;
    let r: Result<(), u32> = retry!(
        on = |_: &u32| true,
        attempts = 100_000,
        timeout = Duration::MAX,
        clock = &clock,
        rng = FastRng::new(5),
        {
            tries += 1;
            Err(tries)
        }
    );
    assert_eq!(r, Err(100_000));
    assert_eq!(clock.sleeps(), 99_999);
    // All but the first few waits are at the cap: at least 5 s * 99_990.
    assert!(clock.slept() >= Duration::from_secs(5 * 99_990));
}

#[test]
fn attempts_zero_and_one_both_mean_one_try_through_the_macro() {
    for attempts in [0, 1] {
        let clock = ManualClock::new();
        let mut tries = 0;
        let r: Result<(), Error> = retry!(on = transient, attempts = attempts, clock = &clock, {
            tries += 1;
            Err(Error::Transient(tries))
        });
        assert_eq!(r, Err(Error::Transient(1)));
        assert_eq!(clock.sleeps(), 0);
    }
}

#[test]
fn the_timeout_counts_from_the_first_failure() {
    // The first try takes 40 s before failing; the 45 s budget starts after it, so the loop
    // still sleeps its 41.3 s (unlimited attempts, no jitter, instant later tries).
    let clock = ManualClock::new();
    let mut tries = 0;
    let r: Result<(), Error> = retry!(
        on = transient,
        backoff = Backoff::new().unlimited_attempts(),
        wait_jitter = NO_JITTER,
        clock = &clock,
        {
            tries += 1;
            if tries == 1 {
                clock.advance(Duration::from_secs(40));
            }
            Err(Error::Transient(tries))
        }
    );
    assert_eq!(r, Err(Error::Transient(14)));
    assert_eq!(clock.slept(), Duration::from_millis(41_300));
}

#[test]
fn the_default_rng_differs_between_threads() {
    let draw = || {
        let mut rng = stamina::StdRng::new();
        [
            rng.next_u32(),
            rng.next_u32(),
            rng.next_u32(),
            rng.next_u32(),
        ]
    };
    let here = draw();
    let there = std::thread::spawn(draw).join().unwrap();
    assert_ne!(here, there);
    // And it moves on within a thread.
    assert_ne!(here, draw());
}

/// Prints four draws of the default RNG when run by
/// `the_default_rng_differs_between_processes` (and does nothing otherwise).
#[test]
fn print_default_rng_draws() {
    if std::env::var_os("STAMINA_PRINT_DRAWS").is_some() {
        let mut rng = stamina::StdRng::new();
        let draws = [
            rng.next_u32(),
            rng.next_u32(),
            rng.next_u32(),
            rng.next_u32(),
        ];
        println!("draws: {draws:?}");
    }
}

#[test]
#[cfg_attr(miri, ignore = "spawns a process")]
fn the_default_rng_differs_between_processes() {
    let run = || {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "print_default_rng_draws",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("STAMINA_PRINT_DRAWS", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        let draws = stdout
            .split_once("draws: ")
            .and_then(|(_, rest)| rest.lines().next());
        draws
            .unwrap_or_else(|| panic!("no draws printed: {stdout}"))
            .to_owned()
    };
    let (one, two) = (run(), run());
    assert_ne!(one, two, "two processes drew the same jitter");
}

#[test]
fn waits_keep_growing_past_the_default_table() {
    // 10 ms doubling to a 30 s cap needs 13 waits; the default table holds 10.
    let clock = ManualClock::new();
    let mut tries = 0;
    let r: Result<(), Error> = retry!(
        on = transient,
        attempts = 20,
        timeout = Duration::from_secs(120),
        wait_initial = Duration::from_millis(10),
        wait_max = Duration::from_secs(30),
        wait_jitter = NO_JITTER,
        clock = &clock,
        {
            tries += 1;
            Err(Error::Transient(tries))
        }
    );
    // 40.95 s after 12 waits, then 30 s twice; a third 30 s would end past 120 s.
    assert_eq!(r, Err(Error::Transient(15)));
    let mut expected: Vec<Duration> = (0..12).map(|k| Duration::from_millis(10 << k)).collect();
    expected.extend([Duration::from_secs(30); 2]);
    assert_eq!(clock.waits(), expected[..]);
}

#[test]
fn the_attempt_binding_may_be_typed() {
    let clock = ManualClock::new();
    let r: Result<u32, Error> = retry!(on = transient, clock = &clock, |attempt: Attempt| {
        if attempt.num() < 2 {
            Err(Error::Transient(attempt.num()))
        } else {
            Ok(attempt.num())
        }
    });
    assert_eq!(r, Ok(2));
}

/// Runs a loop whose `on` (`slow_on`: from its second call) or hook (otherwise) takes 800 ms of
/// a manual clock, with a 1 s timeout and 500 ms waits; returns the times at which tries started.
fn try_times_with_slow_reports(slow_on: bool) -> Vec<Duration> {
    let clock = ManualClock::new();
    let mut started = Vec::new();
    let mut decided = 0;
    let r: Result<(), Error> = retry!(
        on = |e: &Error| {
            decided += 1;
            if slow_on && decided > 1 {
                clock.advance(Duration::from_millis(800));
            }
            transient(e)
        },
        backoff = common::HALF_SECOND_WAITS_FOR_ONE_SECOND,
        clock = &clock,
        on_retry = |_: &RetryDetails<'_, Error>| {
            if !slow_on {
                clock.advance(Duration::from_millis(800));
            }
        },
        {
            started.push(clock.now());
            Err(Error::Transient(0))
        }
    );
    assert_eq!(r, Err(Error::Transient(0)));
    started
}

#[test]
fn time_spent_in_the_hook_counts_against_the_timeout() {
    // The hook ends at 0.8 s: a 0.5 s wait would start the next try at 1.3 s, past the deadline.
    assert_eq!(try_times_with_slow_reports(false), [Duration::ZERO]);
}

#[test]
fn time_spent_in_the_filter_counts_against_the_timeout() {
    // The second try fails at 0.5 s; its `on` ends at 1.3 s, past the deadline: give up.
    assert_eq!(
        try_times_with_slow_reports(true),
        [Duration::ZERO, Duration::from_millis(500)]
    );
}

#[test]
fn no_try_starts_after_the_deadline_however_the_clock_moves() {
    // A clock that jumps 300 ms on each reading, besides the waits: every try still starts
    // before the deadline, 1 s after the first failure's reading (0.3 s).
    let clock = TestClock::new().jumping_on_reads(Duration::from_millis(300));
    let mut started = Vec::new();
    let r: Result<(), Error> = retry!(
        on = transient,
        backoff = Backoff::new()
            .unlimited_attempts()
            .timeout(Duration::from_secs(1))
            .wait_initial(Duration::from_millis(100))
            .wait_exp_base(1)
            .wait_jitter(NO_JITTER),
        clock = &clock,
        {
            started.push(clock.now());
            Err(Error::Transient(0))
        }
    );
    assert_eq!(r, Err(Error::Transient(0)));
    assert!(started.len() >= 2, "{started:?}");
    let deadline = Duration::from_millis(1_300);
    assert!(started.iter().all(|&t| t < deadline), "{started:?}");
}
