//! What a retry loop tells the world about each scheduled retry: a `log` record, a `tracing`
//! event, a `defmt` line, a `metrics` counter and the global hooks, each behind its feature.
//! Nothing is reported on success nor on the final give-up.
//!
//! With `std`, the `log`, `tracing` and `metrics` reports are the default entries of the global
//! hook list, so that `set_on_retry_hooks([])` turns them off, as in stamina. Without `std`
//! (no registry there) the `log` and `tracing` features report directly. The `defmt` line,
//! meant for firmware, is always direct.
//!
//! The global hooks are in `hooks.rs` next to this file, and what they hand back to hold
//! across a wait, [`Guards`], in `guards.rs`.

use core::fmt::Debug;

use crate::RetryDetails;

mod guards;
#[cfg(feature = "std")]
mod hooks;

pub use guards::Guards;
#[cfg(feature = "std")]
pub use hooks::{
    get_on_retry_hooks, reset_on_retry_hooks, set_on_retry_hooks, HookDetails, OnRetryHook,
};

/// Whether anything can listen to the reports in this build: a constant, `false` on firmware
/// without a reporting feature, where a loop then keeps no total of its waits.
pub(crate) const MAY_LISTEN: bool = cfg!(any(
    feature = "std",
    feature = "defmt",
    feature = "log",
    feature = "tracing"
));

/// Whether anything listens to the reports: `defmt`, or with `std` a global hook (the default
/// ones included: one atomic load). Without `std` the build's features are the whole answer,
/// [`MAY_LISTEN`].
#[inline(always)]
pub(crate) fn listened() -> bool {
    MAY_LISTEN && (cfg!(feature = "defmt") || hooks_listen())
}

#[cfg(feature = "std")]
#[inline(always)]
fn hooks_listen() -> bool {
    hooks::any()
}

/// No global hooks without `std`: the `log` and `tracing` features report directly.
#[cfg(not(feature = "std"))]
#[inline(always)]
fn hooks_listen() -> bool {
    true
}

/// The name of every event: stamina's.
#[cfg_attr(not(feature = "tracing"), allow(dead_code))]
pub(crate) const EVENT: &str = "stamina.retry_scheduled";

/// Reports one scheduled retry everywhere the features and the hooks say; returns the hooks'
/// guards. `wait_us` is `details.wait_for` as it came: the defmt line takes it so, without
/// converting back from a `Duration` (on firmware with defmt alone, no `Duration` is then
/// built at all).
#[inline]
pub(crate) fn retry_scheduled(details: &RetryDetails<'_, dyn Debug + '_>, wait_us: u64) -> Guards {
    #[cfg(not(feature = "defmt"))]
    let _ = wait_us;
    #[cfg(feature = "defmt")]
    defmt::warn!(
        "stamina.retry_scheduled {=str} retry_num={=u32} wait_us={=u64}",
        details.name,
        details.retry_num,
        wait_us,
    );
    // The `log`, `tracing` and `metrics` reports are among the hooks (by default).
    #[cfg(feature = "std")]
    return hooks::run(details);
    #[cfg(not(feature = "std"))]
    {
        #[cfg(feature = "log")]
        log_record(details);
        #[cfg(feature = "tracing")]
        tracing_event(details);
        let _ = details;
        Guards::NONE
    }
}

/// The `tracing` event, with the fields as structured fields.
#[cfg(feature = "tracing")]
pub(crate) fn tracing_event(details: &RetryDetails<'_, dyn Debug + '_>) {
    tracing::warn!(
        target: "stamina",
        callable = details.name,
        retry_num = details.retry_num,
        wait_for = ?details.wait_for,
        waited_so_far = ?details.waited_so_far,
        caused_by = ?details.error,
        error_type = details.error_type,
        "{EVENT}",
    );
}

/// The `log` record: the message is the event's name alone, a literal (`Arguments::as_str`
/// gives it back without formatting), and the fields are `log` key-values, as stamina puts
/// them in the record's `extra`. No rendering of the fields in the message: it would be
/// formatted for every logger, also those that show the key-values.
#[cfg(feature = "log")]
pub(crate) fn log_record(details: &RetryDetails<'_, dyn Debug + '_>) {
    log::warn!(
        target: "stamina",
        callable = details.name,
        retry_num = details.retry_num,
        wait_for:? = details.wait_for,
        waited_so_far:? = details.waited_so_far,
        caused_by:? = details.error,
        error_type = details.error_type;
        "stamina.retry_scheduled"
    );
}

/// The `metrics` counter. Its `retry_num` label is capped (see [`retry_num_label`]).
#[cfg(feature = "metrics")]
pub(crate) fn metrics_count(details: &RetryDetails<'_, dyn Debug + '_>) {
    metrics::counter!(
        "stamina_retries_total",
        "callable" => details.name,
        "retry_num" => retry_num_label(details.retry_num),
        "error_type" => details.error_type,
    )
    .increment(1);
}

/// The `retry_num` label: the number up to 10, then `"10+"`, so that a loop with unlimited
/// attempts cannot make a time series per retry (stamina's default of 10 attempts makes 9
/// retries at most). A static string: the label allocates nothing.
#[cfg(feature = "metrics")]
pub(crate) fn retry_num_label(retry_num: u32) -> &'static str {
    // Retries count from 1: "0" is there to index by the number.
    const LABELS: [&str; 11] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"];
    usize::try_from(retry_num)
        .ok()
        .and_then(|i| LABELS.get(i))
        .copied()
        .unwrap_or("10+")
}
