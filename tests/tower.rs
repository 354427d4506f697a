//! `stamina::tower::RetryLayer` around a scripted service, on tokio's paused clock: the waits
//! are exact, the tries counted, and nothing sleeps for real. The same layer in front of a real
//! axum server on loopback is tested in `examples/tests/tower_loopback.rs`.

#![cfg(all(feature = "tower", feature = "http"))]

use std::collections::VecDeque;
use std::future::{ready, Ready};
use std::io;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use http::{Request, Response, StatusCode};
use stamina::tower::RetryLayer;
use stamina::{Backoff, Budget, Decision, HookDetails, OnRetryHook};
use tokio::time::Instant;
use tower_layer::Layer;
use tower_service::Service;

type Result<T> = std::result::Result<T, io::Error>;

/// Answers each request with the next scripted result (the last one forever), and records
/// when each request came, on tokio's clock.
#[derive(Clone)]
struct Scripted {
    script: Arc<Mutex<VecDeque<Result<Response<String>>>>>,
    calls: Arc<Mutex<Vec<Instant>>>,
}

fn status(code: u16, retry_after: Option<&str>) -> Result<Response<String>> {
    let mut response = Response::builder().status(code);
    if let Some(value) = retry_after {
        response = response.header(http::header::RETRY_AFTER, value);
    }
    Ok(response.body(format!("{code}")).unwrap())
}

impl Scripted {
    fn new(script: impl IntoIterator<Item = Result<Response<String>>>) -> Self {
        Self {
            script: Arc::new(Mutex::new(script.into_iter().collect())),
            calls: Arc::default(),
        }
    }

    fn calls(&self) -> Vec<Duration> {
        let calls = self.calls.lock().unwrap();
        calls.iter().map(|at| at.duration_since(calls[0])).collect()
    }
}

impl Service<Request<String>> for Scripted {
    type Response = Response<String>;
    type Error = io::Error;
    type Future = Ready<Result<Response<String>>>;

    fn poll_ready(&mut self, _: &mut Context<'_>) -> Poll<Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, _: Request<String>) -> Self::Future {
        self.calls.lock().unwrap().push(Instant::now());
        let mut script = self.script.lock().unwrap();
        let next = if script.len() > 1 {
            script.pop_front()
        } else {
            None
        };
        ready(next.unwrap_or_else(|| match script.front().unwrap() {
            Ok(response) => {
                let mut copy = Response::new(response.body().clone());
                *copy.status_mut() = response.status();
                *copy.headers_mut() = response.headers().clone();
                Ok(copy)
            }
            Err(e) => Err(io::Error::new(e.kind(), e.to_string())),
        }))
    }
}

/// The default an HTTP client wants: a response as `http::decide` says, a refused connection
/// retried, any other error handed back.
fn http_default(result: &Result<Response<String>>) -> Decision {
    match result {
        Ok(response) => stamina::http::decide(response),
        Err(e) => (e.kind() == io::ErrorKind::ConnectionRefused).into(),
    }
}

fn request() -> Request<String> {
    Request::get("http://service/items")
        .body(String::new())
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_503_with_retry_after_is_retried_after_exactly_that_wait() {
    let service = Scripted::new([
        status(503, Some("1")),
        status(503, Some("1")),
        status(200, None),
    ]);
    let mut client = RetryLayer::new(http_default).layer(service.clone());

    let response = client.call(request()).await.unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.body(), "200");
    let second = Duration::from_secs(1);
    assert_eq!(service.calls(), [Duration::ZERO, second, 2 * second]);
}

#[tokio::test(start_paused = true)]
async fn a_404_is_sent_once_and_handed_back() {
    let service = Scripted::new([status(404, None), status(200, None)]);
    let mut client = RetryLayer::new(http_default).layer(service.clone());

    let response = client.call(request()).await.unwrap();

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(service.calls().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn the_last_result_is_handed_back_when_the_attempts_are_spent() {
    let service = Scripted::new([status(503, None)]);
    let layer = RetryLayer::new(http_default)
        .backoff(Backoff::new().attempts(3).wait_jitter(Duration::ZERO));
    let mut client = layer.layer(service.clone());

    let response = client.call(request()).await.unwrap();

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    let ms = Duration::from_millis;
    assert_eq!(service.calls(), [ms(0), ms(100), ms(300)]);
}

#[tokio::test(start_paused = true)]
async fn errors_reach_on_and_the_last_one_is_handed_back() {
    let refused = || Err(io::Error::new(io::ErrorKind::ConnectionRefused, "refused"));
    let service = Scripted::new([
        refused(),
        Err(io::Error::new(io::ErrorKind::InvalidData, "garbled")),
        refused(),
    ]);
    let mut client = RetryLayer::new(http_default).layer(service.clone());

    let error = client.call(request()).await.unwrap_err();

    assert_eq!(error.kind(), io::ErrorKind::InvalidData);
    assert_eq!(service.calls().len(), 2);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_past_the_timeout_gives_up_at_once() {
    let service = Scripted::new([status(503, Some("60")), status(200, None)]);
    let layer =
        RetryLayer::new(http_default).backoff(Backoff::new().timeout(Duration::from_secs(30)));
    let mut client = layer.layer(service.clone());
    let start = Instant::now();

    let response = client.call(request()).await.unwrap();

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(service.calls().len(), 1);
    assert_eq!(start.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_dry_shared_budget_stops_both_clients() {
    let budget = Arc::new(Budget::new(2));
    let fast = Backoff::new()
        .wait_initial(Duration::from_millis(1))
        .wait_jitter(Duration::ZERO);
    let layer = RetryLayer::new(http_default)
        .backoff(fast)
        .budget(Arc::clone(&budget));
    let (first, second) = (
        Scripted::new([status(503, None)]),
        Scripted::new([status(503, None)]),
    );
    let (mut first_client, mut second_client) =
        (layer.layer(first.clone()), layer.layer(second.clone()));

    let first_response = first_client.call(request()).await.unwrap();
    let second_response = second_client.call(request()).await.unwrap();

    assert_eq!(first_response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(second_response.status(), StatusCode::SERVICE_UNAVAILABLE);
    // Two tokens: the first client's two retries spend them, the second client cannot retry.
    assert_eq!(first.calls().len(), 3);
    assert_eq!(second.calls().len(), 1);
    assert_eq!(budget.available(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_request_that_cannot_be_copied_is_sent_once() {
    let service = Scripted::new([status(503, None), status(200, None)]);
    let layer = RetryLayer::new(http_default).clone_request(|_: &Request<String>| None);
    let mut client = layer.layer(service.clone());

    let response = client.call(request()).await.unwrap();

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(service.calls().len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_request_that_stops_being_copyable_is_sent_as_the_last_try() {
    let service = Scripted::new([status(503, None), status(503, None), status(200, None)]);
    let copies = Arc::new(AtomicU32::new(0));
    // The first copy works, the second does not: the original goes as the second try, unretried.
    let layer = RetryLayer::new(http_default)
        .backoff(Backoff::new().wait_jitter(Duration::ZERO))
        .clone_request(move |r: &Request<String>| {
            (copies.fetch_add(1, Ordering::Relaxed) == 0).then(|| r.clone())
        });
    let mut client = layer.layer(service.clone());

    let response = client.call(request()).await.unwrap();

    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        service.calls(),
        [Duration::ZERO, Duration::from_millis(100)]
    );
}

#[tokio::test(start_paused = true)]
async fn cancelling_the_response_future_mid_wait_releases_everything() {
    static GUARDS_MADE: AtomicU32 = AtomicU32::new(0);
    static GUARDS_DROPPED: AtomicU32 = AtomicU32::new(0);
    struct Guard;
    impl Drop for Guard {
        fn drop(&mut self) {
            GUARDS_DROPPED.fetch_add(1, Ordering::SeqCst);
        }
    }
    // Global hooks see every loop of this test binary: count this test's only.
    stamina::set_on_retry_hooks([OnRetryHook::with_guard(|d: &HookDetails<'_, '_>| {
        (d.name == "cancelled").then(|| {
            GUARDS_MADE.fetch_add(1, Ordering::SeqCst);
            Guard
        })
    })]);
    let service = Scripted::new([status(503, Some("10"))]);
    let mut client = RetryLayer::new(http_default)
        .name("cancelled")
        .layer(service.clone());
    let service_handles = Arc::strong_count(&service.calls);

    let call = client.call(request());
    let timed_out = tokio::time::timeout(Duration::from_secs(5), call).await;

    assert!(timed_out.is_err(), "the 10 s wait ended within 5 s");
    assert_eq!(service.calls().len(), 1);
    assert_eq!(GUARDS_MADE.load(Ordering::SeqCst), 1);
    assert_eq!(GUARDS_DROPPED.load(Ordering::SeqCst), 1);
    // The service clone that went with the request is gone with it.
    assert_eq!(Arc::strong_count(&service.calls), service_handles);
    stamina::reset_on_retry_hooks();
}

#[tokio::test(start_paused = true)]
async fn the_layer_s_future_is_send_and_runs_on_a_spawned_task() {
    let service = Scripted::new([status(502, None), status(200, None)]);
    let mut client = RetryLayer::new(http_default).layer(service.clone());

    let response = tokio::spawn(client.call(request())).await.unwrap().unwrap();

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(service.calls().len(), 2);
}
