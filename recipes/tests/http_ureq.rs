//! The ureq recipe against a scripted HTTP server on loopback.

mod support {
    pub mod http_server;
    pub mod retries;
}

use std::time::{Duration, Instant};

use stamina_recipes::http_ureq::{agent, get_text, FetchError};
use support::http_server::{response, Server};
use support::retries;
use ureq::http::StatusCode;

#[test]
fn waits_retry_after_then_gets_the_body() {
    retries::record();
    let unavailable = response("503 Service Unavailable", &["Retry-After: 1"], "");
    let server = Server::start(vec![
        unavailable.clone(),
        unavailable,
        response("200 OK", &[], "hello"),
    ]);

    let body = get_text(&agent(), &server.url).unwrap();

    assert_eq!(body, "hello");
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    for pair in requests.windows(2) {
        let gap = pair[1] - pair[0];
        assert!(gap >= Duration::from_secs(1), "came back after {gap:?}");
    }
    // Exactly the server's wait, no schedule and no jitter.
    let seen = retries::seen();
    assert_eq!(seen.iter().map(|r| r.retry_num).collect::<Vec<_>>(), [1, 2]);
    for retry in &seen {
        assert_eq!(retry.wait_for, Duration::from_secs(1));
        assert!(retry.error.contains("503"), "{}", retry.error);
    }
}

#[test]
fn gives_up_on_404_at_once() {
    retries::record();
    let server = Server::start(vec![response("404 Not Found", &[], "no such thing")]);

    let error = get_text(&agent(), &server.url).unwrap_err();

    assert!(
        matches!(error, FetchError::Status(StatusCode::NOT_FOUND)),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 1);
    assert!(retries::seen().is_empty());
}

#[test]
fn a_retry_after_past_the_deadline_gives_up_at_once() {
    retries::record();
    let server = Server::start(vec![response(
        "503 Service Unavailable",
        &["Retry-After: 3600"],
        "",
    )]);
    let started = Instant::now();

    let error = get_text(&agent(), &server.url).unwrap_err();

    // The 503 itself, at once: an hour is past the 30 s deadline, so the loop does not sleep.
    assert!(
        matches!(
            error,
            FetchError::Unavailable { status: StatusCode::SERVICE_UNAVAILABLE, retry_after: Some(d) }
                if d == Duration::from_secs(3600)
        ),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.requests().len(), 1);
    assert!(retries::seen().is_empty());
}

#[test]
fn a_garbled_retry_after_falls_back_to_the_schedule() {
    retries::record();
    let server = Server::start(vec![
        response("503 Service Unavailable", &["Retry-After: soon"], ""),
        response("200 OK", &[], "hello"),
    ]);

    let body = get_text(&agent(), &server.url).unwrap();

    assert_eq!(body, "hello");
    let seen = retries::seen();
    assert_eq!(seen.len(), 1);
    // The schedule's first wait: 100 ms, plus up to 1 s of jitter.
    let wait = seen[0].wait_for;
    assert!(
        wait >= Duration::from_millis(100) && wait < Duration::from_millis(1100),
        "{wait:?}"
    );
}

#[test]
fn a_past_http_date_retry_after_retries_at_once() {
    retries::record();
    let server = Server::start(vec![
        response(
            "503 Service Unavailable",
            &["Retry-After: Wed, 21 Oct 2015 07:28:00 GMT"],
            "",
        ),
        response("200 OK", &[], "hello"),
    ]);

    let body = get_text(&agent(), &server.url).unwrap();

    assert_eq!(body, "hello");
    let seen = retries::seen();
    assert_eq!(seen.len(), 1);
    // The date has passed: the server allows the retry now, and no jitter is added.
    assert_eq!(seen[0].wait_for, Duration::ZERO);
}

/// Why the recipe's agent sets `http_status_as_error(false)`: ureq's default agent turns the
/// 503 into an error that has only the status code, and the `Retry-After` is gone.
#[test]
fn the_default_agent_drops_the_retry_after() {
    let server = Server::start(vec![response(
        "503 Service Unavailable",
        &["Retry-After: 1"],
        "",
    )]);

    let result = ureq::get(&server.url).call();

    assert!(
        matches!(result, Err(ureq::Error::StatusCode(503))),
        "{result:?}"
    );
}
