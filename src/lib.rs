// The README links to docs.rs, so that its links work on GitHub and crates.io. These
// definitions come first, and the first definition of a label wins: rustdoc links the crate's
// own pages instead, for the items this build has. `tests/readme.rs` keeps the lists in step.
#![doc = "[`AsyncClock`]: crate::AsyncClock"]
#![cfg_attr(target_has_atomic = "32", doc = "[`Budget`]: crate::Budget")]
#![doc = "[`Clock`]: crate::Clock"]
#![doc = "[`Decision`]: crate::Decision"]
#![cfg_attr(feature = "embedded-hal", doc = "[`DelayClock`]: crate::DelayClock")]
#![cfg_attr(
    feature = "embassy-time",
    doc = "[`EmbassyClock`]: crate::EmbassyClock"
)]
#![doc = "[`GlobalRng`]: crate::GlobalRng"]
#![cfg_attr(
    feature = "std",
    doc = "[`OnRetryHook::with_guard`]: crate::OnRetryHook::with_guard"
)]
#![cfg_attr(feature = "rand_core_06", doc = "[`RandCore06`]: crate::RandCore06")]
#![cfg_attr(feature = "rand_core_09", doc = "[`RandCore09`]: crate::RandCore09")]
#![cfg_attr(feature = "rand_core_010", doc = "[`RandCore010`]: crate::RandCore010")]
#![doc = "[`Retrying`]: crate::Retrying"]
#![cfg_attr(feature = "tower", doc = "[`RetryLayer`]: crate::tower::RetryLayer")]
#![doc = "[`RetryingCaller`]: crate::RetryingCaller"]
#![cfg_attr(feature = "std", doc = "[`StdClock`]: crate::StdClock")]
#![cfg_attr(feature = "std", doc = "[`StdRng`]: crate::StdRng")]
#![cfg_attr(feature = "tokio", doc = "[`TokioClock`]: crate::TokioClock")]
#![doc = "[`WrappingClock`]: crate::WrappingClock"]
#![cfg_attr(
    feature = "std",
    doc = "[`get_on_retry_hooks`]: crate::get_on_retry_hooks"
)]
#![cfg_attr(
    feature = "std",
    doc = "[`reset_on_retry_hooks`]: crate::reset_on_retry_hooks"
)]
#![cfg_attr(
    feature = "std",
    doc = "[`set_on_retry_hooks`]: crate::set_on_retry_hooks"
)]
// Outside the repository, the README's other documents are read in the published source.
#![doc = "[BENCHMARKS.md]: https://docs.rs/crate/stamina/latest/source/BENCHMARKS.md"]
#![doc = "[docs/recipes.md]: https://docs.rs/crate/stamina/latest/source/docs/recipes.md"]
#![doc = include_str!("../README.md")]
#![deny(rustdoc::broken_intra_doc_links)]
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]
// Clippy's pedantic set, which CI runs, flags every `#[inline(always)]`: each is the size
// policy's (src/call_site/mod.rs), and benches/size.sh measures what they buy.
#![allow(clippy::inline_always)]

#[cfg(feature = "std")]
extern crate std;

mod attempt;
mod attempt_timeout;
mod backoff;
#[cfg(target_has_atomic = "32")]
mod budget;
mod call_site;
mod caller;
mod clock;
mod decision;
mod details;
mod encoded_wait;
#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub mod http;
mod loop_state;
mod macros;
mod micros;
mod nesting;
mod on;
mod report;
mod retrying;
mod rng;
mod switch;
pub mod testing;
#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;

#[doc(hidden)]
pub mod __private;

pub use attempt::Attempt;
pub use attempt_timeout::AttemptTimedOut;
pub use backoff::{Backoff, Jitter, DEFAULT_TABLE_LEN};
#[cfg(target_has_atomic = "32")]
pub use budget::Budget;
pub use caller::RetryingCaller;
#[cfg(feature = "embassy-time")]
#[cfg_attr(docsrs, doc(cfg(feature = "embassy-time")))]
pub use clock::EmbassyClock;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use clock::StdClock;
#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub use clock::TokioClock;
pub use clock::{AsyncClock, Clock, WrappingClock};
#[cfg(feature = "embedded-hal")]
#[cfg_attr(docsrs, doc(cfg(feature = "embedded-hal")))]
pub use clock::{DelayClock, SleptTime, TimeSource};
pub use decision::Decision;
pub use details::RetryDetails;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use on::Kinds;
pub use on::{IntoDecision, RetryOn};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use report::{
    get_on_retry_hooks, reset_on_retry_hooks, set_on_retry_hooks, HookDetails, OnRetryHook,
};
pub use retrying::{Retrying, Step};
#[cfg(feature = "rand_core_010")]
#[cfg_attr(docsrs, doc(cfg(feature = "rand_core_010")))]
pub use rng::RandCore010;
#[cfg(feature = "rand_core_06")]
#[cfg_attr(docsrs, doc(cfg(feature = "rand_core_06")))]
pub use rng::RandCore06;
#[cfg(feature = "rand_core_09")]
#[cfg_attr(docsrs, doc(cfg(feature = "rand_core_09")))]
pub use rng::RandCore09;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use rng::StdRng;
pub use rng::{seed_jitter, FastRng, GlobalRng, Rng};
pub use switch::{
    end_testing_session, is_active, is_testing, set_active, set_testing, set_testing_session,
    TestingGuard,
};
