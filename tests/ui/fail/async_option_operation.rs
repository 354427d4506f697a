// `retry_async!` needs a `Result`: an `Option` has no error for `on` to judge.
#[derive(Debug)]
enum MyError {
    Missing,
}

async fn lookup() -> Option<u32> {
    None
}

fn main() {
    let _ = MyError::Missing;
    let _fut = async {
        stamina::retry_async!(
            on = |_: &MyError| true,
            clock = &stamina::testing::ManualClock::new(),
            lookup().await
        )
    };
}
