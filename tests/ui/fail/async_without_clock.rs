async fn op() -> Result<u32, ()> {
    Ok(1)
}

fn main() {
    let _fut = async {
        stamina::retry_async!(on = |_: &()| true, attempts = 3, op().await)
    };
}
