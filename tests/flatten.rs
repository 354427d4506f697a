//! The `flatten` key: when retried code calls retried code on one thread, only the outermost
//! loop retries.

#![cfg(feature = "std")]

use std::cell::Cell;

use stamina::retry;
use stamina::testing::ManualClock;

mod common;

fn layer<T>(flatten: bool, calls: &Cell<u32>, inner: impl Fn() -> Result<T, u8>) -> Result<T, u8> {
    retry!(
        on = |_: &u8| true,
        attempts = 10,
        clock = ManualClock::new(),
        flatten = flatten,
        {
            calls.set(calls.get() + 1);
            inner()
        }
    )
}

fn three_layers(flatten: bool) -> [u32; 3] {
    let calls = [Cell::new(0), Cell::new(0), Cell::new(0)];
    let r: Result<(), u8> = layer(flatten, &calls[0], || {
        layer(flatten, &calls[1], || layer(flatten, &calls[2], || Err(7)))
    });
    assert_eq!(r, Err(7));
    calls.map(|c| c.get())
}

#[test]
fn three_nested_layers_make_10_calls_not_1000() {
    assert_eq!(three_layers(false), [10, 100, 1000]);
    assert_eq!(three_layers(true), [10, 10, 10]);
}

#[test]
fn a_loop_on_its_own_retries_normally_and_the_depth_is_restored() {
    let calls = Cell::new(0);
    let r: Result<(), u8> = layer(true, &calls, || Err(1));
    assert_eq!((r, calls.get()), (Err(1), 10));
    // After a panic out of a flattened loop, the next loop is not seen as nested.
    let unwound = std::panic::catch_unwind(|| {
        let calls = Cell::new(0);
        layer::<()>(true, &calls, || panic!("boom"))
    });
    assert!(unwound.is_err());
    let calls = Cell::new(0);
    let r: Result<(), u8> = layer(true, &calls, || Err(1));
    assert_eq!((r, calls.get()), (Err(1), 10));
}

#[test]
fn loops_without_the_key_are_not_affected() {
    let outer = Cell::new(0);
    let inner = Cell::new(0);
    let r: Result<(), u8> = layer(true, &outer, || layer(false, &inner, || Err(2)));
    assert_eq!(r, Err(2));
    assert_eq!((outer.get(), inner.get()), (10, 100));
}

#[test]
fn flattened_loops_in_tasks_of_a_multi_thread_runtime_keep_each_threads_depth() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .build()
        .unwrap();
    runtime.block_on(async {
        // Tasks interleave and move between the two workers at their `.await`s; a blocking
        // loop has none inside it (`.await` in `retry!` does not compile), so its depth is
        // counted and released on one thread.
        let tasks: Vec<_> = (0..32)
            .map(|_| {
                tokio::spawn(async {
                    let mut seen = Vec::new();
                    for _ in 0..4 {
                        seen.push(three_layers(true));
                        tokio::task::yield_now().await;
                    }
                    seen
                })
            })
            .collect();
        for task in tasks {
            assert!(task.await.unwrap().iter().all(|&c| c == [10, 10, 10]));
        }
        // Every worker's depth is back to zero: a lone loop on either retries in full.
        let lone: Vec<_> = (0..8)
            .map(|_| {
                tokio::spawn(async {
                    let calls = Cell::new(0);
                    let r: Result<(), u8> = layer(true, &calls, || Err(1));
                    (r, calls.get())
                })
            })
            .collect();
        for task in lone {
            assert_eq!(task.await.unwrap(), (Err(1), 10));
        }
    });
}
