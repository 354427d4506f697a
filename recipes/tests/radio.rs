//! The radio recipe on the host: a simulated transceiver, a simulated TRNG peripheral, and a
//! blocking `DelayNs` that really sleeps.

use std::time::{Duration, Instant};

use embedded_hal::delay::DelayNs;
use rand_core::RngCore;
use stamina_recipes::radio::{send, Radio, TxError, SEND_ATTEMPTS, SEND_RETRY};

/// A transceiver whose first sends fail with `failures`, in order.
struct Transceiver {
    failures: Vec<TxError>,
    sends: u32,
}

impl Radio for Transceiver {
    fn transmit(&mut self, frame: &[u8]) -> Result<(), TxError> {
        self.sends += 1;
        if frame.len() > 127 {
            return Err(TxError::FrameTooLong);
        }
        if self.failures.is_empty() {
            Ok(())
        } else {
            Err(self.failures.remove(0))
        }
    }
}

/// A HAL delay: sleeps for real and remembers each request.
#[derive(Default)]
struct Delay {
    requests: Vec<Duration>,
}

impl DelayNs for Delay {
    fn delay_ns(&mut self, ns: u32) {
        let d = Duration::from_nanos(ns.into());
        self.requests.push(d);
        std::thread::sleep(d);
    }

    fn delay_us(&mut self, us: u32) {
        let d = Duration::from_micros(us.into());
        self.requests.push(d);
        std::thread::sleep(d);
    }
}

/// Stands in for a TRNG peripheral: each read of its data register is a fresh word
/// (SplitMix64 here, seeded per chip). Counts the reads.
struct Trng {
    state: u64,
    reads: u32,
}

impl Trng {
    fn new(seed: u64) -> Self {
        Trng {
            state: seed,
            reads: 0,
        }
    }
}

impl RngCore for Trng {
    fn next_u32(&mut self) -> u32 {
        (self.next_u64() >> 32) as u32
    }

    fn next_u64(&mut self) -> u64 {
        self.reads += 1;
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn fill_bytes(&mut self, dest: &mut [u8]) {
        rand_core::impls::fill_bytes_via_next(self, dest)
    }
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The wait is the schedule's base plus less than the 8 ms of jitter.
fn assert_jittered(wait: Duration, base: Duration) {
    assert!(
        wait >= base && wait < base + ms(8),
        "{wait:?} not in [{base:?}, {:?})",
        base + ms(8)
    );
}

#[test]
fn a_busy_channel_and_a_collision_are_retried() {
    let mut radio = Transceiver {
        failures: vec![TxError::ChannelBusy, TxError::NoAck],
        sends: 0,
    };
    let (mut delay, mut trng) = (Delay::default(), Trng::new(0xC0FFEE));
    let started = Instant::now();

    send(&mut radio, &mut delay, &mut trng, b"temperature=21.5").unwrap();

    assert_eq!(radio.sends, 3);
    // Two waits, slept on the HAL's delay, and one RNG word for each.
    assert_eq!(delay.requests.len(), 2);
    assert_jittered(delay.requests[0], ms(2));
    assert_jittered(delay.requests[1], ms(4));
    assert_eq!(trng.reads, 2);
    assert!(started.elapsed() >= delay.requests.iter().sum());
}

#[test]
fn a_frame_too_long_is_not_retried() {
    let mut radio = Transceiver {
        failures: Vec::new(),
        sends: 0,
    };
    let (mut delay, mut trng) = (Delay::default(), Trng::new(1));

    let result = send(&mut radio, &mut delay, &mut trng, &[0; 200]);

    assert_eq!(result, Err(TxError::FrameTooLong));
    assert_eq!(radio.sends, 1);
    assert!(delay.requests.is_empty());
    assert_eq!(trng.reads, 0);
}

#[test]
fn a_channel_that_stays_busy_is_given_up_within_the_watchdog_budget() {
    let mut radio = Transceiver {
        failures: vec![TxError::ChannelBusy; 100],
        sends: 0,
    };
    let (mut delay, mut trng) = (Delay::default(), Trng::new(2));

    let result = send(&mut radio, &mut delay, &mut trng, b"x");

    assert_eq!(result, Err(TxError::ChannelBusy));
    assert_eq!(radio.sends, SEND_ATTEMPTS);
    let slept: Duration = delay.requests.iter().sum();
    // 2 + 4 + 8 + 16 + 32 ms, plus 8 ms of jitter each at most.
    assert_eq!(SEND_RETRY.max_total_wait(), ms(102));
    assert!(slept <= SEND_RETRY.max_total_wait(), "{slept:?}");
    assert_eq!(delay.requests.len(), 5);
    for (wait, base) in delay.requests.iter().zip([2, 4, 8, 16, 32]) {
        assert_jittered(*wait, ms(base));
    }
}

/// Two nodes that collided, on chips whose TRNGs differ: they come back at different times.
#[test]
fn two_nodes_draw_different_waits() {
    let waits = |seed| {
        let mut radio = Transceiver {
            failures: vec![TxError::NoAck; 3],
            sends: 0,
        };
        let (mut delay, mut trng) = (Delay::default(), Trng::new(seed));
        send(&mut radio, &mut delay, &mut trng, b"x").unwrap();
        delay.requests
    };
    let (a, b) = (waits(0x1111), waits(0x2222));

    assert_eq!((a.len(), b.len()), (3, 3));
    assert_ne!(a, b);
}
