//! The README's async example, as a program: `retry_async!` on tokio's timer.
//!
//! ```text
//! cargo run --example tokio_fetch --features tokio
//! ```

use core::time::Duration;

async fn fetch(n: &mut u32) -> Result<u32, &'static str> {
    *n += 1;
    if *n < 3 {
        Err("503")
    } else {
        Ok(*n)
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut n = 0;
    let r = stamina::retry_async!(
        on = |e: &&str| *e == "503",
        wait_initial = Duration::from_millis(1), // a fast local service
        wait_jitter = Duration::from_millis(1),
        fetch(&mut n).await
    );
    assert_eq!(r, Ok(3));
    println!("fetched after {} tries", n);
}
