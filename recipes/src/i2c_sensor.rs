//! An I2C sensor that NAKs while it measures, on embassy (`no_std`).
//!
//! Many sensors do not stretch the clock while they convert: they simply do not acknowledge
//! their address until the result is ready. An SHT3x-style humidity and temperature sensor in
//! single-shot mode without clock stretching NAKs reads for up to 15 ms after the command. So a
//! NAK on the read is "not yet": retry it, on a short schedule. A NAK that lasts far longer
//! than the datasheet's conversion time means the sensor is gone (unplugged, unpowered): give
//! it back. Any other bus error (arbitration lost, bus stuck, overrun) is not the sensor being
//! busy, and is not retried here.
//!
//! Any `embedded_hal_async::i2c::I2c` works: embassy's HALs (embassy-nrf, embassy-stm32,
//! embassy-rp, ...) implement it.

use core::time::Duration;

use embedded_hal_async::i2c::{Error as _, ErrorKind, I2c};

/// The sensor's 7-bit address (ADDR pin low).
pub const ADDRESS: u8 = 0x44;

/// Single shot, high repeatability, no clock stretching.
const MEASURE: [u8; 2] = [0x24, 0x00];

/// Starts a measurement and reads the temperature as soon as it is ready, in hundredths of a
/// degree Celsius.
pub async fn read_temperature<I: I2c>(i2c: &mut I) -> Result<i32, I::Error> {
    i2c.write(ADDRESS, &MEASURE).await?;
    // The temperature's two bytes; the sensor's CRC and the humidity follow, not asked for here.
    let mut raw = [0u8; 2];
    stamina::retry_async!(
        on = |e: &I::Error| matches!(e.kind(), ErrorKind::NoAcknowledge(_)),
        // 2, 4, then 8 ms apart: about 60 ms in all, four times the longest conversion.
        attempts = 10,
        wait_initial = Duration::from_millis(2),
        wait_max = Duration::from_millis(8),
        // One bus, one master: no herd to spread, so no jitter (and no random number drawn).
        wait_jitter = Duration::ZERO,
        // embassy's timer: the wait yields, and other tasks run meanwhile. In firmware (stamina
        // without `std`) it is the default; a library spells it out, since another crate's
        // features (stamina's `tokio`) can change the default.
        clock = stamina::EmbassyClock,
        i2c.read(ADDRESS, &mut raw).await
    )?;
    // T = -45 + 175 * raw / (2^16 - 1) °C, in integers.
    Ok(-4500 + 17500 * i32::from(u16::from_be_bytes(raw)) / 65535)
}
