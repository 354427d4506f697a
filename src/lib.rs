#![doc = include_str!("../README.md")]
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs, missing_debug_implementations)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "std")]
extern crate std;

mod attempt;
mod backoff;
mod clock;
mod decision;
#[cfg(feature = "embedded-hal")]
mod delay_clock;
mod details;
#[cfg(feature = "embassy-time")]
mod embassy;
mod global_rng;
mod macros;
mod micros;
mod on;
#[cfg(any(
    feature = "rand_core_06",
    feature = "rand_core_09",
    feature = "rand_core_010"
))]
mod rand_adapters;
mod retrying;
mod rng;
#[cfg(feature = "std")]
mod std_impls;
mod switch;
pub mod testing;

#[doc(hidden)]
pub mod __private;

pub use attempt::Attempt;
pub use backoff::{Backoff, DEFAULT_TABLE_LEN};
pub use clock::{AsyncClock, Clock};
pub use decision::Decision;
#[cfg(feature = "embedded-hal")]
#[cfg_attr(docsrs, doc(cfg(feature = "embedded-hal")))]
pub use delay_clock::{DelayClock, SleptTime, TimeSource};
pub use details::RetryDetails;
#[cfg(feature = "embassy-time")]
#[cfg_attr(docsrs, doc(cfg(feature = "embassy-time")))]
pub use embassy::EmbassyClock;
pub use global_rng::{seed_jitter, GlobalRng};
pub use on::{IntoDecision, RetryOn};
#[cfg(feature = "rand_core_010")]
#[cfg_attr(docsrs, doc(cfg(feature = "rand_core_010")))]
pub use rand_adapters::RandCore010;
#[cfg(feature = "rand_core_06")]
#[cfg_attr(docsrs, doc(cfg(feature = "rand_core_06")))]
pub use rand_adapters::RandCore06;
#[cfg(feature = "rand_core_09")]
#[cfg_attr(docsrs, doc(cfg(feature = "rand_core_09")))]
pub use rand_adapters::RandCore09;
#[doc(hidden)]
pub use retrying::Progress;
pub use retrying::{Retrying, Step};
pub use rng::{FastRng, Rng};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use std_impls::{Kinds, StdClock, StdRng};
pub use switch::{is_active, is_testing, set_active, set_testing, TestingGuard};
