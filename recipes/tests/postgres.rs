//! The PostgreSQL recipes against real servers: one throwaway cluster per test, on a free
//! loopback port.

mod support {
    pub mod postgres;
    pub mod retries;
}

/// `postgres_startup`: a server that comes up after the client.
mod startup {
    use std::time::{Duration, Instant};

    use crate::support::postgres::Postgres;
    use crate::support::retries::{self, Retry};
    use stamina_recipes::postgres_startup::connect_when_ready;
    use tokio::task::JoinHandle;
    use tokio_postgres::error::SqlState;
    use tokio_postgres::Client;

    fn refused(r: &Retry) -> bool {
        r.error.contains("ConnectionRefused")
    }

    fn not_ready(r: &Retry) -> bool {
        r.error.contains("E57P03") // SqlState::CANNOT_CONNECT_NOW, as `{:?}` prints it
    }

    /// Each retry was for an error the recipe retries, after a wait from its schedule.
    fn assert_retried_only_not_up_yet(seen: &[Retry]) {
        for r in seen {
            assert!(refused(r) || not_ready(r), "retried something else: {r:?}");
            // 100 ms doubling up to 1 s, plus up to 250 ms of jitter.
            assert!(r.wait_for >= Duration::from_millis(100), "{r:?}");
            assert!(r.wait_for < Duration::from_millis(1250), "{r:?}");
        }
    }

    /// Awaits a client that began before its server, checks that its connection answers, and
    /// returns its retries: the first for a refused connection, each for "not up yet".
    async fn connected(
        client: JoinHandle<Result<Client, tokio_postgres::Error>>,
        pg: &Postgres,
    ) -> Vec<Retry> {
        let client = client
            .await
            .unwrap()
            .unwrap_or_else(|e| panic!("did not connect: {e:?}\nserver log:\n{}", pg.log()));

        let one: i32 = client.query_one("SELECT 1", &[]).await.unwrap().get(0);
        assert_eq!(one, 1);
        let seen = retries::seen();
        assert!(refused(&seen[0]), "{seen:?}");
        assert_retried_only_not_up_yet(&seen);
        seen
    }

    #[tokio::test]
    async fn connects_once_the_server_is_up() {
        let mut pg = Postgres::init();
        retries::record();
        let config = pg.config("postgres");

        // The client first, on this thread's runtime: nothing listens on the port yet.
        let started = Instant::now();
        let client = tokio::spawn(async move { connect_when_ready(&config).await });
        tokio::time::sleep(Duration::from_millis(300)).await;
        pg.start();
        let seen = connected(client, &pg).await;
        eprintln!(
            "connected after {:?} and {} retries, {} of them on 57P03",
            started.elapsed(),
            seen.len(),
            seen.iter().filter(|r| not_ready(r)).count()
        );
    }

    /// A fresh cluster leaves its "starting up" state in milliseconds, too fast to be sure a client
    /// sees it. A standby with hot standby off stays in recovery, answering every connection with
    /// the same 57P03, until it is promoted (a fail-over): the client is turned away for as long
    /// as the test likes.
    #[tokio::test]
    async fn connects_through_57p03_once_recovery_ends() {
        let mut pg = Postgres::init();
        retries::record();
        let config = pg.config("postgres");

        let client = tokio::spawn(async move { connect_when_ready(&config).await });
        tokio::time::sleep(Duration::from_millis(300)).await;
        pg.start_standby();
        // Promote once the client has been turned away with 57P03.
        let deadline = Instant::now() + Duration::from_secs(20);
        while !retries::seen().iter().any(not_ready) {
            assert!(Instant::now() < deadline, "no 57P03 seen\n{}", pg.log());
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        pg.promote();
        let seen = connected(client, &pg).await;
        assert!(seen.iter().any(not_ready), "{seen:?}");
    }

    #[tokio::test]
    async fn a_missing_database_is_not_retried() {
        let mut pg = Postgres::init();
        pg.start();
        // Wait for the server with the recipe itself.
        drop(connect_when_ready(&pg.config("postgres")).await.unwrap());
        retries::record();

        let error = connect_when_ready(&pg.config("no_such_database"))
            .await
            .unwrap_err();

        assert_eq!(error.code(), Some(&SqlState::INVALID_CATALOG_NAME));
        assert!(retries::seen().is_empty());
    }
}

/// `postgres_serialization`: a second transaction changes the same row under the transfer.
mod serialization {
    use std::time::{Duration, Instant};

    use crate::support::postgres::Postgres;
    use crate::support::retries;
    use stamina_recipes::postgres_serialization::{transfer, TransferError};
    use stamina_recipes::postgres_startup::connect_when_ready;
    use tokio_postgres::{Client, IsolationLevel};

    /// A started server with two accounts holding 100 each.
    async fn bank() -> (Postgres, Client) {
        let mut pg = Postgres::init();
        pg.start();
        let client = connect_when_ready(&pg.config("postgres")).await.unwrap();
        client
            .batch_execute(
                "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL);
                 INSERT INTO accounts VALUES (1, 100), (2, 100);",
            )
            .await
            .unwrap();
        (pg, client)
    }

    async fn balances(client: &Client) -> Vec<i64> {
        client
            .query("SELECT balance FROM accounts ORDER BY id", &[])
            .await
            .unwrap()
            .iter()
            .map(|row| row.get(0))
            .collect()
    }

    /// The transfer reads account 1, then waits on the row lock of a concurrent transaction that
    /// updates account 1 too. That one commits: the transfer's update then fails with 40001 (its
    /// read is stale), and the retried transaction, from BEGIN, sees the new balance.
    #[tokio::test]
    async fn a_serialization_failure_reruns_the_whole_transaction() {
        let (pg, watcher) = bank().await;
        retries::record();
        let mut other = connect_when_ready(&pg.config("postgres")).await.unwrap();
        let mut client = connect_when_ready(&pg.config("postgres")).await.unwrap();

        // The other transaction: a withdrawal of 30 from account 1, not committed yet.
        let withdrawal = other
            .build_transaction()
            .isolation_level(IsolationLevel::Serializable)
            .start()
            .await
            .unwrap();
        withdrawal
            .execute(
                "UPDATE accounts SET balance = balance - 30 WHERE id = 1",
                &[],
            )
            .await
            .unwrap();

        // The transfer of 50 from 1 to 2, on this thread's runtime.
        let transfer = tokio::spawn(async move { transfer(&mut client, 1, 2, 50).await });

        // Once it waits on the withdrawal's row lock, commit the withdrawal.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let waiting: i64 = watcher
                .query_one("SELECT count(*) FROM pg_locks WHERE NOT granted", &[])
                .await
                .unwrap()
                .get(0);
            if waiting > 0 {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the transfer never waited on the lock"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        withdrawal.commit().await.unwrap();

        transfer.await.unwrap().unwrap();

        // One retry, for 40001; and no update lost: 100 - 30 - 50 and 100 + 50.
        let seen = retries::seen();
        assert_eq!(seen.len(), 1, "{seen:?}");
        assert!(seen[0].error.contains("E40001"), "{}", seen[0].error);
        assert_eq!(balances(&watcher).await, [20, 150]);
    }

    #[tokio::test]
    async fn insufficient_funds_is_not_retried() {
        let (pg, watcher) = bank().await;
        retries::record();
        let mut client = connect_when_ready(&pg.config("postgres")).await.unwrap();

        let error = transfer(&mut client, 1, 2, 500).await.unwrap_err();

        assert!(
            matches!(error, TransferError::InsufficientFunds { balance: 100 }),
            "{error:?}"
        );
        assert!(retries::seen().is_empty());
        assert_eq!(balances(&watcher).await, [100, 100]);
    }
}
