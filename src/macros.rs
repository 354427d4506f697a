//! `retry!` and `retry_async!`: thin loops expanded inline at the call site, on top of the
//! [`Retrying`](crate::Retrying) state machine.
//!
//! How the parsing works: `__retry_parse!` splits the input into `key = [value]` pairs and the
//! operation; `__retry_pick!` finds one key among the pairs (or its default, or a duplicate
//! error); `__retry_check_key!` rejects unknown keys; `__retry_loop!` writes the loop.

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
/// let mut progress = None; // what the loop has done: a few counters, no copy of the schedule
/// loop {
///     match (|| OPERATION)() {
///         Ok(value) => break Ok(value),
///         Err(error) => {
///             let decision = on.decide(&error);
///             let now = clock.now_us();
///             let p = progress.get_or_insert(Progress::started(now));
///             match p.failed(&SCHEDULE, now, decision, &mut rng) {
///                 Step::RetryAfter(us) => {
///                     on_retry(&details);
///                     if !p.fits(clock.now_us(), us) { break Err(error) }
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
        $crate::__retry_parse!(sync [] $($input)*)
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
        $crate::__retry_parse!(async [] $($input)*)
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __retry_parse {
    // Misuses that rustc would report with advice that leads the wrong way: said here instead.
    // A count of tries cannot be negative; rustc would offer `u32::MAX` tries. A literal alone
    // only: `-1i32 as u32` is a count.
    ($mode:ident [$($pairs:tt)*] attempts = - $count:literal , $($rest:tt)*) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "`attempts` counts the tries and cannot be negative: for no limit, write ",
            "`backoff = stamina::Backoff::new().unlimited_attempts()` ",
            "(the `timeout`, 45 s unless given, still ends the loop)"
        ))
    };
    // A filter closure without its parameter's type never compiles (its reference would not be
    // general over lifetimes), and rustc says only "not general enough".
    ($mode:ident [$($pairs:tt)*] on = $(move)? | $param:pat_param | $($rest:tt)*) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "the closure given to `on` needs its parameter's type written: `on = |",
            $crate::__private::stringify!($param),
            ": &MyError| ...`, with the error type of the operation",
            " (for io::Error, `on = std::io::ErrorKind::TimedOut` or an array of kinds)"
        ))
    };
    // `attempt_timeout = (d, f)`: kept as a pair, which the attempt takes apart.
    ($mode:ident [$($pairs:tt)*] attempt_timeout = ($timeout:expr, $timed_out:expr) , $($rest:tt)+) => {
        $crate::__retry_parse!($mode [$($pairs)* attempt_timeout = [($timeout, $timed_out)]] $($rest)+)
    };
    // `key = value,` followed by more.
    ($mode:ident [$($pairs:tt)*] $key:ident = $value:expr , $($rest:tt)+) => {
        $crate::__retry_parse!($mode [$($pairs)* $key = [$value]] $($rest)+)
    };
    // `key = value` and nothing after it: the operation is missing.
    ($mode:ident [$($pairs:tt)*] $key:ident = $value:expr $(,)?) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "the operation to retry is missing: put it last, after the keys, e.g. ",
            "`retry!(on = |e: &MyError| e.is_transient(), attempts = 3, do_it())`"
        ))
    };
    // A closure as the operation, a habit from crates that take one: the operation is the
    // expression itself. (rustc would suggest calling the closure, or `Ok(|| ...)`.)
    ($mode:ident [$($pairs:tt)*] || $($op:tt)+) => {
        $crate::__retry_closure_operation!($mode)
    };
    ($mode:ident [$($pairs:tt)*] move $($op:tt)+) => {
        $crate::__retry_closure_operation!($mode)
    };
    ($mode:ident [$($pairs:tt)*] async $(move)? | $($op:tt)+) => {
        $crate::__retry_closure_operation!($mode)
    };
    ($mode:ident [$($pairs:tt)*] async $(move)? || $($op:tt)+) => {
        $crate::__retry_closure_operation!($mode)
    };
    // An `async` block not awaited: its value is a future, never a `Result`.
    ($mode:ident [$($pairs:tt)*] async $(move)? { $($body:tt)* } $(,)?) => {
        $crate::__retry_closure_operation!(block $mode)
    };
    // The attempt-binding form.
    ($mode:ident [$($pairs:tt)*] | $attempt:pat_param | $($op:tt)+) => {
        $crate::__retry_operation!($mode [$($pairs)*] attempt [$attempt] [$($op)+] $($op)+)
    };
    ($mode:ident [$($pairs:tt)*] | $attempt:tt : $ty:ty | $($op:tt)+) => {
        $crate::__retry_operation!($mode [$($pairs)*] attempt [$attempt : $ty] [$($op)+] $($op)+)
    };
    ($mode:ident [$($pairs:tt)*] $($op:tt)+) => {
        $crate::__retry_operation!($mode [$($pairs)*] plain [] [$($op)+] $($op)+)
    };
    ($mode:ident [$($pairs:tt)*]) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "`retry!` needs `on = ...` and an operation to retry, e.g. ",
            "`retry!(on = |e: &MyError| e.is_transient(), do_it())`"
        ))
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
    ($mode:ident $pairs:tt $form:ident $attempt:tt $raw:tt $op:expr $(,)?) => {
        $crate::__retry_loop!($mode $pairs [$op] $raw $form $attempt)
    };
    // Something after the operation.
    ($mode:ident $pairs:tt $form:ident $attempt:tt $raw:tt $op:expr , $($rest:tt)+) => {
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

/// `__retry_pick!(key [default] [wrap] [found] pairs...)`: the value of `key` among the pairs,
/// as `wrap(value)`, or `default`; a compile error when `key` is given twice.
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_pick {
    (on $d:tt $w:tt [] on = $v:tt $($rest:tt)*) => { $crate::__retry_pick!(on $d $w $v $($rest)*) };
    (attempts $d:tt $w:tt [] attempts = $v:tt $($rest:tt)*) => { $crate::__retry_pick!(attempts $d $w $v $($rest)*) };
    (timeout $d:tt $w:tt [] timeout = $v:tt $($rest:tt)*) => { $crate::__retry_pick!(timeout $d $w $v $($rest)*) };
    (backoff $d:tt $w:tt [] backoff = $v:tt $($rest:tt)*) => { $crate::__retry_pick!(backoff $d $w $v $($rest)*) };
    (clock $d:tt $w:tt [] clock = $v:tt $($rest:tt)*) => { $crate::__retry_pick!(clock $d $w $v $($rest)*) };
    (rng $d:tt $w:tt [] rng = $v:tt $($rest:tt)*) => { $crate::__retry_pick!(rng $d $w $v $($rest)*) };
    (wait_initial $d:tt $w:tt [] wait_initial = $v:tt $($rest:tt)*) => { $crate::__retry_pick!(wait_initial $d $w $v $($rest)*) };
    (wait_max $d:tt $w:tt [] wait_max = $v:tt $($rest:tt)*) => { $crate::__retry_pick!(wait_max $d $w $v $($rest)*) };
    (wait_jitter $d:tt $w:tt [] wait_jitter = $v:tt $($rest:tt)*) => { $crate::__retry_pick!(wait_jitter $d $w $v $($rest)*) };
    (wait_exp_base $d:tt $w:tt [] wait_exp_base = $v:tt $($rest:tt)*) => { $crate::__retry_pick!(wait_exp_base $d $w $v $($rest)*) };
    (on_retry $d:tt $w:tt [] on_retry = $v:tt $($rest:tt)*) => { $crate::__retry_pick!(on_retry $d $w $v $($rest)*) };
    (name $d:tt $w:tt [] name = $v:tt $($rest:tt)*) => { $crate::__retry_pick!(name $d $w $v $($rest)*) };
    (budget $d:tt $w:tt [] budget = $v:tt $($rest:tt)*) => { $crate::__retry_pick!(budget $d $w $v $($rest)*) };
    (flatten $d:tt $w:tt [] flatten = $v:tt $($rest:tt)*) => { $crate::__retry_pick!(flatten $d $w $v $($rest)*) };
    (attempt_timeout $d:tt $w:tt [] attempt_timeout = $v:tt $($rest:tt)*) => { $crate::__retry_pick!(attempt_timeout $d $w $v $($rest)*) };
    // The key again, after it was found.
    ($key:ident $d:tt $w:tt [$($found:tt)+] $again:ident = $v:tt $($rest:tt)*) => {
        $crate::__retry_duplicate!($key $again $d $w [$($found)+] $($rest)*)
    };
    // Another key: skip it.
    ($key:ident $d:tt $w:tt $found:tt $other:ident = $v:tt $($rest:tt)*) => {
        $crate::__retry_pick!($key $d $w $found $($rest)*)
    };
    ($key:ident [$($default:tt)*] $w:tt []) => { $($default)* };
    ($key:ident $d:tt [$($wrap:tt)*] [$($found:tt)+]) => { $($wrap)* ($($found)+) };
}

/// Called by `__retry_pick!` with `key` found and another pair `again` next: an error if they
/// are the same key, else the search goes on.
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_duplicate {
    (on on $($rest:tt)*) => { $crate::__retry_duplicate!(@error on) };
    (attempts attempts $($rest:tt)*) => { $crate::__retry_duplicate!(@error attempts) };
    (timeout timeout $($rest:tt)*) => { $crate::__retry_duplicate!(@error timeout) };
    (backoff backoff $($rest:tt)*) => { $crate::__retry_duplicate!(@error backoff) };
    (clock clock $($rest:tt)*) => { $crate::__retry_duplicate!(@error clock) };
    (rng rng $($rest:tt)*) => { $crate::__retry_duplicate!(@error rng) };
    (wait_initial wait_initial $($rest:tt)*) => { $crate::__retry_duplicate!(@error wait_initial) };
    (wait_max wait_max $($rest:tt)*) => { $crate::__retry_duplicate!(@error wait_max) };
    (wait_jitter wait_jitter $($rest:tt)*) => { $crate::__retry_duplicate!(@error wait_jitter) };
    (wait_exp_base wait_exp_base $($rest:tt)*) => { $crate::__retry_duplicate!(@error wait_exp_base) };
    (on_retry on_retry $($rest:tt)*) => { $crate::__retry_duplicate!(@error on_retry) };
    (name name $($rest:tt)*) => { $crate::__retry_duplicate!(@error name) };
    (budget budget $($rest:tt)*) => { $crate::__retry_duplicate!(@error budget) };
    (flatten flatten $($rest:tt)*) => { $crate::__retry_duplicate!(@error flatten) };
    (attempt_timeout attempt_timeout $($rest:tt)*) => { $crate::__retry_duplicate!(@error attempt_timeout) };
    (@error $key:ident) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "the key `", $crate::__private::stringify!($key), "` is given twice: give each key once"
        ))
    };
    // Different keys: `__retry_pick!` goes on with the rest (the skipped pair needs no value).
    ($key:ident $other:ident $d:tt $w:tt $found:tt $($rest:tt)*) => {
        $crate::__retry_pick!($key $d $w $found $($rest)*)
    };
}

/// Nothing for a known key; a compile error listing the keys for any other.
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_check_key {
    (on) => {};
    (attempts) => {};
    (timeout) => {};
    (backoff) => {};
    (clock) => {};
    (rng) => {};
    (wait_initial) => {};
    (wait_max) => {};
    (wait_jitter) => {};
    (wait_exp_base) => {};
    (on_retry) => {};
    (name) => {};
    (budget) => {};
    (flatten) => {};
    (attempt_timeout) => {};
    ($other:ident) => {
        $crate::__private::compile_error!($crate::__private::concat!(
            "unknown key `",
            $crate::__private::stringify!($other),
            "`: the keys are ",
            "on, attempts, timeout, backoff, clock, rng, wait_initial, wait_max, wait_jitter, ",
            "wait_exp_base, on_retry, name, budget, flatten, attempt_timeout"
        ));
    };
}

/// The loop. The operation comes as an expression, and as raw tokens to name the call site.
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_loop {
    ($mode:ident [$($key:ident = $value:tt)*] [$op:expr] [$($op_tokens:tt)*] $form:ident [$($attempt:tt)*]) => {{
        $( $crate::__retry_check_key!($key); )*
        let mut __clock = $crate::__retry_pick!(clock [$crate::__retry_default_clock!($mode)] [] [] $($key = $value)*);
        let mut __rng = $crate::__retry_pick!(rng [$crate::__retry_default_rng!()] [] [] $($key = $value)*);
        let mut __on = $crate::__retry_pick!(on [$crate::__private::compile_error!($crate::__private::concat!(
            "`on = ...` is missing: say which errors to retry, e.g. `on = |e: &MyError| e.is_transient()`",
            " or, for io::Error, `on = std::io::ErrorKind::TimedOut`"
        ))] [] [] $($key = $value)*);
        let mut __hook = $crate::__retry_pick!(on_retry [$crate::__private::NoHook] [] [] $($key = $value)*);
        // A function, not a value: the default name is a constant that an async loop then need
        // not keep in its future.
        let __name = $crate::__retry_pick!(name [|| -> &'static $crate::__private::core::primitive::str {
            $crate::__retry_name!([] $($op_tokens)*)
        }] [$crate::__private::name] [] $($key = $value)*);
        let __budget = $crate::__retry_pick!(budget [$crate::__private::NoBudget] [$crate::__private::budget] [] $($key = $value)*);
        let __nesting = $crate::__retry_mode!($mode nesting [$($key = $value)*]);
        $crate::__retry_form!(@before $form __backoff [$($key = $value)*]);
        let mut __progress = $crate::__private::None;
        let mut __waited_us = 0u64;
        loop {
            // Everything of one try lives in this block: its result and error are dropped
            // before the wait, so the wait never holds them (an async loop stays `Send`).
            let (__wait, __guards) = {
                $crate::__retry_form!(@bind $form __progress __backoff [$($attempt)*]);
                let __result = $crate::__retry_attempt!(
                    $mode [$($key = $value)*] __clock __on __progress ($form __backoff) [$op]
                );
                let __error = match __result {
                    $crate::__private::Ok(__value) => {
                        $crate::__private::BudgetKey::deposit(&__budget);
                        break $crate::__private::Ok(__value);
                    }
                    $crate::__private::Err(__error) => __error,
                };
                let __schedule = $crate::__retry_form!(@schedule $form __backoff [$($key = $value)*]);
                let __described = {
                    #[allow(unused_imports)]
                    use $crate::__private::{ViaDebug as _, ViaPlaceholder as _};
                    (&$crate::__private::Described(&__error)).described()
                };
                match $crate::__private::failed(
                    &mut __progress, &mut __waited_us, __schedule,
                    &mut || $crate::__retry_mode!($mode now __clock),
                    &__error, __described,
                    &mut __on, &mut __rng, &mut __hook, &__name, &__budget, &__nesting,
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
    ($mode:ident [$($pairs:tt)*] $clock:ident $on:ident $progress:ident $schedule:tt $op:tt) => {
        $crate::__retry_attempt!(@scan $mode $clock $on $progress $schedule [$($pairs)*] $op $($pairs)*)
    };
    (@scan async $clock:ident $on:ident $progress:ident $schedule:tt $all:tt $op:tt attempt_timeout = [($timeout:expr, $timed_out:expr)] $($rest:tt)*) => {
        $crate::__retry_attempt!(@race $clock $on $progress $schedule $all $op [$timeout] [$timed_out])
    };
    (@scan async $clock:ident $on:ident $progress:ident $schedule:tt $all:tt $op:tt attempt_timeout = [$timeout:expr] $($rest:tt)*) => {
        $crate::__retry_attempt!(@race $clock $on $progress $schedule $all $op [$timeout] [|__timed_out| $crate::__private::timed_out_into(__timed_out)])
    };
    (@scan sync $clock:ident $on:ident $progress:ident $schedule:tt $all:tt $op:tt attempt_timeout = $v:tt $($rest:tt)*) => {
        $crate::__private::compile_error!(
            "`attempt_timeout` works with `retry_async!` only: a blocking operation cannot be interrupted, so give it a timeout of its own (a socket's read timeout, say)"
        )
    };
    (@scan $mode:ident $clock:ident $on:ident $progress:ident $schedule:tt $all:tt $op:tt $other:ident = $v:tt $($rest:tt)*) => {
        $crate::__retry_attempt!(@scan $mode $clock $on $progress $schedule $all $op $($rest)*)
    };
    (@scan sync $clock:ident $on:ident $progress:ident $schedule:tt $all:tt [$op:expr]) => {
        $crate::__private::attempt(&$on, || $op)
    };
    (@scan async $clock:ident $on:ident $progress:ident $schedule:tt $all:tt [$op:expr]) => {{
        let __operation = $crate::__private::core::pin::pin!(async { $op });
        let mut __attempt = $crate::__private::attempt_async(&$on, __operation);
        $crate::__private::core::future::poll_fn(move |__cx| __attempt.poll_result(__cx)).await
    }};
    (@race $clock:ident $on:ident $progress:ident ($form:ident $backoff:ident) $all:tt [$op:expr] [$timeout:expr] [$timed_out:expr]) => {{
        let __limit_us = $crate::__private::attempt_timeout_us($timeout);
        let __limit_us = match $progress {
            $crate::__private::None => __limit_us,
            $crate::__private::Some(ref __progress) => $crate::__private::attempt_limit_us(
                __limit_us,
                __progress,
                $crate::__retry_form!(@schedule $form $backoff $all),
                $crate::__private::now_async(&mut $clock),
            ),
        };
        let __operation = $crate::__private::core::pin::pin!(async { $op });
        let mut __attempt = $crate::__private::attempt_async(&$on, __operation);
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
    (@before plain $backoff:ident $pairs:tt) => {
        $crate::__retry_schedule!(@declare $backoff $pairs);
    };
    (@before attempt $backoff:ident $pairs:tt) => {
        let $backoff = &$crate::__retry_schedule!(@value $backoff $pairs);
    };
    (@bind plain $progress:ident $backoff:ident []) => {};
    (@bind attempt $progress:ident $backoff:ident [$attempt:tt : $ty:ty]) => {
        let $attempt: $ty = $crate::__retry_form!(@attempt $progress $backoff);
    };
    (@bind attempt $progress:ident $backoff:ident [$attempt:pat_param]) => {
        let $attempt = $crate::__retry_form!(@attempt $progress $backoff);
    };
    (@attempt $progress:ident $backoff:ident) => {
        $crate::__private::attempt_now(&$progress, $backoff)
    };
    (@schedule plain $backoff:ident $pairs:tt) => { $crate::__retry_schedule!(@get $backoff $pairs) };
    (@schedule attempt $backoff:ident $pairs:tt) => { $backoff };
}

/// The schedule. With no schedule key, `backoff` (or the default) itself, borrowed where it is:
/// a constant is not copied. With keys, `backoff` adjusted by them, built once at the first
/// failure into a slot of the loop's.
///
/// `@value [pairs]`: the schedule as a value. `@declare slot [pairs]`: the slot, if keys need
/// one. `@get slot [pairs]`: a reference to the schedule, at a failure.
#[doc(hidden)]
#[macro_export]
macro_rules! __retry_schedule {
    (@$mode:ident $slot:tt [$($pairs:tt)*]) => {
        $crate::__retry_schedule!(@scan $mode $slot [$($pairs)*] $($pairs)*)
    };
    (@scan $mode:ident $slot:tt $all:tt attempts = $v:tt $($rest:tt)*) => { $crate::__retry_schedule!(@keys $mode $slot $all) };
    (@scan $mode:ident $slot:tt $all:tt timeout = $v:tt $($rest:tt)*) => { $crate::__retry_schedule!(@keys $mode $slot $all) };
    (@scan $mode:ident $slot:tt $all:tt wait_initial = $v:tt $($rest:tt)*) => { $crate::__retry_schedule!(@keys $mode $slot $all) };
    (@scan $mode:ident $slot:tt $all:tt wait_max = $v:tt $($rest:tt)*) => { $crate::__retry_schedule!(@keys $mode $slot $all) };
    (@scan $mode:ident $slot:tt $all:tt wait_jitter = $v:tt $($rest:tt)*) => { $crate::__retry_schedule!(@keys $mode $slot $all) };
    (@scan $mode:ident $slot:tt $all:tt wait_exp_base = $v:tt $($rest:tt)*) => { $crate::__retry_schedule!(@keys $mode $slot $all) };
    (@scan $mode:ident $slot:tt $all:tt $other:ident = $v:tt $($rest:tt)*) => {
        $crate::__retry_schedule!(@scan $mode $slot $all $($rest)*)
    };
    (@scan $mode:ident $slot:tt $all:tt) => { $crate::__retry_schedule!(@plain $mode $slot $all) };

    (@plain value $slot:tt [$($key:ident = $value:tt)*]) => {
        $crate::__retry_pick!(backoff [$crate::__private::DEFAULT_BACKOFF] [] [] $($key = $value)*)
    };
    (@plain declare $slot:tt $all:tt) => {};
    (@plain get $slot:tt $all:tt) => { &$crate::__retry_schedule!(@plain value $slot $all) };

    (@keys value $slot:tt [$($key:ident = $value:tt)*]) => {
        $crate::__private::schedule(
            $crate::__retry_pick!(backoff [$crate::__private::DEFAULT_BACKOFF] [] [] $($key = $value)*),
            $crate::__retry_pick!(attempts [$crate::__private::None] [$crate::__private::Some] [] $($key = $value)*),
            $crate::__retry_pick!(timeout [$crate::__private::None] [$crate::__private::duration_key] [] $($key = $value)*),
            $crate::__retry_pick!(wait_initial [$crate::__private::None] [$crate::__private::duration_key] [] $($key = $value)*),
            $crate::__retry_pick!(wait_max [$crate::__private::None] [$crate::__private::duration_key] [] $($key = $value)*),
            $crate::__retry_pick!(wait_jitter [$crate::__private::None] [$crate::__private::duration_key] [] $($key = $value)*),
            $crate::__retry_pick!(wait_exp_base [$crate::__private::None] [$crate::__private::exp_base] [] $($key = $value)*),
        )
    };
    (@keys declare $slot:ident $all:tt) => {
        let mut $slot = $crate::__private::None;
    };
    (@keys get $slot:ident $all:tt) => {
        match $slot {
            $crate::__private::Some(ref __schedule) => __schedule,
            $crate::__private::None => $slot.insert($crate::__retry_schedule!(@keys value $slot $all)),
        }
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
    (sync nesting [$($pairs:tt)*]) => {
        $crate::__retry_pick!(flatten [$crate::__private::NotFlattened] [$crate::__retry_flatten_sync!] [] $($pairs)*)
    };
    (async nesting [$($pairs:tt)*]) => {
        $crate::__retry_pick!(flatten [$crate::__private::NotFlattened] [$crate::__retry_flatten_async!] [] $($pairs)*)
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
