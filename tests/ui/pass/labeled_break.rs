//! The operation may `break` or `continue` a labeled loop around the `retry!`, and `return`
//! from the enclosing function; each leaves the retry loop at once, with no further try.

use core::time::Duration;
use stamina::testing::ManualClock;

#[derive(Debug, PartialEq)]
struct Flaky;

/// Fails until `fails` reaches zero.
fn op(fails: &mut u32) -> Result<u32, Flaky> {
    if *fails > 0 {
        *fails -= 1;
        Err(Flaky)
    } else {
        Ok(7)
    }
}

/// `return` from inside the operation, on the second try.
fn returns_early(clock: &ManualClock, tries: &mut u32) -> Result<u32, Flaky> {
    let r: Result<u32, Flaky> = stamina::retry!(on = |_: &Flaky| true, attempts = 5, clock = clock, {
        *tries += 1;
        if *tries == 2 {
            return Ok(1000);
        }
        Err(Flaky)
    });
    // Not reached when the operation returns.
    r.map(|v| v + 1)
}

/// `?` inside the operation leaves the function without a retry.
fn question_mark(clock: &ManualClock, tries: &mut u32) -> Result<u32, &'static str> {
    let v: Result<u32, Flaky> = stamina::retry!(on = |_: &Flaky| true, attempts = 5, clock = clock, {
        *tries += 1;
        let parsed: Result<u32, &'static str> = Err("bad input");
        Ok(parsed?)
    });
    Ok(v.unwrap_or(0))
}

fn main() {
    let clock = ManualClock::new();

    // `break 'outer` with a value from inside the operation: the first round gives up after two
    // tries, the second breaks out on its first try (the third in all), without sleeping.
    let mut tries = 0;
    let mut rounds = 0;
    let got = 'outer: loop {
        rounds += 1;
        let r = stamina::retry!(on = |_: &Flaky| true, attempts = 2, clock = &clock, {
            tries += 1;
            if tries == 3 {
                break 'outer "broke out";
            }
            Err::<(), _>(Flaky)
        });
        assert_eq!(r, Err(Flaky));
    };
    assert_eq!(got, "broke out");
    assert_eq!((tries, rounds), (3, 2));
    assert_eq!(clock.sleeps(), 1);

    // `continue 'outer`: skip the rest of the outer iteration from inside the operation.
    let mut seen = Vec::new();
    let mut tries = 0;
    'outer: for i in 0..4u32 {
        let mut fails = 1;
        let r = stamina::retry!(on = |_: &Flaky| true, attempts = 3, clock = &clock, {
            tries += 1;
            if i % 2 == 1 {
                continue 'outer;
            }
            op(&mut fails)
        });
        seen.push((i, r));
    }
    assert_eq!(seen, [(0, Ok(7)), (2, Ok(7))]);
    // Two tries for each even `i`, one for each odd one.
    assert_eq!(tries, 6);

    // An unlabeled `break` inside a loop of the operation's own is fine.
    let mut fails = 2;
    let r = stamina::retry!(
        on = |_: &Flaky| true,
        clock = &clock,
        wait_jitter = Duration::ZERO,
        {
            let mut n = 0;
            loop {
                n += 1;
                if n == 3 {
                    break;
                }
            }
            op(&mut fails).map(|v| v + n)
        }
    );
    assert_eq!(r, Ok(10));

    let mut tries = 0;
    assert_eq!(returns_early(&clock, &mut tries), Ok(1000));
    assert_eq!(tries, 2);

    let mut tries = 0;
    assert_eq!(question_mark(&clock, &mut tries), Err("bad input"));
    assert_eq!(tries, 1);
}
