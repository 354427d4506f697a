//! A hyper client behind `stamina::tower::RetryLayer`, against an axum server on loopback.
//!
//! ```text
//! cargo run --example tower_client --features tower
//! ```
//!
//! The server answers `503 Service Unavailable` with `Retry-After: 1` twice, then `200 OK` with
//! the body `hello`. The client is built with `tower::ServiceBuilder`; the layer's `on` filter
//! is `stamina::http::decide`, so the 503s are retried exactly 1 s later, as the server asked,
//! and any other status would come back at once. Exits non-zero unless the body is `hello`
//! after exactly 2 retries.

use std::net::{Ipv4Addr, SocketAddr};
use std::process;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::http::{header::RETRY_AFTER, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::client::legacy::{self, Client};
use hyper_util::rt::TokioExecutor;
use stamina::tower::RetryLayer;
use stamina::{Backoff, Decision, HookDetails, OnRetryHook};
use tower::{Service, ServiceBuilder, ServiceExt};

/// The client's verdict on one try: the response as `stamina::http::decide` says (429, 502,
/// 503 and 504 retried, after their `Retry-After`), a refused connection retried, any other
/// error handed back.
fn on(result: &Result<Response<Incoming>, legacy::Error>) -> Decision {
    match result {
        Ok(response) => stamina::http::decide(response),
        Err(e) => e.is_connect().into(),
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let addr = serve_busy_then_hello(2).await;
    static RETRIES: AtomicU32 = AtomicU32::new(0);
    stamina::set_on_retry_hooks([OnRetryHook::new(|d: &HookDetails<'_, '_>| {
        RETRIES.fetch_add(1, Ordering::Relaxed);
        println!("retry #{} of {} in {:?}", d.retry_num, d.name, d.wait_for);
    })]);

    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut service = ServiceBuilder::new()
        .layer(
            RetryLayer::new(on)
                .backoff(Backoff::new().attempts(5).timeout(Duration::from_secs(10)))
                .name("hello-service"),
        )
        .service(client);

    let started = Instant::now();
    // `Full<Bytes>` is `Clone`, so is the request: each try sends a copy.
    let request = Request::get(format!("http://{addr}/"))
        .body(Full::default())
        .unwrap();
    let response = service.ready().await.unwrap().call(request).await.unwrap();
    let elapsed = started.elapsed();
    let status = response.status();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    println!(
        "{status} {:?} after {elapsed:?}",
        String::from_utf8_lossy(&body)
    );

    let retries = RETRIES.load(Ordering::Relaxed);
    if status != StatusCode::OK
        || body != "hello"
        || retries != 2
        || elapsed < Duration::from_secs(2)
    {
        eprintln!("expected 200 \"hello\" after two 1 s waits");
        process::exit(1);
    }
}

/// Starts an axum server on a free loopback port that answers 503 with `Retry-After: 1` to
/// the first `busy` requests, and `hello` after.
async fn serve_busy_then_hello(busy: u32) -> SocketAddr {
    let served = Arc::new(AtomicU32::new(0));
    let app = Router::new().route(
        "/",
        get(move || {
            let served = Arc::clone(&served);
            async move {
                if served.fetch_add(1, Ordering::Relaxed) < busy {
                    (
                        StatusCode::SERVICE_UNAVAILABLE,
                        [(RETRY_AFTER, "1")],
                        "busy",
                    )
                        .into_response()
                } else {
                    "hello".into_response()
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    addr
}
