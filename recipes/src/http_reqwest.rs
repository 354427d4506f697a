//! HTTP with `Retry-After`, on reqwest (async, tokio).
//!
//! A 503 (or 429) says "not now": retry it, after the server's `Retry-After` when it sent one.
//! A request that got no answer (connection refused, timed out) can be sent again: a GET is
//! idempotent.
//! Any other status (404, 400, 401, ...) is the answer, and asking again gets the same one.

use std::fmt;
use std::time::Duration;

use reqwest::{Client, StatusCode};
use stamina::Decision;

/// Why a GET gave no body.
#[derive(Debug)]
pub enum FetchError {
    /// 429, 502, 503 or 504: the server (or a gateway before it) is overloaded or down for a
    /// moment. `retry_after` is its `Retry-After`, when it gave a valid one.
    Unavailable {
        status: StatusCode,
        retry_after: Option<Duration>,
    },
    /// Any other status that is not a success.
    Status(StatusCode),
    /// No response: the connection failed, the request timed out, or the body broke off.
    Transport(reqwest::Error),
}

impl From<reqwest::Error> for FetchError {
    fn from(e: reqwest::Error) -> Self {
        FetchError::Transport(e)
    }
}

impl fmt::Display for FetchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FetchError::Unavailable { status, .. } | FetchError::Status(status) => {
                write!(f, "HTTP {status}")
            }
            FetchError::Transport(e) => write!(f, "no response: {e}"),
        }
    }
}

impl std::error::Error for FetchError {}

/// GETs `url` and returns its body.
///
/// Build `client` once, with a per-request timeout (`Client::builder().timeout(..)`): one
/// request that hangs then fails as a timeout, which is retried, instead of eating the deadline.
pub async fn get_text(client: &Client, url: &str) -> Result<String, FetchError> {
    stamina::retry_async!(
        on = |e: &FetchError| match e {
            // The server said when to come back: wait exactly that (no jitter is added, and
            // `wait_max` does not cut it).
            FetchError::Unavailable {
                retry_after: Some(wait),
                ..
            } => Decision::RetryAfter(*wait),
            FetchError::Unavailable {
                retry_after: None, ..
            } => Decision::Retry,
            // A GET is idempotent: a request that got no answer may be sent again.
            FetchError::Transport(e) if e.is_connect() || e.is_timeout() => Decision::Retry,
            _ => Decision::GiveUp,
        },
        attempts = 5,
        // The whole call, waits included, ends within 30 s. A `Retry-After` that would end
        // later gives up at once with that 503: never sooner than the server allowed, and a
        // server that answers `Retry-After: 86400` cannot park the caller.
        timeout = Duration::from_secs(30),
        // One attempt: a `?` or `return` in here ends this try, and `on` judges the error.
        {
            let response = client.get(url).send().await?;
            let status = response.status();
            if status.is_success() {
                return Ok(response.text().await?);
            }
            match status {
                StatusCode::TOO_MANY_REQUESTS
                | StatusCode::BAD_GATEWAY
                | StatusCode::SERVICE_UNAVAILABLE
                | StatusCode::GATEWAY_TIMEOUT => Err(FetchError::Unavailable {
                    status,
                    // Delta-seconds or an HTTP-date; `None` (the schedule) for a missing or garbled one.
                    retry_after: stamina::http::retry_after(response.headers()),
                }),
                _ => Err(FetchError::Status(status)),
            }
        }
    )
}
