//! `retry!` and `retry_async!` in a crate with no prelude, a local `mod core` and local items named like the
//! prelude's: the expansion must name everything through `$crate`.

#![no_implicit_prelude]
#![allow(dead_code, non_snake_case, non_upper_case_globals, unused_macros)]

mod core {}
mod std {}

struct Ok;
struct Err;
fn Some() {}
const None: u8 = 0;
struct Option;
struct Result;
trait Clock {}
trait Rng {}

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

fn main() {
    let clock = ::stamina::testing::ManualClock::new();
    let mut tries: u32 = 0;
    let r: ::core::result::Result<u32, u8> = ::stamina::retry!(
        on = |_: &u8| true,
        attempts = 5,
        clock = &clock,
        {
            tries += 1;
            if tries < 3 {
                ::core::result::Result::Err(7)
            } else {
                ::core::result::Result::Ok(tries * 10)
            }
        }
    );
    ::core::assert_eq!(r, ::core::result::Result::Ok(30));
    ::core::assert_eq!(clock.sleeps(), 2);

    // The `|attempt|` form, giving up with the last error.
    let mut last: u32 = 0;
    let r: ::core::result::Result<(), u8> = ::stamina::retry!(
        on = |_: &u8| true,
        attempts = 4,
        clock = &clock,
        |a| {
            last = if a.num() > last { a.num() } else { last };
            ::core::result::Result::Err(9)
        }
    );
    ::core::assert_eq!(r, ::core::result::Result::Err(9));
    ::core::assert_eq!(last, 4);
    ::core::assert_eq!(clock.sleeps(), 5);

    // `retry_async!`, polled to completion by hand (the clock never makes it wait).
    let mut tries: u32 = 0;
    let fut = async {
        ::stamina::retry_async!(on = |_: &u8| true, clock = &clock, {
            tries += 1;
            if tries < 2 {
                ::core::result::Result::Err(1)
            } else {
                ::core::result::Result::Ok(tries)
            }
        })
    };
    let mut fut = ::core::pin::pin!(fut);
    let mut cx = ::core::task::Context::from_waker(::core::task::Waker::noop());
    let r: ::core::result::Result<u32, u8> = loop {
        if let ::core::task::Poll::Ready(r) = ::core::future::Future::poll(fut.as_mut(), &mut cx) {
            break r;
        }
    };
    ::core::assert_eq!(r, ::core::result::Result::Ok(2));
    ::core::assert_eq!(clock.sleeps(), 6);
}
