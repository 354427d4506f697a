//! What each key of the macros takes, and the stand-in for a key left out (`NoHook`,
//! `NoBudget`): types and functions whose bounds name the key in the error when a value does
//! not fit.

use core::time::Duration;

use crate::{Backoff, RetryDetails};

/// The default schedule, as a constant: evaluated at compile time, never in the loop.
pub const DEFAULT_BACKOFF: Backoff = Backoff::new();

/// The per-call `on_retry` hook, or none.
pub trait Hook<E> {
    /// Whether there is a hook to call: a slow hook makes the loop read its clock again.
    const PRESENT: bool = true;
    /// Calls the hook before the wait.
    fn call(&mut self, details: &RetryDetails<'_, E>);
}

/// No `on_retry` key.
#[derive(Debug)]
pub struct NoHook;

impl<E> Hook<E> for NoHook {
    const PRESENT: bool = false;
    #[inline(always)]
    fn call(&mut self, _: &RetryDetails<'_, E>) {}
}

impl<E, F: FnMut(&RetryDetails<'_, E>)> Hook<E> for F {
    #[inline]
    fn call(&mut self, details: &RetryDetails<'_, E>) {
        self(details);
    }
}

/// The schedule from `backoff = ...` (or the default) and the schedule keys, in that order.
/// Always inlined: the keys left out are `None` constants and their branches vanish.
#[inline(always)]
pub fn schedule<const N: usize>(
    backoff: Backoff<N>,
    attempts: Option<u32>,
    timeout: Option<Duration>,
    wait_initial: Option<Duration>,
    wait_max: Option<Duration>,
    wait_jitter: Option<Duration>,
    wait_exp_base: Option<(u32, u32)>,
) -> Backoff<N> {
    let mut b = backoff;
    if let Some(n) = attempts {
        b = b.attempts(n);
    }
    if let Some(t) = timeout {
        b = b.timeout(t);
    }
    if let Some(m) = wait_max {
        b = b.wait_max(m);
    }
    if let Some(w) = wait_initial {
        b = b.wait_initial(w);
    }
    if let Some((num, den)) = wait_exp_base {
        b = b.wait_exp_base_ratio(num, den);
    }
    if let Some(j) = wait_jitter {
        b = b.wait_jitter(j);
    }
    b
}

/// What `wait_exp_base = ...` takes: an integer factor or a `(num, den)` ratio.
pub trait ExpBaseArg {
    /// The factor as `(num, den)`.
    fn ratio(self) -> (u32, u32);
}

impl ExpBaseArg for u32 {
    fn ratio(self) -> (u32, u32) {
        (self, 1)
    }
}

impl ExpBaseArg for (u32, u32) {
    fn ratio(self) -> (u32, u32) {
        self
    }
}

/// Takes `wait_exp_base = ...`.
#[inline]
pub fn exp_base(arg: impl ExpBaseArg) -> Option<(u32, u32)> {
    Some(arg.ratio())
}

/// Takes `name = "..."`: evaluated once, like every key.
#[inline(always)]
pub fn name(name: &'static str) -> impl Fn() -> &'static str {
    move || name
}

/// The `budget` key: every scheduled retry withdraws, every success deposits.
pub trait BudgetKey {
    /// Takes a token for a retry: `false` when the budget is dry.
    fn withdraw(&self) -> bool;
    /// Refunds part of a token after a success.
    fn deposit(&self);
}

/// No `budget` key.
#[derive(Debug)]
pub struct NoBudget;

impl BudgetKey for NoBudget {
    #[inline(always)]
    fn withdraw(&self) -> bool {
        true
    }
    #[inline(always)]
    fn deposit(&self) {}
}

#[cfg(target_has_atomic = "32")]
impl BudgetKey for &crate::Budget {
    #[inline]
    fn withdraw(&self) -> bool {
        self.try_withdraw()
    }
    #[inline]
    fn deposit(&self) {
        let _ = crate::Budget::deposit(self);
    }
}

/// Takes `budget = &B` (a `&Budget`, or a `&Arc<Budget>` through deref).
#[cfg(target_has_atomic = "32")]
#[inline(always)]
pub fn budget(budget: &crate::Budget) -> &crate::Budget {
    budget
}

/// What the keys that take a `Duration` accept: a `Duration`, and a clear error otherwise.
#[diagnostic::on_unimplemented(
    message = "this key takes a `core::time::Duration`, not `{Self}`",
    label = "expected a `Duration`",
    note = "write e.g. `Duration::from_secs(30)` or `Duration::from_millis(250)`"
)]
pub trait DurationKey {
    /// The value as a `Duration`.
    fn duration(self) -> Duration;
}

impl DurationKey for Duration {
    #[inline(always)]
    fn duration(self) -> Duration {
        self
    }
}

/// Takes the value of a key that is a `Duration`.
#[inline(always)]
pub fn duration_key(value: impl DurationKey) -> Option<Duration> {
    Some(value.duration())
}
