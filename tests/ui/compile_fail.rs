//! Compile-fail and compile-pass tests of `retry!` and `retry_async!`, run with trybuild.
//!
//! `fail/`: misuses, each with the error it must give (`.stderr`). `pass/`: programs that must
//! compile and run, each calling the macros from hostile code: `mod core` and `mod std` at the
//! root, `#![no_implicit_prelude]`, `#![deny(warnings)]` with strict lints, local
//! `stringify!`/`concat!`/... macros and items named `Ok`, `Err`, `Some`, `None`, async blocks,
//! closures, labeled `break`/`continue`, `?` and `return` in the operation,
//! `&mut self` methods, `const` schedules, and forms next to the misuses that the crate reports
//! itself (`near_misuses.rs`). Each asserts the result and the number of tries
//! or waits on a `ManualClock`, so no real time passes.
//!
//! The `.stderr` files beside each case in `fail/` are the exact compiler output and are
//! pinned to the toolchain in use (rustc 1.95): another rustc may word or lay out the
//! diagnostics differently and fail this test without any change to the macros. After checking
//! that the new messages still name the problem and say what to write, regenerate them with:
//!
//! ```text
//! TRYBUILD=overwrite cargo test -p stamina-ui-tests
//! ```
//!
//! This is a package of its own (`tests/ui/Cargo.toml`), so trybuild's project depends on
//! stamina with its default features alone, whatever the workspace is built with: other
//! features would change the defaults (embassy-time) or need a logger in each binary (defmt).

#[test]
#[cfg_attr(miri, ignore = "runs the compiler")]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("fail/*.rs");
    t.pass("pass/*.rs");
}
