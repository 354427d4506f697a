fn op() -> Result<u32, ()> {
    Ok(1)
}

fn main() {
    for _ in 0..3 {
        let _ = stamina::retry!(on = |_: &()| true, {
            if true {
                continue;
            }
            op()
        });
    }
}
