//! The state of one retry loop and the step every loop shares: told "the try failed at time t,
//! and `on` asked for this wait", it answers the wait or "give up". Sans-IO: it never sleeps and
//! never reads a clock. Both drivers keep this one state: the macros' call sites
//! ([`crate::call_site`]) and the public [`Retrying`](crate::Retrying).

use crate::backoff::{Jitter, Rules, View, NO_TIMEOUT};
use crate::encoded_wait::EncodedWait;
use crate::switch::{self, Mode};
use crate::{Attempt, Rng};

/// What one loop has done so far, without its schedule (a driver reads that where it is).
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub(crate) struct LoopState {
    /// Set at the first failure that `on` wants retried: a call that succeeds at once starts
    /// nothing, reads no switch and no clock, and its state is one byte to clear.
    progress: Option<Progress>,
}

/// A loop after its first failure.
///
/// `repr(C)`, flag first: `Option<Progress>` keeps its "not started" mark in `sleeps`, and at
/// offset 0 the call sites on a Cortex-M0 clear and test it with one short instruction.
#[repr(C)]
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
struct Progress {
    /// `false` in testing mode and when inactive: no waits, no timeout.
    sleeps: bool,
    /// Tries allowed under the global switch as read at the first failure; `0` for unlimited.
    attempts: u32,
    /// Retries scheduled so far: the failed try being judged is number `retries + 1`.
    retries: u32,
    /// The jitter-free wait that follows the next failure ([`Jitter::Decorrelated`]: the last
    /// wait drawn).
    base_us: u64,
    first_failure_us: u64,
    /// The total of the waits handed out (kept by drivers that can report it).
    waited_us: u64,
}

impl LoopState {
    /// A loop that has made one try so far.
    #[inline(always)] // size policy (call_site): a function, one store; a constant is copied whole
    pub(crate) const fn new() -> Self {
        Self { progress: None }
    }

    /// The try that is number `retries() + 1` failed at `now_us`, and `on` asked for `wanted`:
    /// the wait before the next try, or [`EncodedWait::GIVE_UP`]. With `total`, the wait is
    /// added to [`LoopState::waited_us`]: a call site passes the constant `false` when nothing
    /// in the build can read the total, and keeps no sum. Inlined into each driver; the step
    /// itself is [`shared_step`], out of line.
    #[inline(always)]
    pub(crate) fn advance(
        &mut self,
        schedule: View<'_>,
        now_us: u64,
        wanted: EncodedWait,
        rng: &mut impl Rng,
        total: bool,
    ) -> EncodedWait {
        let wait = shared_step(
            &mut self.progress,
            schedule.waits,
            schedule.rules,
            now_us,
            wanted,
            rng,
        );
        if let (true, Some(us), Some(progress)) = (total, wait.wait_us(), &mut self.progress) {
            progress.waited_us = progress.waited_us.saturating_add(us);
        }
        wait
    }

    /// Whether a failure started the loop's clock.
    #[inline]
    pub(crate) const fn started(&self) -> bool {
        self.progress.is_some()
    }

    /// Retries scheduled so far.
    #[inline]
    pub(crate) const fn retries(&self) -> u32 {
        match &self.progress {
            Some(progress) => progress.retries,
            None => 0,
        }
    }

    /// The total of the waits handed out, in µs.
    #[inline]
    pub(crate) const fn waited_us(&self) -> u64 {
        match &self.progress {
            Some(progress) => progress.waited_us,
            None => 0,
        }
    }

    /// The time left at `now_us` before the deadline (`timeout_us` after the first failure):
    /// `None` once it is reached, `Some(u64::MAX)` when nothing bounds the loop in time (no
    /// timeout, testing mode, retrying off) or before the first failure.
    #[inline]
    pub(crate) const fn time_left(&self, timeout_us: u64, now_us: u64) -> Option<u64> {
        match &self.progress {
            Some(progress) => progress.time_left(timeout_us, now_us),
            None => Some(u64::MAX),
        }
    }

    /// Whether a wait of `wait_us` from `now_us` still ends by the deadline: the check a loop
    /// makes again after its hooks ran, since they may have taken time.
    #[inline]
    pub(crate) const fn fits(&self, timeout_us: u64, now_us: u64, wait_us: u64) -> bool {
        match self.time_left(timeout_us, now_us) {
            Some(left) => wait_us <= left,
            None => false,
        }
    }

    /// The upcoming try: its number and the jitter-free wait that follows it if it fails (zero
    /// in testing mode and while retrying is off, which never wait).
    #[inline]
    pub(crate) fn attempt(&self, schedule: View<'_>) -> Attempt {
        match &self.progress {
            Some(progress) => Attempt::from_parts(
                progress.retries.saturating_add(1),
                if progress.sleeps { progress.base_us } else { 0 },
            ),
            // Before the first failure the switch has not been read yet: read it now.
            None if limits(schedule.attempts()).1 => {
                Attempt::from_parts(1, schedule.first_base_us())
            }
            None => Attempt::from_parts(1, 0),
        }
    }
}

impl Progress {
    /// The progress of a loop whose first try just failed, at `now_us`: the global switch is
    /// read now, once for the whole loop.
    #[inline]
    fn start(now_us: u64, schedule: View<'_>) -> Self {
        let (attempts, sleeps) = limits(schedule.attempts());
        Self {
            attempts,
            sleeps,
            retries: 0,
            waited_us: 0,
            base_us: schedule.first_base_us(),
            first_failure_us: now_us,
        }
    }

    #[inline]
    const fn time_left(&self, timeout_us: u64, now_us: u64) -> Option<u64> {
        // Testing mode and retrying off never wait, and apply no timeout.
        if timeout_us == NO_TIMEOUT || !self.sleeps {
            return Some(u64::MAX);
        }
        // Readings only ever get subtracted: a clock's `now` may start anywhere.
        let elapsed = now_us.saturating_sub(self.first_failure_us);
        if elapsed >= timeout_us {
            None
        } else {
            Some(timeout_us - elapsed)
        }
    }

    /// The step: try number `retries + 1` failed at `now_us`, and the filter asked for
    /// `wanted`. The retry is counted and the next jitter-free wait grown first (the registers
    /// are then free for the draw), and both are taken back if the answer is to give up: a
    /// loop that gives up is left as it was. Not generic (the RNG is a trait object), so that
    /// every call site of a program calls the same code.
    #[inline(always)]
    fn step(
        &mut self,
        schedule: View<'_>,
        now_us: u64,
        wanted: EncodedWait,
        rng: &mut dyn Rng,
    ) -> EncodedWait {
        let (retries, base_us) = (self.retries, self.base_us);
        self.retries = retries.saturating_add(1);
        self.base_us = schedule.following_base_us(self.retries, base_us);
        let wait = self.wait_after(schedule, base_us, self.retries, now_us, wanted, rng);
        match wait.wait_us() {
            // Decorrelated waits grow from the last wait drawn, not from a jitter-free one.
            Some(us) if matches!(schedule.jitter_kind(), Jitter::Decorrelated) => {
                self.base_us = if wanted.is_none() && self.sleeps {
                    us
                } else {
                    base_us
                };
            }
            Some(_) => {}
            None => (self.retries, self.base_us) = (retries, base_us),
        }
        wait
    }

    /// The wait after failed try `failed_try`, jittered or the filter's own, or
    /// [`EncodedWait::GIVE_UP`] when the tries are spent or the wait would end after the
    /// deadline.
    #[inline(always)]
    fn wait_after(
        &self,
        schedule: View<'_>,
        base_us: u64,
        failed_try: u32,
        now_us: u64,
        wanted: EncodedWait,
        rng: &mut dyn Rng,
    ) -> EncodedWait {
        // `attempts == 0` is unlimited: the timeout alone bounds the loop.
        if self.attempts != 0 && failed_try >= self.attempts {
            return EncodedWait::GIVE_UP;
        }
        if !self.sleeps {
            return EncodedWait::after_us(0);
        }
        let Some(left) = self.time_left(schedule.timeout_us(), now_us) else {
            return EncodedWait::GIVE_UP;
        };
        let wait = match wanted.wait_us() {
            None => {
                let random = if schedule.draws() { rng.next_u32() } else { 0 };
                schedule
                    .jittered_us(base_us, random)
                    .min(EncodedWait::MAX_US)
            }
            // An override: no jitter, no cap, and the same deadline rule as any wait.
            Some(us) => us,
        };
        if wait > left {
            EncodedWait::GIVE_UP
        } else {
            EncodedWait::after_us(wait)
        }
    }
}

/// The step of every loop, out of line: at the first failure it starts the loop's progress,
/// then it takes the step. One copy serves every call site of a program: each passes its
/// schedule as a slice and a reference, and its RNG as a trait object. The schedule travels in
/// registers rather than as a `View` in memory, so that when every site of a program uses the
/// same constant schedule (the default one, say), the optimiser folds it into this copy.
///
/// With `std` (a server, where speed counts more than bytes) it may be inlined instead, so that
/// a constant schedule folds into the loop.
#[cfg_attr(not(feature = "std"), inline(never))] // size policy (call_site): one copy
#[cfg_attr(feature = "std", inline)]
fn shared_step(
    progress: &mut Option<Progress>,
    waits: &[u64],
    rules: &Rules,
    now_us: u64,
    wanted: EncodedWait,
    rng: &mut dyn Rng,
) -> EncodedWait {
    let schedule = View { waits, rules };
    let progress = match progress {
        Some(progress) => progress,
        None => progress.insert(Progress::start(now_us, schedule)),
    };
    // Size policy (call_site): no second copy of the step for the first failure.
    #[cfg(not(feature = "std"))]
    let progress = core::hint::black_box(progress);
    progress.step(schedule, now_us, wanted, rng)
}

/// Tries allowed and whether to sleep, under the global switch.
#[inline]
fn limits(configured: u32) -> (u32, bool) {
    match switch::mode() {
        Mode::Normal => (configured, true),
        Mode::Inactive => (1, false),
        Mode::Testing { attempts, cap } => {
            let fewer = configured != 0 && configured < attempts;
            (if cap && fewer { configured } else { attempts }, false)
        }
    }
}
