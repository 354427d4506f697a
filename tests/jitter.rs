//! The jitter kinds: each wait falls in its kind's range, never above `longest_wait(n)`, and the
//! waits of a loop never add up to more than `max_total_wait()`.

use core::time::Duration;

use stamina::{Backoff, Decision, FastRng, Jitter, Retrying, Step};

mod common;

/// Seeds per check (Miri, which checks every access, runs fewer).
const SEEDS: u64 = if cfg!(miri) { 20 } else { 200 };

const KINDS: [Jitter; 4] = [
    Jitter::Added,
    Jitter::Full,
    Jitter::Equal,
    Jitter::Decorrelated,
];

/// The waits of one loop that always fails, in µs.
fn waits(schedule: Backoff, seed: u64) -> Vec<u64> {
    let mut r = Retrying::new(schedule);
    let mut rng = FastRng::new(seed);
    let (mut now, mut waits) = (0, Vec::new());
    while let Step::RetryAfter(w) = r.failed(now, Decision::Retry, &mut rng) {
        waits.push(w);
        now = now.saturating_add(w);
    }
    waits
}

fn us(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap()
}

#[test]
fn full_jitter_draws_below_the_jitter_free_wait() {
    let b = Backoff::new().jitter(Jitter::Full).no_timeout();
    let mut below_half = 0;
    for seed in 0..SEEDS {
        for (n, w) in (1u32..).zip(waits(b, seed)) {
            let base = us(b.wait(n));
            assert!(w < base, "wait {w} after try {n} not below {base}");
            below_half += usize::from(w < base / 2);
        }
    }
    // 9 waits per loop: about half of them fall in the lower half.
    let waits = SEEDS * 9;
    assert!(
        below_half as u64 * 5 > waits * 2,
        "{below_half} of {waits} in the lower half"
    );
}

#[test]
fn equal_jitter_draws_in_the_upper_half() {
    let b = Backoff::new().jitter(Jitter::Equal).no_timeout();
    for seed in 0..SEEDS {
        for (n, w) in (1u32..).zip(waits(b, seed)) {
            let base = us(b.wait(n));
            assert!(
                (base - base / 2..base).contains(&w),
                "{w} not in [{}, {base})",
                base / 2
            );
        }
    }
}

#[test]
fn decorrelated_jitter_wanders_between_the_first_wait_and_three_times_the_last() {
    let b = Backoff::new().jitter(Jitter::Decorrelated).no_timeout();
    let first = us(b.wait(1));
    for seed in 0..SEEDS {
        let mut previous = first;
        for w in waits(b, seed) {
            let high = (previous * 3).min(5_000_000);
            assert!(w >= first && w <= high, "{w} not in [{first}, {high}]");
            previous = w;
        }
    }
}

#[test]
fn no_wait_exceeds_max_wait_and_no_loop_exceeds_max_total_wait() {
    for kind in KINDS {
        for schedule in [
            Backoff::new().jitter(kind),
            Backoff::new()
                .jitter(kind)
                .wait_max(Duration::from_millis(700))
                .attempts(30)
                .no_timeout(),
            Backoff::new()
                .jitter(kind)
                .wait_exp_base_ratio(3, 2)
                .attempts(20)
                .no_timeout(),
        ] {
            for seed in 0..SEEDS / 2 {
                let waits = waits(schedule, seed);
                for (n, w) in (1u32..).zip(&waits) {
                    let bound = us(schedule.longest_wait(n));
                    assert!(*w <= bound, "{kind:?}: wait {n} = {w} above {bound}");
                }
                let total = waits.iter().fold(0u64, |t, w| t.saturating_add(*w));
                assert!(total <= us(schedule.max_total_wait()), "{kind:?}: {total}");
            }
        }
    }
}

#[test]
fn every_kind_spreads_a_herd() {
    // 1,000 clients that failed together: their third waits must not coincide.
    for kind in KINDS {
        let b = Backoff::new().jitter(kind);
        let mut third: Vec<u64> = (0..1000).map(|seed| waits(b, seed)[2]).collect();
        third.sort_unstable();
        third.dedup();
        assert!(
            third.len() > 900,
            "{kind:?}: only {} distinct waits",
            third.len()
        );
    }
}

#[test]
fn the_default_is_stamina_s_added_jitter() {
    assert_eq!(Jitter::default(), Jitter::Added);
    assert_eq!(Backoff::new(), Backoff::new().jitter(Jitter::Added));
    assert_eq!(
        waits(Backoff::new(), 5),
        waits(Backoff::new().jitter(Jitter::Added), 5)
    );
}

#[test]
#[cfg_attr(
    miri,
    ignore = "walks tens of thousands of growth steps: too slow under Miri"
)]
fn extreme_schedules_do_not_overflow() {
    for kind in KINDS {
        let b = Backoff::new()
            .jitter(kind)
            .wait_initial(Duration::MAX)
            .wait_max(Duration::MAX)
            .wait_jitter(Duration::MAX)
            .attempts(5);
        let w = waits(b, 1);
        assert_eq!(
            w.len(),
            0,
            "{kind:?}: a wait past the 45 s timeout gives up: {w:?}"
        );
        let _ = (b.longest_wait(u32::MAX), b.max_total_wait());
        let b = b.no_timeout();
        assert_eq!(waits(b, 1).len(), 4, "{kind:?}");
    }
}
