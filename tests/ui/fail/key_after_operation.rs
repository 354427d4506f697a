fn op() -> Result<u32, ()> {
    Ok(1)
}

fn main() {
    let _ = stamina::retry!(on = |_: &()| true, op(), attempts = 3);
}
