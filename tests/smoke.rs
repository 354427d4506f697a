use core::time::Duration;
use stamina::testing::ManualClock;
use stamina::{retry, Decision, FastRng, RetryDetails};

#[test]
fn smoke() {
    let clock = ManualClock::new();
    let mut n = 0;
    let r: Result<u32, &str> = retry!(on = |_: &&str| true, clock = &clock, wait_jitter = Duration::ZERO, { n += 1; if n < 4 { Err("x") } else { Ok(n) } });
    assert_eq!(r, Ok(4));
    assert_eq!(clock.waits(), [100, 200, 400].map(Duration::from_millis));
    let r: Result<u32, std::io::Error> = retry!(on = std::io::ErrorKind::TimedOut, attempts = 3, clock = &clock, Err(std::io::ErrorKind::TimedOut.into()));
    assert!(r.is_err());
    let r: Result<u32, &str> = retry!(on = |_: &&str| Decision::RetryAfter(Duration::from_secs(7)), attempts = 2, clock = &clock, rng = FastRng::new(1), wait_exp_base = (3, 2),
        on_retry = |d: &RetryDetails<'_, &str>| println!("{d:?}"), |a| { println!("{a:?}"); Err("y") });
    assert!(r.is_err());
}
