use core::future::Future;

struct OnlyAsync {
    now: u64,
}

impl stamina::AsyncClock for OnlyAsync {
    fn now_us(&mut self) -> u64 {
        self.now
    }
    fn sleep_us(&mut self, us: u64) -> impl Future<Output = ()> {
        self.now += us;
        core::future::ready(())
    }
}

fn op() -> Result<u32, ()> {
    Ok(1)
}

fn main() {
    let mut clock = OnlyAsync { now: 0 };
    let _ = stamina::retry!(on = |_: &()| true, clock = &mut clock, op());
}
