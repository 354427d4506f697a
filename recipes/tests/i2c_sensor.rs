//! The I2C recipe on embassy, on the host: embassy-executor's std executor, embassy-time's std
//! driver (real time), and a simulated sensor behind `embedded_hal_async::i2c::I2c`.

mod support {
    pub mod retries;
}

use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::thread;
use std::time::Duration;

use embassy_executor::{Executor, Spawner};
use embassy_time::Instant;
use embedded_hal_async::i2c::{ErrorKind, ErrorType, I2c, NoAcknowledgeSource, Operation};
use stamina_recipes::i2c_sensor::{read_temperature, ADDRESS};
use support::retries::{self, Retry};

/// An SHT3x-style sensor: after the measure command, it NAKs `busy_reads` reads, then sends
/// the temperature. With `bus_fault`, every read fails with a bus error instead.
struct Sensor {
    busy_reads: u32,
    bus_fault: bool,
    /// The temperature word it sends.
    raw: u16,
    /// Reads addressed to it, NAKed or not.
    reads: u32,
    measuring: u32,
}

impl Sensor {
    fn new(busy_reads: u32) -> Self {
        Sensor {
            busy_reads,
            bus_fault: false,
            raw: 26214, // 25.00 °C
            reads: 0,
            measuring: 0,
        }
    }
}

impl ErrorType for Sensor {
    type Error = ErrorKind;
}

impl I2c for Sensor {
    async fn transaction(
        &mut self,
        address: u8,
        operations: &mut [Operation<'_>],
    ) -> Result<(), ErrorKind> {
        if address != ADDRESS {
            return Err(ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address));
        }
        for operation in operations {
            match operation {
                Operation::Write([0x24, 0x00]) => self.measuring = self.busy_reads,
                Operation::Write(_) => return Err(ErrorKind::Other),
                Operation::Read(buf) => {
                    self.reads += 1;
                    if self.bus_fault {
                        return Err(ErrorKind::Bus);
                    }
                    if self.measuring > 0 {
                        self.measuring -= 1;
                        return Err(ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address));
                    }
                    let word = self.raw.to_be_bytes();
                    buf.copy_from_slice(&word[..buf.len()]);
                }
            }
        }
        Ok(())
    }
}

#[derive(Debug)]
struct Report {
    result: Result<i32, ErrorKind>,
    reads: u32,
    /// Embassy time from the measure command to the result.
    elapsed: Duration,
    retries: Vec<Retry>,
}

// One slot per test that may run at once (tests of a binary run side by side).
#[embassy_executor::task(pool_size = 4)]
async fn measure(mut sensor: Sensor, report: Sender<Report>) {
    let start = Instant::now();
    let result = read_temperature(&mut sensor).await;
    let elapsed = Duration::from_micros(start.elapsed().as_micros());
    report
        .send(Report {
            result,
            reads: sensor.reads,
            elapsed,
            retries: retries::seen(),
        })
        .unwrap();
}

/// Runs an executor on this thread until the task has reported (`run` never returns;
/// `run_until` stops once asked). A task that never reports fails the run after 30 s.
fn run(sensor: Sensor) -> Report {
    retries::record();
    let (finished, watch) = mpsc::channel::<()>();
    thread::spawn(move || {
        if watch.recv_timeout(Duration::from_secs(30)) == Err(RecvTimeoutError::Timeout) {
            eprintln!("an embassy test sent no report within 30 s");
            std::process::exit(1);
        }
    });
    let (report, reports) = mpsc::channel();
    let executor: &'static mut Executor = Box::leak(Box::new(Executor::new()));
    let mut received = None;
    executor.run_until(
        |spawner: Spawner| spawner.spawn(measure(sensor, report).unwrap()),
        || {
            received = reports.try_recv().ok();
            received.is_some()
        },
    );
    drop(finished);
    received.unwrap()
}

fn waits(r: &Report) -> Vec<Duration> {
    r.retries.iter().map(|retry| retry.wait_for).collect()
}

/// Three NAKs while it measures, then the reading: 2, 4 and 8 ms apart, no jitter.
#[test]
fn reads_as_soon_as_the_measurement_is_done() {
    let r = run(Sensor::new(3));

    assert_eq!(r.result, Ok(2500), "{r:?}");
    assert_eq!(r.reads, 4);
    let ms = Duration::from_millis;
    assert_eq!(waits(&r), [ms(2), ms(4), ms(8)]);
    assert!(r
        .retries
        .iter()
        .all(|retry| retry.error.contains("NoAcknowledge")));
    assert!(r.elapsed >= ms(14), "{r:?}");
}

/// A sensor that never answers: 10 reads, about 60 ms, then its NAK comes back.
#[test]
fn a_sensor_that_never_answers_is_given_back() {
    let r = run(Sensor::new(u32::MAX));

    assert_eq!(
        r.result,
        Err(ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address))
    );
    assert_eq!(r.reads, 10);
    let waited: Duration = waits(&r).iter().sum();
    assert_eq!(waited, Duration::from_millis(2 + 4 + 7 * 8));
    assert!(r.elapsed >= waited, "{r:?}");
}

#[test]
fn a_bus_error_is_not_retried() {
    let mut sensor = Sensor::new(0);
    sensor.bus_fault = true;
    let r = run(sensor);

    assert_eq!(r.result, Err(ErrorKind::Bus));
    assert_eq!(r.reads, 1);
    assert!(r.retries.is_empty());
}
