//! The `log`, `tracing` and `metrics` reports: one record, event or count per scheduled retry,
//! with stamina's names, and nothing on success nor on the final give-up. With `std` they are
//! the default global hooks: `set_on_retry_hooks([])` silences them, `reset_on_retry_hooks()`
//! brings them back. Each part runs when its feature is on (`cargo test --all-features` runs
//! them all).

#![cfg(feature = "std")]
#![allow(dead_code)]

use std::sync::Mutex;
use std::time::Duration;

use stamina::testing::ManualClock;
use stamina::{retry, OnRetryHook};

mod common;
use common::{transient, Error};

/// The reports of one test would land in another's capture (the logger is global), and the
/// hooks are global: one at a time.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static TURN: Mutex<()> = Mutex::new(());
    TURN.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Restores the default hooks when dropped, also when the test fails.
struct Defaults;

impl Drop for Defaults {
    fn drop(&mut self) {
        stamina::reset_on_retry_hooks();
    }
}

/// Lets a test change the hooks: the defaults come back when it ends.
fn changing_hooks() -> Defaults {
    stamina::reset_on_retry_hooks();
    Defaults
}

#[test]
fn the_feature_reports_are_the_default_hooks() {
    let _turn = one_at_a_time();
    let _defaults = changing_hooks();
    let mut expected = Vec::new();
    if cfg!(feature = "log") {
        expected.push("OnRetryHook(log)");
    }
    if cfg!(feature = "tracing") {
        expected.push("OnRetryHook(tracing)");
    }
    if cfg!(feature = "metrics") {
        expected.push("OnRetryHook(metrics)");
    }
    let listed = |hooks: Vec<OnRetryHook>| -> Vec<String> {
        hooks.iter().map(|h| format!("{h:?}")).collect()
    };
    assert_eq!(listed(stamina::get_on_retry_hooks()), expected);
    stamina::set_on_retry_hooks([]);
    assert!(stamina::get_on_retry_hooks().is_empty());
    stamina::set_on_retry_hooks([OnRetryHook::new(|_: &stamina::HookDetails<'_, '_>| {})]);
    assert_eq!(listed(stamina::get_on_retry_hooks()), ["OnRetryHook(..)"]);
    stamina::reset_on_retry_hooks();
    assert_eq!(listed(stamina::get_on_retry_hooks()), expected);
}

/// Two failures then a success: two scheduled retries.
fn two_retries_then_success() -> Result<u32, Error> {
    let mut calls = 0;
    retry!(
        on = transient,
        wait_jitter = Duration::ZERO,
        clock = ManualClock::new(),
        name = "billing.charge",
        {
            calls += 1;
            if calls <= 2 {
                Err(Error::Transient(calls))
            } else {
                Ok(calls)
            }
        }
    )
}

/// Fails twice and gives up after its second try: one scheduled retry.
fn one_retry_then_give_up() -> Result<u32, Error> {
    let mut calls = 0;
    retry!(
        on = transient,
        attempts = 2,
        wait_jitter = Duration::ZERO,
        clock = ManualClock::new(),
        name = "billing.refund",
        {
            calls += 1;
            Err(Error::Transient(calls))
        }
    )
}

#[cfg(feature = "log")]
mod log_records {
    use super::*;
    use std::sync::Once;

    /// One record as a logger sees it.
    #[derive(Debug, PartialEq)]
    pub(super) struct Seen {
        level: log::Level,
        target: String,
        /// The message, if it is a literal (no formatting needed).
        literal: Option<&'static str>,
        message: String,
        key_values: Vec<(String, String)>,
    }

    struct Capture(Mutex<Vec<Seen>>);

    struct KeyValues(Vec<(String, String)>);

    impl<'kvs> log::kv::VisitSource<'kvs> for KeyValues {
        fn visit_pair(
            &mut self,
            key: log::kv::Key<'kvs>,
            value: log::kv::Value<'kvs>,
        ) -> Result<(), log::kv::Error> {
            self.0.push((key.to_string(), value.to_string()));
            Ok(())
        }
    }

    impl log::Log for Capture {
        fn enabled(&self, _: &log::Metadata<'_>) -> bool {
            true
        }
        fn log(&self, record: &log::Record<'_>) {
            let mut key_values = KeyValues(Vec::new());
            record.key_values().visit(&mut key_values).unwrap();
            self.0.lock().unwrap().push(Seen {
                level: record.level(),
                target: record.target().to_string(),
                literal: record.args().as_str(),
                message: record.args().to_string(),
                key_values: key_values.0,
            });
        }
        fn flush(&self) {}
    }

    /// What the process's logger (installed once) captured: emptied.
    pub(super) fn capture() -> &'static Mutex<Vec<Seen>> {
        static CAPTURE: Capture = Capture(Mutex::new(Vec::new()));
        static INSTALL: Once = Once::new();
        INSTALL.call_once(|| {
            log::set_logger(&CAPTURE).unwrap();
            log::set_max_level(log::LevelFilter::Trace);
        });
        CAPTURE.0.lock().unwrap().clear();
        &CAPTURE.0
    }

    /// The records of stamina's event.
    pub(super) fn retries(capture: &Mutex<Vec<Seen>>) -> Vec<Seen> {
        capture
            .lock()
            .unwrap()
            .drain(..)
            .filter(|s| s.message == "stamina.retry_scheduled")
            .collect()
    }

    fn expected(callable: &str, retry_num: u32, wait_for: &str, waited_so_far: &str) -> Seen {
        let pairs = [
            ("callable", callable.to_string()),
            ("retry_num", retry_num.to_string()),
            ("wait_for", wait_for.to_string()),
            ("waited_so_far", waited_so_far.to_string()),
            ("caused_by", format!("Transient({retry_num})")),
            ("error_type", core::any::type_name::<Error>().to_string()),
        ];
        Seen {
            level: log::Level::Warn,
            target: "stamina".to_string(),
            literal: Some("stamina.retry_scheduled"),
            message: "stamina.retry_scheduled".to_string(),
            key_values: pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        }
    }

    #[test]
    fn one_warn_record_per_scheduled_retry_with_the_fields_as_key_values() {
        let _turn = one_at_a_time();
        let capture = capture();
        assert_eq!(two_retries_then_success(), Ok(3));
        assert_eq!(one_retry_then_give_up(), Err(Error::Transient(2)));
        assert_eq!(
            retries(capture),
            [
                expected("billing.charge", 1, "100ms", "0ns"),
                expected("billing.charge", 2, "200ms", "100ms"),
                expected("billing.refund", 1, "100ms", "0ns"),
            ]
        );
    }

    #[test]
    fn an_empty_hook_list_silences_the_log_and_reset_restores_it() {
        let _turn = one_at_a_time();
        let _defaults = changing_hooks();
        let capture = capture();
        stamina::set_on_retry_hooks([]);
        assert_eq!(two_retries_then_success(), Ok(3));
        assert_eq!(retries(capture), []);
        stamina::reset_on_retry_hooks();
        assert_eq!(two_retries_then_success(), Ok(3));
        assert_eq!(retries(capture).len(), 2);
    }

    #[test]
    fn the_log_report_is_a_hook_among_others() {
        let _turn = one_at_a_time();
        let _defaults = changing_hooks();
        let capture = capture();
        let calls = std::sync::Arc::new(std::sync::atomic::AtomicU32::new(0));
        let counted = std::sync::Arc::clone(&calls);
        // Only the log record, and a hook of one's own after it.
        stamina::set_on_retry_hooks([
            OnRetryHook::log(),
            OnRetryHook::new(move |_: &stamina::HookDetails<'_, '_>| {
                counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            }),
        ]);
        assert_eq!(two_retries_then_success(), Ok(3));
        assert_eq!(retries(capture).len(), 2);
        assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 2);
    }
}

#[cfg(feature = "tracing")]
mod tracing_events {
    use super::*;
    use std::sync::Arc;

    /// Collects what the fmt subscriber writes.
    #[derive(Clone, Default)]
    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Buffer {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// What the fmt subscriber writes while `f` runs.
    fn traced(f: impl FnOnce()) -> String {
        let buffer = Buffer::default();
        let writer = buffer.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .without_time()
            .finish();
        tracing::subscriber::with_default(subscriber, f);
        let bytes = buffer.0.lock().unwrap().clone();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn an_empty_hook_list_silences_tracing_and_reset_restores_it() {
        let _turn = one_at_a_time();
        let _defaults = changing_hooks();
        stamina::set_on_retry_hooks([]);
        let text = traced(|| assert_eq!(two_retries_then_success(), Ok(3)));
        assert_eq!(text, "");
        stamina::reset_on_retry_hooks();
        let text = traced(|| assert_eq!(two_retries_then_success(), Ok(3)));
        assert_eq!(text.lines().count(), 2, "{text}");
    }

    #[test]
    fn one_warn_event_with_structured_fields_per_scheduled_retry() {
        let _turn = one_at_a_time();
        let text = traced(|| {
            assert_eq!(two_retries_then_success(), Ok(3));
            assert_eq!(one_retry_then_give_up(), Err(Error::Transient(2)));
        });
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        let error_type = core::any::type_name::<Error>();
        assert_eq!(
            lines[1],
            format!(" WARN stamina: stamina.retry_scheduled callable=\"billing.charge\" retry_num=2 wait_for=200ms waited_so_far=100ms caused_by=Transient(2) error_type=\"{error_type}\"")
        );
        assert!(
            lines[2].contains("callable=\"billing.refund\" retry_num=1"),
            "{text}"
        );
    }
}

#[cfg(feature = "metrics")]
mod metrics_counter {
    use super::*;
    use metrics::{
        Counter, CounterFn, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit,
    };
    use std::sync::Arc;

    /// Counts increments per key, labels included.
    #[derive(Default)]
    struct Counts(Mutex<Vec<(String, u64)>>);

    struct One(Arc<Counts>, String);

    impl CounterFn for One {
        fn increment(&self, by: u64) {
            let mut counts = self.0 .0.lock().unwrap();
            match counts.iter_mut().find(|(k, _)| *k == self.1) {
                Some((_, n)) => *n += by,
                None => counts.push((self.1.clone(), by)),
            }
        }
        fn absolute(&self, _: u64) {}
    }

    struct Recording(Arc<Counts>);

    impl Recorder for Recording {
        fn describe_counter(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn describe_gauge(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn describe_histogram(&self, _: KeyName, _: Option<Unit>, _: SharedString) {}
        fn register_counter(&self, key: &Key, _: &Metadata<'_>) -> Counter {
            let labels: Vec<String> = key
                .labels()
                .map(|l| format!("{}={}", l.key(), l.value()))
                .collect();
            let name = format!("{}{{{}}}", key.name(), labels.join(","));
            Counter::from_arc(Arc::new(One(Arc::clone(&self.0), name)))
        }
        fn register_gauge(&self, _: &Key, _: &Metadata<'_>) -> Gauge {
            Gauge::noop()
        }
        fn register_histogram(&self, _: &Key, _: &Metadata<'_>) -> Histogram {
            Histogram::noop()
        }
    }

    #[test]
    fn an_empty_hook_list_silences_metrics_and_reset_restores_it() {
        let _turn = one_at_a_time();
        let _defaults = changing_hooks();
        let counts = Arc::new(Counts::default());
        let recorder = Recording(Arc::clone(&counts));
        stamina::set_on_retry_hooks([]);
        metrics::with_local_recorder(&recorder, || {
            assert_eq!(two_retries_then_success(), Ok(3));
        });
        assert_eq!(*counts.0.lock().unwrap(), []);
        stamina::reset_on_retry_hooks();
        metrics::with_local_recorder(&recorder, || {
            assert_eq!(two_retries_then_success(), Ok(3));
        });
        assert_eq!(counts.0.lock().unwrap().len(), 2);
    }

    #[test]
    fn a_counter_per_scheduled_retry_with_stamina_labels() {
        let _turn = one_at_a_time();
        let counts = Arc::new(Counts::default());
        let recorder = Recording(Arc::clone(&counts));
        metrics::with_local_recorder(&recorder, || {
            assert_eq!(two_retries_then_success(), Ok(3));
            assert_eq!(one_retry_then_give_up(), Err(Error::Transient(2)));
        });
        let error_type = core::any::type_name::<Error>();
        let mut counts = counts.0.lock().unwrap().clone();
        counts.sort();
        assert_eq!(
            counts,
            [
                (format!("stamina_retries_total{{callable=billing.charge,retry_num=1,error_type={error_type}}}"), 1),
                (format!("stamina_retries_total{{callable=billing.charge,retry_num=2,error_type={error_type}}}"), 1),
                (format!("stamina_retries_total{{callable=billing.refund,retry_num=1,error_type={error_type}}}"), 1),
            ]
        );
    }

    #[test]
    fn the_retry_num_label_stops_at_10_plus() {
        let _turn = one_at_a_time();
        let counts = Arc::new(Counts::default());
        let recorder = Recording(Arc::clone(&counts));
        metrics::with_local_recorder(&recorder, || {
            let r: Result<(), Error> = retry!(
                on = transient,
                backoff = stamina::Backoff::new().unlimited_attempts(),
                wait_jitter = Duration::ZERO,
                wait_max = Duration::from_millis(1),
                clock = ManualClock::new(),
                name = "poll",
                |attempt| {
                    if attempt.num() <= 13 {
                        Err(Error::Transient(attempt.num()))
                    } else {
                        Ok(())
                    }
                }
            );
            assert_eq!(r, Ok(()));
        });
        let error_type = core::any::type_name::<Error>();
        let counts = counts.0.lock().unwrap().clone();
        let label = |n: &str| {
            format!("stamina_retries_total{{callable=poll,retry_num={n},error_type={error_type}}}")
        };
        let mut expected: Vec<(String, u64)> =
            (1..=10).map(|n| (label(&n.to_string()), 1)).collect();
        expected.push((label("10+"), 3));
        assert_eq!(counts, expected);
    }
}
