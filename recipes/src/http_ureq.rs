//! HTTP with `Retry-After`, on ureq 3 (blocking).
//!
//! The same rules as the reqwest recipe: retry a 503 or 429 after the server's `Retry-After`,
//! retry a request that got no answer, give up at once on any other status. One ureq setting
//! matters: by default ureq turns every 4xx and 5xx into `Error::StatusCode(u16)` and drops the
//! response, headers included, so the `Retry-After` is lost. [`agent`] turns that off.

use std::fmt;
use std::time::Duration;

use stamina::Decision;
use ureq::http::StatusCode;
use ureq::Agent;

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
    Transport(ureq::Error),
}

impl From<ureq::Error> for FetchError {
    fn from(e: ureq::Error) -> Self {
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

/// The agent to build once and share.
pub fn agent() -> Agent {
    Agent::config_builder()
        // Keep a 4xx or 5xx a response: as an `Error::StatusCode` it would lose its headers.
        .http_status_as_error(false)
        // One request that hangs fails as a timeout, which is retried, instead of eating the
        // whole deadline.
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .into()
}

/// GETs `url` with an agent from [`agent`] and returns its body.
pub fn get_text(agent: &Agent, url: &str) -> Result<String, FetchError> {
    stamina::retry!(
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
            FetchError::Transport(
                ureq::Error::Io(_) | ureq::Error::Timeout(_) | ureq::Error::ConnectionFailed,
            ) => Decision::Retry,
            _ => Decision::GiveUp,
        },
        attempts = 5,
        // The whole call, waits included, ends within 30 s. A `Retry-After` that would end
        // later gives up at once with that 503: never sooner than the server allowed, and a
        // server that answers `Retry-After: 86400` cannot park the caller.
        timeout = Duration::from_secs(30),
        // One attempt: a `?` or `return` in here ends this try, and `on` judges the error.
        {
            let mut response = agent.get(url).call()?;
            let status = response.status();
            if status.is_success() {
                return Ok(response.body_mut().read_to_string()?);
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
