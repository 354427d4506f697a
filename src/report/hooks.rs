//! Global `on_retry` hooks (`std`): functions every retry loop of the program calls on each
//! scheduled retry, like stamina's `set_on_retry_hooks`. A hook may hand back a guard that the
//! loop drops when its wait ends, so a span or a timer can cover the wait.
//!
//! The reports of the `log`, `tracing` and `metrics` features are the default entries of the
//! list: as in stamina, `set_on_retry_hooks([])` turns all instrumentation off and
//! `reset_on_retry_hooks()` brings the defaults back.

use core::fmt::Debug;
use core::sync::atomic::{AtomicU8, Ordering};
use std::boxed::Box;
use std::sync::{Arc, PoisonError, RwLock};
use std::vec::Vec;

use super::guards::{Guard, Guards};
use crate::RetryDetails;

/// What a global hook sees: the details of one scheduled retry, with the error as `dyn Debug`
/// (an error type without `Debug` shows as a placeholder; `error_type` names it).
pub type HookDetails<'a, 'e> = RetryDetails<'a, dyn Debug + 'e>;

type HookFn = dyn Fn(&HookDetails<'_, '_>) -> Option<Guard> + Send + Sync;

/// One global hook: build it from a function or closure with [`OnRetryHook::new`], or with
/// [`OnRetryHook::with_guard`] when it returns something to drop after the wait. The reports
/// of the `log`, `tracing` and `metrics` features are hooks too (`OnRetryHook::log()`, ...):
/// the default list.
///
/// Cloning is cheap (a reference count). `Debug` names a feature's report
/// (`OnRetryHook(log)`) and shows any other hook as `OnRetryHook(..)`.
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
/// assert_eq!(format!("{hook:?}"), "OnRetryHook(..)");
/// ```
#[derive(Clone)]
pub struct OnRetryHook(Call);

#[derive(Clone)]
#[cfg_attr(
    not(any(feature = "log", feature = "tracing", feature = "metrics")),
    allow(dead_code)
)]
enum Call {
    /// A function or closure.
    Custom(Arc<HookFn>),
    /// The report of a feature.
    Report(Report),
}

/// The reports that the features provide as hooks.
#[derive(Clone, Copy)]
enum Report {
    #[cfg(feature = "log")]
    Log,
    #[cfg(feature = "tracing")]
    Tracing,
    #[cfg(feature = "metrics")]
    Metrics,
}

impl Report {
    fn name(self) -> &'static str {
        match self {
            #[cfg(feature = "log")]
            Report::Log => "log",
            #[cfg(feature = "tracing")]
            Report::Tracing => "tracing",
            #[cfg(feature = "metrics")]
            Report::Metrics => "metrics",
        }
    }

    #[inline]
    fn run(self, details: &HookDetails<'_, '_>) {
        let _ = details;
        match self {
            #[cfg(feature = "log")]
            Report::Log => crate::report::log_record(details),
            #[cfg(feature = "tracing")]
            Report::Tracing => crate::report::tracing_event(details),
            #[cfg(feature = "metrics")]
            Report::Metrics => crate::report::metrics_count(details),
        }
    }
}

/// The list in force until `set_on_retry_hooks` replaces it, and again after
/// `reset_on_retry_hooks`: the reports of the features that are on.
const DEFAULTS: &[OnRetryHook] = &[
    #[cfg(feature = "log")]
    OnRetryHook(Call::Report(Report::Log)),
    #[cfg(feature = "tracing")]
    OnRetryHook(Call::Report(Report::Tracing)),
    #[cfg(feature = "metrics")]
    OnRetryHook(Call::Report(Report::Metrics)),
];

impl OnRetryHook {
    /// A hook that only observes.
    ///
    /// ```
    /// let _hook = stamina::OnRetryHook::new(|d: &stamina::HookDetails<'_, '_>| eprintln!("{}", d.name));
    /// ```
    pub fn new(hook: impl Fn(&HookDetails<'_, '_>) + Send + Sync + 'static) -> Self {
        Self(Call::Custom(Arc::new(
            move |details: &HookDetails<'_, '_>| {
                hook(details);
                None
            },
        )))
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
        Self(Call::Custom(Arc::new(
            move |details: &HookDetails<'_, '_>| Some(Box::new(hook(details)) as Guard),
        )))
    }

    /// The `log` feature's report, a default hook: one `warn` record, target `stamina`, whose
    /// message is exactly `stamina.retry_scheduled` and whose key-values (`log`'s `kv`) are
    /// `callable`, `retry_num`, `wait_for`, `waited_so_far`, `caused_by` and `error_type`.
    /// The message carries no rendering of the fields: a logger shows them if it shows
    /// key-values (`env_logger` with its `kv` feature does).
    ///
    /// ```
    /// use stamina::OnRetryHook;
    ///
    /// // Keep the log record, drop the other reports.
    /// stamina::set_on_retry_hooks([OnRetryHook::log()]);
    /// assert_eq!(format!("{:?}", stamina::get_on_retry_hooks()), "[OnRetryHook(log)]");
    /// stamina::reset_on_retry_hooks();
    /// ```
    #[cfg(feature = "log")]
    #[cfg_attr(docsrs, doc(cfg(feature = "log")))]
    #[must_use]
    pub const fn log() -> Self {
        Self(Call::Report(Report::Log))
    }

    /// The `tracing` feature's report, a default hook: one `warn` event `stamina.retry_scheduled`,
    /// target `stamina`, with the fields `callable`, `retry_num`, `wait_for`, `waited_so_far`,
    /// `caused_by` and `error_type`.
    ///
    /// ```
    /// use stamina::OnRetryHook;
    ///
    /// stamina::set_on_retry_hooks([OnRetryHook::tracing()]);
    /// assert_eq!(format!("{:?}", stamina::get_on_retry_hooks()), "[OnRetryHook(tracing)]");
    /// stamina::reset_on_retry_hooks();
    /// ```
    #[cfg(feature = "tracing")]
    #[cfg_attr(docsrs, doc(cfg(feature = "tracing")))]
    #[must_use]
    pub const fn tracing() -> Self {
        Self(Call::Report(Report::Tracing))
    }

    /// The `metrics` feature's report, a default hook: the counter `stamina_retries_total`,
    /// labelled `callable`, `retry_num` and `error_type`, through the `metrics` facade.
    ///
    /// The `retry_num` label is capped: its values are `"1"` to `"10"`, then `"10+"` for every
    /// later retry, so that a loop with unlimited attempts cannot create a time series per
    /// retry. They are static strings: that label costs no allocation.
    ///
    /// ```
    /// use stamina::OnRetryHook;
    ///
    /// stamina::set_on_retry_hooks([OnRetryHook::metrics()]);
    /// assert_eq!(format!("{:?}", stamina::get_on_retry_hooks()), "[OnRetryHook(metrics)]");
    /// stamina::reset_on_retry_hooks();
    /// ```
    #[cfg(feature = "metrics")]
    #[cfg_attr(docsrs, doc(cfg(feature = "metrics")))]
    #[must_use]
    pub const fn metrics() -> Self {
        Self(Call::Report(Report::Metrics))
    }

    /// Runs the hook; what it hands back goes to `guards`.
    #[inline]
    fn run(&self, details: &HookDetails<'_, '_>, guards: &mut Vec<Guard>) {
        match &self.0 {
            Call::Custom(hook) => {
                if let Some(guard) = hook(details) {
                    guards.push(guard);
                }
            }
            Call::Report(report) => report.run(details),
        }
    }
}

impl Debug for OnRetryHook {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match &self.0 {
            Call::Custom(_) => f.write_str("OnRetryHook(..)"),
            Call::Report(report) => write!(f, "OnRetryHook({})", report.name()),
        }
    }
}

/// No hook at all: a loop skips the reports after one atomic load.
const OFF: u8 = 0;
/// The default list: run without taking the lock.
const DEFAULT: u8 = 1;
/// A list from `set_on_retry_hooks`, in `HOOKS`.
const SET: u8 = 2;

/// The state of the defaults.
const DEFAULT_STATE: u8 = if DEFAULTS.is_empty() { OFF } else { DEFAULT };

/// The list set by `set_on_retry_hooks` (an empty one included); `None` for the defaults.
static HOOKS: RwLock<Option<Arc<[OnRetryHook]>>> = RwLock::new(None);
/// `OFF`, `DEFAULT` or `SET`: a loop checks this before it takes the lock, and takes it only
/// for a list that was set.
static STATE: AtomicU8 = AtomicU8::new(DEFAULT_STATE);

/// Replaces the global hooks, which every retry loop of the program (`retry!`,
/// `retry_async!`, [`RetryingCaller`](crate::RetryingCaller)) calls on each scheduled retry,
/// never on success nor on the final give-up, after its own `on_retry` hook.
///
/// The list replaces the defaults too: the reports of the `log`, `tracing` and `metrics`
/// features (`OnRetryHook::log()`, `OnRetryHook::tracing()`, `OnRetryHook::metrics()`). An
/// empty list turns all instrumentation off (the `defmt` line, meant for firmware, stays);
/// [`reset_on_retry_hooks`] brings the defaults back. To add a hook to the defaults, extend
/// [`get_on_retry_hooks`].
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
/// let count = OnRetryHook::new(|_: &HookDetails<'_, '_>| {
///     RETRIES.fetch_add(1, Ordering::Relaxed);
/// });
/// // Next to the defaults (the feature reports); `[count]` alone would replace them.
/// stamina::set_on_retry_hooks(stamina::get_on_retry_hooks().into_iter().chain([count]));
///
/// let _: Result<(), &str> = stamina::retry!(
///     on = |_: &&str| true,
///     attempts = 3,
///     clock = stamina::testing::ManualClock::new(),
///     Err("down")
/// );
/// assert_eq!(RETRIES.load(Ordering::Relaxed), 2);
///
/// // Everything off, the feature reports included.
/// stamina::set_on_retry_hooks([]);
/// assert!(stamina::get_on_retry_hooks().is_empty());
/// ```
pub fn set_on_retry_hooks(hooks: impl IntoIterator<Item = OnRetryHook>) {
    // Collected before the lock is taken: the iterator may read the hooks.
    let hooks: Arc<[OnRetryHook]> = hooks.into_iter().collect();
    let state = if hooks.is_empty() { OFF } else { SET };
    replace(Some(hooks), state);
}

/// Restores the default hooks: the reports of the `log`, `tracing` and `metrics` features
/// that are on (none without them), as before any [`set_on_retry_hooks`]. Like stamina's
/// `set_on_retry_hooks(None)`.
///
/// # Examples
///
/// ```
/// // With the `log` and `tracing` features: `[OnRetryHook(log), OnRetryHook(tracing)]`.
/// let defaults = format!("{:?}", stamina::get_on_retry_hooks());
/// stamina::set_on_retry_hooks([]);
/// assert!(stamina::get_on_retry_hooks().is_empty());
/// stamina::reset_on_retry_hooks();
/// assert_eq!(format!("{:?}", stamina::get_on_retry_hooks()), defaults);
/// ```
pub fn reset_on_retry_hooks() {
    replace(None, DEFAULT_STATE);
}

/// Swaps the list under the lock, and drops the old one after releasing it: a value captured
/// by an old hook may read the hooks, or run a failing `retry!`, in its `Drop`.
fn replace(hooks: Option<Arc<[OnRetryHook]>>, state: u8) {
    let mut slot = HOOKS.write().unwrap_or_else(PoisonError::into_inner);
    let old = core::mem::replace(&mut *slot, hooks);
    STATE.store(state, Ordering::Release);
    drop(slot);
    drop(old);
}

/// The global hooks, in order: after [`reset_on_retry_hooks`] or before any
/// [`set_on_retry_hooks`], the feature reports (for example `[OnRetryHook(log),
/// OnRetryHook(tracing)]` with the `log` and `tracing` features).
///
/// ```
/// stamina::set_on_retry_hooks([stamina::OnRetryHook::new(|_: &stamina::HookDetails<'_, '_>| {})]);
/// assert_eq!(stamina::get_on_retry_hooks().len(), 1);
/// stamina::reset_on_retry_hooks();
/// ```
#[must_use]
pub fn get_on_retry_hooks() -> Vec<OnRetryHook> {
    with_current(<[OnRetryHook]>::to_vec)
}

/// Whether any global hook is set (the defaults included): one atomic load.
#[inline]
pub(crate) fn any() -> bool {
    STATE.load(Ordering::Acquire) != OFF
}

/// Calls `f` with the current list. The defaults and the empty list need no lock; a list that
/// was set is read under the lock for a reference count only: `f` runs without it.
fn with_current<R>(f: impl FnOnce(&[OnRetryHook]) -> R) -> R {
    match STATE.load(Ordering::Acquire) {
        OFF => f(&[]),
        DEFAULT => f(DEFAULTS),
        _ => {
            let hooks = HOOKS.read().unwrap_or_else(PoisonError::into_inner).clone();
            match hooks {
                Some(hooks) => f(&hooks),
                // Reset since the state was read.
                None => f(DEFAULTS),
            }
        }
    }
}

/// Calls every global hook on `details`; keeps what they hand back.
pub(crate) fn run(details: &HookDetails<'_, '_>) -> Guards {
    let mut guards = Vec::new();
    with_current(|hooks| {
        for hook in hooks {
            hook.run(details, &mut guards);
        }
    });
    if guards.is_empty() {
        return Guards::NONE;
    }
    // Dropped newest first, like nested scopes: the guard of a later hook goes before that of
    // an earlier one, which it may rely on. A `Vec` drops front to back (and goes on with the
    // others if one panics), so the newest goes to the front.
    guards.reverse();
    Guards {
        newest_first: Some(Box::new(guards)),
    }
}
