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
mod details;
mod macros;
mod micros;
mod on;
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
pub use details::RetryDetails;
pub use on::{IntoDecision, RetryOn};
#[doc(hidden)]
pub use retrying::Progress;
pub use retrying::{Retrying, Step};
pub use rng::{FastRng, Rng};
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub use std_impls::{Kinds, StdClock, StdRng};
pub use switch::{is_active, is_testing, set_active, set_testing, TestingGuard};
