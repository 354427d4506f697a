//! The policy of one `retry!` / `retry_async!` call site: what happens on each event of the
//! loop that the macros write there. The macros parse the keys and write the loop; everything
//! the loop decides goes through a [`CallSite`], so the policy is written once, in Rust: a
//! method per event (`succeeded`, `failed`, `attempt`, `attempt_limit_us`), and [`judge`], the
//! filter's verdict, a function so that a filter of the wrong type is reported with the error
//! type it should take.
//!
//! The files: [`keys`] (what each key takes, and its stand-in when it is left out),
//! [`operation`] (one attempt, and its race against `attempt_timeout`), [`described`] (the
//! error as `dyn Debug` without asking the error type for `Debug`), [`waiting`] (the clock
//! calls).
//!
//! # Size policy
//!
//! On a microcontroller every byte of flash counts: `benches/size.sh` measures the first call
//! site of a program (the crate's whole cost) and each further one, and CI prints the figures.
//! The optimiser is steered in a few places only, each marked with a one-line comment:
//!
//! - What depends on a call site's types (the filter, the hook, the error, the keys left out)
//!   is `#[inline(always)]`: at `opt-level = "s"` the inliner is stingy, and a stand-in such as
//!   `NoHook`, `NoBudget` or a `None` schedule key must fold away, so that a success costs what
//!   the operation costs and a further call site costs its loop alone.
//! - What does not (the step, `loop_state::shared_step`) is one copy for the whole program on
//!   `no_std` (`inline(never)`): it takes the schedule as a slice and a reference and the RNG as
//!   `&mut dyn Rng`. A `black_box` there keeps the optimiser from writing a second copy of the
//!   step for the first failure. With `std` it may be inlined: on a server speed counts more.
//! - What crosses into the step fits a register: an [`EncodedWait`](crate::encoded_wait) rather
//!   than an enum, a [`Decision`](crate::Decision) as `Option<EncodedWait>`.
//! - The loop's state is one byte to clear before the first try, at offset 0 (`Progress` is
//!   `repr(C)` with its flag first): one short store and one short load on a Cortex-M0.
//! - What only the reports read (the total of the waits) is kept only where a report or hook
//!   can read it (`report::MAY_LISTEN`, or an `on_retry` hook): firmware without a reporting
//!   feature keeps no sum.

pub mod described;
pub mod keys;
pub mod operation;
pub mod waiting;

use core::fmt::Debug;

use crate::loop_state::LoopState;
use crate::nesting::Nesting;
use crate::report::{self, Guards};
use crate::{micros, Attempt, Backoff, Decision, RetryDetails, RetryOn, Rng};
use keys::{BudgetKey, Hook};

/// What a call site keeps across its tries: its keys' values and the loop's state. The clock
/// stays outside, since an attempt with `attempt_timeout` races it while the site is borrowed.
#[allow(missing_debug_implementations)] // holds the user's closures
pub struct CallSite<R, On, H, Name, B, Ns> {
    rng: R,
    on: On,
    hook: H,
    name: Name,
    budget: B,
    nesting: Ns,
    state: LoopState,
}

impl<R, On, H, Name, B, Ns> CallSite<R, On, H, Name, B, Ns>
where
    R: Rng,
    Name: Fn() -> &'static str,
    B: BudgetKey,
    Ns: Nesting,
{
    /// The keys in the order the expansion evaluates them (after the clock).
    #[inline(always)]
    pub fn new(rng: R, on: On, hook: H, name: Name, budget: B, nesting: Ns) -> Self {
        Self {
            rng,
            on,
            hook,
            name,
            budget,
            nesting,
            state: LoopState::new(),
        }
    }

    /// The filter, which the attempt takes to learn its error type before the operation is
    /// checked.
    #[inline(always)]
    pub fn on(&self) -> &On {
        &self.on
    }

    /// The binding of the `|attempt|` form: the try about to be made.
    #[inline]
    pub fn attempt<const N: usize>(&self, backoff: &Backoff<N>) -> Attempt {
        self.state.attempt(backoff.view())
    }

    /// The time an attempt may take with `attempt_timeout`: `limit_us`, cut to the time left
    /// before the loop's deadline (zero once it is reached). Before the first failure there is
    /// no deadline yet, and `now` is not called.
    #[inline]
    pub fn attempt_limit_us<const N: usize>(
        &self,
        limit_us: u64,
        backoff: &Backoff<N>,
        now: impl FnOnce() -> u64,
    ) -> u64 {
        if !self.state.started() {
            return limit_us;
        }
        match self.state.time_left(backoff.view().timeout_us(), now()) {
            Some(left) => limit_us.min(left),
            None => 0,
        }
    }

    /// The operation succeeded: the budget gets its deposit.
    #[inline(always)]
    pub fn succeeded(&self) {
        self.budget.deposit();
    }

    /// The operation failed with `error`, and `on` judged it `decision` (see [`judge`]): reads
    /// the clock, takes the shared step, draws from the budget, tells the hooks and the
    /// reports, checks that the wait still fits before the deadline after they ran (they may be
    /// slow during an outage), and answers the wait in µs with the hooks' guards, or `None` to
    /// give up. Inlined at the site, it keeps
    /// there only what is generic; the step itself is out of line and shared.
    #[inline(always)]
    pub fn failed<const N: usize, E>(
        &mut self,
        decision: Decision,
        error: &E,
        described: &dyn Debug,
        backoff: &Backoff<N>,
        now: &mut impl FnMut() -> u64,
    ) -> Option<(u64, Guards)>
    where
        H: Hook<E>,
    {
        let wanted = decision.encoded()?;
        if self.nesting.enclosed() {
            return None;
        }
        // Read after `on` ran, so that its time counts.
        let now_us = now();
        let schedule = backoff.view();
        let waited_so_far_us = self.state.waited_us();
        let wait = self.state.advance(
            schedule,
            now_us,
            wanted,
            &mut self.rng,
            H::PRESENT || report::MAY_LISTEN,
        );
        // One bit tells a wait from giving up: cheaper at every call site than a comparison.
        let wait_us = wait.wait_us()?;
        if !self.budget.withdraw() {
            return None;
        }
        let details = RetryDetails {
            name: (self.name)(),
            retry_num: self.state.retries(),
            wait_for: micros::to_duration(wait_us),
            waited_so_far: micros::to_duration(waited_so_far_us),
            error,
            error_type: core::any::type_name::<E>(),
        };
        self.hook.call(&details);
        // Only built when someone listens: a loop on a server with no global hook (no report
        // feature, or `set_on_retry_hooks([])`) pays one atomic load per retry.
        let listened = report::listened();
        let guards = if listened {
            report::retry_scheduled(
                &RetryDetails {
                    error: described,
                    name: details.name,
                    retry_num: details.retry_num,
                    wait_for: details.wait_for,
                    waited_so_far: details.waited_so_far,
                    error_type: details.error_type,
                },
                wait_us,
            )
        } else {
            Guards::NONE
        };
        // The hooks took time: the wait must still end by the deadline.
        if (H::PRESENT || listened) && !self.state.fits(schedule.timeout_us(), now(), wait_us) {
            return None;
        }
        Some((wait_us, guards))
    }
}

/// `on`'s verdict on the error of a failed attempt. A function with the error first, not a
/// method: the error's type is known before the filter's bound is checked, so a filter that
/// does not fit is reported with the type it should take (`|e: &MyError|`, not `|e: &_|`).
#[inline(always)]
pub fn judge<E, M, R, On, H, Name, B, Ns>(
    error: &E,
    site: &mut CallSite<R, On, H, Name, B, Ns>,
) -> Decision
where
    On: RetryOn<E, M>,
{
    site.on.decide(error)
}
