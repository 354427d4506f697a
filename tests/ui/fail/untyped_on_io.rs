// Untyped, even a filter that ignores its error does not compile: the type is written.
fn op() -> Result<u32, std::io::Error> {
    Ok(1)
}

fn main() {
    let _ = stamina::retry!(on = |_| true, op());
}
