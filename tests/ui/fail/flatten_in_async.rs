struct Clock;

impl stamina::AsyncClock for Clock {
    fn now_us(&mut self) -> u64 {
        0
    }
    async fn sleep_us(&mut self, _us: u64) {}
}

async fn op() -> Result<u32, ()> {
    Ok(1)
}

fn main() {
    let _fut = async {
        stamina::retry_async!(on = |_: &()| true, clock = Clock, flatten = true, op().await)
    };
}
