//! The global switch: turn retries off, or into stamina's testing mode, for a whole program.
//!
//! Only atomic loads and stores: it builds on targets without compare-and-swap (Cortex-M0).
//! Every retry loop reads the switch once, at its first failure; a call that succeeds at once
//! never reads it.

use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};

static ACTIVE: AtomicBool = AtomicBool::new(true);
/// `0` when testing mode is off, else `attempts << 1 | cap`.
static TESTING: AtomicU32 = AtomicU32::new(0);

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

/// Turns on stamina's testing mode until the returned guard is dropped: retry loops never wait
/// (and do not apply their timeout), and make `attempts` tries (`0` is read as `1`). With
/// `cap`, `attempts` is an upper bound instead: a loop configured with fewer tries keeps its own
/// number. Dropping the guard restores whatever was set before, so guards nest; drop them in
/// the reverse order of their creation (as scopes do). Bind the guard to a name
/// (`let _testing = ...`): `let _ = ...` drops it, and ends testing mode, at once.
///
/// [`set_active`]`(false)` takes precedence: one try.
///
/// The switch is global: tests that run in parallel threads share it, so tests that set it
/// should not run at the same time as tests that depend on it (put them in their own test
/// binary, or serialise them with a lock).
///
/// # Examples
///
/// ```
/// use core::time::Duration;
///
/// let _testing = stamina::set_testing(2, false);
/// let mut tries = 0;
/// let r: Result<(), &str> = stamina::retry!(on = |_: &&str| true, { tries += 1; Err("down") });
/// assert_eq!((tries, r), (2, Err("down")));
/// ```
pub fn set_testing(attempts: u32, cap: bool) -> TestingGuard {
    let attempts = attempts.clamp(1, u32::MAX >> 1);
    let previous = TESTING.load(Ordering::Relaxed);
    TESTING.store(attempts << 1 | u32::from(cap), Ordering::Relaxed);
    TestingGuard { previous }
}

/// Whether testing mode is on.
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
    TESTING.load(Ordering::Relaxed) != 0
}

/// Restores the testing mode that was in force before [`set_testing`] when dropped.
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
    previous: u32,
}

impl Drop for TestingGuard {
    fn drop(&mut self) {
        TESTING.store(self.previous, Ordering::Relaxed);
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
    match TESTING.load(Ordering::Relaxed) {
        0 => Mode::Normal,
        raw => Mode::Testing {
            attempts: raw >> 1,
            cap: raw & 1 == 1,
        },
    }
}
