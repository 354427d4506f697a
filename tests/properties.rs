//! Property tests (see below).

// Thousands of generated cases, some walking the growth to `u32::MAX` tries: far too slow under
// Miri, which runs `tests/invariants.rs` (a fixed sample of the same space) instead.
#![cfg(not(miri))]

mod common;

// Property tests (proptest) of the schedule and of the `Retrying` state machine over the whole
// configuration space: every builder call in any order and with any value (zero, sub-microsecond,
// powers of two, `u64::MAX` µs, `Duration::MAX`, arbitrary), all four jitter kinds, lists and
// exponentials, an RNG that returns anything (all zeros, all ones), a clock that stands still,
// jumps, saturates or goes backwards, and any sequence of decisions.
//
// `tests/invariants.rs` walks a fixed random sample; this file states each guarantee as its own
// property, checks several of them exactly against a model of the builder (what `attempts`,
// `timeout`, `wait_max` and `wait_jitter` were last set to), and shrinks a failure to a minimal
// input. It runs in debug builds too, where an arithmetic overflow panics.
//
// Deterministic by default (a fixed seed, 256 cases a property); `PROPTEST_RNG_SEED=<u64>` and
// `PROPTEST_CASES=<n>` explore further. A failure is not saved to a file: its minimal input is
// in the panic message.

use core::time::Duration;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::RngSeed;
use stamina::{Backoff, Decision, Jitter, Retrying, Rng, Step};

/// Failures reported per loop, at most.
const MAX_STEPS: usize = 200;
/// The longest wait the state machine hands out: `i64::MAX` µs.
const MAX_WAIT: u64 = u64::MAX >> 1;
/// `n` for `wait(n)` and `longest_wait(n)` at the edges.
const PROBES: [u32; 6] = [0, 1, 2, 10, 1000, u32::MAX];

// ---- the builder, as data ----

/// One builder call.
#[derive(Clone, Copy, Debug)]
enum Op {
    Attempts(u32),
    Unlimited,
    Timeout(Duration),
    NoTimeout,
    Initial(Duration),
    Max(Duration),
    JitterUpTo(Duration),
    ExpBase(u32),
    Ratio(u32, u32),
    Kind(Jitter),
}

/// A schedule: `Backoff::<4>::from_waits(list)` or `Backoff::exponential()`, then
/// `.jitter(kind)` (so that each kind comes up often), then the calls in `ops`, in order.
#[derive(Clone, Debug)]
struct Config {
    list: Option<[Duration; 4]>,
    kind: Jitter,
    ops: Vec<Op>,
}

impl Config {
    fn backoff(&self) -> Backoff<4> {
        let start = match self.list {
            Some(waits) => Backoff::from_waits(waits),
            None => Backoff::exponential(),
        };
        apply(start.jitter(self.kind), &self.ops)
    }

    /// The same calls on an exponential schedule with a table of `N` waits (`list` ignored).
    fn exponential<const N: usize>(&self) -> Backoff<N> {
        apply(Backoff::<N>::exponential().jitter(self.kind), &self.ops)
    }

    fn with(&self, op: Op) -> Self {
        let mut more = self.clone();
        more.ops.push(op);
        more
    }

    /// Whether the waits follow a list (which may go down); `wait_initial` replaces a list.
    fn is_list(&self) -> bool {
        self.list.is_some() && !self.ops.iter().any(|op| matches!(op, Op::Initial(_)))
    }

    fn last<T>(&self, pick: impl Fn(&Op) -> Option<T>) -> Option<T> {
        self.ops.iter().rev().find_map(pick)
    }

    fn kind(&self) -> Jitter {
        self.last(|op| match op {
            Op::Kind(kind) => Some(*kind),
            _ => None,
        })
        .unwrap_or(self.kind)
    }

    /// `wait_jitter` in µs (1 s by default).
    fn jitter_us(&self) -> u64 {
        self.last(|op| match op {
            Op::JitterUpTo(d) => Some(us(*d)),
            _ => None,
        })
        .unwrap_or(1_000_000)
    }

    /// `wait_max` in µs: 5 s by default, none for a list.
    fn max_us(&self) -> u64 {
        self.last(|op| match op {
            Op::Max(d) => Some(us(*d)),
            _ => None,
        })
        .unwrap_or(if self.list.is_some() {
            u64::MAX
        } else {
            5_000_000
        })
    }

    /// What `attempts_limit()` must say: `0` and `1` are one try, 10 by default.
    fn attempts_limit(&self) -> Option<u32> {
        self.last(|op| match op {
            Op::Attempts(n) => Some(Some((*n).max(1))),
            Op::Unlimited => Some(None),
            _ => None,
        })
        .unwrap_or(Some(10))
    }

    /// What `timeout_limit()` must say, in µs: 45 s by default; `u64::MAX` µs and more is none.
    fn timeout_us(&self) -> Option<u64> {
        self.last(|op| match op {
            Op::Timeout(d) => Some(Some(us(*d)).filter(|&t| t != u64::MAX)),
            Op::NoTimeout => Some(None),
            _ => None,
        })
        .unwrap_or(Some(45_000_000))
    }

    /// The growth factor in 1024ths, as documented: `num / den` rounded down, `den == 0` read
    /// as 1, between 1 and `u32::MAX / 1024`; 2 by default, 1 for a list.
    fn factor_1024(&self) -> u64 {
        self.last(|op| match op {
            Op::ExpBase(n) => Some(factor_1024(*n, 1)),
            Op::Ratio(num, den) => Some(factor_1024(*num, *den)),
            _ => None,
        })
        .unwrap_or(if self.list.is_some() { 1024 } else { 2048 })
    }

    /// The jitter-free waits after failures 1, 2, ..., `n`, computed here in 128 bits: the
    /// list or `min(wait_initial, wait_max)` (100 ms by default), then each the previous one
    /// grown by the factor, rounded down and capped at `wait_max`.
    fn model_waits(&self, n: usize) -> Vec<u64> {
        let (max, factor) = (self.max_us(), self.factor_1024());
        let grow = |w: u64| -> u64 {
            let grown = (u128::from(w) * u128::from(factor)) >> 10;
            u64::try_from(grown).unwrap_or(u64::MAX).min(max)
        };
        let mut waits: Vec<u64> = match (self.is_list(), self.list) {
            (true, Some(list)) => list.iter().map(|d| us(*d).min(max)).collect(),
            _ => {
                let initial = self.last(|op| match op {
                    Op::Initial(d) => Some(us(*d)),
                    _ => None,
                });
                vec![initial.unwrap_or(100_000).min(max)]
            }
        };
        if self.is_list() {
            // Past the list: its last entry, grown.
            waits.push(grow(waits[3]));
        }
        while waits.len() < n {
            let last = waits[waits.len() - 1];
            waits.push(grow(last));
        }
        waits.truncate(n);
        waits
    }
}

/// `num / den` in 1024ths, as the builder documents it.
fn factor_1024(num: u32, den: u32) -> u64 {
    let den = u64::from(den.max(1));
    let exact = (u64::from(num) << 10) / den;
    exact.clamp(1024, u64::from(u32::MAX))
}

fn apply<const N: usize>(mut b: Backoff<N>, ops: &[Op]) -> Backoff<N> {
    for op in ops {
        b = match *op {
            Op::Attempts(n) => b.attempts(n),
            Op::Unlimited => b.unlimited_attempts(),
            Op::Timeout(d) => b.timeout(d),
            Op::NoTimeout => b.no_timeout(),
            Op::Initial(d) => b.wait_initial(d),
            Op::Max(d) => b.wait_max(d),
            Op::JitterUpTo(d) => b.wait_jitter(d),
            Op::ExpBase(n) => b.wait_exp_base(n),
            Op::Ratio(num, den) => b.wait_exp_base_ratio(num, den),
            Op::Kind(kind) => b.jitter(kind),
        };
    }
    b
}

/// Whole microseconds in `d`, rounded down and saturated, as the library counts them.
fn us(d: Duration) -> u64 {
    u64::try_from(d.as_micros()).unwrap_or(u64::MAX)
}

// ---- the world around a loop ----

/// An RNG that returns a script, over and over; `.1` counts the draws.
#[derive(Clone, Debug)]
struct Scripted(Vec<u32>, usize);

impl Rng for Scripted {
    fn next_u32(&mut self) -> u32 {
        let x = match self.0.len() {
            0 => 0,
            len => self.0[self.1 % len],
        };
        self.1 += 1;
        x
    }
}

/// How the clock reads at the next failure.
#[derive(Clone, Copy, Debug)]
enum Clock {
    /// The loop slept the wait, then the try took `tick` µs (saturating at `u64::MAX`).
    Sleeps,
    /// The try took `tick` µs, and the wait did not show on the clock (a frozen clock, or a
    /// super-loop that tried again early).
    Free,
    /// `tick` is the reading itself: any value, backwards included.
    Readings,
}

/// Everything a loop sees besides its schedule; each list is cycled through.
#[derive(Clone, Debug)]
struct Inputs {
    decisions: Vec<Decision>,
    start: u64,
    ticks: Vec<u64>,
    clock: Clock,
    rng: Vec<u32>,
}

/// One failure reported to the state machine, and its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Record {
    /// The failure's number: 1 for the first.
    failure: u32,
    now: u64,
    decision: Decision,
    step: Step,
    /// RNG draws during the call.
    draws: usize,
    /// `attempt().next_wait()` before the call.
    next_wait: Duration,
}

/// A loop in progress, driven by [`Inputs`]: checks what holds at every step.
#[derive(Clone, Debug)]
struct Run<const N: usize> {
    retrying: Retrying<N>,
    rng: Scripted,
    now: u64,
    failures: u32,
    retries: u32,
    /// The waits' total, saturating as `waited()` does.
    waited: u64,
    /// Their exact total.
    waited_exact: u128,
    /// Whether the clock hit `u64::MAX` (it then stands still).
    saturated: bool,
    over: bool,
}

impl<const N: usize> Run<N> {
    fn new(b: Backoff<N>, inputs: &Inputs) -> Self {
        Self {
            retrying: Retrying::new(b),
            rng: Scripted(inputs.rng.clone(), 0),
            now: inputs.start,
            failures: 0,
            retries: 0,
            waited: 0,
            waited_exact: 0,
            saturated: false,
            over: false,
        }
    }

    /// The next failure, or `None` once the loop gave up or made [`MAX_STEPS`] failures.
    fn step(&mut self, inputs: &Inputs) -> Option<Record> {
        let k = usize::try_from(self.failures).unwrap();
        if self.over || k >= MAX_STEPS {
            return None;
        }
        let failure = self.failures + 1;
        let attempt = self.retrying.attempt();
        assert_eq!(attempt.num(), failure, "attempt().num()");
        let decision = inputs.decisions[k % inputs.decisions.len()];
        let drawn = self.rng.1;
        let step = self.retrying.failed(self.now, decision, &mut self.rng);
        let record = Record {
            failure,
            now: self.now,
            decision,
            step,
            draws: self.rng.1 - drawn,
            next_wait: attempt.next_wait(),
        };
        self.failures = failure;
        match step {
            Step::GiveUp => self.over = true,
            Step::RetryAfter(wait) => {
                self.retries += 1;
                self.waited = self.waited.saturating_add(wait);
                self.waited_exact += u128::from(wait);
                let tick = inputs.ticks[k % inputs.ticks.len()];
                let (now, saturated) = match inputs.clock {
                    Clock::Sleeps => match self.now.checked_add(wait) {
                        Some(woke) => match woke.checked_add(tick) {
                            Some(now) => (now, false),
                            None => (u64::MAX, true),
                        },
                        None => (u64::MAX, true),
                    },
                    Clock::Free => match self.now.checked_add(tick) {
                        Some(now) => (now, false),
                        None => (u64::MAX, true),
                    },
                    Clock::Readings => (tick, false),
                };
                self.now = now;
                self.saturated |= saturated;
            }
        }
        assert_eq!(self.retrying.retries(), self.retries, "retries()");
        assert_eq!(
            self.retrying.waited(),
            Duration::from_micros(self.waited),
            "waited() is the saturating sum of the waits"
        );
        Some(record)
    }

    /// Runs to the end: the loop's records, and the run.
    fn finish(mut self, inputs: &Inputs) -> (Vec<Record>, Self) {
        let mut records = Vec::new();
        while let Some(record) = self.step(inputs) {
            records.push(record);
        }
        (records, self)
    }
}

fn drive<const N: usize>(b: Backoff<N>, inputs: &Inputs) -> (Vec<Record>, Run<N>) {
    Run::new(b, inputs).finish(inputs)
}

// ---- strategies ----

/// Any `Duration`, with the edges often.
fn duration() -> impl Strategy<Value = Duration> {
    prop_oneof![
        2 => Just(Duration::ZERO),
        1 => (1u64..1_000).prop_map(Duration::from_nanos), // below a microsecond
        4 => (0u64..=10_000_000).prop_map(Duration::from_micros),
        2 => (0u32..64).prop_map(|k| Duration::from_micros(1 << k)),
        1 => (0u32..64).prop_map(|k| Duration::from_secs(1 << k)), // up to far past u64 µs
        1 => Just(Duration::from_micros(MAX_WAIT)),
        1 => Just(Duration::from_micros(MAX_WAIT + 1)),
        1 => Just(Duration::from_micros(u64::MAX - 1)),
        1 => Just(Duration::from_micros(u64::MAX)),
        1 => Just(Duration::MAX),
        // Any number of microseconds, every magnitude alike.
        2 => (0u32..64, any::<u64>()).prop_map(|(k, x)| Duration::from_micros(x >> k)),
        // Almost always past `u64::MAX` µs.
        1 => (any::<u64>(), 0u32..1_000_000_000).prop_map(|(s, n)| Duration::new(s, n)),
    ]
}

/// Tries: small ones most often, so that loops end, and the whole `u32` range.
fn attempts() -> impl Strategy<Value = u32> {
    prop_oneof![
        6 => 0u32..=12,
        2 => 0u32..=300,
        1 => any::<u32>(),
        1 => Just(u32::MAX),
    ]
}

/// `(num, den)` growth factors: below 1, 1, the usual, the smallest above 1, the largest.
fn factor() -> impl Strategy<Value = (u32, u32)> {
    prop_oneof![
        Just((1, 1)),
        Just((0, 0)),
        Just((2, 1)),
        Just((3, 2)),
        Just((1025, 1024)),
        Just((1, u32::MAX)),
        Just((u32::MAX, u32::MAX)),
        Just((4_194_303, 1)),
        Just((4_194_304, 1)),
        Just((u32::MAX, 1)),
        (0u32..8, 0u32..4),
        (any::<u32>(), any::<u32>()),
    ]
}

fn jitter_kind() -> impl Strategy<Value = Jitter> {
    prop_oneof![
        Just(Jitter::Added),
        Just(Jitter::Full),
        Just(Jitter::Equal),
        Just(Jitter::Decorrelated),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => attempts().prop_map(Op::Attempts),
        1 => Just(Op::Unlimited),
        3 => duration().prop_map(Op::Timeout),
        1 => Just(Op::NoTimeout),
        3 => duration().prop_map(Op::Initial),
        3 => duration().prop_map(Op::Max),
        3 => duration().prop_map(Op::JitterUpTo),
        1 => prop_oneof![0u32..5, any::<u32>()].prop_map(Op::ExpBase),
        2 => factor().prop_map(|(num, den)| Op::Ratio(num, den)),
        1 => jitter_kind().prop_map(Op::Kind),
    ]
}

fn config() -> impl Strategy<Value = Config> {
    (
        prop::option::weighted(0.3, prop::array::uniform4(duration())),
        jitter_kind(),
        vec(op(), 0..10),
    )
        .prop_map(|(list, kind, ops)| Config { list, kind, ops })
}

fn decision() -> impl Strategy<Value = Decision> {
    prop_oneof![
        8 => Just(Decision::Retry),
        1 => Just(Decision::GiveUp),
        3 => duration().prop_map(Decision::RetryAfter),
    ]
}

fn decisions() -> impl Strategy<Value = Vec<Decision>> {
    prop_oneof![
        2 => vec(decision(), 1..40),
        // No GiveUp: loops that run to their limits.
        1 => vec(
            prop_oneof![
                3 => Just(Decision::Retry),
                1 => duration().prop_map(Decision::RetryAfter),
            ],
            1..40,
        ),
        1 => Just(vec![Decision::Retry]),
    ]
}

fn inputs() -> impl Strategy<Value = Inputs> {
    let start = prop_oneof![
        Just(0u64),
        0u64..1 << 40,
        any::<u64>(),
        Just(u64::MAX),
        u64::MAX - 1_000_000..=u64::MAX,
    ];
    let tick = prop_oneof![
        3 => Just(0u64), // the clock stands still
        3 => 0u64..1_000,
        2 => 0u64..10_000_000,
        1 => any::<u64>(),
        1 => Just(u64::MAX),
    ];
    let clock = prop_oneof![
        3 => Just(Clock::Sleeps),
        1 => Just(Clock::Free),
        1 => Just(Clock::Readings),
    ];
    let rng = prop_oneof![
        2 => vec(any::<u32>(), 1..16),
        1 => Just(vec![0]),
        1 => Just(vec![u32::MAX]),
        1 => vec(prop_oneof![Just(0), Just(u32::MAX), any::<u32>()], 1..8),
    ];
    (decisions(), start, vec(tick, 1..40), clock, rng).prop_map(
        |(decisions, start, ticks, clock, rng)| Inputs {
            decisions,
            start,
            ticks,
            clock,
            rng,
        },
    )
}

/// 256 cases a property and a fixed seed, unless `PROPTEST_CASES` or `PROPTEST_RNG_SEED` say
/// otherwise; no regression files.
fn proptest_config() -> ProptestConfig {
    let from_env = ProptestConfig::default();
    ProptestConfig {
        cases: if std::env::var_os("PROPTEST_CASES").is_some() {
            from_env.cases
        } else {
            256
        },
        rng_seed: match from_env.rng_seed {
            RngSeed::Random => RngSeed::Fixed(0x5EED_0003),
            fixed => fixed,
        },
        failure_persistence: None,
        ..from_env
    }
}

/// The shortest wait a `Retry` step may schedule after failure `n`: with the jitter-free wait
/// `base`, `base` itself (added jitter), `base - base / 2` (equal), 0 (full), or the first
/// jitter-free wait (decorrelated); cut to [`MAX_WAIT`] like every wait.
fn shortest_us(b: &Backoff<4>, kind: Jitter, n: u32) -> u64 {
    let base = us(b.wait(n));
    let low = match kind {
        Jitter::Added => base,
        Jitter::Full => 0,
        Jitter::Equal => base - base / 2,
        Jitter::Decorrelated => us(b.wait(1)),
    };
    low.min(MAX_WAIT)
}

proptest! {
    #![proptest_config(proptest_config())]

    /// 1. Nothing panics or overflows (debug builds check every operation): the builder, the
    /// queries at the edges, and a loop driven by any clock, RNG and decisions. The driver
    /// checks `attempt().num()`, `retries()` and `waited()` at every step.
    #[test]
    fn no_panic_and_no_overflow_anywhere(config in config(), inputs in inputs()) {
        let b = config.backoff();
        prop_assert_eq!(b.attempts_limit(), config.attempts_limit());
        prop_assert_eq!(b.timeout_limit().map(us), config.timeout_us());
        for n in PROBES {
            let _ = (b.wait(n), b.longest_wait(n));
        }
        let _ = b.max_total_wait();
        let (records, run) = drive(b, &inputs);
        prop_assert!(!records.is_empty());
        let _ = (run.retrying.attempt(), run.retrying.retries(), run.retrying.waited());
    }

    /// 2. Every wait lies within its bounds: a `RetryAfter(d)` decision waits at most `d`; a
    /// `Retry` decision after failure `n` waits between the jitter kind's shortest wait and
    /// `longest_wait(n)`, which is itself at most `wait_max`. No wait exceeds `i64::MAX` µs.
    #[test]
    fn every_wait_lies_within_its_bounds(config in config(), inputs in inputs()) {
        let b = config.backoff();
        let (kind, max) = (config.kind(), config.max_us());
        for n in PROBES {
            prop_assert!(us(b.wait(n)) <= max, "wait({}) > wait_max", n);
            prop_assert!(us(b.longest_wait(n)) <= max, "longest_wait({}) > wait_max", n);
            if kind != Jitter::Decorrelated {
                prop_assert!(b.longest_wait(n) >= b.wait(n), "longest_wait({}) < wait({})", n, n);
            }
        }
        let (records, _) = drive(b, &inputs);
        for r in &records {
            let Step::RetryAfter(wait) = r.step else { continue };
            prop_assert!(wait <= MAX_WAIT, "{:?}", r);
            if let Decision::RetryAfter(d) = r.decision {
                prop_assert!(wait <= us(d), "{:?}", r);
            } else {
                prop_assert_eq!(r.decision, Decision::Retry, "retried: {:?}", r);
                let (low, high) = (shortest_us(&b, kind, r.failure), us(b.longest_wait(r.failure)));
                prop_assert!(low <= wait && wait <= high, "{:?}: outside [{}, {}]", r, low, high);
            }
        }
    }

    /// 2b. The RNG is drawn at most once a step: never for an override or a give-up decision,
    /// never for added jitter of zero, and exactly once for each jittered wait scheduled.
    #[test]
    fn the_rng_is_drawn_once_per_jittered_wait(config in config(), inputs in inputs()) {
        let b = config.backoff();
        let jittered = config.kind() != Jitter::Added || config.jitter_us() != 0;
        let (records, _) = drive(b, &inputs);
        for r in &records {
            prop_assert!(r.draws <= 1, "{:?}", r);
            if r.decision != Decision::Retry || !jittered {
                prop_assert_eq!(r.draws, 0, "{:?}", r);
            } else if let Step::RetryAfter(_) = r.step {
                prop_assert_eq!(r.draws, 1, "{:?}", r);
            }
        }
    }

    /// 3. The jitter-free wait never decreases on an exponential schedule (nor past the end of
    /// a list), whatever the factor and the cap, up to `wait(u32::MAX)`; `longest_wait` neither.
    /// The state machine follows it: `attempt().next_wait()` is `wait(n)` (bar decorrelated
    /// jitter, which grows from the last wait drawn), and with added jitter of zero every
    /// `Retry` step waits exactly `wait(n)`, so those waits never decrease, overrides or not.
    #[test]
    fn jitter_free_waits_never_decrease(
        config in config(),
        probe in any::<u32>(),
        inputs in inputs(),
    ) {
        let b = config.backoff();
        let from = if config.is_list() { 4 } else { 0 };
        for n in from..=300 {
            prop_assert!(b.wait(n) <= b.wait(n + 1), "wait({}) > wait({})", n, n + 1);
            prop_assert!(b.longest_wait(n) <= b.longest_wait(n + 1), "longest_wait({}) > longest_wait({})", n, n + 1);
        }
        if probe >= from {
            let (here, next) = (b.wait(probe), b.wait(probe.saturating_add(1)));
            prop_assert!(here <= next, "wait({}) > wait({})", probe, probe.saturating_add(1));
            prop_assert!(next <= b.wait(u32::MAX), "wait({}) > wait(u32::MAX)", probe);
        }
        prop_assert_eq!(b.wait(0), b.wait(1));

        if config.kind() != Jitter::Decorrelated {
            let (records, _) = drive(b, &inputs);
            for r in &records {
                prop_assert_eq!(r.next_wait, b.wait(r.failure), "{:?}", r);
            }
        }

        let flat = config.with(Op::Kind(Jitter::Added)).with(Op::JitterUpTo(Duration::ZERO));
        let b = flat.backoff();
        let (records, _) = drive(b, &inputs);
        // A list may go down up to its last entry (failure 4).
        let settled = if flat.is_list() { 4 } else { 1 };
        let mut previous = None;
        for r in &records {
            if let (Decision::Retry, Step::RetryAfter(wait)) = (r.decision, r.step) {
                prop_assert_eq!(wait, us(b.wait(r.failure)).min(MAX_WAIT), "{:?}", r);
                if let Some((failure, before)) = previous {
                    if failure >= settled {
                        prop_assert!(wait >= before, "{:?} after a wait of {}", r, before);
                    }
                }
                previous = Some((r.failure, wait));
            }
        }
    }

    /// 4. No more tries than `attempts` (`0` and `1` are one try; only `unlimited_attempts()`
    /// lifts the limit), and a `GiveUp` decision ends the loop at once. Without a timeout,
    /// exactly these two end it.
    #[test]
    fn tries_never_exceed_attempts(
        config in config(),
        no_timeout in any::<bool>(),
        inputs in inputs(),
    ) {
        let config = if no_timeout { config.with(Op::NoTimeout) } else { config };
        let b = config.backoff();
        let limit = config.attempts_limit();
        prop_assert_eq!(b.attempts_limit(), limit);
        let (records, run) = drive(b, &inputs);
        let tries = records.len();
        if let Some(limit) = limit {
            prop_assert!(
                tries <= usize::try_from(limit).unwrap(),
                "{} tries for attempts = {}", tries, limit
            );
        }
        for r in &records {
            let must_end = r.decision == Decision::GiveUp || limit.is_some_and(|a| r.failure >= a);
            if must_end {
                prop_assert_eq!(r.step, Step::GiveUp, "{:?}", r);
            } else if b.timeout_limit().is_none() {
                prop_assert_ne!(r.step, Step::GiveUp, "{:?}", r);
            }
        }
        prop_assert!(run.over || tries == MAX_STEPS);
        prop_assert_eq!(usize::try_from(run.retrying.retries()).unwrap(), tries - usize::from(run.over));
    }

    /// 5. The loop never sleeps past its deadline: every wait scheduled at `now` ends by
    /// `first_failure + timeout` (`now` before the first failure counts as no time), for both
    /// decisions; at or past the deadline it gives up; and an override is honoured exactly,
    /// cut to `i64::MAX` µs, or gives up at once when it ends after the deadline.
    #[test]
    fn never_sleeps_past_the_deadline(
        config in config(),
        timeout in duration(),
        inputs in inputs(),
    ) {
        let config = config.with(Op::Timeout(timeout));
        let b = config.backoff();
        let deadline = config.timeout_us();
        prop_assert_eq!(b.timeout_limit().map(us), deadline);
        let (records, _) = drive(b, &inputs);
        let first = records[0].now;
        let limit = config.attempts_limit();
        for r in &records {
            let elapsed = r.now.saturating_sub(first);
            if let (Some(t), Step::RetryAfter(wait)) = (deadline, r.step) {
                let ends = u128::from(elapsed) + u128::from(wait);
                prop_assert!(ends <= u128::from(t), "{:?}: ends {} µs in, timeout {} µs", r, ends, t);
                prop_assert!(ends * 1_000 <= timeout.as_nanos(), "{:?}: past {:?}", r, timeout);
            }
            let exhausted = limit.is_some_and(|a| r.failure >= a);
            let late = deadline.is_some_and(|t| elapsed >= t);
            if late && r.decision != Decision::GiveUp {
                prop_assert_eq!(r.step, Step::GiveUp, "{:?}: at or past the deadline", r);
            }
            if let Decision::RetryAfter(d) = r.decision {
                let wait = us(d).min(MAX_WAIT);
                let left = deadline.map_or(u64::MAX, |t| t.saturating_sub(elapsed));
                let expected = if exhausted || late || wait > left {
                    Step::GiveUp
                } else {
                    Step::RetryAfter(wait)
                };
                prop_assert_eq!(r.step, expected, "{:?}", r);
            }
        }
    }

    /// 5b. The deadline is exact to the microsecond. Run a loop without a timeout, pick one of
    /// its waits `w`, scheduled `e` µs after the first failure, and run it again with a
    /// timeout of `e + w + delta` (one every earlier wait fits in): the steps before are the
    /// same; with `delta >= 0` that wait is granted as it was; with `delta == -1` it gives up,
    /// scheduled or override. At the deadline itself (`e == timeout`)
    /// the loop gives up, even for a wait of zero.
    #[test]
    fn the_deadline_is_exact_to_the_microsecond(
        config in config(),
        inputs in inputs(),
        pick in any::<prop::sample::Index>(),
        delta in -1i8..=1,
    ) {
        let (records, _) = drive(config.with(Op::NoTimeout).backoff(), &inputs);
        let first = records[0].now;
        let elapsed = |r: &Record| r.now.saturating_sub(first);
        let candidates: Vec<(usize, u64)> = records
            .iter()
            .enumerate()
            .filter_map(|(k, r)| {
                let Step::RetryAfter(wait) = r.step else { return None };
                let t = i128::from(elapsed(r)) + i128::from(wait) + i128::from(delta);
                let t = u64::try_from(t).ok().filter(|&t| t != u64::MAX)?;
                let fits = |p: &Record| match p.step {
                    Step::RetryAfter(w) => {
                        elapsed(p) < t && u128::from(elapsed(p)) + u128::from(w) <= u128::from(t)
                    }
                    Step::GiveUp => false,
                };
                records[..k].iter().all(fits).then_some((k, t))
            })
            .collect();
        if candidates.is_empty() {
            return Ok(());
        }
        let (k, t) = candidates[pick.index(candidates.len())];
        let timed = config.with(Op::Timeout(Duration::from_micros(t)));
        let (got, _) = drive(timed.backoff(), &inputs);
        prop_assert!(got.len() > k, "ended after {} failures, not {}", got.len(), k + 1);
        prop_assert_eq!(&got[..k], &records[..k]);
        let r = records[k];
        let expected = match (delta, r.decision) {
            _ if elapsed(&r) >= t => Step::GiveUp, // at the deadline, even a zero wait
            (0.., _) => r.step,
            (_, _) => Step::GiveUp,
        };
        prop_assert_eq!(got[k].step, expected, "timeout {} µs, untimed {:?}", t, r);
    }

    /// 6. Determinism: the same schedule, RNG script, clock and decisions give the same steps;
    /// and a loop cloned part-way goes on exactly as the original.
    #[test]
    fn same_inputs_give_the_same_steps(
        config in config(),
        inputs in inputs(),
        split in 0..MAX_STEPS,
    ) {
        let b = config.backoff();
        let (one, end_one) = drive(b, &inputs);
        let (two, end_two) = drive(b, &inputs);
        prop_assert_eq!(&one, &two);
        prop_assert_eq!(&end_one.retrying, &end_two.retrying);

        let mut run = Run::new(b, &inputs);
        let mut head = Vec::new();
        while head.len() < split {
            match run.step(&inputs) {
                Some(record) => head.push(record),
                None => break,
            }
        }
        let twin = run.clone();
        let (rest, _) = run.finish(&inputs);
        let (twin_rest, _) = twin.finish(&inputs);
        prop_assert_eq!(&rest, &twin_rest);
        head.extend(rest);
        prop_assert_eq!(&head, &one);
    }

    /// 7. With only `Retry` decisions, the waits add up to at most `max_total_wait()`: always
    /// within the sum of the longest waits (both saturate at `u64::MAX` µs), and within the
    /// timeout too when the clock shows the waits (it cannot once it saturates at `u64::MAX`).
    /// `max_total_wait()` is that sum of `longest_wait(n)` for `n < attempts`, capped by the
    /// timeout.
    #[test]
    fn total_wait_never_exceeds_max_total_wait(config in config(), inputs in inputs()) {
        let b = config.backoff();
        let total = us(b.max_total_wait());
        let untimed = us(b.no_timeout().max_total_wait());
        let timeout = config.timeout_us().unwrap_or(u64::MAX);
        prop_assert!(total <= untimed && total <= timeout);
        match config.attempts_limit() {
            None => prop_assert_eq!(total, timeout, "unlimited"),
            Some(a) if a <= 1_000 => {
                let sum: u128 = (1..a).map(|n| u128::from(us(b.longest_wait(n)))).sum();
                let sum = u64::try_from(sum).unwrap_or(u64::MAX);
                prop_assert_eq!(untimed, sum, "sum of longest_wait(n) for n < {}", a);
                prop_assert_eq!(total, sum.min(timeout));
            }
            Some(_) => {}
        }

        let inputs = Inputs { decisions: vec![Decision::Retry], ..inputs };
        let (records, run) = drive(b, &inputs);
        prop_assert!(records.iter().all(|r| r.draws <= 1));
        prop_assert!(
            run.waited_exact.min(u128::from(u64::MAX)) <= u128::from(untimed),
            "waited {} µs, longest waits {} µs", run.waited_exact, untimed
        );
        if let (Clock::Sleeps, false) = (inputs.clock, run.saturated) {
            prop_assert!(
                run.waited_exact <= u128::from(total),
                "waited {} µs, max_total_wait {} µs", run.waited_exact, total
            );
        }
    }

    /// 8. The table's length trades memory for arithmetic, never behaviour: exponential
    /// schedules of 0, 4, 10 and 64 waits answer every query and every failure alike.
    #[test]
    fn table_length_never_changes_the_schedule(config in config(), inputs in inputs()) {
        let b0 = config.exponential::<0>();
        let b4 = config.exponential::<4>();
        let b10 = config.exponential::<10>();
        let b64 = config.exponential::<64>();
        for n in PROBES.into_iter().chain(1..80) {
            let waits = [b0.wait(n), b4.wait(n), b10.wait(n), b64.wait(n)];
            prop_assert!(waits.iter().all(|w| *w == waits[0]), "wait({}): {:?}", n, waits);
            let longest = [b0.longest_wait(n), b4.longest_wait(n), b10.longest_wait(n), b64.longest_wait(n)];
            prop_assert!(longest.iter().all(|w| *w == longest[0]), "longest_wait({}): {:?}", n, longest);
        }
        let totals = [b0.max_total_wait(), b4.max_total_wait(), b10.max_total_wait(), b64.max_total_wait()];
        prop_assert!(totals.iter().all(|t| *t == totals[0]), "max_total_wait: {:?}", totals);
        let (r0, _) = drive(b0, &inputs);
        prop_assert_eq!(&r0, &drive(b4, &inputs).0);
        prop_assert_eq!(&r0, &drive(b10, &inputs).0);
        prop_assert_eq!(&r0, &drive(b64, &inputs).0);
    }
}

/// A schedule whose second wait lands near `u64::MAX` µs: `wait_initial` times an integer
/// factor `k` within `r` of `2^64`, on either side, with no cap.
fn near_the_top() -> impl Strategy<Value = Vec<Op>> {
    let k = prop_oneof![2u32..16, 2u32..=4_194_303];
    let r = (any::<bool>(), 10u32..64, any::<u64>()).prop_map(|(below, shift, x)| {
        let r = i128::from(x >> shift);
        if below {
            -r
        } else {
            r
        }
    });
    (k, r).prop_map(|(k, r)| {
        let initial = ((1i128 << 64) + r) / i128::from(k);
        let initial = u64::try_from(initial).unwrap_or(u64::MAX);
        vec![
            Op::ExpBase(k),
            Op::Max(Duration::MAX),
            Op::Initial(Duration::from_micros(initial)),
        ]
    })
}

proptest! {
    #![proptest_config(proptest_config())]

    /// 9. The jitter-free waits are exactly the documented arithmetic, computed here in 128
    /// bits: the list or `min(wait_initial, wait_max)`, then each the previous one times the
    /// factor (in 1024ths, rounded down), rounded down to the microsecond, capped at
    /// `wait_max` and saturating at `u64::MAX` µs; up to `wait(u32::MAX)`, where the waits
    /// have settled. And `longest_wait(n)` follows from them: plus `wait_jitter` (added jitter,
    /// capped), themselves (full, equal), or `min(wait_max, wait(1) * 3^n)` (decorrelated).
    #[test]
    fn waits_follow_the_documented_arithmetic(
        config in config(),
        top in prop::option::weighted(0.3, near_the_top()),
    ) {
        let config = match top {
            Some(ops) => Config { ops: [config.ops.clone(), ops].concat(), ..config },
            None => config,
        };
        let b = config.backoff();
        let model = config.model_waits(200);
        for (n, expected) in (1..).zip(&model) {
            prop_assert_eq!(us(b.wait(n)), *expected, "wait({})", n);
        }
        // Settled: the model's last wait repeats (or it grows by 1/1024 at least, and then
        // 50,000 more steps reach any cap).
        let settled = config.model_waits(50_200);
        let last = settled[settled.len() - 1];
        prop_assert_eq!(last, settled[settled.len() - 2], "not settled");
        prop_assert_eq!(us(b.wait(u32::MAX)), last, "wait(u32::MAX)");

        let (max, jitter) = (config.max_us(), config.jitter_us());
        let mut decorrelated = model[0];
        for (n, base) in (1..=40).zip(&model) {
            decorrelated = u64::try_from(u128::from(decorrelated) * 3)
                .unwrap_or(u64::MAX)
                .min(max);
            let expected = match config.kind() {
                Jitter::Added => base.saturating_add(jitter).min(max),
                Jitter::Full | Jitter::Equal => *base,
                Jitter::Decorrelated => decorrelated,
            };
            prop_assert_eq!(us(b.longest_wait(n)), expected, "longest_wait({})", n);
        }
    }
}
