//! Global `on_retry` hooks (`std`): functions every retry loop of the program calls on each
//! scheduled retry, like stamina's `set_on_retry_hooks`. A hook may hand back a guard that the
//! loop drops when its wait ends, so a span or a timer can cover the wait.

use core::fmt::Debug;
use core::sync::atomic::{AtomicBool, Ordering};
use std::boxed::Box;
use std::sync::{Arc, PoisonError, RwLock};
use std::vec::Vec;

use crate::RetryDetails;

/// What a global hook sees: the details of one scheduled retry, with the error as `dyn Debug`
/// (an error type without `Debug` shows as a placeholder; `error_type` names it).
pub type HookDetails<'a, 'e> = RetryDetails<'a, dyn Debug + 'e>;

type HookFn = dyn Fn(&HookDetails<'_, '_>) -> Option<Guard> + Send + Sync;

/// Something a hook handed back, dropped when the wait ends.
type Guard = Box<dyn Send>;

/// One global hook: build it from a function or closure with [`OnRetryHook::new`], or with
/// [`OnRetryHook::with_guard`] when it returns something to drop after the wait.
///
/// Cloning is cheap (a reference count).
///
/// # Examples
///
/// ```
/// use stamina::{HookDetails, OnRetryHook};
///
/// fn log_it(d: &HookDetails<'_, '_>) {
///     eprintln!("retry {} of {} in {:?}: {:?}", d.retry_num, d.name, d.wait_for, d.error);
/// }
/// let hook = OnRetryHook::new(log_it);
/// # drop(hook);
/// ```
#[derive(Clone)]
pub struct OnRetryHook(Arc<HookFn>);

impl OnRetryHook {
    /// A hook that only observes.
    ///
    /// ```
    /// let _hook = stamina::OnRetryHook::new(|d: &stamina::HookDetails<'_, '_>| eprintln!("{}", d.name));
    /// ```
    pub fn new(hook: impl Fn(&HookDetails<'_, '_>) + Send + Sync + 'static) -> Self {
        Self(Arc::new(move |details: &HookDetails<'_, '_>| {
            hook(details);
            None
        }))
    }

    /// A hook whose return value lives until the wait it announced has ended, and is then
    /// dropped, exactly once (also when an async loop is dropped during its wait). An entered
    /// span, a timer, a gauge increment that its `Drop` undoes.
    ///
    /// When several hooks hand back a value for the same retry, the values are dropped newest
    /// first (the reverse of the hooks' order), like nested scopes: a hook later in the list
    /// may rely on what an earlier one set up.
    ///
    /// ```
    /// use std::sync::atomic::{AtomicU32, Ordering};
    /// use std::sync::Arc;
    ///
    /// struct Waiting(Arc<AtomicU32>);
    /// impl Drop for Waiting {
    ///     fn drop(&mut self) { self.0.fetch_sub(1, Ordering::Relaxed); }
    /// }
    ///
    /// let waiting = Arc::new(AtomicU32::new(0));
    /// let gauge = Arc::clone(&waiting);
    /// let _hook = stamina::OnRetryHook::with_guard(move |_: &stamina::HookDetails<'_, '_>| {
    ///     gauge.fetch_add(1, Ordering::Relaxed);
    ///     Waiting(Arc::clone(&gauge))
    /// });
    /// ```
    pub fn with_guard<G: Send + 'static>(
        hook: impl Fn(&HookDetails<'_, '_>) -> G + Send + Sync + 'static,
    ) -> Self {
        Self(Arc::new(move |details: &HookDetails<'_, '_>| {
            Some(Box::new(hook(details)) as Guard)
        }))
    }
}

impl Debug for OnRetryHook {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("OnRetryHook(..)")
    }
}

static HOOKS: RwLock<Option<Arc<[OnRetryHook]>>> = RwLock::new(None);
/// Whether any hook is set: a loop checks this before it takes the lock.
static ANY: AtomicBool = AtomicBool::new(false);

/// Replaces the global hooks, which every retry loop of the program (`retry!`,
/// `retry_async!`, [`RetryingCaller`](crate::RetryingCaller)) calls on each scheduled retry,
/// never on success nor on the final give-up, after its own `on_retry` hook. An empty list
/// removes them all.
///
/// The hooks run on the retrying thread, one after the other, in the order given. A hook may
/// itself call `set_on_retry_hooks`: it takes effect from the next retry. The hooks replaced
/// are dropped after the registry is unlocked (unless a loop is still running them, which then
/// drops them): what they captured may read the hooks or retry in its `Drop`.
///
/// # Examples
///
/// ```
/// use std::sync::atomic::{AtomicU32, Ordering};
/// use stamina::{HookDetails, OnRetryHook};
///
/// static RETRIES: AtomicU32 = AtomicU32::new(0);
/// stamina::set_on_retry_hooks([OnRetryHook::new(|_: &HookDetails<'_, '_>| {
///     RETRIES.fetch_add(1, Ordering::Relaxed);
/// })]);
///
/// let _: Result<(), &str> = stamina::retry!(
///     on = |_: &&str| true,
///     attempts = 3,
///     clock = stamina::testing::ManualClock::new(),
///     Err("down")
/// );
/// assert_eq!(RETRIES.load(Ordering::Relaxed), 2);
/// stamina::set_on_retry_hooks([]);
/// # assert!(stamina::get_on_retry_hooks().is_empty());
/// ```
pub fn set_on_retry_hooks(hooks: impl IntoIterator<Item = OnRetryHook>) {
    // Collected before the lock is taken: the iterator may read the hooks.
    let hooks: Arc<[OnRetryHook]> = hooks.into_iter().collect();
    let any = !hooks.is_empty();
    let mut slot = HOOKS.write().unwrap_or_else(PoisonError::into_inner);
    let old = core::mem::replace(&mut *slot, any.then_some(hooks));
    ANY.store(any, Ordering::Release);
    // The old hooks are dropped after the lock is released: what they captured may read the
    // hooks, or run a failing `retry!`, in its `Drop`.
    drop(slot);
    drop(old);
}

/// The global hooks, in order.
///
/// ```
/// stamina::set_on_retry_hooks([stamina::OnRetryHook::new(|_: &stamina::HookDetails<'_, '_>| {})]);
/// assert_eq!(stamina::get_on_retry_hooks().len(), 1);
/// stamina::set_on_retry_hooks([]);
/// ```
#[must_use]
pub fn get_on_retry_hooks() -> Vec<OnRetryHook> {
    current().map_or_else(Vec::new, |hooks| hooks.to_vec())
}

/// Whether any global hook is set.
#[inline]
pub(crate) fn any() -> bool {
    ANY.load(Ordering::Acquire)
}

fn current() -> Option<Arc<[OnRetryHook]>> {
    if !any() {
        return None;
    }
    // The lock is held for a reference count only: a hook runs without it.
    HOOKS.read().unwrap_or_else(PoisonError::into_inner).clone()
}

/// The guards the hooks of one retry handed back: dropped, once, when the wait ends (or with
/// the loop), newest first.
#[derive(Default)]
pub struct Guards(Vec<Guard>);

impl Guards {
    /// No guard.
    pub const NONE: Self = Guards(Vec::new());

    /// Drops the guards, newest first; nothing to do (no call) when none.
    #[inline(always)]
    pub(crate) fn end(self) {
        if self.0.capacity() == 0 {
            // Nothing allocated, nothing to drop: skip the call to the drop.
            core::mem::forget(self);
        }
    }
}

impl Drop for Guards {
    /// Newest first, like nested scopes: the guard of a later hook goes before that of an
    /// earlier one, which it may rely on. Reversed here, then dropped in order by the `Vec`,
    /// which goes on with the others if one of them panics.
    fn drop(&mut self) {
        self.0.reverse();
    }
}

impl Debug for Guards {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Guards({})", self.0.len())
    }
}

/// Calls every global hook on `details`; keeps what they hand back.
pub(crate) fn run(details: &HookDetails<'_, '_>) -> Guards {
    let mut guards = Guards::default();
    if let Some(hooks) = current() {
        for hook in hooks.iter() {
            if let Some(guard) = (hook.0)(details) {
                guards.0.push(guard);
            }
        }
    }
    guards
}
