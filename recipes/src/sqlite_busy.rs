//! SQLite's `SQLITE_BUSY` on rusqlite.
//!
//! SQLite lets one connection write at a time; another that wants to write meanwhile gets
//! `SQLITE_BUSY` (`ErrorCode::DatabaseBusy`). That is contention, and it ends when the writer
//! commits: retry it. `SQLITE_LOCKED` is not the same thing (a conflict inside one connection or
//! its shared cache, a bug to fix), nor is a constraint violation: neither is retried.
//!
//! SQLite's own busy handler (`busy_timeout`, 5 s by default in rusqlite) sleeps and retries
//! inside SQLite, one lock request at a time, on a fixed table of sleeps. Here it is off, so
//! that the retry covers the whole transaction, with jitter between processes, a deadline and a
//! report of every retry (stamina's `log`, `tracing` and `metrics` features).

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, TransactionBehavior};
use stamina::Backoff;

/// Opens the database with SQLite's busy handler off: `SQLITE_BUSY` comes back at once, and
/// [`insert_reading`] decides.
pub fn open(path: &Path) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(Duration::ZERO)?;
    Ok(conn)
}

/// Stores one reading, waiting for any other writer of the file to finish.
pub fn insert_reading(conn: &mut Connection, sensor: &str, value: f64) -> rusqlite::Result<()> {
    stamina::retry!(
        on = |e: &rusqlite::Error| e.sqlite_error_code() == Some(ErrorCode::DatabaseBusy),
        // Writers hold the lock for milliseconds: start small. Time is the limit, not tries:
        // after 5 s, a writer that never commits is the problem to report.
        backoff = Backoff::new().unlimited_attempts(),
        timeout = Duration::from_secs(5),
        wait_initial = Duration::from_millis(5),
        wait_max = Duration::from_millis(250),
        wait_jitter = Duration::from_millis(20),
        // The whole transaction is the attempt. IMMEDIATE takes the write lock at BEGIN, so a
        // busy database fails there, before any work; a `?` drops `tx`, which rolls it back.
        {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            tx.execute(
                "INSERT INTO readings (sensor, value) VALUES (?1, ?2)",
                (sensor, value),
            )?;
            tx.commit()
        }
    )
}
