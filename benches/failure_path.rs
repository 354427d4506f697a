//! What the failure path costs in bookkeeping, with the sleeping taken out: building the
//! schedule and computing ten jittered waits, for a hand-written integer loop (the baseline),
//! stamina's state machine and `retry!` (on a clock that does not sleep), backon's
//! `ExponentialBuilder` with jitter, and the `backoff` crate's `ExponentialBackoff`. Compare
//! ratios within one run.
//!
//! ```text
//! cargo bench -p stamina-benches --bench failure_path
//! ```

use std::hint::black_box;
use std::time::Duration;

use backoff::backoff::Backoff as _;
use backon::BackoffBuilder as _;
use criterion::{criterion_group, criterion_main, Criterion};
use stamina::{Backoff, Clock, Decision, FastRng, Retrying, Rng, Step};

/// A clock that never sleeps: it moves on by the wait, so only the bookkeeping is measured.
struct NoSleep(u64);

impl Clock for NoSleep {
    fn now_us(&mut self) -> u64 {
        self.0
    }
    fn sleep_us(&mut self, us: u64) {
        self.0 += us;
    }
}

#[inline(never)]
fn always_fails(x: u64) -> Result<u64, u64> {
    Err(x)
}

fn ten_jittered_waits(c: &mut Criterion) {
    let mut g = c.benchmark_group("ten_jittered_waits");
    g.bench_function("hand-written integer loop (baseline)", |b| {
        b.iter(|| {
            // The schedule: 100 ms doubling to 5 s, 1 s of jitter, 45 s in all.
            let (initial, max, jitter, timeout) =
                black_box((100_000u64, 5_000_000, 1_000_000, 45_000_000));
            let mut rng = FastRng::new(black_box(1));
            let (mut waited, mut base) = (0u64, initial);
            for _ in 0..10 {
                let wait = (base + ((jitter * u64::from(rng.next_u32())) >> 32)).min(max);
                if waited.saturating_add(wait) > timeout {
                    break;
                }
                waited += wait;
                base = (base * 2).min(max);
            }
            waited
        })
    });
    g.bench_function("stamina Retrying, schedule from runtime values", |b| {
        b.iter(|| {
            let (initial, max, jitter, timeout) =
                black_box((100_000u64, 5_000_000, 1_000_000, 45_000_000));
            let schedule = Backoff::new()
                .attempts(11)
                .wait_initial(Duration::from_micros(initial))
                .wait_max(Duration::from_micros(max))
                .wait_jitter(Duration::from_micros(jitter))
                .timeout(Duration::from_micros(timeout));
            let mut r = Retrying::new(schedule);
            let mut rng = FastRng::new(black_box(1));
            let mut now = 0;
            for _ in 0..10 {
                if let Step::RetryAfter(w) = r.failed(now, Decision::Retry, &mut rng) {
                    now += w;
                }
            }
            now
        })
    });
    g.bench_function("stamina Retrying, const schedule", |b| {
        const SCHEDULE: Backoff = Backoff::new().attempts(11);
        b.iter(|| {
            let mut r = Retrying::new(SCHEDULE);
            let mut rng = FastRng::new(black_box(1));
            let mut now = 0;
            for _ in 0..10 {
                if let Step::RetryAfter(w) = r.failed(now, Decision::Retry, &mut rng) {
                    now += w;
                }
            }
            now
        })
    });
    g.bench_function(
        "hand-written retry loop calling the operation (reference for retry!)",
        |b| {
            b.iter(|| {
                let (initial, max, jitter, timeout) =
                    black_box((100_000u64, 5_000_000, 1_000_000, 45_000_000));
                let mut clock = NoSleep(0);
                let mut rng = FastRng::new(1);
                let (mut tries, mut base, mut start) = (0u32, initial, 0u64);
                let r = loop {
                    let error = match always_fails(black_box(1)) {
                        Ok(v) => break Ok(v),
                        Err(e) => e,
                    };
                    let now = clock.now_us();
                    if tries == 0 {
                        start = now;
                    }
                    tries += 1;
                    if tries >= 11 {
                        break Err(error);
                    }
                    let wait = (base + ((jitter * u64::from(rng.next_u32())) >> 32)).min(max);
                    if now.saturating_sub(start).saturating_add(wait) > timeout.max(3_600_000_000) {
                        break Err(error);
                    }
                    clock.sleep_us(wait);
                    base = (base * 2).min(max);
                };
                (r, clock.0)
            })
        },
    );
    g.bench_function("stamina retry! (clock that does not sleep)", |b| {
        b.iter(|| {
            let mut clock = NoSleep(0);
            let r = stamina::retry!(
                on = |_: &u64| true,
                attempts = 11,
                timeout = Duration::from_secs(3600),
                clock = &mut clock,
                rng = FastRng::new(1),
                always_fails(black_box(1))
            );
            (r, clock.0)
        })
    });
    g.bench_function("backon ExponentialBuilder with jitter", |b| {
        b.iter(|| {
            let mut waits = backon::ExponentialBuilder::default()
                .with_min_delay(Duration::from_millis(100))
                .with_max_delay(Duration::from_secs(5))
                .with_max_times(10)
                .with_jitter()
                .build();
            let mut total = Duration::ZERO;
            for _ in 0..10 {
                total += waits.next().unwrap_or_default();
            }
            total
        })
    });
    g.bench_function("backoff ExponentialBackoff", |b| {
        b.iter(|| {
            let mut waits = backoff::ExponentialBackoff {
                initial_interval: Duration::from_millis(100),
                max_interval: Duration::from_secs(5),
                ..backoff::ExponentialBackoff::default()
            };
            let mut total = Duration::ZERO;
            for _ in 0..10 {
                total += waits.next_backoff().unwrap_or_default();
            }
            total
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .measurement_time(Duration::from_secs(2))
        .warm_up_time(Duration::from_millis(500));
    targets = ten_jittered_waits
}
criterion_main!(benches);
