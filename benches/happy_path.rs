//! What a retry wrapper costs when nothing fails (it wraps hot calls): a plain call against
//! `retry!`, `RetryingCaller`, backon's blocking retry, the `backoff` crate and the `retry`
//! crate, and `retry_async!` against a plain `.await`. Compare ratios within one run, not times
//! across machines.
//!
//! ```text
//! cargo bench -p stamina-benches --bench happy_path
//! ```

mod block_on;

use std::future::Future;
use std::hint::black_box;
use std::time::Duration;

use block_on::block_on;
use criterion::{criterion_group, criterion_main, Criterion};
use stamina::{AsyncClock, RetryingCaller};

#[inline(never)]
fn operation(x: u64) -> Result<u64, u64> {
    if x == u64::MAX {
        Err(x)
    } else {
        Ok(x.wrapping_mul(3))
    }
}

async fn operation_async(x: u64) -> Result<u64, u64> {
    operation(x)
}

/// An async clock for `retry_async!`; the happy path never reads it.
struct NoClock;

impl AsyncClock for NoClock {
    fn now_us(&mut self) -> u64 {
        0
    }
    fn sleep_us(&mut self, _: u64) -> impl Future<Output = ()> {
        std::future::ready(())
    }
}

fn happy_path(c: &mut Criterion) {
    let mut g = c.benchmark_group("happy_path");
    g.bench_function("plain call (baseline)", |b| {
        b.iter(|| operation(black_box(7)))
    });
    g.bench_function(
        "hand-written retry loop (reads no clock before a failure)",
        |b| {
            b.iter(|| {
                let (mut tries, mut base, mut start) = (0u32, 100_000u64, 0u64);
                let mut rng = stamina::StdRng::new();
                loop {
                    let error = match operation(black_box(7)) {
                        Ok(value) => break Ok(value),
                        Err(error) => error,
                    };
                    let now = stamina::Clock::now_us(&mut stamina::StdClock::new());
                    if tries == 0 {
                        start = now;
                    }
                    tries += 1;
                    if tries >= 10 {
                        break Err(error);
                    }
                    let jitter = (1_000_000 * u64::from(stamina::Rng::next_u32(&mut rng))) >> 32;
                    let wait = (base + jitter).min(5_000_000);
                    if now.saturating_sub(start).saturating_add(wait) > 45_000_000 {
                        break Err(error);
                    }
                    std::thread::sleep(Duration::from_micros(wait));
                    base = (base * 2).min(5_000_000);
                }
            })
        },
    );
    g.bench_function("stamina retry!", |b| {
        b.iter(|| stamina::retry!(on = |_: &u64| true, operation(black_box(7))))
    });
    let mut caller = RetryingCaller::new(|_: &u64| true);
    g.bench_function("stamina RetryingCaller::call", |b| {
        b.iter(|| caller.call(|| operation(black_box(7))))
    });
    g.bench_function("backon blocking retry", |b| {
        use backon::BlockingRetryable;
        b.iter(|| {
            (|| operation(black_box(7)))
                .retry(backon::ExponentialBuilder::default().with_jitter())
                .sleep(std::thread::sleep)
                .call()
        })
    });
    g.bench_function("backoff retry", |b| {
        b.iter(|| {
            backoff::retry(backoff::ExponentialBackoff::default(), || {
                operation(black_box(7)).map_err(backoff::Error::transient)
            })
        })
    });
    g.bench_function("retry crate", |b| {
        b.iter(|| {
            retry::retry(retry::delay::Exponential::from_millis(100).take(9), || {
                operation(black_box(7))
            })
        })
    });
    g.finish();

    let mut g = c.benchmark_group("happy_path_async");
    g.bench_function("plain .await (baseline)", |b| {
        b.iter(|| block_on(async { operation_async(black_box(7)).await }))
    });
    g.bench_function("stamina retry_async!", |b| {
        b.iter(|| {
            block_on(async {
                stamina::retry_async!(
                    on = |_: &u64| true,
                    clock = NoClock,
                    operation_async(black_box(7)).await
                )
            })
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    targets = happy_path
}
criterion_main!(benches);
