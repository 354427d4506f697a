//! The `tracing` feature: one WARN event `stamina.retry_scheduled` per scheduled retry, with
//! structured fields, inside the caller's span.
//!
//! ```text
//! cargo run --example tracing_events --features tracing
//! ```
//!
//! A `tracing_subscriber::fmt()` subscriber prints events on stderr. A blocking `retry!`, inside
//! an `info_span!("checkout")`, runs an operation that fails twice with `StockError::Busy`, then
//! succeeds: stderr shows two WARN events, each with the fields `callable`, `retry_num`,
//! `wait_for`, `waited_so_far`, `caused_by` and `error_type`, prefixed by the `checkout` span.
//! Exits non-zero unless the result is `Ok` after exactly 3 tries.

use std::process;
use std::time::Duration;

/// The operation's error: `Busy` is worth retrying.
#[derive(Debug)]
enum StockError {
    Busy,
    #[allow(dead_code)] // never returned here: shows what `on` gives up on
    OutOfStock,
}

/// Fails with `Busy` on the first two calls, then reserves.
fn reserve_stock(calls: &mut u32, sku: &str) -> Result<u32, StockError> {
    *calls += 1;
    println!("reserve_stock({sku:?}): try {calls}");
    if *calls <= 2 {
        Err(StockError::Busy)
    } else {
        Ok(42)
    }
}

fn main() {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_target(true)
        .init();

    let mut calls = 0u32;
    let result = tracing::info_span!("checkout", order = 1234).in_scope(|| {
        tracing::info!("reserving stock");
        stamina::retry!(
            on = |e: &StockError| matches!(e, StockError::Busy),
            attempts = 5,
            wait_initial = Duration::from_millis(10),
            wait_jitter = Duration::ZERO,
            name = "reserve_stock",
            reserve_stock(&mut calls, "SKU-1")
        )
    });
    println!("result after {calls} tries: {result:?}");

    match result {
        Ok(_) if calls == 3 => {}
        _ => {
            eprintln!("error: expected Ok after exactly 3 tries");
            process::exit(1);
        }
    }
}
