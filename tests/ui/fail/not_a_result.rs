fn op() -> u32 {
    1
}

fn main() {
    let _ = stamina::retry!(on = |_: &()| true, op());
}
