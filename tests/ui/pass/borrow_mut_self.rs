//! The operation borrows `&mut self` in a method: it calls another `&mut self` method, or
//! mutates fields while `clock` and `on_retry` borrow other fields of the same struct (disjoint
//! borrows), in `retry!` and in `retry_async!`.

use core::future::Future;
use core::time::Duration;
use stamina::testing::ManualClock;
use stamina::RetryDetails;

#[derive(Debug, PartialEq)]
enum BusError {
    Nak,
    Fatal,
}

struct Sensor {
    naks_left: u32,
    reads: u32,
    clock: ManualClock,
    log: Vec<u32>,
}

impl Sensor {
    fn new(naks: u32) -> Self {
        Sensor {
            naks_left: naks,
            reads: 0,
            clock: ManualClock::new(),
            log: Vec::new(),
        }
    }

    /// One read: counts itself, NAKs while `naks_left` lasts.
    fn read(&mut self) -> Result<u16, BusError> {
        self.reads += 1;
        if self.naks_left > 0 {
            self.naks_left -= 1;
            Err(BusError::Nak)
        } else {
            Ok(0x1234)
        }
    }

    /// An `&mut self` method as the operation, the clock passed from outside.
    fn read_retrying(&mut self, clock: &ManualClock) -> Result<u16, BusError> {
        stamina::retry!(
            on = |e: &BusError| *e != BusError::Fatal,
            attempts = 4,
            wait_jitter = Duration::ZERO,
            clock = clock,
            self.read()
        )
    }

    /// The clock and the hook borrow fields; the operation mutates other fields.
    fn read_with_fields(&mut self) -> Result<u32, BusError> {
        stamina::retry!(
            on = |e: &BusError| *e == BusError::Nak,
            attempts = 5,
            wait_jitter = Duration::ZERO,
            clock = &self.clock,
            on_retry = |d: &RetryDetails<'_, BusError>| self.log.push(d.retry_num),
            |attempt| {
                self.reads += 1;
                if self.naks_left > 0 {
                    self.naks_left -= 1;
                    Err(BusError::Nak)
                } else {
                    Ok(attempt.num())
                }
            }
        )
    }

    /// `retry_async!` with an `&mut self` method as the operation.
    async fn read_async(&mut self, clock: &ManualClock) -> Result<u16, BusError> {
        stamina::retry_async!(
            on = |e: &BusError| *e == BusError::Nak,
            clock = clock,
            async { self.read() }.await
        )
    }
}

/// Polls a future to completion; the `ManualClock` never makes it wait.
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = core::pin::pin!(f);
    let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
    loop {
        if let core::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

fn main() {
    let clock = ManualClock::new();
    let mut s = Sensor::new(2);
    assert_eq!(s.read_retrying(&clock), Ok(0x1234));
    assert_eq!((s.reads, s.naks_left), (3, 0));
    assert_eq!(clock.waits(), [100, 200].map(Duration::from_millis));

    // Out of tries: the last error, after `attempts` reads.
    let mut s = Sensor::new(9);
    assert_eq!(s.read_retrying(&clock), Err(BusError::Nak));
    assert_eq!((s.reads, s.naks_left), (4, 5));

    let mut s = Sensor::new(3);
    assert_eq!(s.read_with_fields(), Ok(4));
    assert_eq!(s.reads, 4);
    assert_eq!(s.log, [1, 2, 3]);
    assert_eq!(s.clock.waits(), [100, 200, 400].map(Duration::from_millis));

    let clock = ManualClock::new();
    let mut s = Sensor::new(1);
    assert_eq!(block_on(s.read_async(&clock)), Ok(0x1234));
    assert_eq!(s.reads, 2);
    assert_eq!(clock.sleeps(), 1);
}
