//! Serialization failures (`40001`) on tokio-postgres.
//!
//! Under `SERIALIZABLE` (or `REPEATABLE READ`) isolation, when two transactions conflict,
//! PostgreSQL does not let the loser go on from a snapshot that no longer holds: it aborts it
//! with `40001 could not serialize access` and expects the application to run it again. What
//! runs again is the whole transaction, from `BEGIN`: its reads are stale, so replaying only
//! the failed statement would write a decision based on them. A deadlock (`40P01`) is the same
//! story. Anything else, such as a constraint violation or the application's own "not enough
//! money", is an answer, not a race: it is not retried.

use std::fmt;
use std::time::Duration;

use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, IsolationLevel};

/// Why a transfer did not happen.
#[derive(Debug)]
pub enum TransferError {
    /// The source account holds less than the amount.
    InsufficientFunds { balance: i64 },
    /// The database said no: a serialization failure, a lost connection, ...
    Db(tokio_postgres::Error),
}

impl From<tokio_postgres::Error> for TransferError {
    fn from(e: tokio_postgres::Error) -> Self {
        TransferError::Db(e)
    }
}

impl fmt::Display for TransferError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TransferError::InsufficientFunds { balance } => {
                write!(f, "insufficient funds: the balance is {balance}")
            }
            TransferError::Db(e) => write!(f, "database: {e}"),
        }
    }
}

impl std::error::Error for TransferError {}

/// Moves `amount` from one account to another, in one serializable transaction.
pub async fn transfer(
    client: &mut Client,
    from: i32,
    to: i32,
    amount: i64,
) -> Result<(), TransferError> {
    stamina::retry_async!(
        on = |e: &TransferError| match e {
            TransferError::Db(e) => {
                let code = e.code();
                code == Some(&SqlState::T_R_SERIALIZATION_FAILURE)
                    || code == Some(&SqlState::T_R_DEADLOCK_DETECTED)
            }
            TransferError::InsufficientFunds { .. } => false,
        },
        // Contention clears in milliseconds; a transaction that loses five times in a row is
        // on a hot row, and its caller should hear about it.
        attempts = 5,
        wait_initial = Duration::from_millis(10),
        wait_max = Duration::from_millis(200),
        // Two transactions that collided must not collide again at the next try.
        wait_jitter = Duration::from_millis(20),
        // The whole transaction is the attempt. A `?` drops `tx`, which rolls it back.
        {
            let tx = client
                .build_transaction()
                .isolation_level(IsolationLevel::Serializable)
                .start()
                .await?;
            let row = tx
                .query_one("SELECT balance FROM accounts WHERE id = $1", &[&from])
                .await?;
            let balance: i64 = row.get(0);
            if balance < amount {
                return Err(TransferError::InsufficientFunds { balance });
            }
            tx.execute(
                "UPDATE accounts SET balance = $1 WHERE id = $2",
                &[&(balance - amount), &from],
            )
            .await?;
            tx.execute(
                "UPDATE accounts SET balance = balance + $1 WHERE id = $2",
                &[&amount, &to],
            )
            .await?;
            tx.commit().await?;
            Ok(())
        }
    )
}
