// The operation is the expression itself, not a closure that makes a future.
async fn op() -> Result<u32, ()> {
    Ok(1)
}

fn main() {
    let _fut = async {
        stamina::retry_async!(
            on = |_: &()| true,
            clock = &stamina::testing::ManualClock::new(),
            || async { op().await }
        )
    };
}
