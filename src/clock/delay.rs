//! `embedded-hal`: a clock over any HAL delay, blocking (`DelayNs`) or async.

use crate::Clock;

/// A clock over an `embedded-hal` delay: the blocking [`DelayNs`] for `retry!` and, with the
/// `embedded-hal-async` feature, the async [`DelayNs`][async DelayNs] for `retry_async!`.
///
/// A delay can wait but cannot tell the time, so the timeout needs a notion of elapsed time.
/// There are two, pick with the constructor:
///
/// - [`DelayClock::new`]: elapsed time is the **sum of the waits** this clock has slept. No
///   hardware needed, but the time the operation itself takes is not counted: the `timeout`
///   then bounds the waiting, not the wall time. Fine when tries are short next to the waits
///   (an I2C read, a radio send), or when `attempts` is the real limit.
/// - [`DelayClock::with_now`]: elapsed time comes from your function returning microseconds
///   since any fixed point (a free-running timer, an RTC, `embassy_time::Instant`). The
///   `timeout` then bounds the wall time, tries included.
///
/// Long waits are split into `delay_us` calls of at most `u32::MAX` µs (71 minutes).
///
/// # Examples
///
/// ```
/// use embedded_hal::delay::DelayNs;
/// use stamina::DelayClock;
///
/// // Any HAL delay; this one only counts what it was asked.
/// struct Spin(u64);
/// impl DelayNs for Spin {
///     fn delay_ns(&mut self, ns: u32) { self.0 += u64::from(ns); }
///     fn delay_us(&mut self, us: u32) { self.0 += u64::from(us) * 1000; }
/// }
///
/// let mut naks = 2;
/// let mut clock = DelayClock::new(Spin(0));
/// let reading = stamina::retry!(
///     on = |e: &&str| *e == "nak",
///     clock = &mut clock,
///     rng = stamina::FastRng::new(7),
///     if naks > 0 { naks -= 1; Err("nak") } else { Ok(21u8) }
/// );
/// assert_eq!(reading, Ok(21));
/// // Two waits of 100 ms plus up to 1 s of jitter each were slept on the delay.
/// let slept_ns = clock.into_delay().0;
/// assert!((200_000_000..=2_200_000_000).contains(&slept_ns));
/// ```
///
/// [`DelayNs`]: https://docs.rs/embedded-hal/1/embedded_hal/delay/trait.DelayNs.html
/// [async DelayNs]: https://docs.rs/embedded-hal-async/1/embedded_hal_async/delay/trait.DelayNs.html
#[derive(Clone, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DelayClock<D, N = SleptTime> {
    delay: D,
    now: N,
}

/// How [`DelayClock::new`] tells the time: the microseconds it has slept so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SleptTime {
    slept_us: u64,
}

impl<D> DelayClock<D> {
    /// A clock that counts elapsed time as the sum of its waits (see the type's docs).
    ///
    /// ```
    /// # struct MyDelay;
    /// # impl embedded_hal::delay::DelayNs for MyDelay { fn delay_ns(&mut self, _: u32) {} }
    /// let clock = stamina::DelayClock::new(MyDelay);
    /// ```
    pub const fn new(delay: D) -> Self {
        Self {
            delay,
            now: SleptTime { slept_us: 0 },
        }
    }
}

impl<D, N: FnMut() -> u64> DelayClock<D, N> {
    /// A clock whose time is `now_us()`: microseconds since any fixed point, not decreasing.
    ///
    /// ```
    /// # struct MyDelay;
    /// # impl embedded_hal::delay::DelayNs for MyDelay { fn delay_ns(&mut self, _: u32) {} }
    /// # fn timer_micros() -> u64 { 0 }
    /// let clock = stamina::DelayClock::with_now(MyDelay, timer_micros);
    /// ```
    pub const fn with_now(delay: D, now_us: N) -> Self {
        Self { delay, now: now_us }
    }
}

impl<D, N> DelayClock<D, N> {
    /// The delay, to use it for something else meanwhile.
    ///
    /// ```
    /// # struct MyDelay;
    /// # impl embedded_hal::delay::DelayNs for MyDelay { fn delay_ns(&mut self, _: u32) {} }
    /// use embedded_hal::delay::DelayNs;
    /// let mut clock = stamina::DelayClock::new(MyDelay);
    /// clock.delay_mut().delay_ms(1);
    /// ```
    pub fn delay_mut(&mut self) -> &mut D {
        &mut self.delay
    }

    /// The delay back.
    ///
    /// ```
    /// # struct MyDelay;
    /// # impl embedded_hal::delay::DelayNs for MyDelay { fn delay_ns(&mut self, _: u32) {} }
    /// let delay: MyDelay = stamina::DelayClock::new(MyDelay).into_delay();
    /// ```
    pub fn into_delay(self) -> D {
        self.delay
    }
}

/// Where a [`DelayClock`] gets the time from: [`SleptTime`] or a `FnMut() -> u64`. Sealed.
pub trait TimeSource: sealed::Sealed {
    #[doc(hidden)]
    fn now_us(&mut self) -> u64;
    #[doc(hidden)]
    fn slept(&mut self, us: u64);
}

mod sealed {
    pub trait Sealed {}
    impl Sealed for super::SleptTime {}
    impl<F: FnMut() -> u64> Sealed for F {}
}

impl TimeSource for SleptTime {
    fn now_us(&mut self) -> u64 {
        self.slept_us
    }
    fn slept(&mut self, us: u64) {
        self.slept_us = self.slept_us.saturating_add(us);
    }
}

impl<F: FnMut() -> u64> TimeSource for F {
    fn now_us(&mut self) -> u64 {
        self()
    }
    fn slept(&mut self, _: u64) {}
}

/// The next `delay_us` call of a wait with `left` µs to go: `delay_us` takes a `u32`.
fn chunk(left: u64) -> u32 {
    u32::try_from(left).unwrap_or(u32::MAX)
}

impl<D: embedded_hal::delay::DelayNs, N: TimeSource> Clock for DelayClock<D, N> {
    fn now_us(&mut self) -> u64 {
        self.now.now_us()
    }

    fn sleep_us(&mut self, us: u64) {
        let mut left = us;
        while left > 0 {
            let step = chunk(left);
            self.delay.delay_us(step);
            left -= u64::from(step);
        }
        self.now.slept(us);
    }
}

#[cfg(feature = "embedded-hal-async")]
impl<D: embedded_hal_async::delay::DelayNs, N: TimeSource> crate::AsyncClock for DelayClock<D, N> {
    fn now_us(&mut self) -> u64 {
        self.now.now_us()
    }

    async fn sleep_us(&mut self, us: u64) {
        let mut left = us;
        while left > 0 {
            let step = chunk(left);
            self.delay.delay_us(step).await;
            left -= u64::from(step);
        }
        self.now.slept(us);
    }
}
