// `retry!` runs its operation in a closure: `.await` needs `retry_async!`.
async fn op() -> Result<u32, ()> {
    Ok(1)
}

async fn run() {
    let _ = stamina::retry!(on = |_: &()| true, op().await);
}

fn main() {
    let _ = run();
}
