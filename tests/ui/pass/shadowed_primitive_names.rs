//! A crate whose own types are named like primitives: the expansion spells them out.
#![allow(non_camel_case_types, dead_code)]

struct str;
struct u64;
struct u32;
struct bool;

fn main() {
    let clock = stamina::testing::ManualClock::new();
    let mut tries = 0u8;
    let r: Result<u8, ()> = stamina::retry!(on = |_: &()| true, clock = &clock, {
        tries += 1;
        if tries < 3 { Err(()) } else { Ok(tries) }
    });
    assert_eq!(r, Ok(3));
    assert_eq!(clock.sleeps(), 2);
}
