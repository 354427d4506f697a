//! Randomised checks of the state machine's invariants over the whole configuration space,
//! extreme values included: no panic or overflow (this runs in debug builds), waits within
//! bounds, jitter-free waits that never shrink, no more tries than `attempts`, no sleep past the
//! deadline, and the same seed giving the same schedule. Deterministic: a fixed seed drives it.

#![cfg(feature = "std")]

use core::time::Duration;

use stamina::{Backoff, Decision, FastRng, Retrying, Rng, Step};

/// Picks among values that matter (zero, one, the usual, the extremes) and random ones.
struct Pick(FastRng);

impl Pick {
    fn below(&mut self, n: u64) -> u64 {
        self.0.next_u64() % n
    }

    fn duration(&mut self) -> Duration {
        match self.below(9) {
            0 => Duration::ZERO,
            1 => Duration::from_micros(1),
            2 => Duration::from_millis(100),
            3 => Duration::from_secs(5),
            4 => Duration::from_secs(3600),
            5 => Duration::MAX,
            6 => Duration::from_micros(u64::MAX),
            _ => Duration::from_micros(self.below(60_000_000)),
        }
    }

    fn attempts(&mut self) -> u32 {
        match self.below(7) {
            0 => 0,
            1 => 1,
            2 => 2,
            3 => 10,
            4 => u32::MAX,
            _ => u32::try_from(self.below(300)).unwrap(),
        }
    }

    fn factor(&mut self) -> (u32, u32) {
        match self.below(6) {
            0 => (0, 0),
            1 => (u32::MAX, 1),
            2 => (3, 2),
            3 => (1, 3),
            _ => (self.0.next_u32(), self.0.next_u32()),
        }
    }

    fn schedule(&mut self) -> Backoff<4> {
        let mut b = if self.below(3) == 0 {
            Backoff::from_waits([
                self.duration(),
                self.duration(),
                self.duration(),
                self.duration(),
            ])
        } else {
            Backoff::<4>::exponential().wait_initial(self.duration())
        };
        if self.below(4) == 0 {
            b = b.unlimited_attempts();
        } else {
            b = b.attempts(self.attempts());
        }
        let (num, den) = self.factor();
        b.timeout(self.duration())
            .wait_max(self.duration())
            .wait_jitter(self.duration())
            .wait_exp_base_ratio(num, den)
    }

    fn decision(&mut self) -> Decision {
        match self.below(20) {
            0 => Decision::GiveUp,
            1 | 2 => Decision::RetryAfter(self.duration()),
            _ => Decision::Retry,
        }
    }
}

/// Runs one loop to its end (or 300 failures), checking every step; returns the waits.
fn run(schedule: Backoff<4>, pick: &mut Pick, jitter_seed: u64, monotonic: bool) -> Vec<u64> {
    let mut rng = FastRng::new(jitter_seed);
    let mut retrying = Retrying::new(schedule);
    let timeout_us = schedule.timeout_limit().map(micros);
    let (mut now, mut first_failure) = (pick.0.next_u64(), None);
    let mut last_base = Duration::ZERO;
    let mut waits = Vec::new();
    for failure in 1..=300u32 {
        let base = retrying.attempt().next_wait();
        assert!(
            base >= last_base || schedule_is_list(&schedule),
            "the jitter-free wait shrank"
        );
        last_base = base;
        let decision = pick.decision();
        let first = *first_failure.get_or_insert(now);
        match retrying.failed(now, decision, &mut rng) {
            Step::GiveUp => break,
            Step::RetryAfter(wait) => {
                if let Some(limit) = schedule.attempts_limit() {
                    assert!(failure < limit, "try {} of {limit}", failure + 1);
                }
                match decision {
                    Decision::RetryAfter(over) => assert!(wait <= micros(over)),
                    _ => assert!(
                        wait <= micros(schedule.longest_wait(failure)),
                        "{wait} > bound"
                    ),
                }
                if let (Some(timeout), true) = (timeout_us, monotonic) {
                    let wakes = now.saturating_add(wait);
                    assert!(
                        wakes.saturating_sub(first) <= timeout,
                        "slept past the deadline"
                    );
                }
                waits.push(wait);
                now = now.saturating_add(wait);
            }
        }
        now = if monotonic {
            now.saturating_add(pick.below(2_000_000))
        } else {
            pick.0.next_u64() // any reading at all, backwards included
        };
    }
    waits
}

fn micros(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

/// A list's waits follow the list, which may go down; an exponential's never do.
fn schedule_is_list(b: &Backoff<4>) -> bool {
    // An exponential schedule's first four waits never decrease; probe for a list by asking.
    (1..4).any(|n| b.wait(n + 1) < b.wait(n))
}

#[test]
fn invariants_hold_over_random_configurations() {
    let mut pick = Pick(FastRng::new(0x5EED_0001));
    // Miri checks every access: fewer cases there.
    for case in 0..if cfg!(miri) { 200 } else { 3_000 } {
        let schedule = pick.schedule();
        let seed = pick.0.next_u64();
        let monotonic = case % 4 != 0;
        let mut replay = Pick(FastRng::new(seed));
        let mut again = Pick(FastRng::new(seed));
        let one = run(schedule, &mut replay, seed, monotonic);
        let two = run(schedule, &mut again, seed, monotonic);
        assert_eq!(
            one, two,
            "case {case}: the same seeds gave different schedules"
        );
    }
}

#[test]
fn pure_queries_stay_cheap_and_total_at_extremes() {
    let mut pick = Pick(FastRng::new(0x5EED_0002));
    for _ in 0..500 {
        let b = pick.schedule();
        // Every query is defined, saturating, and cheap enough to run in a loop like this.
        let _ = (
            b.wait(u32::MAX),
            b.longest_wait(u32::MAX),
            b.max_total_wait(),
        );
        assert!(b.longest_wait(1) >= b.wait(1));
    }
}
