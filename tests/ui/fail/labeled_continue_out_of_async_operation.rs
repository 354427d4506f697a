// The operation of `retry_async!` is an `async` block: it cannot continue a loop around the
// macro either.
async fn op() -> Result<u32, ()> {
    Ok(1)
}

async fn run() {
    'outer: for _ in 0..3 {
        let _ = stamina::retry_async!(
            on = |_: &()| true,
            clock = &stamina::testing::ManualClock::new(),
            {
                if true {
                    continue 'outer;
                }
                op().await
            }
        );
    }
}

fn main() {
    let _ = run();
}
