//! A database that starts after the app, on tokio-postgres.
//!
//! Containers and services start in any order: the app may be up before PostgreSQL. Until the
//! postmaster listens, a connect is refused. Once it listens, it answers every connection with
//! `57P03 the database system is starting up` (`SqlState::CANNOT_CONNECT_NOW`) until recovery
//! ends, which is tens of milliseconds after a clean shutdown and longer after a crash. Both
//! mean "not yet". A wrong password, a missing database or a bad TLS setup mean "never":
//! those give up at once.

use std::error::Error as _;
use std::io;
use std::time::Duration;

use stamina::Backoff;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Config, NoTls};

/// Connects to PostgreSQL, waiting up to a minute for it to come up, and spawns the connection's
/// task on the current tokio runtime.
///
/// Set `Config::connect_timeout` on `config`: a host that is down may never answer the SYN.
pub async fn connect_when_ready(config: &Config) -> Result<Client, tokio_postgres::Error> {
    let (client, connection) = stamina::retry_async!(
        on = not_up_yet,
        // Attempts do not matter here, time does: a cold start or a crash recovery can take
        // many seconds, and after a minute something else is wrong.
        backoff = Backoff::new().unlimited_attempts(),
        timeout = Duration::from_secs(60),
        wait_initial = Duration::from_millis(100),
        // Once the server is up, it is found within a second.
        wait_max = Duration::from_secs(1),
        // When the database restarts, every replica of the app reconnects at once: spread them.
        wait_jitter = Duration::from_millis(250),
        config.connect(NoTls).await
    )?;
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            eprintln!("postgres connection closed: {e}");
        }
    });
    Ok(client)
}

/// The server is not there yet (refused, reset, no answer) or not ready yet (57P03).
fn not_up_yet(e: &tokio_postgres::Error) -> bool {
    if e.code() == Some(&SqlState::CANNOT_CONNECT_NOW) {
        return true;
    }
    let io = e
        .source()
        .and_then(|cause| cause.downcast_ref::<io::Error>());
    io.is_some_and(|io| {
        matches!(
            io.kind(),
            io::ErrorKind::ConnectionRefused
                | io::ErrorKind::ConnectionReset
                | io::ErrorKind::TimedOut
        )
    })
}
