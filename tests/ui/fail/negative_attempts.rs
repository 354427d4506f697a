// A count of tries cannot be negative; no limit is a schedule's `unlimited_attempts()`.
fn op() -> Result<u32, ()> {
    Ok(1)
}

fn main() {
    let _ = stamina::retry!(on = |_: &()| true, attempts = -1, op());
}
