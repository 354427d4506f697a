//! An async client honouring a server's `Retry-After`, on tokio and loopback.
//!
//! ```text
//! cargo run --example http_retry_after --features tokio
//! ```
//!
//! A small hand-written HTTP/1.1 server answers `503 Service Unavailable` with `Retry-After: 1`
//! to the first two requests and `200 OK` with the body `hello` to the third. The client turns
//! each response into a `Result`, and its `on` filter returns `Decision::RetryAfter` with the
//! server's delay, so `retry_async!` (on its default clock, `stamina::TokioClock`) waits exactly
//! 1 s before each retry instead of its own jittered schedule. Exits non-zero unless there were
//! exactly 2 retries, each after 1 s, at least 2 s in all, and the body is `hello`.

use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::process;
use std::time::Duration;

use stamina::{Decision, RetryDetails};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// What can go wrong with one request.
#[derive(Debug)]
enum HttpError {
    /// 503 (or 429), with the server's `Retry-After` in seconds if it sent one.
    Unavailable { retry_after: Option<Duration> },
    /// The connection failed, or the response was not HTTP.
    Io(io::Error),
    /// Any other status: not worth retrying.
    Other(u16),
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::Unavailable {
                retry_after: Some(d),
            } => write!(f, "service unavailable, retry after {d:?}"),
            HttpError::Unavailable { retry_after: None } => write!(f, "service unavailable"),
            HttpError::Io(e) => write!(f, "i/o error: {e}"),
            HttpError::Other(status) => write!(f, "unexpected status {status}"),
        }
    }
}

impl std::error::Error for HttpError {}

impl From<io::Error> for HttpError {
    fn from(e: io::Error) -> Self {
        HttpError::Io(e)
    }
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("error: {e}");
        process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
    let addr = listener.local_addr()?;
    println!("server listening on {addr}");
    let server = tokio::spawn(serve(listener));

    let started = Instant::now();
    let mut waits = Vec::new();
    let body = stamina::retry_async!(
        on = |e: &HttpError| match e {
            HttpError::Unavailable {
                retry_after: Some(d),
            } => Decision::RetryAfter(*d),
            HttpError::Unavailable { .. } | HttpError::Io(_) => Decision::Retry,
            HttpError::Other(_) => Decision::GiveUp,
        },
        timeout = Duration::from_secs(10),
        name = "GET /",
        on_retry = |d: &RetryDetails<'_, HttpError>| {
            waits.push(d.wait_for);
            println!(
                "client: retry #{} in {:?} (waited {:?} so far): {}",
                d.retry_num, d.wait_for, d.waited_so_far, d.error
            );
        },
        fetch(addr).await
    )?;
    let elapsed = started.elapsed();
    println!("client: body {body:?} after {elapsed:?}");
    let served = server.await??;
    println!("server: served {served} requests");

    if waits.len() != 2 {
        return Err(format!("expected exactly 2 retries, got {}", waits.len()).into());
    }
    if let Some(w) = waits.iter().find(|w| **w != Duration::from_secs(1)) {
        return Err(format!("expected every wait to be Retry-After's 1s, got {w:?}").into());
    }
    if elapsed < Duration::from_secs(2) {
        return Err(format!("expected at least 2s in all, took {elapsed:?}").into());
    }
    if body != "hello" {
        return Err(format!("expected the body \"hello\", got {body:?}").into());
    }
    println!("ok: 2 retries, each after the server's Retry-After");
    Ok(())
}

/// One GET: the body on 200, an `HttpError` otherwise.
async fn fetch(addr: SocketAddr) -> Result<String, HttpError> {
    let mut stream = TcpStream::connect(addr).await?;
    let request = format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    let response = String::from_utf8(response).map_err(|_| invalid("response is not UTF-8"))?;

    let (head, body) = response
        .split_once("\r\n\r\n")
        .ok_or_else(|| invalid("response head does not end"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    if !parts.next().is_some_and(|v| v.starts_with("HTTP/1.")) {
        return Err(invalid("not an HTTP/1.x response"));
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid("bad status code"))?;
    // Retry-After in seconds (the HTTP-date form is left out: then the schedule decides).
    let retry_after = lines
        .filter_map(|line| line.split_once(':'))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("retry-after"))
        .and_then(|(_, value)| value.trim().parse::<u64>().ok())
        .map(Duration::from_secs);
    println!("client: GET / -> {status_line}");

    match status {
        200 => Ok(body.to_owned()),
        429 | 503 => Err(HttpError::Unavailable { retry_after }),
        other => Err(HttpError::Other(other)),
    }
}

fn invalid(what: &str) -> HttpError {
    HttpError::Io(io::Error::new(io::ErrorKind::InvalidData, what))
}

/// Answers three requests: 503 with `Retry-After: 1` twice, then 200 `hello`.
async fn serve(listener: TcpListener) -> io::Result<u32> {
    const UNAVAILABLE: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    const OK: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello";

    for n in 1..=3u32 {
        let (mut stream, _) = listener.accept().await?;
        let head = read_head(&mut stream).await?;
        let request_line = head.lines().next().unwrap_or_default();
        let response = if n < 3 { UNAVAILABLE } else { OK };
        let status = if n < 3 { "503, Retry-After: 1" } else { "200" };
        println!("server: request #{n} {request_line:?} -> {status}");
        stream.write_all(response).await?;
        stream.shutdown().await?;
    }
    Ok(3)
}

/// Reads a request head, up to and including the blank line that ends it.
async fn read_head(stream: &mut TcpStream) -> io::Result<String> {
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        head.extend_from_slice(&buf[..n]);
        if head.len() > 16 * 1024 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "request head too long",
            ));
        }
    }
    String::from_utf8(head).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}
