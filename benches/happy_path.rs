//! What `retry!` costs when nothing fails (it wraps hot calls), and what ten failures cost in
//! bookkeeping with the sleeping taken out. Compare the ratios within one run, not the times
//! across machines.
//!
//! ```text
//! cargo bench --bench happy_path
//! ```

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use stamina::{Backoff, Clock, Decision, FastRng, Retrying, Rng, Step};

#[inline(never)]
fn operation(x: u64) -> Result<u64, u64> {
    if x == u64::MAX {
        Err(x)
    } else {
        Ok(x.wrapping_mul(3))
    }
}

/// A clock that never sleeps, so only the bookkeeping is measured.
struct NoSleep(u64);

impl Clock for NoSleep {
    fn now_us(&mut self) -> u64 {
        self.0
    }
    fn sleep_us(&mut self, us: u64) {
        self.0 += us;
    }
}

fn happy_path(c: &mut Criterion) {
    let mut g = c.benchmark_group("happy_path");
    g.bench_function("plain call", |b| b.iter(|| operation(black_box(7))));
    g.bench_function("retry!", |b| {
        b.iter(|| stamina::retry!(on = |_: &u64| true, operation(black_box(7))))
    });
    g.finish();
}

fn failure_path(c: &mut Criterion) {
    let mut g = c.benchmark_group("ten_jittered_waits");
    g.bench_function("hand-written integer loop (baseline)", |b| {
        b.iter(|| {
            let mut rng = FastRng::new(black_box(1));
            let (mut now, mut base) = (0u64, 100_000u64);
            for _ in 0..10 {
                let jitter = (1_000_000 * u64::from(rng.next_u32())) >> 32;
                now += (base + jitter).min(5_000_000);
                base = (base * 2).min(5_000_000);
            }
            now
        })
    });
    g.bench_function("Retrying state machine", |b| {
        b.iter(|| {
            let mut rng = FastRng::new(black_box(1));
            let mut r = Retrying::new(Backoff::new().attempts(11).no_timeout());
            let mut now = 0;
            for _ in 0..10 {
                if let Step::RetryAfter(w) = r.failed(now, Decision::Retry, &mut rng) {
                    now += w;
                }
            }
            now
        })
    });
    g.bench_function("retry! with a clock that does not sleep", |b| {
        b.iter(|| {
            let mut clock = NoSleep(0);
            let r: Result<u64, u64> = stamina::retry!(
                on = |_: &u64| true,
                attempts = 11,
                clock = &mut clock,
                rng = FastRng::new(1),
                operation(black_box(u64::MAX))
            );
            (r, clock.0)
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().measurement_time(Duration::from_secs(2)).warm_up_time(Duration::from_millis(500));
    targets = happy_path, failure_path
}
criterion_main!(benches);
