//! What a retry middleware costs per request when nothing fails: a bare tower service against
//! the same service behind `stamina::tower::RetryLayer` (with and without a shared `Budget`)
//! and behind tower's own `Retry` with a `TpsBudget` policy. Compare ratios within one run.
//!
//! ```text
//! cargo bench -p stamina-benches --bench tower_layer
//! ```

mod block_on;

use std::future::{ready, Ready};
use std::hint::black_box;
use std::sync::Arc;
use std::task::{Context, Poll};

use block_on::block_on;
use criterion::{criterion_group, criterion_main, Criterion};
use stamina::tower::RetryLayer;
use stamina::{Budget, Decision};
use tower::retry::budget::{Budget as _, TpsBudget};
use tower::retry::{Policy, RetryLayer as TowerRetryLayer};
use tower::{Layer, Service};

/// An answer at once: what is measured is the wrapper, not the call.
#[derive(Clone)]
struct Instant;

impl Service<u64> for Instant {
    type Response = u64;
    type Error = u64;
    type Future = Ready<Result<u64, u64>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<(), u64>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, request: u64) -> Self::Future {
        ready(if request == u64::MAX {
            Err(request)
        } else {
            Ok(request.wrapping_mul(3))
        })
    }
}

/// tower's retry policy as its docs build it: retry errors while the budget allows, deposit on
/// success.
#[derive(Clone)]
struct Budgeted(Arc<TpsBudget>);

impl Policy<u64, u64, u64> for Budgeted {
    type Future = Ready<()>;

    fn retry(&mut self, _: &mut u64, result: &mut Result<u64, u64>) -> Option<Self::Future> {
        match result {
            Ok(_) => {
                self.0.deposit();
                None
            }
            Err(_) => self.0.withdraw().then(|| ready(())),
        }
    }

    fn clone_request(&mut self, request: &u64) -> Option<u64> {
        Some(*request)
    }
}

/// One request the way a client sends it: wait until ready, then call and await.
fn request<S: Service<u64>>(service: &mut S, n: u64) -> Result<S::Response, S::Error> {
    block_on(async {
        std::future::poll_fn(|cx| service.poll_ready(cx)).await?;
        service.call(n).await
    })
}

fn on(result: &Result<u64, u64>) -> Decision {
    result.is_err().into()
}

fn happy_path(c: &mut Criterion) {
    let mut group = c.benchmark_group("tower_happy_path");
    let mut bare = Instant;
    group.bench_function("bare service", |b| {
        b.iter(|| request(&mut bare, black_box(7)))
    });

    let mut stamina_layer = RetryLayer::new(on).layer(Instant);
    group.bench_function("stamina RetryLayer", |b| {
        b.iter(|| request(&mut stamina_layer, black_box(7)))
    });

    let budget = Arc::new(Budget::new(10));
    let mut stamina_budgeted = RetryLayer::new(on).budget(budget).layer(Instant);
    group.bench_function("stamina RetryLayer + Budget", |b| {
        b.iter(|| request(&mut stamina_budgeted, black_box(7)))
    });

    let mut tower_retry =
        TowerRetryLayer::new(Budgeted(Arc::new(TpsBudget::default()))).layer(Instant);
    group.bench_function("tower Retry + TpsBudget", |b| {
        b.iter(|| request(&mut tower_retry, black_box(7)))
    });
    group.finish();
}

criterion_group!(benches, happy_path);
criterion_main!(benches);
