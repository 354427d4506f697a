//! The retry state machine under arbitrary schedules, clocks, decisions and random words.
//!
//! A schedule is built from a start (stamina's exponential defaults, or a list of four waits)
//! and up to 16 builder calls in any order; then `Retrying::failed` is fed up to 256 failures,
//! each with a clock increment, a decision and the word the RNG hands out. Every answer is
//! checked against the schedule's own getters (`longest_wait`, `wait`, `max_total_wait`,
//! `attempts_limit`, `timeout_limit`), and exponential schedules are run with tables of 0, 4
//! and 10 waits, which must answer alike. Fuzz builds keep debug assertions on, so an overflow
//! anywhere is a crash too.

#![no_main]

use core::time::Duration;

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use stamina::{Backoff, Decision, Jitter, Retrying, Rng, Step};

/// The longest wait the state machine hands out (`i64::MAX` µs); longer ones are cut to it.
const MAX_WAIT: u64 = i64::MAX as u64;

/// Failures fed to one loop, at most.
const MAX_STEPS: usize = 256;

/// Builder calls, at most.
const MAX_OPS: usize = 16;

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Time {
    Micros(u64),
    Nanos(u64),
    Max,
}

impl Time {
    fn duration(self) -> Duration {
        match self {
            Time::Micros(us) => Duration::from_micros(us),
            Time::Nanos(ns) => Duration::from_nanos(ns),
            Time::Max => Duration::MAX,
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Added,
    Full,
    Equal,
    Decorrelated,
}

impl Kind {
    fn jitter(self) -> Jitter {
        match self {
            Kind::Added => Jitter::Added,
            Kind::Full => Jitter::Full,
            Kind::Equal => Jitter::Equal,
            Kind::Decorrelated => Jitter::Decorrelated,
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Op {
    Attempts(u32),
    UnlimitedAttempts,
    Timeout(Time),
    NoTimeout,
    WaitInitial(Time),
    WaitExpBase(u32),
    WaitExpBaseRatio(u32, u32),
    WaitMax(Time),
    WaitJitter(Time),
    Jitter(Kind),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Start {
    Exponential,
    FromWaits([Time; 4]),
}

#[derive(Arbitrary, Debug, Clone, Copy)]
enum Verdict {
    GiveUp,
    Retry,
    /// An override of this many microseconds.
    RetryAfter(u64),
    /// An override of `Duration::MAX`.
    RetryAfterMax,
}

impl Verdict {
    fn decision(self) -> Decision {
        match self {
            Verdict::GiveUp => Decision::GiveUp,
            Verdict::Retry => Decision::Retry,
            Verdict::RetryAfter(us) => Decision::RetryAfter(Duration::from_micros(us)),
            Verdict::RetryAfterMax => Decision::RetryAfter(Duration::MAX),
        }
    }
}

#[derive(Arbitrary, Debug, Clone, Copy)]
struct Failure {
    /// Added (saturating) to the clock before this failure is reported.
    advance: u64,
    verdict: Verdict,
    /// What the RNG answers if it is drawn for this failure.
    random: u32,
}

#[derive(Arbitrary, Debug)]
struct Input {
    start: Start,
    ops: Vec<Op>,
    failures: Vec<Failure>,
}

/// What the fuzz target knows of a schedule that the library has no getter for.
#[derive(Debug, Clone, Copy)]
struct Known {
    kind: Kind,
    /// Whether `wait_jitter` is below one microsecond (no jitter for `Jitter::Added`).
    no_jitter: bool,
}

/// An RNG that hands out one scripted word and counts how often it is asked.
struct Scripted {
    word: u32,
    draws: u32,
}

impl Rng for Scripted {
    fn next_u32(&mut self) -> u32 {
        self.draws += 1;
        self.word
    }
}

fn us(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

fn build<const N: usize>(start: Backoff<N>, ops: &[Op]) -> (Backoff<N>, Known) {
    let mut b = start;
    let mut known = Known {
        kind: Kind::Added,
        no_jitter: false,
    };
    for op in ops {
        b = match *op {
            Op::Attempts(n) => b.attempts(n),
            Op::UnlimitedAttempts => b.unlimited_attempts(),
            Op::Timeout(t) => b.timeout(t.duration()),
            Op::NoTimeout => b.no_timeout(),
            Op::WaitInitial(t) => b.wait_initial(t.duration()),
            Op::WaitExpBase(base) => b.wait_exp_base(base),
            Op::WaitExpBaseRatio(num, den) => b.wait_exp_base_ratio(num, den),
            Op::WaitMax(t) => b.wait_max(t.duration()),
            Op::WaitJitter(t) => {
                known.no_jitter = us(t.duration()) == 0;
                b.wait_jitter(t.duration())
            }
            Op::Jitter(kind) => {
                known.kind = kind;
                b.jitter(kind.jitter())
            }
        };
    }
    (b, known)
}

/// The wait a `Decision::Retry` must get after failed try `n` when the drawn word is 0 (or
/// nothing is drawn): every jitter kind's formula with `U(..) = 0`.
fn exact_wait<const N: usize>(b: &Backoff<N>, known: Known, n: u32) -> u64 {
    let base = us(b.wait(n));
    let wait = match known.kind {
        Kind::Added => base,
        Kind::Full => 0,
        Kind::Equal => base - base / 2,
        Kind::Decorrelated => us(b.wait(1)),
    };
    wait.min(MAX_WAIT)
}

/// Runs the loop on `b`, checking every answer; returns the answers.
fn drive<const N: usize>(b: Backoff<N>, known: Known, failures: &[Failure]) -> Vec<Step> {
    let attempts = b.attempts_limit();
    if let Some(k) = attempts {
        assert!(k >= 1, "attempts_limit {k}: 0 must mean one try");
    }
    let timeout = b.timeout_limit().map(us);
    let max_total = b.max_total_wait();

    let mut r = Retrying::new(b);
    assert_eq!(r.attempt().num(), 1);
    assert_eq!(r.attempt().next_wait(), b.wait(1));

    let mut steps = Vec::with_capacity(failures.len());
    let mut now = 0u64;
    let mut first_failure = None;
    let mut sum = 0u64;
    let mut retries = 0u32;
    // Whether the caller slept at least each wait and never overrode one: then the waits add up
    // to at most `max_total_wait`.
    let mut realistic = true;
    let mut last_wait = 0u64;

    for (i, f) in failures.iter().enumerate() {
        let n = u32::try_from(i).unwrap() + 1; // failed tries, this one included
        let before = now;
        now = now.saturating_add(f.advance);
        // A clock stuck at `u64::MAX` did not advance by the wait either.
        if i > 0 && now - before < last_wait {
            realistic = false;
        }
        let first = *first_failure.get_or_insert(now);
        let elapsed = now - first;
        let exhausted = attempts.is_some_and(|k| n >= k);
        let past_deadline = timeout.is_some_and(|t| elapsed >= t);
        let remaining = timeout.map_or(u64::MAX, |t| t.saturating_sub(elapsed));

        let mut rng = Scripted {
            word: f.random,
            draws: 0,
        };
        let step = r.failed(now, f.verdict.decision(), &mut rng);
        steps.push(step);
        assert!(rng.draws <= 1, "the RNG was drawn {} times", rng.draws);

        match step {
            Step::GiveUp => {
                match f.verdict {
                    Verdict::GiveUp => {}
                    _ if exhausted || past_deadline => {}
                    Verdict::RetryAfter(_) | Verdict::RetryAfterMax => {
                        // Only an override that would end past the deadline gives up here.
                        let asked = match f.verdict {
                            Verdict::RetryAfter(d) => d,
                            _ => u64::MAX,
                        };
                        assert!(
                            asked.min(MAX_WAIT) > remaining,
                            "gave up on an override of {asked} us that fits in {remaining} us"
                        );
                    }
                    Verdict::Retry => {
                        // Only a wait that would end past the deadline gives up here.
                        assert!(
                            Duration::from_micros(remaining) < b.longest_wait(n),
                            "gave up at try {n} with {remaining} us left, longest_wait {:?}",
                            b.longest_wait(n)
                        );
                        if f.random == 0 || (known.kind == Kind::Added && known.no_jitter) {
                            let exact = exact_wait(&b, known, n);
                            assert!(
                                exact > remaining,
                                "gave up on a wait of {exact} us that fits in {remaining} us"
                            );
                        }
                    }
                }
                assert_eq!(r.retries(), retries);
                assert_eq!(r.waited(), Duration::from_micros(sum));
                break;
            }
            Step::RetryAfter(wait) => {
                assert!(
                    !matches!(f.verdict, Verdict::GiveUp),
                    "retried on Decision::GiveUp"
                );
                assert!(!exhausted, "try {n} of {attempts:?} retried");
                assert!(
                    !past_deadline,
                    "retried {elapsed} us after the first failure, timeout {timeout:?}"
                );
                // Never sleeps past the deadline: elapsed + wait <= timeout.
                assert!(
                    wait <= remaining,
                    "wait {wait} us at {elapsed} us ends past the timeout {timeout:?}"
                );
                assert!(wait <= MAX_WAIT);
                match f.verdict {
                    Verdict::Retry => {
                        let max = b.longest_wait(n);
                        assert!(
                            Duration::from_micros(wait) <= max,
                            "wait {wait} us after try {n} above longest_wait {max:?}"
                        );
                        let base = us(b.wait(n));
                        let floor = match known.kind {
                            Kind::Added => base,
                            Kind::Full => 0,
                            Kind::Equal => base - base / 2,
                            Kind::Decorrelated => us(b.wait(1)),
                        };
                        assert!(
                            wait >= floor.min(MAX_WAIT),
                            "wait {wait} us after try {n} below {floor} us ({:?})",
                            known.kind
                        );
                        if f.random == 0 || (known.kind == Kind::Added && known.no_jitter) {
                            assert_eq!(wait, exact_wait(&b, known, n), "try {n}, word 0");
                        }
                        if known.kind == Kind::Added && known.no_jitter {
                            assert_eq!(rng.draws, 0, "drew without jitter");
                        }
                    }
                    Verdict::RetryAfter(_) | Verdict::RetryAfterMax => {
                        let asked = match f.verdict {
                            Verdict::RetryAfter(d) => d,
                            _ => u64::MAX,
                        };
                        // Used as asked (cut to the longest wait), never cut to the deadline.
                        assert_eq!(wait, asked.min(MAX_WAIT), "override {asked} us");
                        assert_eq!(rng.draws, 0, "drew for an override");
                        realistic = false;
                    }
                    Verdict::GiveUp => unreachable!(),
                }
                sum = sum.saturating_add(wait);
                retries += 1;
                last_wait = wait;
                assert_eq!(r.retries(), retries);
                assert_eq!(r.waited(), Duration::from_micros(sum));
                assert_eq!(r.attempt().num(), n + 1);
                if known.kind != Kind::Decorrelated {
                    assert_eq!(r.attempt().next_wait(), b.wait(n + 1));
                }
                if realistic {
                    assert!(
                        r.waited() <= max_total,
                        "waited {:?} above max_total_wait {max_total:?}",
                        r.waited()
                    );
                }
            }
        }
    }
    steps
}

fuzz_target!(|input: Input| {
    let ops = &input.ops[..input.ops.len().min(MAX_OPS)];
    let failures = &input.failures[..input.failures.len().min(MAX_STEPS)];
    match input.start {
        Start::FromWaits(times) => {
            let (b, known) = build(Backoff::<4>::from_waits(times.map(Time::duration)), ops);
            drive(b, known, failures);
        }
        Start::Exponential => {
            // The table's length trades memory for arithmetic, never behaviour.
            let (b0, known) = build(Backoff::<0>::exponential(), ops);
            let (b4, _) = build(Backoff::<4>::exponential(), ops);
            let (b10, _) = build(Backoff::<10>::exponential(), ops);
            for n in 1..=12 {
                // An exponential schedule never shrinks.
                assert!(b0.wait(n) <= b0.wait(n + 1), "wait({n}) > wait({})", n + 1);
            }
            for n in 0..=12 {
                assert_eq!(b0.wait(n), b4.wait(n), "wait({n}), N = 0 and 4");
                assert_eq!(b0.wait(n), b10.wait(n), "wait({n}), N = 0 and 10");
                assert_eq!(b0.longest_wait(n), b4.longest_wait(n), "longest_wait({n})");
                assert_eq!(b0.longest_wait(n), b10.longest_wait(n), "longest_wait({n})");
            }
            assert_eq!(b0.max_total_wait(), b4.max_total_wait());
            assert_eq!(b0.max_total_wait(), b10.max_total_wait());
            let s0 = drive(b0, known, failures);
            let s4 = drive(b4, known, failures);
            let s10 = drive(b10, known, failures);
            assert_eq!(s0, s4, "N = 0 and 4 answer differently");
            assert_eq!(s0, s10, "N = 0 and 10 answer differently");
        }
    }
});
