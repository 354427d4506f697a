//! With `defmt` on: one `warn` line per scheduled retry, none on success or on giving up.
//!
//! defmt filters levels at compile time from `DEFMT_LOG`: CI runs this with
//! `DEFMT_LOG=warn` (or lower), where the lines must appear; at the default (`error`) they are
//! compiled out and must not.

#![cfg(all(feature = "defmt", feature = "std"))]

use std::sync::atomic::{AtomicUsize, Ordering};

use stamina::testing::ManualClock;

static LINES: AtomicUsize = AtomicUsize::new(0);

#[defmt::global_logger]
struct Counting;

defmt::timestamp!("");

// SAFETY: the logger only counts, with an atomic; nothing to protect.
unsafe impl defmt::Logger for Counting {
    fn acquire() {
        LINES.fetch_add(1, Ordering::SeqCst);
    }
    unsafe fn flush() {}
    unsafe fn release() {}
    unsafe fn write(_: &[u8]) {}
}

/// Whether `DEFMT_LOG` lets `warn` lines through, as defmt reads it (a level or a list of
/// `module=level` pairs; the bare level is what this crate's lines obey here).
fn warn_enabled() -> bool {
    let level = option_env!("DEFMT_LOG").unwrap_or("error");
    level.split(',').any(|part| {
        let part = part.rsplit('=').next().unwrap_or(part);
        matches!(part.trim(), "warn" | "info" | "debug" | "trace")
    })
}

#[test]
fn one_warn_line_per_scheduled_retry() {
    let clock = ManualClock::new();
    let mut tries = 0;
    let before = LINES.load(Ordering::SeqCst);
    // Three tries: two retries scheduled, then the last error given back.
    let result: Result<(), u32> =
        stamina::retry!(on = |_: &u32| true, attempts = 3, clock = &clock, {
            tries += 1;
            Err(tries)
        });
    assert_eq!(result, Err(3));
    let lines = LINES.load(Ordering::SeqCst) - before;
    assert_eq!(lines, if warn_enabled() { 2 } else { 0 });

    // Success at once: no line.
    let before = LINES.load(Ordering::SeqCst);
    let ok: Result<u8, u32> = stamina::retry!(on = |_: &u32| true, clock = &clock, Ok(1));
    assert_eq!(ok, Ok(1));
    assert_eq!(LINES.load(Ordering::SeqCst), before);
}
