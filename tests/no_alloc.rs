//! No path allocates: a counting global allocator watches the success path, the failure path
//! (waits and give-up) of `retry!`, `retry_async!`, `RetryingCaller` and `Retrying`, on the
//! default `std` clock and RNG. (Only global hooks that hand back guards allocate, to keep
//! them; none are set here.)

#![cfg(all(feature = "std", not(feature = "metrics")))] // the metrics facade allocates its labels

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::time::Duration;

use stamina::{retry, retry_async, Backoff, Decision, FastRng, Retrying, RetryingCaller, Step};

mod common;
use common::{block_on, transient, Error};

struct Counting;

std::thread_local! {
    /// Allocations made by this thread (tests run on threads of their own).
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

// SAFETY: every call is passed on to the system allocator unchanged; counting touches only a
// thread-local `Cell` initialised by a constant, which does not allocate.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.with(|n| n.set(n.get() + 1));
        // SAFETY: the caller's contract is passed on.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// Allocations made by `f` on this thread, after one warm-up run (which may set up the
/// thread's RNG and the clock's epoch).
fn allocations<T>(mut f: impl FnMut() -> T) -> usize {
    let _ = f();
    let before = ALLOCATIONS.with(Cell::get);
    let _ = f();
    ALLOCATIONS.with(Cell::get) - before
}

fn fails(calls: &mut u32, failures: u32) -> Result<u32, Error> {
    *calls += 1;
    if *calls <= failures {
        Err(Error::Transient(*calls))
    } else {
        Ok(*calls)
    }
}

/// Real sleeps of a microsecond on the default clock, with the default RNG.
fn tiny_waits() -> Backoff {
    Backoff::new()
        .wait_initial(Duration::from_micros(1))
        .wait_max(Duration::from_micros(2))
        .wait_jitter(Duration::from_micros(1))
}

#[test]
fn retry_allocates_nothing() {
    assert_eq!(
        allocations(|| retry!(on = transient, Ok::<_, Error>(1))),
        0,
        "success"
    );
    let mut calls = 0;
    let n = allocations(|| {
        calls = 0;
        retry!(on = transient, backoff = tiny_waits(), fails(&mut calls, 3))
    });
    assert_eq!((n, calls), (0, 4), "three waits, then success");
    let n = allocations(|| {
        calls = 0;
        retry!(
            on = transient,
            backoff = tiny_waits().attempts(3),
            fails(&mut calls, 9)
        )
    });
    assert_eq!((n, calls), (0, 3), "give up");
}

#[test]
fn retry_async_allocates_nothing() {
    let mut calls = 0;
    let n = allocations(|| {
        calls = 0;
        block_on(async {
            retry_async!(
                on = transient,
                backoff = tiny_waits(),
                clock = stamina::testing::ManualClock::new(),
                fails(&mut calls, 3)
            )
        })
    });
    assert_eq!((n, calls), (0, 4));
}

#[test]
fn the_function_api_allocates_nothing() {
    let mut caller = RetryingCaller::new(transient).backoff(tiny_waits());
    let mut calls = 0;
    let n = allocations(|| {
        calls = 0;
        caller.call(|| fails(&mut calls, 2))
    });
    assert_eq!((n, calls), (0, 3));
}

#[test]
fn the_state_machine_allocates_nothing() {
    let n = allocations(|| {
        let mut r = Retrying::new(Backoff::new());
        let mut rng = FastRng::new(1);
        let mut now = 0;
        while let Step::RetryAfter(w) = r.failed(now, Decision::Retry, &mut rng) {
            now += w;
        }
        now
    });
    assert_eq!(n, 0);
}

#[test]
fn the_counter_counts() {
    // The proof that a zero above means something.
    assert_eq!(allocations(|| Box::new(7)), 1);
}
