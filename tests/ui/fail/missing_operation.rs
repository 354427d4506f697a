struct MyErr;

fn main() {
    let _ = stamina::retry!(on = |e: &MyErr| true, attempts = 3);
}
