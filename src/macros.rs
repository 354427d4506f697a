//! `retry!` and `retry_async!`: thin loops expanded inline at the call site. What the loop
//! decides on each event (a success, a failure, the `|attempt|` binding, an attempt's time
//! limit) is a method of the site's `CallSite` (`src/call_site/`), on the state machine that
//! [`Retrying`](crate::Retrying) also drives (`src/loop_state.rs`).
//!
//! # How the expansion works
//!
//! 1. Entry: `retry!` and `retry_async!` only name their mode (`sync` or `async`) and hand the
//!    input to `__retry_parse!`, whose `@start` arm writes the empty slots.
//! 2. Misuse arms: `__retry_parse!` reads the input from its front. Mistakes that rustc would
//!    explain badly (a negative `attempts`, an untyped `on` closure, a closure or an `async`
//!    block as the operation, a missing operation) have arms of their own, which say what to
//!    write.
//! 3. Parse into slots: each `key = value,` goes into its slot, once, by `__retry_put!`. The
//!    slots are the one list of the keys: a key is its empty slot in `@start` and its arms in
//!    `__retry_put!`. A full slot is a key given twice; no slot is an unknown key, and the
//!    error lists the slots' names. The input is read once: nothing scans it again.
//! 4. The operation and its form: the rest of the input is the operation, plain or with
//!    `|attempt|`. `__retry_operation!` takes it as an expression (and as raw tokens, for the
//!    default `name`) and checks that nothing follows it.
//! 5. The loop: `__retry_loop!` takes all the slots in one pattern and uses each where it
//!    needs it: `__retry_value!` gives a slot's value or its default. `__retry_schedule!` sees
//!    that the six schedule slots are empty and borrows `backoff` as it is, or builds the
//!    adjusted schedule once. `__retry_attempt!` runs one try, `__retry_mode!` holds what
//!    differs between the two modes, `__retry_form!` what differs between the two forms. The
//!    keys other than `clock` and the schedule's become one `CallSite` value, and every event
//!    of the loop is one call of its methods: the expansion holds no policy of its own.
//!
//! The defaults (clock, rng, `flatten`) depend on this crate's features. So they are macros
//! chosen by `cfg` here, where the features are known. A `cfg` in the expansion would test the
//! features of the caller's crate instead.
//!
//! Hygiene: the expansion names everything by a `$crate::__private::...` path (`Ok`, `Some`,
//! `stringify!`, `core` too), never by a bare name, so that the caller's items and macros of
//! the same name cannot change it. Its locals start with `__`. Internal macros start with
//! `__retry_` and are `#[doc(hidden)]`.

/// Retries a fallible operation on a jittered exponential backoff, blocking between tries.
///
/// ```text
/// retry!(on = FILTER, key = value, ..., OPERATION)
/// retry!(on = FILTER, key = value, ..., |attempt| OPERATION)
/// ```
///
/// `OPERATION` is any expression or block giving a `Result<T, E>` (the expression itself, not a
/// closure that makes it: `retry!(on = ..., op())`, not `|| op()`), and it is **one attempt**:
/// it runs in a closure called once per try (re-created each time, so it may borrow locals and
/// `self` mutably), and a `?` or a `return` inside it ends that attempt with that value, which
/// `on` then judges like any other error (`return Ok(..)` is a success). This is stamina's
/// `with attempt:` block: an error raised anywhere inside the operation is retried. The whole
/// macro evaluates to the same `Result<T, E>`: the first `Ok`, or the last error unchanged.
///
/// So `?` in the operation converts with `From` into the error type that `on` names: with
/// `on = |e: &MyError| ...` or `on = io::ErrorKind::X`, `let v = parse(text)?;` needs no
/// annotation. To stop retrying from inside the operation, return an error that `on` answers
/// with [`Decision::GiveUp`](crate::Decision::GiveUp) (or `false`). A `break` or `continue` of a
/// loop outside the macro does not compile (rustc: "`break` inside of a closure"), nor does
/// `.await` (use [`retry_async!`](crate::retry_async!)); loops written inside the operation work as usual.
///
/// The `|attempt|` form (or `|attempt: Attempt|`) binds an [`Attempt`](crate::Attempt) (try
/// number, jitter-free next wait) for each try.
///
/// An operation that gives an `Option` has no error for `on` to judge: turn `None` into one,
/// `cache.get(&key).copied().ok_or(MyError::Missing)`. Wrapped in `Ok(...)`, as rustc suggests
/// for `retry!`, it compiles and never retries. (`retry_async!` says so itself; `retry!` leaves
/// the check to rustc, so that the operation keeps the expected type that coerces, say, an
/// `Err(Box::new(e))` into a `Box<dyn Error>`.)
///
/// # Keys
///
/// | key | value | default |
/// |---|---|---|
/// | `on` (required) | a [`RetryOn`](crate::RetryOn): `\|e: &E\| -> bool`, `\|e: &E\| -> Decision`, an `io::ErrorKind` or an array of them | none: say which errors to retry |
/// | `attempts` | `u32`, tries in all (0 and 1 mean one); for no limit, `backoff = Backoff::new().unlimited_attempts()` | 10 |
/// | `timeout` | `Duration`, from the first failure | 45 s |
/// | `wait_initial`, `wait_max`, `wait_jitter` | `Duration` | 100 ms, 5 s, 1 s |
/// | `wait_exp_base` | `u32`, or a `(num, den)` ratio such as `(3, 2)` | 2 |
/// | `backoff` | a [`Backoff`](crate::Backoff) that the keys above then adjust | `Backoff::new()` |
/// | `clock` | a [`Clock`](crate::Clock) | `StdClock` with `std`, else `EmbassyClock` with `embassy-time` |
/// | `rng` | an [`Rng`](crate::Rng) | `StdRng` with `std`, else [`GlobalRng`](crate::GlobalRng) |
/// | `on_retry` | `\|d: &RetryDetails<'_, E>\| { ... }`, called before each wait | none |
/// | `name` | `&'static str` naming the call site for hooks and reports | for an operation that starts with a call, the module and the call's path without its arguments (`my_app::db::pool.get`); else the module and line (`my_app::db:42`): short, stable, no literals |
/// | `budget` | `&Budget` (or `&Arc<Budget>`): each retry takes a token, each success refunds part of one; a dry budget ends the loop | none |
/// | `flatten` | `bool` (`retry!` with `std`): inside another loop with `flatten = true` on this thread, try once | `false` |
/// | `attempt_timeout` | `Duration` (`retry_async!` only): each attempt races the clock, cut to the time left before `timeout`; the loser becomes `E::from(AttemptTimedOut)`. Or `(Duration, f)`: the loser becomes `f(AttemptTimedOut)`, for an error type without that `From` (one of another crate) | none |
///
/// Keys come in any order, each at most once, before the operation. A misspelt, repeated or
/// missing key, a closure given as the operation, an `on` closure without its parameter's
/// type, or a negative `attempts` is a compile error that says what to write. `clock`, `rng`,
/// `on`, `on_retry` and `name` are evaluated once, before the first try, and live until the
/// loop ends. The schedule is read where it is: `backoff = SCHEDULE` alone borrows `SCHEDULE` at each
/// failure (a `const` is never copied); with schedule keys, the adjusted schedule is built once,
/// at the first failure (before the first try in the `|attempt|` form, which needs it from the
/// start). So a call that succeeds at once computes nothing and reads no clock. Closures given
/// to `on` and `on_retry` need their parameter's type written (`|e: &MyError|`).
///
/// The expansion names its own locals with a leading `__` (`__clock`, `__error`, ...): a
/// `const` or unit struct of yours with such a name in scope at the call site would clash with
/// them (`macro_rules!` hides local variables from your code, but not your items from its
/// patterns).
///
/// Because `clock`, `on` and `on_retry` live across the tries, what they borrow mutably the
/// operation cannot borrow too: `clock = &mut self.timer` with an operation `self.read()` (which
/// takes `&mut self`) does not compile. Borrow disjoint fields instead (`self.bus.read()`), or
/// move the timer out of the struct for the call.
///
/// Without `std` nor `embassy-time`, `clock` has no default and leaving it out is a compile
/// error; without `std`, `rng` defaults to the program-wide [`GlobalRng`](crate::GlobalRng),
/// which firmware seeds at boot with [`seed_jitter`](crate::seed_jitter). Features unify across
/// a build, so a `no_std` library should pass `clock` and `rng` explicitly rather than rely on
/// a default that another crate's features may change.
///
/// # Deadline
///
/// `timeout` runs from the moment `on` accepted the first error (a call that succeeds at once
/// reads no clock). No try starts after the deadline: the time left is read after `on` and the
/// hooks ran (they can be slow during an outage), and a wait that would end after the deadline
/// gives up at once with the last error instead of sleeping. That includes a
/// [`Decision::RetryAfter`](crate::Decision::RetryAfter) longer than the time left: the server
/// said not to come back before then, so the loop does not.
///
/// # Equivalent to
///
/// ```text
/// let mut state = Retrying::new(SCHEDULE); // in effect: a few counters, the schedule borrowed
/// loop {
///     match (|| OPERATION)() {
///         Ok(value) => break Ok(value),
///         Err(error) => {
///             let decision = on.decide(&error); // GiveUp: break Err(error), reading no clock
///             match state.failed(clock.now_us(), decision, &mut rng) {
///                 Step::RetryAfter(us) => {
///                     on_retry(&details); // then the global hooks and the reports
///                     if state.time_left(clock.now_us()) < Some(us) { break Err(error) }
///                     clock.sleep_us(us)
///                 }
///                 Step::GiveUp => break Err(error),
///             }
///         }
///     }
/// }
/// ```
///
/// # Examples
///
/// Retry a flaky TCP connect, only on the errors that are worth it:
///
/// ```no_run
/// use std::io::ErrorKind;
/// use std::net::TcpStream;
///
/// let stream = stamina::retry!(
///     on = [ErrorKind::ConnectionRefused, ErrorKind::TimedOut],
///     attempts = 5,
///     TcpStream::connect("127.0.0.1:8080")
/// )?;
/// # Ok::<(), std::io::Error>(())
/// ```
///
/// Retry a method that needs `&mut self`, deciding with a closure:
///
/// ```
/// use core::time::Duration;
///
/// #[derive(Debug, PartialEq)]
/// enum BusError { Nak, Arbitration, Fatal }
///
/// struct Sensor { naks_left: u32 }
/// impl Sensor {
///     fn read(&mut self) -> Result<u16, BusError> {
///         if self.naks_left > 0 { self.naks_left -= 1; Err(BusError::Nak) } else { Ok(0x1234) }
///     }
///     fn read_retrying(&mut self) -> Result<u16, BusError> {
///         stamina::retry!(
///             on = |e: &BusError| *e != BusError::Fatal,
///             attempts = 4,
///             wait_initial = Duration::from_micros(50),
///             wait_jitter = Duration::from_micros(50),
///             self.read()
///         )
///     }
/// }
///
/// assert_eq!(Sensor { naks_left: 2 }.read_retrying(), Ok(0x1234));
/// assert_eq!(Sensor { naks_left: 9 }.read_retrying(), Err(BusError::Nak));
/// ```
///
/// A missing `on` is a compile error that says what to write:
///
/// ```compile_fail
/// let r: Result<(), ()> = stamina::retry!(attempts = 3, Err(()));
/// ```
#[macro_export]
macro_rules! retry {
    ($($input:tt)*) => {
        $crate::__retry_parse!(@start mode = sync, input = [$($input)*])
    };
}

/// Retries a fallible async operation on a jittered exponential backoff, awaiting the clock's
/// sleep between tries: [`retry!`] for `async` code.
///
/// The same keys and forms as [`retry!`]; `OPERATION` may use `.await`, and `clock` is an
/// [`AsyncClock`](crate::AsyncClock): `TokioClock` by default with the `tokio` feature, else
/// `EmbassyClock` with the `embassy-time` feature, none otherwise (pass one). Must be
/// used inside an `async` block or function. The operation is one attempt, as in [`retry!`]: it
/// runs in an `async` block awaited in place, so a `?` or `return` in it ends that attempt. A
/// lock or borrow taken in the operation is released before the wait, and nothing but the
/// loop's counters crosses it, so the future is `Send` whenever the operation's is (even when
/// `T` or `E` is not). A wait of zero (a `RetryAfter(Duration::ZERO)`, `wait_initial = 0`,
/// testing mode) still yields to the executor once, as Python's `sleep(0)` does, so a loop of
/// zero waits never starves the other tasks of its thread.
///
/// With `attempt_timeout = d`, each attempt races the clock's `sleep_us`: the attempt is polled
/// first, alone, and one that is ready at once always wins and starts no sleep. If the sleep
/// ends first, the attempt is dropped and the loop goes on with `E::from(AttemptTimedOut)` as
/// its error. The limit is `d` cut to the time left before `timeout` (so an attempt never runs
/// past the loop's deadline) and to `i64::MAX` µs; a limit of zero fails an attempt that is
/// not ready at once without asking the clock for a zero sleep.
///
/// `attempt_timeout = (d, f)` races the same way, and the error of a timed-out attempt is
/// `f(AttemptTimedOut)`: a closure (`|_| MyError::Slow`) or a tuple variant that takes the
/// [`AttemptTimedOut`](crate::AttemptTimedOut) (`MyError::Slow`). This is the form for an error
/// type without `From<AttemptTimedOut>`, such as one of another crate, for which the orphan
/// rule forbids writing that impl. Both `d` and `f` are evaluated before each attempt.
///
/// The operation must give the `Result` that `on` judges; anything else (an `Option`, a
/// `Result` with another error type) is a compile error that says what to write.
///
/// # Examples
///
/// ```
/// use core::time::Duration;
/// use stamina::testing::ManualClock;
///
/// async fn fetch(tries: &mut u32) -> Result<&'static str, &'static str> {
///     *tries += 1;
///     if *tries < 3 { Err("503") } else { Ok("body") }
/// }
///
/// let clock = ManualClock::new();
/// let mut tries = 0;
/// let body = futures_lite_block_on(async {
///     stamina::retry_async!(on = |e: &&str| *e == "503", clock = &clock, fetch(&mut tries).await)
/// });
/// assert_eq!(body, Ok("body"));
/// assert_eq!(clock.sleeps(), 2);
/// # fn futures_lite_block_on<F: core::future::Future>(f: F) -> F::Output {
/// #     use core::task::{Context, Poll, Waker};
/// #     let mut f = core::pin::pin!(f);
/// #     let mut cx = Context::from_waker(Waker::noop());
/// #     loop { if let Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// ```
///
/// Each attempt within 2 s, with an error type of another crate (here `String`), which cannot
/// implement `From<AttemptTimedOut>`: the pair says what a timed-out attempt becomes.
///
/// ```
/// use core::time::Duration;
/// use stamina::testing::ManualClock;
///
/// async fn query() -> Result<u32, String> {
///     core::future::pending().await // a server that never answers
/// }
///
/// let clock = ManualClock::new();
/// let rows = futures_lite_block_on(async {
///     stamina::retry_async!(
///         on = |e: &String| e.starts_with("timed out"),
///         attempts = 2,
///         attempt_timeout = (Duration::from_secs(2), |t| format!("timed out after {:?}", t.after())),
///         clock = &clock,
///         query().await
///     )
/// });
/// assert_eq!(rows, Err("timed out after 2s".to_string()));
/// assert_eq!(clock.sleeps(), 3); // two attempts cut after 2 s, and the wait between them
/// # fn futures_lite_block_on<F: core::future::Future>(f: F) -> F::Output {
/// #     use core::task::{Context, Poll, Waker};
/// #     let mut f = core::pin::pin!(f);
/// #     let mut cx = Context::from_waker(Waker::noop());
/// #     loop { if let Poll::Ready(v) = f.as_mut().poll(&mut cx) { return v; } }
/// # }
/// ```
#[macro_export]
macro_rules! retry_async {
    ($($input:tt)*) => {
        $crate::__retry_parse!(@start mode = async, input = [$($input)*])
    };
}

/// The parser. `@start` writes the empty slots, the one list of the keys; `@next` reads the
/// input from its front, one `key = value,` at a time (each put into its slot by
/// `__retry_put!`, which comes back here), until the operation.
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_parse {
    // The keys: one slot each, empty until given. A new key is a slot here and an arm in
    // `__retry_put!` (then its use in `__retry_loop!`, and its docs).
    (@start mode = $mode:ident, input = $input:tt) => {
        $crate::__retry_parse!(@next slots = {
            on: [] attempts: [] timeout: [] backoff: [] clock: [] rng: [] wait_initial: []
            wait_max: [] wait_jitter: [] wait_exp_base: [] on_retry: [] name: [] budget: []
            flatten: [] attempt_timeout: []
        }, mode = $mode, input = $input)
    };
    // Misuses that rustc would report with advice that leads the wrong way: said here instead.
    // A count of tries cannot be negative; rustc would offer `u32::MAX` tries. A literal alone
    // only: `-1i32 as u32` is a count.
    (@next slots = $slots:tt, mode = $mode:ident, input = [attempts = - $count:literal , $($rest:tt)*]) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "`attempts` counts the tries and cannot be negative: for no limit, write ",
            "`backoff = stamina::Backoff::new().unlimited_attempts()` ",
            "(the `timeout`, 45 s unless given, still ends the loop)"
        ))
    };
    // A filter closure without its parameter's type never compiles (its reference would not be
    // general over lifetimes), and rustc says only "not general enough".
    (@next slots = $slots:tt, mode = $mode:ident, input = [on = $(move)? | $param:pat_param | $($rest:tt)*]) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "the closure given to `on` needs its parameter's type written: `on = |",
            $crate::__private::stringify!($param),
            ": &MyError| ...`, with the error type of the operation",
            " (for io::Error, `on = std::io::ErrorKind::TimedOut` or an array of kinds)"
        ))
    };
    // `attempt_timeout = (d, f)`: kept as a pair, which the attempt takes apart.
    (@next slots = $slots:tt, mode = $mode:ident, input = [attempt_timeout = ($timeout:expr, $timed_out:expr) , $($rest:tt)+]) => {
        $crate::__retry_put!(attempt_timeout = [($timeout, $timed_out)], slots = $slots, passed = [], then = (mode = $mode, input = [$($rest)+]))
    };
    // `key = value,` followed by more: the value goes into its slot.
    (@next slots = $slots:tt, mode = $mode:ident, input = [$key:ident = $value:expr , $($rest:tt)+]) => {
        $crate::__retry_put!($key = [$value], slots = $slots, passed = [], then = (mode = $mode, input = [$($rest)+]))
    };
    // `key = value` and nothing after it: the operation is missing.
    (@next slots = $slots:tt, mode = $mode:ident, input = [$key:ident = $value:expr $(,)?]) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "the operation to retry is missing: put it last, after the keys, e.g. ",
            "`retry!(on = |e: &MyError| e.is_transient(), attempts = 3, do_it())`"
        ))
    };
    // A closure as the operation, a habit from crates that take one: the operation is the
    // expression itself. (rustc would suggest calling the closure, or `Ok(|| ...)`.)
    (@next slots = $slots:tt, mode = $mode:ident, input = [|| $($op:tt)+]) => {
        $crate::__retry_closure_operation!($mode)
    };
    (@next slots = $slots:tt, mode = $mode:ident, input = [move $($op:tt)+]) => {
        $crate::__retry_closure_operation!($mode)
    };
    (@next slots = $slots:tt, mode = $mode:ident, input = [async $(move)? | $($op:tt)+]) => {
        $crate::__retry_closure_operation!($mode)
    };
    (@next slots = $slots:tt, mode = $mode:ident, input = [async $(move)? || $($op:tt)+]) => {
        $crate::__retry_closure_operation!($mode)
    };
    // An `async` block not awaited: its value is a future, never a `Result`.
    (@next slots = $slots:tt, mode = $mode:ident, input = [async $(move)? { $($body:tt)* } $(,)?]) => {
        $crate::__retry_closure_operation!(block $mode)
    };
    // The operation, in the attempt-binding form or plain.
    (@next slots = $slots:tt, mode = $mode:ident, input = [| $attempt:pat_param | $($op:tt)+]) => {
        $crate::__retry_operation!(mode = $mode, slots = $slots, form = attempt, attempt = [$attempt], op_tokens = [$($op)+], op = [$($op)+])
    };
    (@next slots = $slots:tt, mode = $mode:ident, input = [| $attempt:tt : $ty:ty | $($op:tt)+]) => {
        $crate::__retry_operation!(mode = $mode, slots = $slots, form = attempt, attempt = [$attempt : $ty], op_tokens = [$($op)+], op = [$($op)+])
    };
    (@next slots = $slots:tt, mode = $mode:ident, input = [$($op:tt)+]) => {
        $crate::__retry_operation!(mode = $mode, slots = $slots, form = plain, attempt = [], op_tokens = [$($op)+], op = [$($op)+])
    };
    (@next slots = $slots:tt, mode = $mode:ident, input = []) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "`retry!` needs `on = ...` and an operation to retry, e.g. ",
            "`retry!(on = |e: &MyError| e.is_transient(), do_it())`"
        ))
    };
    // From `__retry_put!`: a key whose slot was full.
    (@next slots = $slots:tt, given_twice = $key:ident) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "the key `", $crate::__private::stringify!($key), "` is given twice: give each key once"
        ))
    };
}

/// Puts `key = [value]` into its slot, then parses the rest of the input (`then`). The slots are
/// walked from the first, two at a time, those passed kept in `passed`. A key meets its own
/// empty slot in its two arms below, one for each of the two slots in front: `macro_rules!`
/// cannot compare two identifiers, so each key needs its own arms. (One slot a step would be
/// simpler, but each step is a level of macro expansion, and with every key given the walks
/// would pass rustc's default limit of 128 levels.)
///
/// A key that finds no empty slot was given twice or does not exist: the walk runs once more
/// over the slots emptied, and the key's arm then reports it given twice (through the parser's
/// `given_twice` arm); no slot at all is an unknown key.
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_put {
    (on = $value:tt, slots = { on: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* on: $value $($after)* }, $($then)*) };
    (on = $value:tt, slots = { $first:ident: $first_value:tt on: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* $first: $first_value on: $value $($after)* }, $($then)*) };
    (attempts = $value:tt, slots = { attempts: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* attempts: $value $($after)* }, $($then)*) };
    (attempts = $value:tt, slots = { $first:ident: $first_value:tt attempts: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* $first: $first_value attempts: $value $($after)* }, $($then)*) };
    (timeout = $value:tt, slots = { timeout: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* timeout: $value $($after)* }, $($then)*) };
    (timeout = $value:tt, slots = { $first:ident: $first_value:tt timeout: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* $first: $first_value timeout: $value $($after)* }, $($then)*) };
    (backoff = $value:tt, slots = { backoff: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* backoff: $value $($after)* }, $($then)*) };
    (backoff = $value:tt, slots = { $first:ident: $first_value:tt backoff: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* $first: $first_value backoff: $value $($after)* }, $($then)*) };
    (clock = $value:tt, slots = { clock: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* clock: $value $($after)* }, $($then)*) };
    (clock = $value:tt, slots = { $first:ident: $first_value:tt clock: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* $first: $first_value clock: $value $($after)* }, $($then)*) };
    (rng = $value:tt, slots = { rng: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* rng: $value $($after)* }, $($then)*) };
    (rng = $value:tt, slots = { $first:ident: $first_value:tt rng: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* $first: $first_value rng: $value $($after)* }, $($then)*) };
    (wait_initial = $value:tt, slots = { wait_initial: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* wait_initial: $value $($after)* }, $($then)*) };
    (wait_initial = $value:tt, slots = { $first:ident: $first_value:tt wait_initial: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* $first: $first_value wait_initial: $value $($after)* }, $($then)*) };
    (wait_max = $value:tt, slots = { wait_max: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* wait_max: $value $($after)* }, $($then)*) };
    (wait_max = $value:tt, slots = { $first:ident: $first_value:tt wait_max: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* $first: $first_value wait_max: $value $($after)* }, $($then)*) };
    (wait_jitter = $value:tt, slots = { wait_jitter: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* wait_jitter: $value $($after)* }, $($then)*) };
    (wait_jitter = $value:tt, slots = { $first:ident: $first_value:tt wait_jitter: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* $first: $first_value wait_jitter: $value $($after)* }, $($then)*) };
    (wait_exp_base = $value:tt, slots = { wait_exp_base: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* wait_exp_base: $value $($after)* }, $($then)*) };
    (wait_exp_base = $value:tt, slots = { $first:ident: $first_value:tt wait_exp_base: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* $first: $first_value wait_exp_base: $value $($after)* }, $($then)*) };
    (on_retry = $value:tt, slots = { on_retry: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* on_retry: $value $($after)* }, $($then)*) };
    (on_retry = $value:tt, slots = { $first:ident: $first_value:tt on_retry: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* $first: $first_value on_retry: $value $($after)* }, $($then)*) };
    (name = $value:tt, slots = { name: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* name: $value $($after)* }, $($then)*) };
    (name = $value:tt, slots = { $first:ident: $first_value:tt name: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* $first: $first_value name: $value $($after)* }, $($then)*) };
    (budget = $value:tt, slots = { budget: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* budget: $value $($after)* }, $($then)*) };
    (budget = $value:tt, slots = { $first:ident: $first_value:tt budget: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* $first: $first_value budget: $value $($after)* }, $($then)*) };
    (flatten = $value:tt, slots = { flatten: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* flatten: $value $($after)* }, $($then)*) };
    (flatten = $value:tt, slots = { $first:ident: $first_value:tt flatten: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* $first: $first_value flatten: $value $($after)* }, $($then)*) };
    (attempt_timeout = $value:tt, slots = { attempt_timeout: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* attempt_timeout: $value $($after)* }, $($then)*) };
    (attempt_timeout = $value:tt, slots = { $first:ident: $first_value:tt attempt_timeout: [] $($after:tt)* }, passed = [$($passed:tt)*], then = ($($then:tt)*)) => { $crate::__retry_parse!(@next slots = { $($passed)* $first: $first_value attempt_timeout: $value $($after)* }, $($then)*) };
    // Not this key's empty slots: pass them.
    ($key:ident = $value:tt, slots = { $first:ident: $first_value:tt $second:ident: $second_value:tt $($after:tt)* }, passed = [$($passed:tt)*], then = $then:tt) => {
        $crate::__retry_put!($key = $value, slots = { $($after)* }, passed = [$($passed)* $first: $first_value $second: $second_value], then = $then)
    };
    ($key:ident = $value:tt, slots = { $last:ident: $last_value:tt }, passed = [$($passed:tt)*], then = $then:tt) => {
        $crate::__retry_put!($key = $value, slots = {}, passed = [$($passed)* $last: $last_value], then = $then)
    };
    // No slot, even emptied: the key does not exist. The list of keys is the slots' names.
    ($key:ident = $value:tt, slots = {}, passed = [$first:ident: $first_value:tt $($slot:ident: $slot_value:tt)*], then = (given_twice = $again:ident)) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "unknown key `", $crate::__private::stringify!($key), "`: the keys are ",
            $crate::__private::stringify!($first), $(", ", $crate::__private::stringify!($slot),)*
        ))
    };
    // No empty slot: walk again over the slots emptied, to tell a key given twice from an
    // unknown one.
    ($key:ident = $value:tt, slots = {}, passed = [$($slot:ident: $slot_value:tt)*], then = $then:tt) => {
        $crate::__retry_put!($key = $value, slots = { $($slot: [])* }, passed = [], then = (given_twice = $key))
    };
}

/// The error for a closure given as the operation, in the words of each macro.
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_closure_operation {
    (sync) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "the operation is an expression, not a closure: write `retry!(on = ..., op())` ",
            "rather than `|| op()`; it runs once per try as it stands ",
            "(`|attempt| op()` binds the try number)"
        ))
    };
    (async) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "the operation is an expression, not a closure: write `retry_async!(on = ..., op().await)` ",
            "rather than `|| op()` or `|| async { op().await }`; it runs once per try as it stands ",
            "(`|attempt| op().await` binds the try number)"
        ))
    };
    (block sync) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "`retry!` blocks between tries and cannot await: for an async operation, write ",
            "`retry_async!(on = ..., op().await)` inside an `async` block or function"
        ))
    };
    (block async) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "the operation is awaited in place: write what the `async` block holds, ",
            "`retry_async!(on = ..., op().await)`, rather than `async { op().await }`"
        ))
    };
}

/// The operation, once as an expression and once as raw tokens (to name the call site).
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_operation {
    (mode = $mode:ident, slots = $slots:tt, form = $form:ident, attempt = $attempt:tt, op_tokens = $op_tokens:tt, op = [$op:expr $(,)?]) => {
        $crate::__retry_loop!(
            mode = $mode,
            slots = $slots,
            form = $form,
            attempt = $attempt,
            op = [$op],
            op_tokens = $op_tokens
        )
    };
    // Something after the operation.
    (mode = $mode:ident, slots = $slots:tt, form = $form:ident, attempt = $attempt:tt, op_tokens = $op_tokens:tt, op = [$op:expr , $($rest:tt)+]) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "the operation to retry must come last, after all the keys, e.g. ",
            "`retry!(on = |e: &MyError| e.is_transient(), attempts = 3, do_it())`"
        ))
    };
}

/// The default name of a call site: the module path and the leading path of the operation's
/// call without its arguments (`app::db::TcpStream::connect`, `app::db::self.read`), else the
/// module path and the line (`app::db:42`). Never the operation's text: it may hold
/// addresses, SQL or secrets, and it would make metrics labels long and unstable.
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_name {
    ([$($path:tt)*] $segment:ident :: $next:ident $($rest:tt)*) => {
        $crate::__retry_name!([$($path)* $crate::__private::stringify!($segment), "::",] $next $($rest)*)
    };
    ([$($path:tt)*] $segment:ident . $next:ident $($rest:tt)*) => {
        $crate::__retry_name!([$($path)* $crate::__private::stringify!($segment), ".",] $next $($rest)*)
    };
    ([$($path:tt)*] $segment:ident ( $($arguments:tt)* ) $($rest:tt)*) => {
        $crate::__private::concat!(
            $crate::__private::module_path!(), "::", $($path)* $crate::__private::stringify!($segment)
        )
    };
    ([$($path:tt)*] $($rest:tt)*) => {
        $crate::__private::concat!($crate::__private::module_path!(), ":", $crate::__private::line!())
    };
}

/// A slot's value, or a default: `__retry_value!([value] or [default])` is `value`, and
/// `__retry_value!([] or [default])` is `default`. With `wrap [f]`, a value becomes `f(value)`.
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_value {
    ([] $(wrap $wrap:tt)? or [$($default:tt)*]) => { $($default)* };
    ([$value:expr] or $default:tt) => { $value };
    ([$value:expr] wrap [$($wrap:tt)*] or $default:tt) => { $($wrap)* ($value) };
}

/// The loop. The operation comes as an expression, and as raw tokens to name the call site.
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_loop {
    (
        mode = $mode:ident,
        slots = {
            on: $on:tt attempts: $attempts:tt timeout: $timeout:tt backoff: $backoff:tt clock: $clock:tt
            rng: $rng:tt wait_initial: $wait_initial:tt wait_max: $wait_max:tt
            wait_jitter: $wait_jitter:tt wait_exp_base: $wait_exp_base:tt on_retry: $on_retry:tt
            name: $name:tt budget: $budget:tt flatten: $flatten:tt attempt_timeout: $attempt_timeout:tt
        },
        form = $form:ident,
        attempt = [$($attempt:tt)*],
        op = [$op:expr],
        op_tokens = [$($op_tokens:tt)*]
    ) => {{
        let mut __clock = $crate::__retry_value!($clock or [$crate::__retry_default_clock!($mode)]);
        // The other keys, evaluated once, in this order, before the first try.
        let mut __site = $crate::__private::CallSite::new(
            $crate::__retry_value!($rng or [$crate::__retry_default_rng!()]),
            $crate::__retry_value!($on or [$crate::__private::compile_error!($crate::__private::concat!(
                "`on = ...` is missing: say which errors to retry, e.g. `on = |e: &MyError| e.is_transient()`",
                " or, for io::Error, `on = std::io::ErrorKind::TimedOut`"
            ))]),
            $crate::__retry_value!($on_retry or [$crate::__private::NoHook]),
            // A function, not a value: the default name is a constant that an async loop then
            // need not keep in its future.
            $crate::__retry_value!($name wrap [$crate::__private::name] or [|| -> &'static $crate::__private::core::primitive::str {
                $crate::__retry_name!([] $($op_tokens)*)
            }]),
            $crate::__retry_value!($budget wrap [$crate::__private::budget] or [$crate::__private::NoBudget]),
            $crate::__retry_mode!($mode nesting $flatten),
        );
        $crate::__retry_form!(@before $form __backoff { backoff: $backoff attempts: $attempts timeout: $timeout wait_initial: $wait_initial wait_max: $wait_max wait_jitter: $wait_jitter wait_exp_base: $wait_exp_base });
        loop {
            // Everything of one try lives in this block: its result and error are dropped
            // before the wait, so the wait never holds them (an async loop stays `Send`).
            let (__wait, __guards) = {
                $crate::__retry_form!(@bind $form __site __backoff [$($attempt)*]);
                let __result = $crate::__retry_attempt!(
                    mode = $mode,
                    attempt_timeout = $attempt_timeout,
                    clock = __clock,
                    site = __site,
                    schedule = ($form __backoff { backoff: $backoff attempts: $attempts timeout: $timeout wait_initial: $wait_initial wait_max: $wait_max wait_jitter: $wait_jitter wait_exp_base: $wait_exp_base }),
                    op = [$op]
                );
                let __error = match __result {
                    $crate::__private::Ok(__value) => {
                        __site.succeeded();
                        break $crate::__private::Ok(__value);
                    }
                    $crate::__private::Err(__error) => __error,
                };
                let __schedule = $crate::__retry_form!(@schedule $form __backoff { backoff: $backoff attempts: $attempts timeout: $timeout wait_initial: $wait_initial wait_max: $wait_max wait_jitter: $wait_jitter wait_exp_base: $wait_exp_base });
                let __described = {
                    #[allow(unused_imports)]
                    use $crate::__private::{ViaDebug as _, ViaPlaceholder as _};
                    (&$crate::__private::Described(&__error)).described()
                };
                let __decision = $crate::__private::judge(&__error, &mut __site);
                match __site.failed(
                    __decision,
                    &__error,
                    __described,
                    __schedule,
                    &mut || $crate::__retry_mode!($mode now __clock),
                ) {
                    $crate::__private::Some(__next) => __next,
                    $crate::__private::None => break $crate::__private::Err(__error),
                }
            };
            $crate::__retry_mode!($mode sleep __clock __wait);
            $crate::__private::wait_ended(__guards);
        }
    }};
}

/// One attempt. In `retry!` the operation runs in a closure called at once, in `retry_async!`
/// in an `async` block pinned and awaited in place: a `?` or `return` in it ends the attempt,
/// and `on` judges its error like any other. With `attempt_timeout` (async only), the attempt
/// races the clock, for at most the time left before the loop's deadline; a timed-out attempt
/// becomes `E::from(AttemptTimedOut)`, or what the `(d, f)` form's `f` makes of it.
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_attempt {
    (mode = sync, attempt_timeout = [], clock = $clock:ident, site = $site:ident, schedule = $schedule:tt, op = [$op:expr]) => {
        $crate::__private::attempt($site.on(), || $op)
    };
    (mode = async, attempt_timeout = [], clock = $clock:ident, site = $site:ident, schedule = $schedule:tt, op = [$op:expr]) => {{
        let __operation = $crate::__private::core::pin::pin!(async { $op });
        let mut __attempt = $crate::__private::attempt_async($site.on(), __operation);
        $crate::__private::core::future::poll_fn(move |__cx| __attempt.poll_result(__cx)).await
    }};
    (mode = sync, attempt_timeout = [$($value:tt)+], $($state:tt)*) => {
        $crate::__private::compile_error!(
            "`attempt_timeout` works with `retry_async!` only: a blocking operation cannot be interrupted, so give it a timeout of its own (a socket's read timeout, say)"
        )
    };
    (mode = async, attempt_timeout = [($timeout:expr, $timed_out:expr)], $($state:tt)*) => {
        $crate::__retry_attempt!(@race timeout = [$timeout], timed_out = [$timed_out], $($state)*)
    };
    (mode = async, attempt_timeout = [$timeout:expr], $($state:tt)*) => {
        $crate::__retry_attempt!(@race timeout = [$timeout], timed_out = [|__timed_out| $crate::__private::timed_out_into(__timed_out)], $($state)*)
    };
    (@race timeout = [$timeout:expr], timed_out = [$timed_out:expr], clock = $clock:ident, site = $site:ident, schedule = ($form:ident $backoff:ident $schedule:tt), op = [$op:expr]) => {{
        let __limit_us = $crate::__private::attempt_timeout_us($timeout);
        let __limit_us = $site.attempt_limit_us(
            __limit_us,
            $crate::__retry_form!(@schedule $form $backoff $schedule),
            || $crate::__private::now_async(&mut $clock),
        );
        let __operation = $crate::__private::core::pin::pin!(async { $op });
        let mut __attempt = $crate::__private::attempt_async($site.on(), __operation);
        $crate::__private::race(
            $crate::__private::core::future::poll_fn(move |__cx| __attempt.poll_result(__cx)),
            &mut $clock,
            __limit_us,
            $timed_out,
        )
        .await
    }};
}

/// What differs between the plain and the `|attempt|` forms: the latter needs the schedule
/// before the first try, to tell the first try its next wait; the former reads it only at each
/// failure. Either way the schedule is borrowed where it is, never copied into the loop's state.
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_form {
    (@before plain $backoff:ident $schedule:tt) => {
        $crate::__retry_schedule!(@declare $backoff $schedule);
    };
    (@before attempt $backoff:ident $schedule:tt) => {
        let $backoff = &$crate::__retry_schedule!(@value $backoff $schedule);
    };
    (@bind plain $site:ident $backoff:ident []) => {};
    (@bind attempt $site:ident $backoff:ident [$attempt:tt : $ty:ty]) => {
        let $attempt: $ty = $crate::__retry_form!(@attempt $site $backoff);
    };
    (@bind attempt $site:ident $backoff:ident [$attempt:pat_param]) => {
        let $attempt = $crate::__retry_form!(@attempt $site $backoff);
    };
    (@attempt $site:ident $backoff:ident) => {
        $site.attempt($backoff)
    };
    (@schedule plain $backoff:ident $schedule:tt) => { $crate::__retry_schedule!(@get $backoff $schedule) };
    (@schedule attempt $backoff:ident $schedule:tt) => { $backoff };
}

/// The schedule. With no schedule key, `backoff` (or the default) itself, borrowed where it is:
/// a constant is not copied. With keys, `backoff` adjusted by them, built once at the first
/// failure into a slot of the loop's.
///
/// `@value slot {schedule}`: the schedule as a value. `@declare slot {schedule}`: the slot, if
/// keys need one. `@get slot {schedule}`: a reference to the schedule, at a failure. The
/// `{schedule}` is the slot `backoff` and the six slots of the keys that adjust it.
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_schedule {
    (@plain value $slot:tt $backoff:tt) => {
        $crate::__retry_value!($backoff or [$crate::__private::DEFAULT_BACKOFF])
    };
    (@plain declare $slot:tt $backoff:tt) => {};
    (@plain get $slot:tt $backoff:tt) => { &$crate::__retry_schedule!(@plain value $slot $backoff) };

    (@keys value $slot:tt {
        backoff: $backoff:tt attempts: $attempts:tt timeout: $timeout:tt wait_initial: $wait_initial:tt
        wait_max: $wait_max:tt wait_jitter: $wait_jitter:tt wait_exp_base: $wait_exp_base:tt
    }) => {
        $crate::__private::schedule(
            $crate::__retry_value!($backoff or [$crate::__private::DEFAULT_BACKOFF]),
            $crate::__retry_value!($attempts wrap [$crate::__private::Some] or [$crate::__private::None]),
            $crate::__retry_value!($timeout wrap [$crate::__private::duration_key] or [$crate::__private::None]),
            $crate::__retry_value!($wait_initial wrap [$crate::__private::duration_key] or [$crate::__private::None]),
            $crate::__retry_value!($wait_max wrap [$crate::__private::duration_key] or [$crate::__private::None]),
            $crate::__retry_value!($wait_jitter wrap [$crate::__private::duration_key] or [$crate::__private::None]),
            $crate::__retry_value!($wait_exp_base wrap [$crate::__private::exp_base] or [$crate::__private::None]),
        )
    };
    (@keys declare $slot:ident $schedule:tt) => {
        let mut $slot = $crate::__private::None;
    };
    (@keys get $slot:ident $schedule:tt) => {
        match $slot {
            $crate::__private::Some(ref __schedule) => __schedule,
            $crate::__private::None => $slot.insert($crate::__retry_schedule!(@keys value $slot $schedule)),
        }
    };

    // Plain or keys: plain when the six slots of the keys are all empty.
    (@$what:ident $slot:tt {
        backoff: $backoff:tt attempts: [] timeout: [] wait_initial: [] wait_max: [] wait_jitter: [] wait_exp_base: []
    }) => {
        $crate::__retry_schedule!(@plain $what $slot $backoff)
    };
    (@$what:ident $slot:tt $schedule:tt) => {
        $crate::__retry_schedule!(@keys $what $slot $schedule)
    };
}

/// What differs between `retry!` and `retry_async!`.
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_mode {
    (sync now $clock:ident) => {
        $crate::__private::now(&mut $clock)
    };
    (async now $clock:ident) => {
        $crate::__private::now_async(&mut $clock)
    };
    (sync sleep $clock:ident $wait:ident) => {
        $crate::__private::sleep(&mut $clock, $wait)
    };
    (async sleep $clock:ident $wait:ident) => {
        $crate::__private::sleep_async(&mut $clock, $wait).await
    };
    (sync nesting $flatten:tt) => {
        $crate::__retry_value!($flatten wrap [$crate::__retry_flatten_sync!] or [$crate::__private::NotFlattened])
    };
    (async nesting $flatten:tt) => {
        $crate::__retry_value!($flatten wrap [$crate::__retry_flatten_async!] or [$crate::__private::NotFlattened])
    };
}

// The defaults depend on this crate's features, so they are macros chosen by `cfg` here, where
// the features are known, rather than in the expansion at the call site.

#[doc(hidden)]
#[macro_export]
macro_rules! __retry_default_clock {
    (sync) => {
        $crate::__retry_default_sync_clock!()
    };
    (async) => {
        $crate::__retry_default_async_clock!()
    };
}

#[cfg(feature = "std")]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_default_sync_clock {
    () => {
        $crate::StdClock::new()
    };
}

#[cfg(all(not(feature = "std"), feature = "embassy-time"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_default_sync_clock {
    () => {
        $crate::EmbassyClock
    };
}

// Without a default clock, the error names one the build has, or the feature that brings it.
#[cfg(all(
    not(any(feature = "std", feature = "embassy-time")),
    feature = "embedded-hal"
))]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_default_sync_clock {
    () => {
        $crate::__private::compile_error!(
            "`retry!` has no default clock without the `std` or `embassy-time` feature: pass one with `clock = ...`, e.g. `clock = stamina::DelayClock::new(delay)` over your HAL's `embedded_hal::delay::DelayNs`, or a timer of yours that implements `stamina::Clock`"
        )
    };
}

#[cfg(not(any(feature = "std", feature = "embassy-time", feature = "embedded-hal")))]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_default_sync_clock {
    () => {
        $crate::__private::compile_error!(
            "`retry!` has no default clock without the `std` or `embassy-time` feature: pass one with `clock = ...`, e.g. `clock = stamina::DelayClock::new(delay)` over your HAL's `DelayNs` (with stamina's `embedded-hal` feature), or a timer of yours that implements `stamina::Clock`"
        )
    };
}

#[cfg(feature = "tokio")]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_default_async_clock {
    () => {
        $crate::TokioClock::new()
    };
}

#[cfg(all(not(feature = "tokio"), feature = "embassy-time"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_default_async_clock {
    () => {
        $crate::EmbassyClock
    };
}

#[cfg(all(
    not(any(feature = "tokio", feature = "embassy-time")),
    feature = "embedded-hal-async"
))]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_default_async_clock {
    () => {
        $crate::__private::compile_error!(
            "`retry_async!` has no default clock without the `tokio` or `embassy-time` feature: pass one with `clock = ...`, e.g. `clock = stamina::DelayClock::new(delay)` over your HAL's `embedded_hal_async::delay::DelayNs`, or a timer of yours that implements `stamina::AsyncClock`"
        )
    };
}

#[cfg(not(any(
    feature = "tokio",
    feature = "embassy-time",
    feature = "embedded-hal-async"
)))]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_default_async_clock {
    () => {
        $crate::__private::compile_error!(
            "`retry_async!` has no default clock without the `tokio` or `embassy-time` feature: pass one with `clock = ...`, e.g. `clock = stamina::TokioClock::new()` (with stamina's `tokio` feature), `stamina::EmbassyClock` (`embassy-time`), `stamina::DelayClock::new(delay)` over an async HAL `DelayNs` (`embedded-hal-async`), or a timer of yours that implements `stamina::AsyncClock`"
        )
    };
}

#[cfg(feature = "std")]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_default_rng {
    () => {
        $crate::StdRng::new()
    };
}

#[cfg(not(feature = "std"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_default_rng {
    () => {
        $crate::GlobalRng
    };
}

/// `flatten` in `retry!`.
#[cfg(feature = "std")]
#[macro_export]
#[doc(hidden)]
macro_rules! __retry_flatten_sync {
    ($value:expr) => {
        $crate::__private::flatten($value)
    };
}

/// `flatten` in `retry!` without `std`.
#[cfg(not(feature = "std"))]
#[macro_export]
#[doc(hidden)]
macro_rules! __retry_flatten_sync {
    ($value:expr) => {
        $crate::__private::compile_error!(
            "`flatten` needs the `std` feature (it counts nesting in a thread-local)"
        )
    };
}

/// `flatten` in `retry_async!`: a thread-local depth does not follow a task.
#[macro_export]
#[doc(hidden)]
macro_rules! __retry_flatten_async {
    ($value:expr) => {
        $crate::__private::compile_error!(
            "`flatten` works with the blocking `retry!` only (it counts nesting per thread, and a task moves between threads): in async code, pass `attempts = 1` to the inner calls while an outer loop retries"
        )
    };
}
