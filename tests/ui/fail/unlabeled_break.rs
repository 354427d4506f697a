fn op() -> Result<u32, ()> {
    Ok(1)
}

fn main() {
    loop {
        let _ = stamina::retry!(on = |_: &()| true, {
            if true {
                break;
            }
            op()
        });
    }
}
