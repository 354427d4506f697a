#[derive(Debug)]
struct MyError;

fn op() -> Result<u32, MyError> {
    Ok(1)
}

fn main() {
    // `true` is not a filter: to retry every error, write `on = |_: &MyError| true`.
    let _ = stamina::retry!(on = true, op());
}
