//! The SQLite recipe on a real database file, with a second connection holding the write lock.

mod support {
    pub mod retries;
}

use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use rusqlite::{Connection, ErrorCode, TransactionBehavior};
use stamina_recipes::sqlite_busy::{insert_reading, open};
use support::retries;

/// A fresh database file with the recipe's table, in a directory of its own.
fn database(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stamina-recipes-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("readings.db");
    let conn = Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE readings (
            sensor TEXT NOT NULL,
            value REAL NOT NULL CHECK (value > -273.15)
        )",
    )
    .unwrap();
    path
}

fn remove(path: PathBuf) {
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

fn count(path: &PathBuf) -> i64 {
    let conn = Connection::open(path).unwrap();
    conn.query_row("SELECT count(*) FROM readings", [], |row| row.get(0))
        .unwrap()
}

#[test]
fn waits_for_the_other_writer_to_commit() {
    retries::record();
    let path = database("busy");
    const HOLD: Duration = Duration::from_millis(150);

    // Another writer: takes the write lock, writes, and commits HOLD later.
    let (locked, wait_locked) = mpsc::channel();
    let holder_path = path.clone();
    let holder = thread::spawn(move || {
        let mut conn = Connection::open(holder_path).unwrap();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .unwrap();
        tx.execute("INSERT INTO readings VALUES ('holder', 1.0)", [])
            .unwrap();
        locked.send(Instant::now()).unwrap();
        thread::sleep(HOLD);
        tx.commit().unwrap();
    });
    let lock_taken = wait_locked.recv().unwrap();

    let mut conn = open(&path).unwrap();
    insert_reading(&mut conn, "outside", 21.5).unwrap();
    let done = lock_taken.elapsed();
    holder.join().unwrap();

    // It was busy, retried, and went through once the holder committed.
    let seen = retries::seen();
    assert!(!seen.is_empty());
    for retry in &seen {
        assert!(retry.error.contains("DatabaseBusy"), "{}", retry.error);
    }
    assert_eq!(seen.last().unwrap().retry_num as usize, seen.len());
    // The recipe's schedule: 5 ms, plus up to 20 ms of jitter, for the first wait.
    let first = seen[0].wait_for;
    assert!(
        first >= Duration::from_millis(5) && first < Duration::from_millis(25),
        "{first:?}"
    );
    assert!(
        done >= HOLD,
        "wrote after {done:?}, before the lock was released"
    );
    assert_eq!(count(&path), 2);
    remove(path);
}

#[test]
fn a_constraint_violation_is_not_retried() {
    retries::record();
    let path = database("constraint");

    let mut conn = open(&path).unwrap();
    let error = insert_reading(&mut conn, "broken", -300.0).unwrap_err();

    assert_eq!(
        error.sqlite_error_code(),
        Some(ErrorCode::ConstraintViolation)
    );
    assert!(retries::seen().is_empty());
    assert_eq!(count(&path), 0);
    remove(path);
}

/// Why `open` turns SQLite's busy handler off: rusqlite's default (5 s) would wait inside
/// SQLite, and the busy error would not surface to the retry loop for as long.
#[test]
fn with_the_busy_handler_off_busy_comes_back_at_once() {
    let path = database("at-once");
    let mut holder = Connection::open(&path).unwrap();
    let _lock = holder
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .unwrap();

    let mut conn = open(&path).unwrap();
    let started = Instant::now();
    let error = conn
        .transaction_with_behavior(TransactionBehavior::Immediate)
        .unwrap_err();

    assert_eq!(error.sqlite_error_code(), Some(ErrorCode::DatabaseBusy));
    assert!(started.elapsed() < Duration::from_secs(1));
    drop((_lock, conn));
    drop(holder);
    remove(path);
}
