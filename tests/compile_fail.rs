//! Compile-fail and compile-pass tests of `retry!` and `retry_async!`, run with trybuild.
//!
//! `tests/ui/fail/`: misuses, each with the error it must give (`.stderr`). `tests/ui/pass/`:
//! programs that must compile and run, each calling the macros from hostile code: `mod core`
//! and `mod std` at the root, `#![no_implicit_prelude]`, `#![deny(warnings)]` with strict
//! lints, local `stringify!`/`concat!`/... macros and items named `Ok`, `Err`, `Some`, `None`,
//! async blocks, closures, labeled `break`/`continue`, `?` and `return` in the operation,
//! `&mut self` methods, `const` schedules, and forms next to the misuses that the crate
//! reports itself (`near_misuses.rs`). Each asserts the result and the number of tries
//! or waits on a `ManualClock`, so no real time passes.
//!
//! The `.stderr` files beside each case in `tests/ui/fail/` are the exact compiler output and
//! are pinned to the toolchain in use (rustc 1.95): another rustc may word or lay out the
//! diagnostics differently and fail this test without any change to the macros. After checking
//! that the new messages still name the problem and say what to write, regenerate them with:
//!
//! ```text
//! TRYBUILD=overwrite cargo test --test compile_fail
//! ```

// Other features change the defaults (embassy-time) or need a logger in each binary (defmt).
#![cfg(all(
    feature = "std",
    not(any(feature = "embassy-time", feature = "tokio", feature = "defmt"))
))]

#[test]
#[cfg_attr(miri, ignore = "runs the compiler")]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
