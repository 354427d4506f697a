// The operation is the expression itself, not a closure that makes it.
fn op() -> Result<u32, ()> {
    Ok(1)
}

fn main() {
    let _ = stamina::retry!(on = |_: &()| true, || op());
}
