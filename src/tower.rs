//! `tower`: the macros' loop as a tower middleware, for clients built on tower services
//! (hyper, axum, tonic, reqwest's tower stack).
//!
//! The layer runs each request through `retry_async!` itself, so its schedule, deadline,
//! jitter, budget, global switch, hooks and reports are the macros', to the letter.

use core::future::{poll_fn, Future};
use core::pin::Pin;
use std::boxed::Box;
use std::sync::Arc;

use tower_layer::Layer;
use tower_service::Service;

use crate::{Backoff, Budget, Decision, IntoDecision, TokioClock, DEFAULT_TABLE_LEN};

/// Retries a service's requests on stamina's schedule: a [`Layer`] for `tower::ServiceBuilder`.
///
/// `on` sees each try's whole `Result`, so a response can be retried as well as an error: it
/// returns a [`Decision`] (or `true` to retry on schedule), and `GiveUp` (or `false`) hands that
/// result back to the caller, success or not. When the loop stops retrying (attempts, timeout or
/// budget spent) the caller gets the last try's result, unchanged.
///
/// A request is retried only if it can be copied: before each try the layer asks
/// [`CloneRequest`] for a copy to send and keeps the original. `Request<B>` of the `http` crate
/// is `Clone` when its body is, as for `String` or `Full<Bytes>` bodies; a streaming body cannot
/// be copied, and then the original is sent once, unretried. The default clock is
/// [`TokioClock`] (it follows `tokio::time::pause()` in tests), the jitter comes from the
/// default RNG, and each call's future is boxed: one allocation per request.
///
/// # Examples
///
/// ```
/// use core::time::Duration;
/// use stamina::{tower::RetryLayer, Backoff, Decision};
/// use tower_layer::Layer;
/// use tower_service::Service;
///
/// // A service that fails twice with 503, then answers 200: stands in for an HTTP client.
/// #[derive(Clone)]
/// struct Flaky(std::sync::Arc<std::sync::atomic::AtomicU32>);
/// impl Service<&'static str> for Flaky {
///     type Response = u16;
///     type Error = std::io::Error;
///     type Future = std::future::Ready<Result<u16, std::io::Error>>;
///     fn poll_ready(&mut self, _: &mut std::task::Context<'_>) -> std::task::Poll<Result<(), Self::Error>> {
///         std::task::Poll::Ready(Ok(()))
///     }
///     fn call(&mut self, _: &'static str) -> Self::Future {
///         let tries = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
///         std::future::ready(Ok(if tries < 3 { 503 } else { 200 }))
///     }
/// }
///
/// #[tokio::main(flavor = "current_thread", start_paused = true)]
/// async fn main() {
///     let layer = RetryLayer::new(|result: &Result<u16, std::io::Error>| match result {
///         Ok(503) => Decision::Retry,
///         Ok(_) => Decision::GiveUp, // any other status goes back to the caller
///         Err(e) => (e.kind() == std::io::ErrorKind::ConnectionRefused).into(),
///     })
///     .backoff(Backoff::new().attempts(5).wait_initial(Duration::from_millis(50)))
///     .name("inventory");
///     let mut client = layer.layer(Flaky(Default::default()));
///     assert_eq!(client.call("GET /items").await.unwrap(), 200);
/// }
/// ```
#[derive(Clone, Debug)]
pub struct RetryLayer<On, C = ByClone, const N: usize = DEFAULT_TABLE_LEN> {
    policy: Policy<On, C, N>,
}

/// What the layer gives each of its services, and what a service shares with its clones.
#[derive(Clone, Debug)]
struct Policy<On, C, const N: usize> {
    on: On,
    clone_request: C,
    backoff: Backoff<N>,
    budget: Option<Arc<Budget>>,
    name: &'static str,
}

impl<On> RetryLayer<On> {
    /// A layer that retries the results `on` accepts, on the default schedule (10 tries, 45 s,
    /// jittered backoff from 100 ms), copying requests with `Clone`.
    pub fn new(on: On) -> Self {
        let policy = Policy {
            on,
            clone_request: ByClone,
            backoff: Backoff::new(),
            budget: None,
            name: "stamina::tower",
        };
        Self { policy }
    }
}

impl<On, C, const N: usize> RetryLayer<On, C, N> {
    /// The same layer on another schedule.
    pub fn backoff<const M: usize>(self, backoff: Backoff<M>) -> RetryLayer<On, C, M> {
        let Policy {
            on,
            clone_request,
            budget,
            name,
            ..
        } = self.policy;
        RetryLayer {
            policy: Policy {
                on,
                clone_request,
                backoff,
                budget,
                name,
            },
        }
    }

    /// Pays for each retry from a [`Budget`] shared with other layers or call sites that talk to
    /// the same service: once it is dry, requests give up at once with their last result.
    #[must_use]
    pub fn budget(mut self, budget: Arc<Budget>) -> Self {
        self.policy.budget = Some(budget);
        self
    }

    /// The name of the call site for hooks and reports (`callable`); `stamina::tower` unless set.
    #[must_use]
    pub fn name(mut self, name: &'static str) -> Self {
        self.policy.name = name;
        self
    }

    /// Copies requests with `clone_request` instead of `Clone`: return `None` for a request that
    /// cannot be copied (a streaming body), and it is sent once, unretried.
    pub fn clone_request<D>(self, clone_request: D) -> RetryLayer<On, D, N> {
        let Policy {
            on,
            backoff,
            budget,
            name,
            ..
        } = self.policy;
        RetryLayer {
            policy: Policy {
                on,
                clone_request,
                backoff,
                budget,
                name,
            },
        }
    }
}

impl<S, On: Clone, C: Clone, const N: usize> Layer<S> for RetryLayer<On, C, N> {
    type Service = RetryService<S, On, C, N>;

    fn layer(&self, inner: S) -> Self::Service {
        RetryService {
            inner,
            policy: Arc::new(self.policy.clone()),
        }
    }
}

/// A service whose requests are retried as its [`RetryLayer`] says.
#[derive(Debug)]
pub struct RetryService<S, On, C = ByClone, const N: usize = DEFAULT_TABLE_LEN> {
    inner: S,
    policy: Arc<Policy<On, C, N>>,
}

impl<S: Clone, On, C, const N: usize> Clone for RetryService<S, On, C, N> {
    fn clone(&self) -> Self {
        Self {
            inner: self.inner.clone(),
            policy: Arc::clone(&self.policy),
        }
    }
}

/// The future of one request through a [`RetryService`], all its tries included.
pub type ResponseFuture<T, E> = Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'static>>;

impl<S, Req, On, D, C, const N: usize> Service<Req> for RetryService<S, On, C, N>
where
    S: Service<Req> + Clone + Send + 'static,
    S::Future: Send,
    S::Response: Send + 'static,
    S::Error: Send + 'static,
    Req: Send + 'static,
    On: Fn(&Result<S::Response, S::Error>) -> D + Send + Sync + 'static,
    D: IntoDecision + 'static,
    C: CloneRequest<Req> + Send + Sync + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = ResponseFuture<S::Response, S::Error>;

    fn poll_ready(
        &mut self,
        cx: &mut core::task::Context<'_>,
    ) -> core::task::Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Req) -> Self::Future {
        // The service that was polled ready goes with the request; this one keeps a fresh clone
        // (tower's rule for services that move into a future).
        let fresh = self.inner.clone();
        let service = core::mem::replace(&mut self.inner, fresh);
        Box::pin(retry(Arc::clone(&self.policy), service, request))
    }
}

/// One try's result when `on` asked for another: the loop's error type, so that reports show it
/// and the last one is handed back.
#[derive(Debug)]
struct Retried<T, E> {
    result: Result<T, E>,
    decision: Decision,
}

/// What one try gives the loop: see `one_try` in [`retry`].
type TryOutcome<T, E> = Result<Option<Result<T, E>>, Retried<T, E>>;

async fn retry<S, Req, On, D, C, const N: usize>(
    policy: Arc<Policy<On, C, N>>,
    mut service: S,
    mut original: Req,
) -> Result<S::Response, S::Error>
where
    S: Service<Req>,
    On: Fn(&Result<S::Response, S::Error>) -> D,
    D: IntoDecision,
    C: CloneRequest<Req>,
{
    let policy = &*policy;
    // Unique borrows, moved into the closure: they make its futures `Send` with `Req: Send`
    // alone, where shared ones would ask `Req: Sync`.
    let (original_ref, service_ref) = (&mut original, &mut service);
    // One try: `Ok(Some(result))` when `on` hands the result back, `Ok(None)` when the request
    // could not be copied (the original is then sent below, once), `Err` to retry.
    let mut one_try = async move || -> TryOutcome<S::Response, S::Error> {
        let original: &mut Req = original_ref; // used as unique, so the body holds no `&Req`
        let Some(request) = policy.clone_request.clone_request(original) else {
            return Ok(None);
        };
        let result = send(service_ref, request).await;
        match (policy.on)(&result).into() {
            Decision::GiveUp => Ok(Some(result)),
            decision => Err(Retried { result, decision }),
        }
    };
    // The loop is written once; only the budget key differs.
    macro_rules! retried {
        ($($budget:tt)*) => {
            crate::retry_async!(
                on = |retried: &Retried<S::Response, S::Error>| retried.decision,
                backoff = policy.backoff,
                clock = TokioClock::new(),
                name = policy.name,
                $($budget)*
                one_try().await
            )
        };
    }
    let outcome = if let Some(budget) = &policy.budget {
        retried!(budget = budget,)
    } else {
        retried!()
    };
    match outcome {
        Ok(Some(result)) => result,
        Err(retried) => retried.result,
        Ok(None) => send(&mut service, original).await,
    }
}

/// Waits for the service to be ready, then sends: a service not ready is a try that failed.
async fn send<S: Service<Req>, Req>(
    service: &mut S,
    request: Req,
) -> Result<S::Response, S::Error> {
    poll_fn(|cx| service.poll_ready(cx)).await?;
    service.call(request).await
}

/// Makes the copy of a request that one try sends, keeping the original for the next; `None`
/// when it cannot be copied, and then the original is sent, with no retry after it.
///
/// Implemented by [`ByClone`] for `Clone` requests and by closures `Fn(&Req) -> Option<Req>`.
///
/// ```
/// use http::Request;
///
/// // Requests with a body that is read once cannot be sent twice: only empty ones are retried.
/// let copy = |request: &Request<Option<Vec<u8>>>| -> Option<Request<Option<Vec<u8>>>> {
///     request.body().is_none().then(|| request.clone())
/// };
/// let layer = stamina::tower::RetryLayer::new(|_: &Result<u16, ()>| false).clone_request(copy);
/// # drop(layer);
/// ```
pub trait CloneRequest<Req> {
    /// A copy of `request` to send, or `None` if it cannot be copied.
    fn clone_request(&self, request: &Req) -> Option<Req>;
}

/// Copies requests with their `Clone` implementation: the default of [`RetryLayer`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ByClone;

impl<Req: Clone> CloneRequest<Req> for ByClone {
    fn clone_request(&self, request: &Req) -> Option<Req> {
        Some(request.clone())
    }
}

impl<Req, F: Fn(&Req) -> Option<Req>> CloneRequest<Req> for F {
    fn clone_request(&self, request: &Req) -> Option<Req> {
        self(request)
    }
}
