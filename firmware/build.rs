//! Picks the board from the target: its memory map for cortex-m-rt's linker script, and a
//! `board_*` cfg for the code (the SysTick clock differs).
//!
//! thumbv6m-none-eabi     -> QEMU `microbit`   (nRF51, Cortex-M0, 16 MHz)
//! thumbv7em-none-eabihf  -> QEMU `mps2-an386` (Cortex-M4F, 25 MHz)

use std::{env, fs, path::PathBuf};

fn main() {
    let target = env::var("TARGET").unwrap_or_default();
    let (memory, board) = match target.as_str() {
        "thumbv6m-none-eabi" => ("memory-microbit.x", "board_microbit"),
        "thumbv7em-none-eabihf" => ("memory-mps2-an386.x", "board_mps2_an386"),
        other => panic!(
            "stamina-firmware-tests runs on thumbv6m-none-eabi (micro:bit) or \
             thumbv7em-none-eabihf (MPS2 AN386), not `{other}`: pass --target"
        ),
    };

    // cortex-m-rt's link.x INCLUDEs `memory.x`: put the board's copy where the linker looks.
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    fs::copy(memory, out.join("memory.x")).unwrap();
    println!("cargo::rustc-link-search={}", out.display());
    println!("cargo::rustc-link-arg-bins=-Tlink.x");

    println!("cargo::rustc-check-cfg=cfg(board_microbit, board_mps2_an386)");
    println!("cargo::rustc-cfg={board}");

    println!("cargo::rerun-if-changed=memory-microbit.x");
    println!("cargo::rerun-if-changed=memory-mps2-an386.x");
    println!("cargo::rerun-if-changed=build.rs");
}
