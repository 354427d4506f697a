fn op() -> Result<u32, std::io::Error> {
    Ok(1)
}

fn main() {
    let _ = stamina::retry!(
        on = std::io::ErrorKind::TimedOut,
        attempt_timeout = std::time::Duration::from_secs(1),
        op()
    );
}
