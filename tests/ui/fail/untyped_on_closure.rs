#[derive(Debug)]
struct MyError;

impl MyError {
    fn is_transient(&self) -> bool {
        true
    }
}

fn op() -> Result<u32, MyError> {
    Ok(1)
}

fn main() {
    // The closure's parameter needs its type written: `|e: &MyError|`.
    let _ = stamina::retry!(on = |e| e.is_transient(), op());
}
