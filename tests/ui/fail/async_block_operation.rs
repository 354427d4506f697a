// The operation is awaited in place: an `async` block as the operation is a future, not a
// `Result`.
async fn op() -> Result<u32, ()> {
    Ok(1)
}

fn main() {
    let _fut = async {
        stamina::retry_async!(
            on = |_: &()| true,
            clock = &stamina::testing::ManualClock::new(),
            async { op().await }
        )
    };
}
