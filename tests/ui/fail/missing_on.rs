fn op() -> Result<u32, ()> {
    Ok(1)
}

fn main() {
    let _ = stamina::retry!(attempts = 3, op());
}
