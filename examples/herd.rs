//! A thundering herd: what jitter is for.
//!
//! ```text
//! cargo run --release --example herd -- [--clients N] [--capacity C] [--outage SECONDS] [--seed S] [--svg PATH]
//! ```
//!
//! `N` clients (10 000 by default) all make their first request at t = 0, while the server is
//! down; it comes back at t = `SECONDS` (10 s) and from then on serves at most `C` requests per
//! 100 ms window (`N / 20` by default: the whole herd in 2 s), in arrival order, windows
//! aligned at multiples of 100 ms. A request during the outage, or beyond `C` in its window,
//! fails; the client then asks its retry strategy how long to wait, or gives up.
//!
//! Every client runs stamina's own state machine, [`stamina::Retrying`], with stamina's limits:
//! 10 tries, 45 s counted from the first failure (a wait that would end after it gives up),
//! 100 ms doubling, capped at 5 s. The strategies differ only in the jitter
//! ([`stamina::Jitter`]), with `base = min(5 s, 100 ms * 2^(n-1))`:
//!
//! - `none`: `base`, the same for every client (`wait_jitter(Duration::ZERO)`);
//! - `stamina (additive, default)`: `min(5 s, base + U(0, 1 s))`, [`Jitter::Added`];
//! - `full jitter`: `U(0, base)`, [`Jitter::Full`];
//! - `equal jitter`: `base / 2 + U(0, base / 2)`, [`Jitter::Equal`];
//! - `decorrelated jitter`: `min(5 s, U(100 ms, 3 * previous wait))`, [`Jitter::Decorrelated`];
//! - `stamina + budget`: the default, with one [`stamina::Budget`] of `N / 10` retries shared by
//!   the herd: each retry takes a token, each success gives back a tenth of one.
//!
//! Time is virtual (microseconds, no sleeping) and the run is deterministic from the seed. It
//! prints a table per strategy, and draws the requests per 100 ms window of each strategy in an
//! SVG chart (`target/herd.svg` by default).

use std::fmt::Write as _;
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use stamina::{Backoff, Budget, Decision, FastRng, Jitter, Retrying, Step};

/// The server's rate-limit window, and the chart's resolution.
const WINDOW_US: u64 = 100_000;
/// The event calendar's resolution: one bucket per millisecond.
const BUCKET_US: u64 = 1_000;

// stamina's defaults, which every strategy shares.
const ATTEMPTS: u32 = 10;
const TIMEOUT_US: u64 = 45_000_000;
const BASE_US: u64 = 100_000;
const CAP_US: u64 = 5_000_000;
const JITTER_US: u64 = 1_000_000;

/// stamina's default schedule with no table (`Backoff<0>`): the same waits, computed one
/// multiplication at a time, so that a million loops take less memory.
const SCHEDULE: Backoff<0> = Backoff::<0>::exponential()
    .attempts(ATTEMPTS)
    .timeout(Duration::from_micros(TIMEOUT_US))
    .wait_initial(Duration::from_micros(BASE_US))
    .wait_exp_base(2)
    .wait_max(Duration::from_micros(CAP_US))
    .wait_jitter(Duration::from_micros(JITTER_US));

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Strategy {
    None,
    Stamina,
    Full,
    Equal,
    Decorrelated,
    StaminaBudget,
}

const STRATEGIES: [Strategy; 6] = [
    Strategy::None,
    Strategy::Stamina,
    Strategy::Full,
    Strategy::Equal,
    Strategy::Decorrelated,
    Strategy::StaminaBudget,
];

impl Strategy {
    /// stamina's default schedule with this strategy's jitter, through `Backoff::jitter`.
    const fn schedule(self) -> Backoff<0> {
        match self {
            Strategy::None => SCHEDULE.wait_jitter(Duration::ZERO),
            Strategy::Stamina | Strategy::StaminaBudget => SCHEDULE,
            Strategy::Full => SCHEDULE.jitter(Jitter::Full),
            Strategy::Equal => SCHEDULE.jitter(Jitter::Equal),
            Strategy::Decorrelated => SCHEDULE.jitter(Jitter::Decorrelated),
        }
    }

    const fn name(self) -> &'static str {
        match self {
            Strategy::None => "none",
            Strategy::Stamina => "stamina (additive, default)",
            Strategy::Full => "full jitter",
            Strategy::Equal => "equal jitter",
            Strategy::Decorrelated => "decorrelated jitter",
            Strategy::StaminaBudget => "stamina + budget",
        }
    }

    const fn color(self) -> &'static str {
        match self {
            Strategy::None => "#d62728",
            Strategy::Stamina => "#1f77b4",
            Strategy::Full => "#2ca02c",
            Strategy::Equal => "#ff7f0e",
            Strategy::Decorrelated => "#9467bd",
            Strategy::StaminaBudget => "#17becf",
        }
    }
}

#[derive(Clone, Debug)]
struct Config {
    clients: u32,
    /// Requests served per 100 ms window once the server is up.
    capacity: u32,
    outage_us: u64,
    seed: u64,
    svg: PathBuf,
}

fn main() {
    let config = parse_args();
    check_schedule();
    let chart_us = chart_end_us(config.outage_us);

    println!(
        "{} clients, server down from 0 to {} s, then {} requests per 100 ms ({} per second: the \
         whole herd in {} s); seed {}",
        config.clients,
        short_secs(config.outage_us),
        config.capacity,
        u64::from(config.capacity) * 10,
        short_secs(u64::from(config.clients).div_ceil(u64::from(config.capacity)) * WINDOW_US),
        config.seed,
    );
    println!(
        "every strategy: {ATTEMPTS} tries, {} s timeout from the first failure, {} s doubling, \
         capped at {} s; stamina adds U(0, {} s) before the cap",
        short_secs(TIMEOUT_US),
        short_secs(BASE_US),
        short_secs(CAP_US),
        short_secs(JITTER_US),
    );

    let started = Instant::now();
    let results = run_all(&config, chart_us);
    let wall = started.elapsed();

    print_table(&config, &results);
    println!(
        "simulated {} clients x {} strategies in {} ms of wall time ({} threads)",
        config.clients,
        STRATEGIES.len(),
        wall.as_millis(),
        threads(),
    );

    let svg = chart(&config, &results, chart_us);
    if let Some(dir) = config.svg.parent().filter(|d| !d.as_os_str().is_empty()) {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("error: cannot create {}: {e}", dir.display());
            process::exit(1);
        }
    }
    match std::fs::write(&config.svg, svg) {
        Ok(()) => println!("chart: {}", config.svg.display()),
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", config.svg.display());
            process::exit(1);
        }
    }
}

// ---- the strategies ----

/// A retry strategy, for the whole herd: the per-client state lives inside, indexed by client.
trait Policy {
    /// Client `id`'s try failed at `now_us` (its first failure was at t = 0): the wait before
    /// its next try, or `None` to give up.
    fn failed(&mut self, id: u32, now_us: u64) -> Option<u64>;
    /// Client `id`'s try succeeded.
    fn succeeded(&mut self, _id: u32) {}
    /// Clients that gave up because a budget was dry (not because of the schedule).
    fn denied(&self) -> u32 {
        0
    }
}

/// stamina itself: one [`Retrying`] state machine per client on the strategy's schedule, and
/// optionally a shared budget.
struct Stamina {
    rng: FastRng,
    loops: Vec<Retrying<0>>,
    budget: Option<Budget>,
    denied: u32,
}

impl Stamina {
    fn new(schedule: Backoff<0>, clients: u32, rng: FastRng, budget: Option<Budget>) -> Self {
        Self {
            rng,
            loops: vec![Retrying::new(schedule); index(clients)],
            budget,
            denied: 0,
        }
    }
}

impl Policy for Stamina {
    fn failed(&mut self, id: u32, now_us: u64) -> Option<u64> {
        match self.loops[index(id)].failed(now_us, Decision::Retry, &mut self.rng) {
            Step::GiveUp => None,
            // As the `budget` key does: every scheduled retry takes a token, or gives up.
            Step::RetryAfter(wait) => match &self.budget {
                Some(budget) if !budget.try_withdraw() => {
                    self.denied += 1;
                    None
                }
                _ => Some(wait),
            },
        }
    }

    fn succeeded(&mut self, _id: u32) {
        if let Some(budget) = &self.budget {
            budget.deposit();
        }
    }

    fn denied(&self) -> u32 {
        self.denied
    }
}

/// The schedule above is stamina's default one, whatever the table length.
fn check_schedule() {
    let default = Backoff::new();
    assert_eq!(SCHEDULE.attempts_limit(), default.attempts_limit());
    assert_eq!(SCHEDULE.timeout_limit(), default.timeout_limit());
    assert_eq!(SCHEDULE.max_total_wait(), default.max_total_wait());
    for n in 1..=ATTEMPTS + 2 {
        assert_eq!(SCHEDULE.wait(n), default.wait(n));
        assert_eq!(SCHEDULE.longest_wait(n), default.longest_wait(n));
    }
}

// ---- the simulation ----

/// One request: client `id` tries at `at_us`.
#[derive(Clone, Copy)]
struct Event {
    id: u32,
    at_us: u64,
}

#[derive(Debug, Default)]
struct Stats {
    /// Requests that arrived in each 100 ms window, served or not.
    per_window: Vec<u32>,
    requests: u64,
    /// When each successful client succeeded, in order.
    successes_us: Vec<u64>,
    gave_up: u32,
    denied: u32,
    elapsed: Duration,
}

/// Runs the herd against one strategy.
fn simulate(config: &Config, chart_us: u64, policy: &mut impl Policy) -> Stats {
    // No strategy waits past the deadline, so no request comes later.
    let buckets = index(TIMEOUT_US / BUCKET_US) + 1;
    let mut calendar: Vec<Vec<Event>> = vec![Vec::new(); buckets];
    calendar[0] = (0..config.clients)
        .map(|id| Event { id, at_us: 0 })
        .collect();
    let mut stats = Stats {
        per_window: vec![0; index(chart_us / WINDOW_US)],
        ..Stats::default()
    };
    let mut served = vec![0u32; stats.per_window.len()];

    for bucket in 0..buckets {
        // A wait of zero (full jitter can draw one) lands in the bucket being processed: take
        // it again until it stays empty. Within a bucket, events keep their insertion order.
        loop {
            let events = std::mem::take(&mut calendar[bucket]);
            if events.is_empty() {
                break;
            }
            for Event { id, at_us } in events {
                let window = index(at_us / WINDOW_US);
                stats.requests += 1;
                stats.per_window[window] += 1;
                if at_us >= config.outage_us && served[window] < config.capacity {
                    served[window] += 1;
                    stats.successes_us.push(at_us);
                    policy.succeeded(id);
                    continue;
                }
                match policy.failed(id, at_us) {
                    Some(wait) => {
                        let at_us = at_us + wait;
                        let next = index(at_us / BUCKET_US);
                        assert!(next < buckets, "a retry after the deadline");
                        calendar[next].push(Event { id, at_us });
                    }
                    None => stats.gave_up += 1,
                }
            }
        }
    }
    stats.denied = policy.denied();
    stats
}

/// Runs one strategy, with its own random stream derived from the seed.
fn run(strategy: Strategy, config: &Config, chart_us: u64) -> Stats {
    let started = Instant::now();
    let position = STRATEGIES
        .iter()
        .position(|&s| s == strategy)
        .expect("known");
    let mut seeder = FastRng::new(config.seed);
    let mut seed = 0;
    for _ in 0..=position {
        seed = seeder.next_u64();
    }
    let rng = FastRng::new(seed);
    let budget = (strategy == Strategy::StaminaBudget).then(|| Budget::new(config.clients / 10));
    let mut policy = Stamina::new(strategy.schedule(), config.clients, rng, budget);
    let mut stats = simulate(config, chart_us, &mut policy);
    stats.elapsed = started.elapsed();
    stats
}

fn threads() -> usize {
    thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(STRATEGIES.len())
}

/// Every strategy, on as many threads as there are cores; results in `STRATEGIES` order.
fn run_all(config: &Config, chart_us: u64) -> Vec<Stats> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Stats>>> = Mutex::new(STRATEGIES.iter().map(|_| None).collect());
    thread::scope(|s| {
        for _ in 0..threads() {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(&strategy) = STRATEGIES.get(i) else {
                    break;
                };
                let stats = run(strategy, config, chart_us);
                results.lock().expect("no panic")[i] = Some(stats);
            });
        }
    });
    results
        .into_inner()
        .expect("no panic")
        .into_iter()
        .map(|r| r.expect("every strategy ran"))
        .collect()
}

// ---- the report ----

fn print_table(config: &Config, results: &[Stats]) {
    let recovery_window = index(config.outage_us / WINDOW_US);
    println!();
    println!(
        "{:<28} {:>10} {:>10} {:>11} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9}",
        "strategy",
        "peak/100ms",
        "after up",
        "requests",
        "per cl.",
        "served",
        "gave up",
        "all done",
        "p50 done",
        "p99 done",
    );
    for (strategy, stats) in STRATEGIES.iter().zip(results) {
        let peak = stats.per_window.iter().max().copied().unwrap_or(0);
        let peak_up = stats
            .per_window
            .get(recovery_window..)
            .and_then(|w| w.iter().max().copied())
            .unwrap_or(0);
        let served = stats.successes_us.len();
        let last = stats.successes_us.last().map_or("-".into(), |&t| secs(t));
        println!(
            "{:<28} {:>10} {:>10} {:>11} {:>7} {:>9} {:>9} {:>9} {:>9} {:>9}",
            strategy.name(),
            peak,
            peak_up,
            stats.requests,
            hundredths(stats.requests, u64::from(config.clients)),
            served,
            stats.gave_up,
            last,
            percentile(&stats.successes_us, 50),
            percentile(&stats.successes_us, 99),
        );
    }
    println!();
    println!(
        "peak/100ms: most requests in one 100 ms window (the first one holds the whole herd); \
         after up: the same from the window where the server comes back; requests: the work \
         the server saw, per cl.: per client; all done: when the last client that did not \
         give up succeeded; p50/p99 done: success times of those clients (in s)."
    );
    for (strategy, stats) in STRATEGIES.iter().zip(results) {
        if stats.denied > 0 {
            println!(
                "{}: the shared budget ({} retries) sent {} clients back with their last error \
                 instead of another retry, as a budget is meant to.",
                strategy.name(),
                config.clients / 10,
                stats.denied
            );
        }
    }
    let per_strategy: Vec<String> = STRATEGIES
        .iter()
        .zip(results)
        .map(|(s, r)| format!("{} {} ms", s.name(), r.elapsed.as_millis()))
        .collect();
    println!("per strategy: {}", per_strategy.join(", "));
}

/// The time by which `p` % of the (sorted) success times had happened.
fn percentile(sorted_us: &[u64], p: usize) -> String {
    if sorted_us.is_empty() {
        return "-".into();
    }
    let rank = (sorted_us.len() * p).div_ceil(100).max(1);
    secs(sorted_us[rank - 1])
}

/// Microseconds as seconds with three decimals, without floating point.
fn secs(us: u64) -> String {
    let ms = us / 1_000;
    format!("{}.{:03}", ms / 1_000, ms % 1_000)
}

/// Microseconds as seconds, without trailing zeros: "10", "2.5".
fn short_secs(us: u64) -> String {
    let s = format!("{}.{:06}", us / 1_000_000, us % 1_000_000);
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// `a / b` with two decimals.
fn hundredths(a: u64, b: u64) -> String {
    let h = (a * 100 + b / 2) / b.max(1);
    format!("{}.{:02}", h / 100, h % 100)
}

// ---- the chart (integer arithmetic only: the crate's lints deny float arithmetic) ----

const WIDTH: i64 = 1000;
const HEIGHT: i64 = 500;
const LEFT: i64 = 70;
const RIGHT: i64 = WIDTH - 20;
const TOP: i64 = 40;
const BOTTOM: i64 = HEIGHT - 50;

/// The chart's time axis: past the deadline (and the outage), to the next multiple of 5 s.
fn chart_end_us(outage_us: u64) -> u64 {
    let step = 5_000_000;
    (TIMEOUT_US.max(outage_us) / step + 1) * step
}

/// `log2(v)` in 1/65536ths, for `v >= 1` (bit by bit, by squaring the mantissa).
fn log2_q16(v: u64) -> u64 {
    let int = v.ilog2();
    // The mantissa v / 2^int in [1, 2), in 31 fraction bits.
    let mut m = if int >= 31 {
        v >> (int - 31)
    } else {
        v << (31 - int)
    };
    let mut fraction = 0;
    for bit in (0..16).rev() {
        m = (m * m) >> 31;
        if m >= 1 << 32 {
            m >>= 1;
            fraction |= 1 << bit;
        }
    }
    (u64::from(int) << 16) | fraction
}

fn signed(v: u64) -> i64 {
    i64::try_from(v).expect("fits")
}

fn index(v: impl Into<u64>) -> usize {
    usize::try_from(v.into()).expect("fits in memory")
}

/// Log scale on y: 0 and 1 on the axis, `top` at the top.
fn y_of(v: u64, top: u64) -> i64 {
    if v <= 1 {
        return BOTTOM;
    }
    BOTTOM - signed(log2_q16(v)) * (BOTTOM - TOP) / signed(log2_q16(top))
}

fn x_of(t_us: u64, chart_us: u64) -> i64 {
    LEFT + signed(t_us) * (RIGHT - LEFT) / signed(chart_us)
}

fn chart(config: &Config, results: &[Stats], chart_us: u64) -> String {
    let peak = results
        .iter()
        .flat_map(|r| r.per_window.iter().copied())
        .max()
        .unwrap_or(0)
        .max(config.capacity);
    let mut top = 10u64;
    while top < u64::from(peak) {
        top *= 10;
    }

    let mut s = String::new();
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(
        s,
        r#"<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>"#
    );
    let _ = writeln!(
        s,
        r#"<text x="{}" y="22" text-anchor="middle" font-size="15">Thundering herd: {} clients, server down until {} s, then {} requests per 100 ms (seed {})</text>"#,
        WIDTH / 2,
        config.clients,
        short_secs(config.outage_us),
        config.capacity,
        config.seed
    );

    // Grid, ticks and labels: x every 5 s, y at powers of ten.
    let mut t = 0;
    while t <= chart_us {
        let x = x_of(t, chart_us);
        let _ = writeln!(
            s,
            r##"<line x1="{x}" y1="{TOP}" x2="{x}" y2="{BOTTOM}" stroke="#e5e5e5"/><line x1="{x}" y1="{BOTTOM}" x2="{x}" y2="{}" stroke="black"/><text x="{x}" y="{}" text-anchor="middle">{}</text>"##,
            BOTTOM + 5,
            BOTTOM + 18,
            t / 1_000_000
        );
        t += 5_000_000;
    }
    let _ = writeln!(
        s,
        r#"<text x="{}" y="{}" text-anchor="middle">time (s)</text>"#,
        (LEFT + RIGHT) / 2,
        BOTTOM + 36
    );
    let mut v = 1;
    while v <= top {
        let y = y_of(v, top);
        let _ = writeln!(
            s,
            r##"<line x1="{LEFT}" y1="{y}" x2="{RIGHT}" y2="{y}" stroke="#e5e5e5"/><line x1="{}" y1="{y}" x2="{LEFT}" y2="{y}" stroke="black"/><text x="{}" y="{}" text-anchor="end">{v}</text>"##,
            LEFT - 5,
            LEFT - 8,
            y + 4
        );
        v *= 10;
    }
    let _ = writeln!(
        s,
        r#"<text transform="translate(18 {}) rotate(-90)" text-anchor="middle">requests per 100 ms (log scale; 0 on the axis)</text>"#,
        (TOP + BOTTOM) / 2
    );
    let _ = writeln!(
        s,
        r#"<rect x="{LEFT}" y="{TOP}" width="{}" height="{}" fill="none" stroke="black"/>"#,
        RIGHT - LEFT,
        BOTTOM - TOP
    );

    // The server's capacity, and when it comes back.
    let y = y_of(u64::from(config.capacity), top);
    let _ = writeln!(
        s,
        r##"<line x1="{LEFT}" y1="{y}" x2="{RIGHT}" y2="{y}" stroke="black" stroke-dasharray="6 4"/><text x="{}" y="{}" text-anchor="end">server capacity: {} per 100 ms</text>"##,
        RIGHT - 6,
        y - 5,
        config.capacity
    );
    if config.outage_us <= chart_us {
        let x = x_of(config.outage_us, chart_us);
        let _ = writeln!(
            s,
            r##"<line x1="{x}" y1="{TOP}" x2="{x}" y2="{BOTTOM}" stroke="black" stroke-width="1.5" stroke-dasharray="2 3"/><text x="{}" y="{}">server back at {} s</text>"##,
            x + 5,
            TOP + 14,
            short_secs(config.outage_us)
        );
    }
    let x = x_of(TIMEOUT_US, chart_us);
    let _ = writeln!(
        s,
        r##"<line x1="{x}" y1="{TOP}" x2="{x}" y2="{BOTTOM}" stroke="#999" stroke-dasharray="2 3"/><text x="{}" y="{}" text-anchor="end" fill="#666">deadline: {} s after the first failure</text>"##,
        x - 5,
        BOTTOM - 8,
        short_secs(TIMEOUT_US)
    );

    // One step line per strategy: flat across each window.
    for (strategy, stats) in STRATEGIES.iter().zip(results) {
        let mut points = String::new();
        for (w, &count) in (0u64..).zip(&stats.per_window) {
            let y = y_of(u64::from(count), top);
            let _ = write!(
                points,
                "{},{y} {},{y} ",
                x_of(w * WINDOW_US, chart_us),
                x_of((w + 1) * WINDOW_US, chart_us)
            );
        }
        let _ = writeln!(
            s,
            r#"<polyline fill="none" stroke="{}" stroke-width="1.5" stroke-opacity="0.85" points="{}"/>"#,
            strategy.color(),
            points.trim_end()
        );
    }

    // The legend, top right, on a white box.
    let rows = signed(u64::try_from(STRATEGIES.len()).expect("fits"));
    let (lx, ly) = (RIGHT - 230, TOP + 28);
    let _ = writeln!(
        s,
        r##"<rect x="{lx}" y="{ly}" width="220" height="{}" fill="white" fill-opacity="0.9" stroke="#999"/>"##,
        rows * 18 + 10
    );
    for (row, strategy) in (0i64..).zip(STRATEGIES) {
        let y = ly + 16 + row * 18;
        let _ = writeln!(
            s,
            r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="3"/><text x="{}" y="{y}">{}</text>"#,
            lx + 10,
            y - 4,
            lx + 34,
            y - 4,
            strategy.color(),
            lx + 42,
            strategy.name()
        );
    }
    s.push_str("</svg>\n");
    s
}

// ---- the command line ----

const USAGE: &str =
    "usage: herd [--clients N] [--capacity C] [--outage SECONDS] [--seed S] [--svg PATH]

  --clients N         clients in the herd (default 10000)
  --capacity C        requests the server serves per 100 ms window once up (default N / 20)
  --outage SECONDS    how long the server is down from t = 0, e.g. 10 or 2.5 (default 10)
  --seed S            seed of the jitter (default 1)
  --svg PATH          where to write the chart (default target/herd.svg)";

fn parse_args() -> Config {
    let mut clients = 10_000u32;
    let mut capacity = None;
    let mut outage_us = 10_000_000;
    let mut seed = 1;
    let mut svg = PathBuf::from("target/herd.svg");

    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "-h" || arg == "--help" {
            println!("{USAGE}");
            process::exit(0);
        }
        // `--key value` or `--key=value`.
        let known = ["--clients", "--capacity", "--outage", "--seed", "--svg"];
        if !known.contains(&arg.split_once('=').map_or(arg.as_str(), |(k, _)| k)) {
            fail(&format!("unknown option {arg}"));
        }
        let (key, value) = match arg.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => {
                let Some(value) = args.next() else {
                    fail(&format!("{arg} needs a value"));
                };
                (arg, value)
            }
        };
        match key.as_str() {
            "--clients" => clients = number(&key, &value),
            "--capacity" => capacity = Some(number(&key, &value)),
            "--outage" => outage_us = seconds_us(&value),
            "--seed" => seed = number(&key, &value),
            _ => svg = PathBuf::from(value),
        }
    }
    if clients == 0 {
        fail("--clients must be at least 1");
    }
    let capacity = capacity.unwrap_or((clients / 20).max(1));
    if capacity == 0 {
        fail("--capacity must be at least 1");
    }
    Config {
        clients,
        capacity,
        outage_us,
        seed,
        svg,
    }
}

fn number<T: std::str::FromStr>(key: &str, value: &str) -> T {
    value
        .replace('_', "")
        .parse()
        .unwrap_or_else(|_| fail(&format!("{key}: not a number: {value}")))
}

/// Decimal seconds ("10", "2.5") to microseconds, without floating point.
fn seconds_us(value: &str) -> u64 {
    let bad = || fail(&format!("--outage: not a number of seconds: {value}"));
    let (int, fraction) = value.split_once('.').unwrap_or((value, ""));
    if fraction.len() > 6 || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        bad();
    }
    let whole: u64 = if int.is_empty() {
        0
    } else {
        int.parse().unwrap_or_else(|_| bad())
    };
    let micros: u64 = format!("{fraction:0<6}").parse().unwrap_or_else(|_| bad());
    whole
        .checked_mul(1_000_000)
        .and_then(|us| us.checked_add(micros))
        .unwrap_or_else(bad)
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}\n\n{USAGE}");
    process::exit(2);
}
