fn main() {
    let _ = stamina::retry!();
}
