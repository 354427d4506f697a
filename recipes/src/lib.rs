//! stamina around real clients: one module per recipe, each tested against the real thing in
//! `tests/` (servers on loopback, a PostgreSQL cluster started by the test, a SQLite file,
//! embassy's executor on the host). `docs/recipes.md`, at the repository's root, walks through
//! them.
//!
//! Without the default `host` feature the crate is `no_std` and holds only the firmware recipes,
//! [`i2c_sensor`] and [`radio`], which build for microcontrollers as they are.

#![cfg_attr(not(feature = "host"), no_std)]

#[cfg(feature = "host")]
pub mod http_reqwest;
#[cfg(feature = "host")]
pub mod http_ureq;
pub mod i2c_sensor;
#[cfg(feature = "host")]
pub mod postgres_serialization;
#[cfg(feature = "host")]
pub mod postgres_startup;
pub mod radio;
#[cfg(feature = "host")]
pub mod sqlite_busy;
