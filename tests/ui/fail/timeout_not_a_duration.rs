fn op() -> Result<u32, std::io::Error> {
    Ok(1)
}

fn main() {
    // A number of seconds, not a `Duration`: write `timeout = Duration::from_secs(30)`.
    let _ = stamina::retry!(on = std::io::ErrorKind::TimedOut, timeout = 30, op());
}
