//! What the macros' expansions name: not public API, no stability promise.
//!
//! Every path an expansion uses goes through here (`$crate::__private::...`), `core` included,
//! so that user code with a `mod core`, `#![no_implicit_prelude]` or its own `Ok` cannot break
//! the macros. Only re-exports: the policy of a call site is [`CallSite`], in `call_site/`.

pub use core;
pub use core::option::Option::{self, None, Some};
pub use core::result::Result::{self, Err, Ok};
pub use core::{compile_error, concat, line, module_path, stringify};

pub use crate::call_site::described::{Described, ViaDebug, ViaPlaceholder};
#[cfg(target_has_atomic = "32")]
pub use crate::call_site::keys::budget;
pub use crate::call_site::keys::{
    duration_key, exp_base, name, schedule, BudgetKey, DurationKey, ExpBaseArg, Hook, NoBudget,
    NoHook, DEFAULT_BACKOFF,
};
pub use crate::call_site::operation::{
    attempt, attempt_async, attempt_timed_out, attempt_timeout_us, race, timed_out_into,
    AttemptOutput, Attempting, FromAttemptTimedOut,
};
pub use crate::call_site::waiting::{now, now_async, sleep, sleep_async, wait_ended};
pub use crate::call_site::{judge, CallSite};
#[cfg(feature = "std")]
pub use crate::nesting::flatten;
pub use crate::nesting::{Nesting, NotFlattened};
pub use crate::report::Guards;
