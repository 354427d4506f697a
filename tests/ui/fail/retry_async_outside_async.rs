fn op() -> Result<u32, ()> {
    Ok(1)
}

fn main() {
    let _ = stamina::retry_async!(
        on = |_: &()| true,
        clock = &stamina::testing::ManualClock::new(),
        op()
    );
}
