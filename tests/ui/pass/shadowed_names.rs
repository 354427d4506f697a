//! `retry!` and `retry_async!` called where the usual names mean something else: local macros
//! named `stringify!`, `concat!`, `module_path!`, `compile_error!` (and other std macros),
//! items named `Ok`, `Err`, `Some`, `None`, `Result`, `Option` at the crate root, enum variants
//! named `Ok`, `Err`, `Some`, `None` glob-imported in a module, and traits named like stamina's.
//! An expansion that named any of them without `$crate` would break or change meaning here.

#![allow(dead_code, non_snake_case, non_upper_case_globals, unused_macros)]

use ::core::time::Duration;
use ::stamina::testing::ManualClock;

/// Each returns a constant instead of its std meaning; `compile_error!` would stop the build.
macro_rules! stringify {
    ($($t:tt)*) => {
        42
    };
}
macro_rules! concat {
    ($($t:tt)*) => {
        42
    };
}
macro_rules! module_path {
    ($($t:tt)*) => {
        42
    };
}
macro_rules! compile_error {
    ($($t:tt)*) => {
        42
    };
}
macro_rules! line {
    () => {
        "not a line"
    };
}
macro_rules! panic {
    ($($t:tt)*) => {
        ()
    };
}
macro_rules! unreachable {
    ($($t:tt)*) => {
        ()
    };
}
macro_rules! matches {
    ($($t:tt)*) => {
        false
    };
}
macro_rules! format_args {
    ($($t:tt)*) => {
        ()
    };
}

// Crate-root items named like the prelude's: a bare `Ok(x)` pattern or `None` in the expansion
// would mean these.
struct Ok;
struct Err;
fn Some() {}
const None: u8 = 0;
struct Option;
struct Result;
// Traits named like stamina's and std's: a bare method call or path would pick these up.
trait Clock {}
trait AsyncClock {}
trait Rng {}
trait RetryOn {}
trait Hook {}
trait Future {}
trait From {}
trait Into {}
trait Drop {}
trait Iterator {}
trait Fn {}
trait FnMut {}

/// The same names as enum variants, glob-imported: a glob import shadows the prelude, so a bare
/// `Ok(...)` pattern in the expansion would be `Hostile::Ok(...)` in this module.
mod variants {
    #[derive(Debug, PartialEq)]
    pub enum Hostile {
        Ok(u32),
        Err(u32),
        Some(u32),
        None,
    }
    pub use Hostile::*;

    type R = ::core::result::Result<u32, &'static str>;

    /// Fails twice, then succeeds; the variants in scope are `Hostile`'s.
    pub fn run(clock: &super::ManualClock) -> (R, u32, Hostile) {
        let mut tries = 0u32;
        let r: R = ::stamina::retry!(on = |e: &&str| *e == "busy", attempts = 5, clock = clock, {
            tries += 1;
            if tries < 3 {
                R::Err("busy")
            } else {
                R::Ok(tries)
            }
        });
        // The glob-imported names still mean `Hostile`'s variants after the expansion.
        let local = match Some(1) {
            Some(n) => Ok(n),
            _ => None,
        };
        (r, tries, local)
    }

    /// The `|attempt|` form (its expansion matches on `Some`/`None`), giving up.
    pub fn run_attempt(clock: &super::ManualClock) -> (R, u32) {
        let mut last = 0u32;
        let r: R = ::stamina::retry!(
            on = |_: &&str| true,
            attempts = 3,
            clock = clock,
            |attempt| {
                last = last.max(attempt.num());
                R::Err("down")
            }
        );
        (r, last)
    }
}

type R = ::core::result::Result<u32, u8>;

/// Polls a future to completion; the `ManualClock` never makes it wait.
fn block_on<F: ::core::future::Future>(f: F) -> F::Output {
    let mut f = ::core::pin::pin!(f);
    let mut cx = ::core::task::Context::from_waker(::core::task::Waker::noop());
    loop {
        if let ::core::task::Poll::Ready(v) = ::core::future::Future::poll(f.as_mut(), &mut cx) {
            return v;
        }
    }
}

fn main() {
    // The default `name` is built with `concat!`, `module_path!`, `line!` and `stringify!`: the
    // local ones must not be used (they would give an integer, not a `&'static str`).
    let clock = ManualClock::new();
    let mut tries = 0u32;
    let mut names = ::std::vec::Vec::new();
    let r: R = ::stamina::retry!(
        on = |e: &u8| *e == 7,
        wait_jitter = Duration::ZERO,
        clock = &clock,
        on_retry = |d: &::stamina::RetryDetails<'_, u8>| names.push(d.name),
        {
            tries += 1;
            if tries < 3 {
                R::Err(7)
            } else {
                R::Ok(tries)
            }
        }
    );
    ::std::assert_eq!(r, R::Ok(3));
    ::std::assert_eq!(clock.waits(), [100, 200].map(Duration::from_millis));
    ::std::assert_eq!(names.len(), 2);
    // A block is no call path: the name is `module_path:line` of the macro, whatever the crate
    // is called, and none of the operation's text.
    ::std::assert!(names[0].ends_with(":149"), "{}", names[0]);
    ::std::assert!(!names[0].contains("tries"), "{}", names[0]);

    // An error `on` rejects: no wait, the error itself.
    let r: R = ::stamina::retry!(on = |e: &u8| *e == 7, clock = &clock, R::Err(8));
    ::std::assert_eq!(r, R::Err(8));
    ::std::assert_eq!(clock.sleeps(), 2);

    let clock = ManualClock::new();
    let (r, tries, local) = variants::run(&clock);
    ::std::assert_eq!(r, ::core::result::Result::Ok(3));
    ::std::assert_eq!(tries, 3);
    ::std::assert_eq!(local, variants::Hostile::Ok(1));
    let (r, last) = variants::run_attempt(&clock);
    ::std::assert_eq!(r, ::core::result::Result::Err("down"));
    ::std::assert_eq!(last, 3);
    ::std::assert_eq!(clock.sleeps(), 2 + 2);

    // `retry_async!`, with the local `Future` trait in scope.
    let clock = ManualClock::new();
    let mut tries = 0u32;
    let r: R = block_on(async {
        ::stamina::retry_async!(on = |_: &u8| true, clock = &clock, {
            tries += 1;
            if tries < 2 {
                R::Err(1)
            } else {
                R::Ok(tries)
            }
        })
    });
    ::std::assert_eq!(r, R::Ok(2));
    ::std::assert_eq!(clock.sleeps(), 1);
}
