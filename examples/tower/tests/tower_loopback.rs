//! `stamina::tower::RetryLayer` on a real stack: a hyper client built with
//! `tower::ServiceBuilder`, an axum server on loopback. One test runs in real time; the others
//! pause tokio's clock, which then jumps over the waits while the sockets stay real.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{header::RETRY_AFTER, StatusCode};
use axum::response::{IntoResponse, Response as AxumResponse};
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::{Request, Response};
use hyper_util::client::legacy::{self, connect::HttpConnector, Client};
use hyper_util::rt::TokioExecutor;
use stamina::tower::{RetryLayer, RetryService};
use stamina::{Budget, Decision, HookDetails, OnRetryHook};
use tokio::time::Instant;
use tower::{Service, ServiceBuilder, ServiceExt};

type On = fn(&Result<Response<Incoming>, legacy::Error>) -> Decision;
type HyperClient = Client<HttpConnector, Full<Bytes>>;

fn on(result: &Result<Response<Incoming>, legacy::Error>) -> Decision {
    match result {
        Ok(response) => stamina::http::decide(response),
        Err(e) => e.is_connect().into(),
    }
}

/// A server that answers the scripted statuses in order (the last one forever), with
/// `Retry-After: 1` on each 503, and records when each request came (tokio's clock).
struct Server {
    addr: SocketAddr,
    arrivals: Arc<Mutex<Vec<Instant>>>,
}

impl Server {
    async fn start(script: &'static [u16]) -> Self {
        let arrivals: Arc<Mutex<Vec<Instant>>> = Arc::default();
        let served = Arc::new(AtomicU32::new(0));
        let log = Arc::clone(&arrivals);
        let app = Router::new().route(
            "/",
            get(move || {
                log.lock().unwrap().push(Instant::now());
                let n = served.fetch_add(1, Ordering::Relaxed) as usize;
                let code = script[n.min(script.len() - 1)];
                async move { answer(code) }
            }),
        );
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Self { addr, arrivals }
    }

    fn gaps(&self) -> Vec<Duration> {
        let arrivals = self.arrivals.lock().unwrap();
        arrivals.windows(2).map(|w| w[1] - w[0]).collect()
    }

    fn requests(&self) -> usize {
        self.arrivals.lock().unwrap().len()
    }

    fn request(&self) -> Request<Full<Bytes>> {
        Request::get(format!("http://{}/", self.addr))
            .body(Full::default())
            .unwrap()
    }
}

fn answer(code: u16) -> AxumResponse {
    let status = StatusCode::from_u16(code).unwrap();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        (status, [(RETRY_AFTER, "1")], "busy").into_response()
    } else {
        (status, format!("{code}")).into_response()
    }
}

fn client(layer: RetryLayer<On>) -> RetryService<HyperClient, On> {
    let hyper = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    ServiceBuilder::new().layer(layer).service(hyper)
}

/// One GET of the server's `/` through the client, as a caller sends it: ready, then call.
async fn fetch(client: &mut RetryService<HyperClient, On>, server: &Server) -> Response<Incoming> {
    client
        .ready()
        .await
        .unwrap()
        .call(server.request())
        .await
        .unwrap()
}

async fn body(response: Response<Incoming>) -> String {
    String::from_utf8(
        response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap()
}

#[tokio::test(start_paused = true)]
async fn two_503s_with_retry_after_are_retried_after_exactly_1_s_each() {
    let server = Server::start(&[503, 503, 200]).await;
    let mut client = client(RetryLayer::new(on as On));

    let response = fetch(&mut client, &server).await;

    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(body(response).await, "200");
    assert_eq!(
        server.gaps(),
        [Duration::from_secs(1), Duration::from_secs(1)]
    );
}

#[tokio::test]
async fn in_real_time_too() {
    let server = Server::start(&[503, 503, 200]).await;
    let mut client = client(RetryLayer::new(on as On));
    let started = std::time::Instant::now();

    let response = fetch(&mut client, &server).await;

    assert_eq!(body(response).await, "200");
    assert!(started.elapsed() >= Duration::from_secs(2));
    // Real time only bounds from below: each retry came no sooner than the server allowed.
    assert!(
        server
            .gaps()
            .iter()
            .all(|gap| *gap >= Duration::from_secs(1)),
        "{:?}",
        server.gaps()
    );
}

#[tokio::test(start_paused = true)]
async fn a_404_is_sent_once() {
    let server = Server::start(&[404, 200]).await;
    let mut client = client(RetryLayer::new(on as On));

    let response = fetch(&mut client, &server).await;

    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(server.requests(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_dry_shared_budget_stops_both_clients() {
    let server = Server::start(&[503]).await;
    let budget = Arc::new(Budget::new(1));
    let layer = RetryLayer::new(on as On).budget(Arc::clone(&budget));
    let (mut first, mut second) = (client(layer.clone()), client(layer));

    let first_response = fetch(&mut first, &server).await;
    let after_first = server.requests();
    let second_response = fetch(&mut second, &server).await;

    assert_eq!(first_response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(second_response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(
        after_first, 2,
        "the first client's one retry spends the budget"
    );
    assert_eq!(
        server.requests(),
        3,
        "the second client sends once and gives up"
    );
    assert_eq!(budget.available(), 0);
}

#[tokio::test(start_paused = true)]
async fn cancelling_mid_wait_releases_the_hook_guards_once() {
    static MADE: AtomicU32 = AtomicU32::new(0);
    static DROPPED: AtomicU32 = AtomicU32::new(0);
    struct Guard;
    impl Drop for Guard {
        fn drop(&mut self) {
            DROPPED.fetch_add(1, Ordering::SeqCst);
        }
    }
    stamina::set_on_retry_hooks([OnRetryHook::with_guard(|d: &HookDetails<'_, '_>| {
        (d.name == "cancelled").then(|| {
            MADE.fetch_add(1, Ordering::SeqCst);
            Guard
        })
    })]);
    let server = Server::start(&[503]).await;
    let mut client = client(RetryLayer::new(on as On).name("cancelled"));

    let call = client.ready().await.unwrap().call(server.request());
    let outcome = tokio::time::timeout(Duration::from_millis(500), call).await;

    assert!(outcome.is_err(), "the call ended inside its 1 s wait");
    assert_eq!(server.requests(), 1);
    assert_eq!(
        (MADE.load(Ordering::SeqCst), DROPPED.load(Ordering::SeqCst)),
        (1, 1)
    );
    stamina::reset_on_retry_hooks();
}
