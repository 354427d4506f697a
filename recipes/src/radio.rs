//! A radio send on bare metal, with jitter from the chip's hardware RNG (`no_std`, blocking).
//!
//! Nodes on one channel share the air. A send fails when clear-channel assessment finds the
//! channel busy, or when no acknowledgement comes back because two frames collided: both clear
//! up once the other node is done, so retry them, after a random wait. Random matters most
//! here: two nodes that collided and retry after the same wait collide again, every time. So the
//! jitter comes from the hardware RNG, which differs on every chip, where a software RNG seeded
//! with a constant would draw the same waits on every board flashed with the same firmware. A
//! frame longer than the radio's buffer fails the same way on every try: not retried.
//!
//! The schedule is a `const`, checked at compile time against the watchdog.

use core::time::Duration;

use embedded_hal::delay::DelayNs;
use rand_core::RngCore;
use stamina::{Backoff, DelayClock, RandCore09};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TxError {
    /// Clear-channel assessment found someone else on the air.
    ChannelBusy,
    /// The frame went out but no acknowledgement came back: a collision, or noise.
    NoAck,
    /// The frame does not fit the radio's buffer.
    FrameTooLong,
}

/// A transceiver (an nRF52's RADIO, an SX127x, an 802.15.4 part, ...).
pub trait Radio {
    /// Sends one frame and waits for its acknowledgement, for at most [`TX_TIME_MAX`].
    fn transmit(&mut self, frame: &[u8]) -> Result<(), TxError>;
}

/// The longest a transmit takes, acknowledgement window included.
pub const TX_TIME_MAX: Duration = Duration::from_millis(5);

/// The watchdog resets the chip unless the main loop feeds it at least this often, and the
/// loop feeds it between sends.
pub const WATCHDOG: Duration = Duration::from_millis(250);

pub const SEND_ATTEMPTS: u32 = 6;

/// 2, 4, 8, 16, 32 ms apart, plus up to 8 ms of jitter each: 102 ms of waiting at most.
pub const SEND_RETRY: Backoff = Backoff::new()
    .attempts(SEND_ATTEMPTS)
    .wait_initial(Duration::from_millis(2))
    .wait_jitter(Duration::from_millis(8));

// Every try on the air for as long as it can be, every wait at its longest: still under the
// watchdog. A schedule edited past it stops the build here, not the device in the field.
const _: () = assert!(
    SEND_RETRY.max_total_wait().as_micros() + SEND_ATTEMPTS as u128 * TX_TIME_MAX.as_micros()
        < WATCHDOG.as_micros()
);

/// Sends `frame`, retrying a busy channel or a missing acknowledgement.
///
/// `delay` is the HAL's blocking delay (a SysTick or timer delay); `trng` is the HAL's RNG
/// peripheral driver, through its `rand_core` 0.9 `RngCore` (for a HAL on `rand_core` 0.6 or
/// 0.10, stamina has `RandCore06` and `RandCore010`).
pub fn send(
    radio: &mut impl Radio,
    delay: &mut impl DelayNs,
    trng: &mut impl RngCore,
    frame: &[u8],
) -> Result<(), TxError> {
    stamina::retry!(
        on = |e: &TxError| matches!(e, TxError::ChannelBusy | TxError::NoAck),
        backoff = SEND_RETRY,
        // A delay cannot tell the time: this clock counts the waits it slept, which is what the
        // watchdog check above bounds (the tries themselves are bounded by TX_TIME_MAX).
        clock = DelayClock::new(delay),
        // One 32-bit word from the RNG per retry, none when the first try succeeds.
        rng = RandCore09(trng),
        radio.transmit(frame)
    )
}
