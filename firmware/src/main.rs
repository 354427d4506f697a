//! Retry scenarios on an emulated microcontroller: each prints `ok <name>` or
//! `FAILED <name>: <why>` over semihosting, then `N passed, M failed`, and the program exits
//! QEMU with a failure status if any failed. See README.md.

#![no_std]
#![no_main]

mod clocks;
mod exec;
mod report;
mod scenarios;
mod time;

use core::panic::PanicInfo;

use cortex_m_rt::{entry, exception, ExceptionFrame};
use cortex_m_semihosting::{debug, hprintln};

#[entry]
fn main() -> ! {
    // `take` only fails when called twice; this is its one call.
    if let Some(peripherals) = cortex_m::Peripherals::take() {
        time::start(peripherals.SYST);
    }

    let (mut passed, mut failed) = (0u32, 0u32);
    for (name, scenario) in scenarios::ALL {
        match scenario() {
            Ok(()) => {
                passed += 1;
                hprintln!("ok {}", name);
            }
            Err(why) => {
                failed += 1;
                hprintln!("FAILED {}: {}", name, why);
            }
        }
    }
    hprintln!("{} passed, {} failed", passed, failed);

    debug::exit(if failed == 0 {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    // Only reached if the debugger ignored the exit request.
    loop {
        cortex_m::asm::wfi();
    }
}

// Whatever goes wrong must end QEMU with a failure, not hang it until run.sh's timeout.

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    hprintln!("panicked: {}", info);
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}

#[exception]
unsafe fn HardFault(frame: &ExceptionFrame) -> ! {
    hprintln!("hard fault at pc {:#010x}", frame.pc());
    debug::exit(debug::EXIT_FAILURE);
    loop {
        cortex_m::asm::wfi();
    }
}
