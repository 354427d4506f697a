struct Clock;

impl stamina::AsyncClock for Clock {
    fn now_us(&mut self) -> u64 {
        0
    }
    async fn sleep_us(&mut self, _us: u64) {}
}

#[derive(Debug)]
struct MyError;

async fn op() -> Result<u32, MyError> {
    Ok(1)
}

fn main() {
    let _fut = async {
        stamina::retry_async!(
            on = |_: &MyError| true,
            clock = Clock,
            attempt_timeout = std::time::Duration::from_secs(1),
            op().await
        )
    };
}
