//! The global switch: turn retries off, or into stamina's testing mode, for a whole program.
//!
//! Only atomic loads and stores, plus `fetch_add` where the target has it: it builds on targets
//! without compare-and-swap (Cortex-M0). Every retry loop reads the switch once, at its first
//! failure; a call that succeeds at once never reads it.
//!
//! Testing mode has two sources. Guards ([`set_testing`]): `GUARDS` counts the live ones, so
//! testing mode is on exactly while one is alive whatever order they are dropped in; `SETTING` is
//! the setting in force among them, `OWNER` the guard that put it there (only that guard's drop
//! restores the one it replaced). The session ([`set_testing_session`]): `SESSION`, which applies
//! while no guard is alive.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

static ACTIVE: AtomicBool = AtomicBool::new(true);
/// How many [`TestingGuard`]s are alive.
static GUARDS: AtomicU32 = AtomicU32::new(0);
/// The guards' setting in force, `attempts << 1 | cap` (never `0`); read only while `GUARDS > 0`.
static SETTING: AtomicU32 = AtomicU32::new(encode(1, false));
/// The id of the guard that stored `SETTING`.
static OWNER: AtomicU32 = AtomicU32::new(0);
/// The id of the last guard created (ids are unique until 2³² guards have been created).
static LAST_ID: AtomicU32 = AtomicU32::new(0);
/// The session's setting, `attempts << 1 | cap`, or `0` when there is no session.
static SESSION: AtomicU32 = AtomicU32::new(0);

const fn encode(attempts: u32, cap: bool) -> u32 {
    let attempts = if attempts == 0 {
        1
    } else if attempts > u32::MAX >> 1 {
        u32::MAX >> 1
    } else {
        attempts
    };
    attempts << 1 | cap as u32
}

/// Adds `delta` (wrapping) and returns the new value: one atomic `fetch_add`.
#[cfg(target_has_atomic = "32")]
#[inline]
fn add(counter: &AtomicU32, delta: u32) -> u32 {
    counter
        .fetch_add(delta, Ordering::Relaxed)
        .wrapping_add(delta)
}

/// Adds `delta` (wrapping) and returns the new value: a load and a store, since the target has no
/// compare-and-swap. Correct on one thread only (these are single-core microcontrollers; see
/// [`set_testing`]).
#[cfg(not(target_has_atomic = "32"))]
#[inline]
fn add(counter: &AtomicU32, delta: u32) -> u32 {
    let new = counter.load(Ordering::Relaxed).wrapping_add(delta);
    counter.store(new, Ordering::Relaxed);
    new
}

/// Turns retrying on or off for the whole program. Off, every retry loop tries exactly once and
/// returns what that try returned. Idempotent.
///
/// # Examples
///
/// ```
/// stamina::set_active(false);
/// assert!(!stamina::is_active());
/// stamina::set_active(true);
/// ```
pub fn set_active(active: bool) {
    ACTIVE.store(active, Ordering::Relaxed);
}

/// Whether retrying is on (it is unless [`set_active`]`(false)` was called).
///
/// ```
/// assert!(stamina::is_active());
/// ```
#[inline]
pub fn is_active() -> bool {
    ACTIVE.load(Ordering::Relaxed)
}

/// Turns on stamina's testing mode while the returned guard is alive: retry loops never wait
/// (and do not apply their timeout), and make `attempts` tries (`0` is read as `1`, and more
/// than 2³¹ − 1 as 2³¹ − 1). With `cap`, `attempts` is an upper bound instead: a loop configured
/// with fewer tries keeps its own number. Bind the guard to a name (`let _testing = ...`):
/// `let _ = ...` drops it, and ends testing mode, at once.
///
/// [`set_active`]`(false)` takes precedence: one try.
///
/// # Several guards
///
/// * **On or off.** Testing mode is on exactly while at least one guard is alive (or a
///   [session](set_testing_session) is on): the guards are counted, so when the last one is
///   dropped, on whichever thread and in whatever order, testing mode is off again (unless a
///   session is on). A guard leaked with [`core::mem::forget`] counts as alive for ever.
/// * **Which setting.** Creating a guard puts its setting in force and remembers the one it
///   replaced. Dropping the guard whose setting is in force puts that one back; dropping any
///   other guard changes nothing but the count. So guards dropped in the reverse order of their
///   creation (as scopes drop them) restore each outer setting exactly. Dropped out of order,
///   they keep testing mode on as long as one is alive, but the setting they leave may be one
///   whose guard is gone: after `a`, `b`, `c` are created and `b` then `c` dropped, `b`'s
///   setting is back, though only `a` is alive.
/// * **Threads.** Guards may be created, moved and dropped on any thread: the rules above hold
///   for the whole program, not per thread, so the most recently created live guard's setting
///   applies to every thread's loops. When two threads create or drop guards at the same
///   moment, which of their settings ends up in force is unspecified; whether testing mode is
///   on is not. Tests that run in parallel and need *different* settings should not share a
///   process (put them in their own test binary, or serialise them with a lock); tests that
///   all want the same one can each take a guard, or the process can start a
///   [session](set_testing_session).
/// * **Targets without compare-and-swap** (such as `thumbv6m-none-eabi`): the count is kept
///   with an atomic load and a store, so create and drop guards from one thread, not from an
///   interrupt handler that may preempt another guard's creation or drop.
///
/// A live guard's setting takes precedence over the session's; while no guard is alive, the
/// session's applies.
///
/// # Examples
///
/// ```
/// let _testing = stamina::set_testing(2, false);
/// let mut tries = 0;
/// let r: Result<(), &str> = stamina::retry!(on = |_: &&str| true, { tries += 1; Err("down") });
/// assert_eq!((tries, r), (2, Err("down")));
/// ```
///
/// Dropped out of order, the last guard still ends testing mode:
///
/// ```
/// let a = stamina::set_testing(3, false);
/// let b = stamina::set_testing(1, false);
/// drop(a); // b's setting stays in force
/// assert!(stamina::is_testing());
/// drop(b);
/// assert!(!stamina::is_testing());
/// ```
pub fn set_testing(attempts: u32, cap: bool) -> TestingGuard {
    let id = add(&LAST_ID, 1);
    let guard = TestingGuard {
        id,
        previous: SETTING.load(Ordering::Relaxed),
        previous_owner: OWNER.load(Ordering::Relaxed),
    };
    SETTING.store(encode(attempts, cap), Ordering::Relaxed);
    OWNER.store(id, Ordering::Relaxed);
    add(&GUARDS, 1);
    guard
}

/// Turns on stamina's testing mode for the rest of the program, or until
/// [`end_testing_session`], with no guard to keep alive: the form for a test suite's setup
/// (Python stamina's plain `set_testing(True, attempts=1)` in a pytest fixture). `attempts` and
/// `cap` mean what they mean for [`set_testing`]. Calling it again replaces the session's
/// setting, so tests that run in parallel can each call it first with the same arguments (the
/// test harness has no setup hook). Like the guards, the session is one for the whole program:
/// [`end_testing_session`] ends it for every thread.
///
/// While a [`TestingGuard`] is alive, the guards' setting takes precedence; the session's
/// applies whenever none is. [`set_active`]`(false)` takes precedence over both: one try.
///
/// # Examples
///
/// ```
/// stamina::set_testing_session(1, false);
/// assert!(stamina::is_testing());
/// let mut tries = 0;
/// let r: Result<(), &str> = stamina::retry!(on = |_: &&str| true, { tries += 1; Err("down") });
/// assert_eq!((tries, r), (1, Err("down")));
/// stamina::end_testing_session();
/// assert!(!stamina::is_testing());
/// ```
pub fn set_testing_session(attempts: u32, cap: bool) {
    SESSION.store(encode(attempts, cap), Ordering::Relaxed);
}

/// Ends the session [`set_testing_session`] started; live [`TestingGuard`]s are unaffected, and
/// testing mode stays on while one is alive. Idempotent.
///
/// # Examples
///
/// ```
/// stamina::set_testing_session(2, false);
/// let guard = stamina::set_testing(5, false);
/// stamina::end_testing_session();
/// assert!(stamina::is_testing(), "the guard is alive");
/// drop(guard);
/// assert!(!stamina::is_testing());
/// ```
pub fn end_testing_session() {
    SESSION.store(0, Ordering::Relaxed);
}

/// Whether testing mode is on: a [`TestingGuard`] is alive, or a session
/// ([`set_testing_session`]) is on. It says nothing of [`set_active`], which takes precedence.
///
/// ```
/// assert!(!stamina::is_testing());
/// let guard = stamina::set_testing(1, false);
/// assert!(stamina::is_testing());
/// drop(guard);
/// assert!(!stamina::is_testing());
/// ```
#[inline]
pub fn is_testing() -> bool {
    GUARDS.load(Ordering::Relaxed) != 0 || SESSION.load(Ordering::Relaxed) != 0
}

/// Keeps the testing mode of [`set_testing`] on while alive. Dropping it puts back the setting it
/// replaced if its own is still in force, and ends testing mode if it was the last live guard
/// (and no session is on); [`set_testing`] has the rules for guards dropped out of order or on
/// several threads.
///
/// ```
/// let outer = stamina::set_testing(3, false);
/// {
///     let _inner = stamina::set_testing(1, false);
/// } // back to 3 tries
/// drop(outer); // back to normal
/// assert!(!stamina::is_testing());
/// ```
#[derive(Debug)]
#[must_use = "testing mode ends when this guard is dropped; bind it: `let _testing = ...`"]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TestingGuard {
    id: u32,
    previous: u32,
    previous_owner: u32,
}

impl Drop for TestingGuard {
    fn drop(&mut self) {
        if OWNER.load(Ordering::Relaxed) == self.id {
            SETTING.store(self.previous, Ordering::Relaxed);
            OWNER.store(self.previous_owner, Ordering::Relaxed);
        }
        add(&GUARDS, u32::MAX); // minus one
    }
}

/// What a retry loop does, read once at its first failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    Normal,
    /// One try.
    Inactive,
    /// No waits; `attempts` tries, or at most that many with `cap`.
    Testing {
        attempts: u32,
        cap: bool,
    },
}

#[inline]
pub(crate) fn mode() -> Mode {
    if !is_active() {
        return Mode::Inactive;
    }
    let raw = if GUARDS.load(Ordering::Relaxed) != 0 {
        SETTING.load(Ordering::Relaxed)
    } else {
        SESSION.load(Ordering::Relaxed)
    };
    match raw {
        0 => Mode::Normal,
        raw => Mode::Testing {
            attempts: raw >> 1,
            cap: raw & 1 == 1,
        },
    }
}
