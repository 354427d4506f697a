//! The schedule: stamina's formula, defaults and extreme values, checked on `Backoff` and on the
//! `Retrying` state machine that applies it.

#![cfg(feature = "std")]

use core::mem::size_of;
use core::time::Duration;

use stamina::{Backoff, Decision, FastRng, Retrying, Rng, Step};

const fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

fn us(n: u64) -> Duration {
    Duration::from_micros(n)
}

/// Every wait a fresh loop schedules on `backoff` with failures at the times it asks for,
/// until it gives up.
fn waits_until_give_up<const N: usize>(backoff: Backoff<N>, rng: &mut impl Rng) -> Vec<Duration> {
    let mut retrying = Retrying::new(backoff);
    let mut now = 0u64;
    let mut waits = Vec::new();
    while let Step::RetryAfter(wait) = retrying.failed(now, Decision::Retry, rng) {
        waits.push(us(wait));
        now += wait;
    }
    waits
}

#[test]
fn default_jitter_free_waits_are_staminas() {
    let b = Backoff::new().wait_jitter(Duration::ZERO);
    let expected = [100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000].map(ms);
    assert_eq!(waits_until_give_up(b, &mut FastRng::new(1)), expected);
    for (n, wait) in (1..).zip(expected) {
        assert_eq!(b.wait(n), wait, "wait({n})");
    }
}

#[test]
fn factor_three_from_one_second_capped_at_thirty() {
    let b = Backoff::new()
        .wait_initial(Duration::from_secs(1))
        .wait_exp_base(3)
        .wait_max(Duration::from_secs(30))
        .wait_jitter(Duration::ZERO)
        .no_timeout();
    let waits = waits_until_give_up(b, &mut FastRng::new(1));
    assert_eq!(
        waits,
        [1, 3, 9, 27, 30, 30, 30, 30, 30].map(Duration::from_secs)
    );
}

#[test]
fn factor_one_and_a_half_from_half_a_second() {
    let b = Backoff::new()
        .wait_initial(ms(500))
        .wait_exp_base_ratio(3, 2)
        .wait_max(Duration::from_secs(10))
        .wait_jitter(Duration::ZERO)
        .no_timeout();
    let waits = waits_until_give_up(b, &mut FastRng::new(1));
    assert_eq!(
        waits[..5],
        [
            us(500_000),
            us(750_000),
            us(1_125_000),
            us(1_687_500),
            us(2_531_250)
        ]
    );
    // 3.796875 s, then 5.6953125 s rounded down to the microsecond, then 8.54296... s.
    assert_eq!(waits[5..8], [us(3_796_875), us(5_695_312), us(8_542_968)]);
    assert_eq!(waits[8], Duration::from_secs(10));
}

#[test]
fn builder_order_does_not_matter_for_exponential_settings() {
    let a = Backoff::new()
        .wait_exp_base(3)
        .wait_max(Duration::from_secs(30))
        .wait_initial(Duration::from_secs(1));
    let b = Backoff::new()
        .wait_initial(Duration::from_secs(1))
        .wait_max(Duration::from_secs(30))
        .wait_exp_base(3);
    assert_eq!(a, b);
}

#[test]
fn factors_below_one_are_read_as_one() {
    for (num, den) in [(0, 1), (1, 2), (0, 0), (7, 7)] {
        let b = Backoff::new().wait_exp_base_ratio(num, den);
        for n in 1..20 {
            assert_eq!(b.wait(n), ms(100), "{num}/{den} wait({n})");
        }
    }
    assert_eq!(Backoff::new().wait_exp_base(0).wait(5), ms(100));
    // den = 0 is read as 1.
    assert_eq!(Backoff::new().wait_exp_base_ratio(2, 0).wait(3), ms(400));
}

#[test]
fn jitter_stays_within_zero_and_wait_jitter() {
    let b = Backoff::new().no_timeout();
    let mut rng = FastRng::new(0xC0FFEE);
    let (mut lowest, mut highest) = (Duration::MAX, Duration::ZERO);
    for _ in 0..20_000 {
        let mut r = Retrying::new(b);
        let Step::RetryAfter(wait) = r.failed(0, Decision::Retry, &mut rng) else {
            panic!("gave up on the first failure");
        };
        let wait = us(wait);
        assert!(wait >= ms(100) && wait <= ms(1100), "{wait:?}");
        lowest = lowest.min(wait);
        highest = highest.max(wait);
    }
    // The draws cover the range, not one corner of it.
    assert!(lowest < ms(110), "{lowest:?}");
    assert!(highest > ms(1090), "{highest:?}");
}

#[test]
fn jitter_is_added_before_the_cap() {
    let b = Backoff::new()
        .wait_initial(ms(4500))
        .wait_jitter(Duration::from_secs(1))
        .wait_max(Duration::from_secs(5));
    let mut rng = FastRng::new(7);
    let mut capped = 0;
    let draws = if cfg!(miri) { 300 } else { 10_000 };
    for _ in 0..draws {
        let Step::RetryAfter(wait) = Retrying::new(b).failed(0, Decision::Retry, &mut rng) else {
            panic!("gave up on the first failure");
        };
        assert!((4_500_000..=5_000_000).contains(&wait), "{wait}");
        capped += usize::from(wait == 5_000_000);
    }
    // About half of 4.5 s + U(0, 1 s) lands past 5 s and is cut to it.
    assert!(
        (draws * 2 / 5..draws * 3 / 5).contains(&capped),
        "{capped} of {draws}"
    );
}

#[test]
fn same_seed_gives_the_same_schedule() {
    let b = Backoff::new().no_timeout().attempts(50);
    let one = waits_until_give_up(b, &mut FastRng::new(99));
    let two = waits_until_give_up(b, &mut FastRng::new(99));
    let other = waits_until_give_up(b, &mut FastRng::new(100));
    assert_eq!(one, two);
    assert_ne!(one, other);
}

#[test]
fn attempts_zero_and_one_both_mean_one_try() {
    for attempts in [0, 1] {
        let mut r = Retrying::new(Backoff::new().attempts(attempts));
        assert_eq!(
            r.failed(0, Decision::Retry, &mut FastRng::new(1)),
            Step::GiveUp
        );
        assert_eq!(Backoff::new().attempts(attempts).attempts_limit(), Some(1));
    }
}

#[test]
#[cfg_attr(
    miri,
    ignore = "100,000 steps are too slow under Miri; the plain runs cover them"
)]
fn a_hundred_thousand_attempts_never_overflow() {
    let b = Backoff::new().attempts(100_000).no_timeout();
    let mut rng = FastRng::new(3);
    let mut r = Retrying::new(b);
    let mut now = u64::MAX - 1_000; // a clock close to its end must not overflow either
    let mut tries = 1u32;
    while let Step::RetryAfter(wait) = r.failed(now, Decision::Retry, &mut rng) {
        assert!(wait <= 5_000_000);
        now = now.saturating_add(wait);
        tries += 1;
    }
    assert_eq!(tries, 100_000);
    assert_eq!(r.retries(), 99_999);
    assert_eq!(b.wait(100_000), Duration::from_secs(5));
    assert_eq!(b.wait(u32::MAX), Duration::from_secs(5));
}

#[test]
fn extreme_configuration_saturates() {
    let b = Backoff::new()
        .attempts(u32::MAX)
        .timeout(Duration::MAX)
        .wait_initial(Duration::MAX)
        .wait_max(Duration::MAX)
        .wait_jitter(Duration::MAX)
        .wait_exp_base(u32::MAX);
    assert_eq!(b.timeout_limit(), None);
    assert_eq!(b.wait(1), us(u64::MAX));
    assert_eq!(b.max_total_wait(), us(u64::MAX));
    let mut r = Retrying::new(b);
    for now in [0, u64::MAX, 0] {
        // The longest wait the state machine hands out is `i64::MAX` µs (292,000 years).
        assert_eq!(
            r.failed(now, Decision::Retry, &mut FastRng::new(1)),
            Step::RetryAfter(i64::MAX as u64)
        );
    }
    assert_eq!(r.waited(), us(u64::MAX), "3 x i64::MAX saturates");

    let tiny = Backoff::<0>::exponential().wait_max(Duration::ZERO);
    assert_eq!(tiny.wait(1), Duration::ZERO);
    assert_eq!(tiny.longest_wait(1), Duration::ZERO);
    let huge_factor = Backoff::new().wait_exp_base(u32::MAX).no_timeout();
    assert_eq!(huge_factor.wait(2), Duration::from_secs(5));
}

#[test]
fn unlimited_attempts_are_bounded_by_the_timeout() {
    // 45 s, no jitter, instant tries: 14 tries and 41.3 s of sleep; the 14th wait (5 s) would
    // end at 46.3 s, past the deadline, so the loop gives up at once instead.
    let b = Backoff::new()
        .unlimited_attempts()
        .wait_jitter(Duration::ZERO);
    let waits = waits_until_give_up(b, &mut FastRng::new(1));
    assert_eq!(waits.len() + 1, 14);
    assert_eq!(waits.iter().sum::<Duration>(), ms(41_300));
}

#[test]
fn never_sleeps_past_the_deadline() {
    // Tries that take time, and jitter: every wait ends by the deadline, counted from the end
    // of the first failed try.
    for seed in 0..if cfg!(miri) { 20 } else { 200 } {
        let mut rng = FastRng::new(seed);
        let b = Backoff::new()
            .unlimited_attempts()
            .timeout(Duration::from_secs(10));
        let mut r = Retrying::new(b);
        let first_failure = 1_000_000u64;
        let mut now = first_failure;
        while let Step::RetryAfter(wait) = r.failed(now, Decision::Retry, &mut rng) {
            now += wait;
            assert!(
                now - first_failure <= 10_000_000,
                "seed {seed}: woke at {now}"
            );
            now += rng.next_u32() as u64 % 300_000; // the next try takes up to 0.3 s
        }
    }
}

#[test]
fn an_override_is_used_while_it_ends_before_the_deadline() {
    let b = Backoff::new().timeout(Duration::from_secs(10));
    let mut r = Retrying::new(b);
    let mut rng = FastRng::new(1);
    let after_7s = Decision::RetryAfter(Duration::from_secs(7));
    let after_3s = Decision::RetryAfter(Duration::from_secs(3));
    // Used as is, even beyond wait_max (5 s) and without jitter.
    assert_eq!(r.failed(0, after_7s, &mut rng), Step::RetryAfter(7_000_000));
    // Exactly the 3 s left: granted.
    assert_eq!(
        r.failed(7_000_000, after_3s, &mut rng),
        Step::RetryAfter(3_000_000)
    );
    assert_eq!(r.waited(), Duration::from_secs(10));
}

#[test]
fn an_override_that_ends_after_the_deadline_gives_up_at_once() {
    let b = Backoff::new().timeout(Duration::from_secs(10));
    let mut r = Retrying::new(b);
    let mut rng = FastRng::new(1);
    let after_7s = Decision::RetryAfter(Duration::from_secs(7));
    assert_eq!(r.failed(0, after_7s, &mut rng), Step::RetryAfter(7_000_000));
    // 3 s left: the server asked for 7 s, so a try at the deadline would be too early.
    assert_eq!(r.failed(7_000_000, after_7s, &mut rng), Step::GiveUp);
    assert_eq!(r.waited(), Duration::from_secs(7));
}

#[test]
fn an_override_of_duration_max_gives_up_under_a_timeout_and_is_capped_without() {
    let mut r = Retrying::new(Backoff::new());
    let step = r.failed(5, Decision::RetryAfter(Duration::MAX), &mut FastRng::new(1));
    assert_eq!(step, Step::GiveUp);
    let mut r = Retrying::new(Backoff::new().no_timeout());
    let step = r.failed(5, Decision::RetryAfter(Duration::MAX), &mut FastRng::new(1));
    assert_eq!(step, Step::RetryAfter(i64::MAX as u64));
}

#[test]
fn a_clock_that_goes_backwards_counts_as_no_time() {
    let b = Backoff::new().wait_jitter(Duration::ZERO);
    let mut r = Retrying::new(b);
    let mut rng = FastRng::new(1);
    assert_eq!(
        r.failed(1_000_000, Decision::Retry, &mut rng),
        Step::RetryAfter(100_000)
    );
    assert_eq!(
        r.failed(0, Decision::Retry, &mut rng),
        Step::RetryAfter(200_000)
    );
}

#[test]
fn give_up_decision_ends_at_once() {
    let mut r = Retrying::new(Backoff::new());
    assert_eq!(
        r.failed(0, Decision::GiveUp, &mut FastRng::new(1)),
        Step::GiveUp
    );
    assert_eq!(r.retries(), 0);
    // The state is as before: no deadline started, the first try still the upcoming one.
    assert_eq!(r, Retrying::new(Backoff::new()));
    assert_eq!(r.time_left(1_000_000_000), Some(u64::MAX));
    assert_eq!(r.attempt().num(), 1);
}

#[test]
fn a_give_up_by_the_schedule_counts_no_retry() {
    let mut r = Retrying::new(Backoff::new().attempts(2).wait_jitter(Duration::ZERO));
    let mut rng = FastRng::new(1);
    assert_eq!(
        r.failed(0, Decision::Retry, &mut rng),
        Step::RetryAfter(100_000)
    );
    assert_eq!(r.failed(100_000, Decision::Retry, &mut rng), Step::GiveUp);
    assert_eq!((r.retries(), r.waited()), (1, Duration::from_millis(100)));
    // Asked again, it gives up again and still counts one retry.
    assert_eq!(r.failed(200_000, Decision::Retry, &mut rng), Step::GiveUp);
    assert_eq!(r.retries(), 1);
}

#[test]
fn rng_is_not_drawn_without_jitter() {
    struct NoDraws;
    impl Rng for NoDraws {
        fn next_u32(&mut self) -> u32 {
            panic!("drew from the RNG")
        }
    }
    let mut r = Retrying::new(Backoff::new().wait_jitter(Duration::ZERO));
    assert_eq!(
        r.failed(0, Decision::Retry, &mut NoDraws),
        Step::RetryAfter(100_000)
    );
    let over = Decision::RetryAfter(ms(1));
    assert_eq!(r.failed(0, over, &mut NoDraws), Step::RetryAfter(1_000));
}

#[test]
fn explicit_waits_repeat_the_last_one() {
    const STEPS: Backoff<3> =
        Backoff::from_waits([ms(100), Duration::from_secs(1), Duration::from_secs(10)])
            .wait_jitter(Duration::ZERO)
            .no_timeout();
    let waits = waits_until_give_up(STEPS, &mut FastRng::new(1));
    assert_eq!(
        waits,
        [
            ms(100),
            ms(1000),
            ms(10_000),
            ms(10_000),
            ms(10_000),
            ms(10_000),
            ms(10_000),
            ms(10_000),
            ms(10_000)
        ]
    );
    assert_eq!(
        STEPS.wait_max(Duration::from_secs(2)).wait(3),
        Duration::from_secs(2)
    );
    let empty = Backoff::<0>::from_waits([]).wait_jitter(Duration::ZERO);
    assert_eq!(empty.wait(1), Duration::ZERO);
}

#[test]
fn past_a_short_table_the_exponential_keeps_growing() {
    let b = Backoff::<3>::exponential()
        .wait_jitter(Duration::ZERO)
        .no_timeout()
        .attempts(9);
    let expected = [100, 200, 400, 800, 1600, 3200, 5000, 5000].map(ms);
    assert_eq!(waits_until_give_up(b, &mut FastRng::new(1)), expected);
    for (n, wait) in (1..).zip(expected) {
        assert_eq!(b.wait(n), wait, "wait({n})");
    }
    // No table at all: the same schedule.
    let none = Backoff::<0>::exponential()
        .wait_jitter(Duration::ZERO)
        .no_timeout()
        .attempts(9);
    assert_eq!(waits_until_give_up(none, &mut FastRng::new(1)), expected);
    // Ratios too, exactly as the table computes them.
    let ratio = Backoff::<2>::exponential()
        .wait_initial(ms(500))
        .wait_exp_base_ratio(3, 2);
    let long = Backoff::<16>::exponential()
        .wait_initial(ms(500))
        .wait_exp_base_ratio(3, 2);
    for n in 1..40 {
        assert_eq!(ratio.wait(n), long.wait(n), "wait({n})");
    }
}

#[test]
fn without_a_cap_the_waits_keep_doubling() {
    let b = Backoff::new()
        .wait_max(Duration::MAX)
        .wait_jitter(Duration::ZERO)
        .attempts(12)
        .timeout(Duration::from_secs(600));
    let waits = waits_until_give_up(b, &mut FastRng::new(1));
    let expected: Vec<Duration> = (0..11).map(|k| ms(100 << k)).collect();
    assert_eq!(waits, expected);
    assert_eq!(b.wait(65), us(u64::MAX), "saturates, never overflows");
}

#[test]
fn a_list_can_grow_past_its_end() {
    let steps = Backoff::from_waits([ms(100), ms(1000), ms(10_000)])
        .wait_exp_base(2)
        .wait_jitter(Duration::ZERO)
        .timeout(Duration::from_secs(600))
        .attempts(6);
    let waits = waits_until_give_up(steps, &mut FastRng::new(1));
    assert_eq!(waits, [100, 1000, 10_000, 20_000, 40_000].map(ms));
    assert_eq!(steps.wait_max(ms(30_000)).wait(5), ms(30_000));
}

#[test]
fn worst_case_total_wait_is_a_const() {
    const B: Backoff = Backoff::new();
    // Nine waits at their longest: 1.1 + 1.2 + 1.4 + 1.8 + 2.6 + 4.2 + 5 + 5 + 5 = 27.3 s (the cap
    // eats the jitter of the last three), within the 45 s timeout.
    const TOTAL: Duration = B.max_total_wait();
    const _: () = assert!(TOTAL.as_millis() == 27_300);
    assert_eq!(
        B.timeout(Duration::from_secs(10)).max_total_wait(),
        Duration::from_secs(10)
    );
    assert_eq!(B.attempts(1).max_total_wait(), Duration::ZERO);
    assert_eq!(
        B.unlimited_attempts().no_timeout().max_total_wait(),
        us(u64::MAX)
    );
    // Past a short table the waits keep growing, then settle at the cap.
    let short = Backoff::<2>::exponential()
        .wait_jitter(Duration::ZERO)
        .no_timeout()
        .attempts(10);
    assert_eq!(
        short.max_total_wait(),
        ms(100 + 200 + 400 + 800 + 1600 + 3200 + 5000 * 3)
    );
    // A long walk to settle stays cheap: factors have a resolution of 1/1024.
    let slow = Backoff::<0>::exponential()
        .wait_initial(ms(2))
        .wait_exp_base_ratio(1_000_001, 1_000_000)
        .wait_max(Duration::MAX)
        .no_timeout()
        .attempts(u32::MAX);
    assert_eq!(
        slow.wait(u32::MAX),
        ms(2),
        "below 1 + 1/1024, the factor is read as 1"
    );
    // The smallest growth there is: about 38,000 steps from 2 ms to u64::MAX microseconds.
    let slow = slow.wait_exp_base_ratio(1025, 1024);
    assert_eq!(slow.max_total_wait(), us(u64::MAX));
    // ... in const evaluation too.
    const SLOWEST: Duration = Backoff::<0>::exponential()
        .wait_initial(Duration::from_millis(2))
        .wait_exp_base_ratio(1025, 1024)
        .wait_max(Duration::MAX)
        .no_timeout()
        .attempts(u32::MAX)
        .max_total_wait();
    assert_eq!(SLOWEST, us(u64::MAX));
    assert_eq!(slow.wait(u32::MAX), us(u64::MAX));
}

#[test]
fn the_state_machine_reports_the_upcoming_attempt() {
    let mut r = Retrying::new(Backoff::new());
    assert_eq!((r.attempt().num(), r.attempt().next_wait()), (1, ms(100)));
    let _ = r.failed(0, Decision::Retry, &mut FastRng::new(1));
    assert_eq!((r.attempt().num(), r.attempt().next_wait()), (2, ms(200)));
}

#[test]
fn default_sizes() {
    // Reported in the changelog: the schedule and the state machine are small, Copy values.
    let (backoff, retrying) = (size_of::<Backoff>(), size_of::<Retrying>());
    println!("size_of Backoff = {backoff}, Retrying = {retrying}");
    assert!(backoff <= 144, "{backoff}");
    assert!(retrying <= 192, "{retrying}");
}

#[test]
fn unlimited_attempts_without_timeout_go_on() {
    let b = Backoff::new().unlimited_attempts().no_timeout();
    let mut r = Retrying::new(b);
    let mut rng = FastRng::new(8);
    let mut now = 0u64;
    let retries = if cfg!(miri) { 300 } else { 10_000 };
    for _ in 0..retries {
        match r.failed(now, Decision::Retry, &mut rng) {
            Step::RetryAfter(wait) => now += wait,
            Step::GiveUp => panic!("gave up after {} retries", r.retries()),
        }
    }
    assert_eq!(r.retries(), retries);
}
