//! `http`: a server's `Retry-After`, read as the `on` filter needs it, and a default for which
//! statuses are worth retrying.
//!
//! Nothing here is applied on its own: an `on` filter (of the macros, of [`RetryingCaller`] or
//! of the tower layer) calls these functions when its author wants them.
//!
//! [`RetryingCaller`]: crate::RetryingCaller

use core::time::Duration;
use std::time::{SystemTime, UNIX_EPOCH};

use ::http::header::RETRY_AFTER;
use ::http::{HeaderMap, HeaderValue, Response, StatusCode};

use crate::Decision;

/// The longest `Retry-After` honoured, in seconds (`u32::MAX`, about 136 years). A longer
/// delay is taken for garbage, not for advice: no server means it, so the loop keeps its own
/// schedule. Any honoured delay that ends after the loop's deadline still gives up at once.
pub const MAX_RETRY_AFTER_SECS: u64 = u32::MAX as u64;

/// The wait a response's `Retry-After` header asks for, relative to the system clock for an
/// HTTP-date; `None` without the header or when its value is not one of the forms
/// [`retry_after_at`] accepts.
///
/// # Examples
///
/// ```
/// use core::time::Duration;
/// use http::{header::RETRY_AFTER, HeaderMap, HeaderValue};
///
/// let mut headers = HeaderMap::new();
/// assert_eq!(stamina::http::retry_after(&headers), None);
/// headers.insert(RETRY_AFTER, HeaderValue::from_static("120"));
/// assert_eq!(stamina::http::retry_after(&headers), Some(Duration::from_secs(120)));
/// ```
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    retry_after_at(headers.get(RETRY_AFTER)?, SystemTime::now())
}

/// The wait a `Retry-After` value asks for, at the time `now` (RFC 9110, section 10.2.3).
///
/// Accepted: delta-seconds (`120`), and an HTTP-date in any of the three forms a recipient must
/// read (`Sun, 06 Nov 1994 08:49:37 GMT`, the obsolete `Sunday, 06-Nov-94 08:49:37 GMT` and
/// `Sun Nov  6 08:49:37 1994`), with optional spaces or tabs around the value. A date that has
/// passed asks for no wait (`Some(ZERO)`).
///
/// `None`, so that the loop keeps its own backoff, for anything else: an empty value, a sign
/// (`-1`, `+5`), a fraction, a date that does not exist (`31 Feb`), bytes that are not ASCII,
/// and a delay longer than [`MAX_RETRY_AFTER_SECS`].
///
/// # Examples
///
/// ```
/// use core::time::Duration;
/// use http::HeaderValue;
/// use std::time::{SystemTime, UNIX_EPOCH};
/// use stamina::http::retry_after_at;
///
/// // 1994-11-06 08:49:00 UTC
/// let now = UNIX_EPOCH + Duration::from_secs(784_111_740);
/// let date = HeaderValue::from_static("Sun, 06 Nov 1994 08:49:37 GMT");
/// assert_eq!(retry_after_at(&date, now), Some(Duration::from_secs(37)));
/// assert_eq!(retry_after_at(&HeaderValue::from_static(" 3 "), now), Some(Duration::from_secs(3)));
/// assert_eq!(retry_after_at(&HeaderValue::from_static("-1"), now), None);
/// ```
pub fn retry_after_at(value: &HeaderValue, now: SystemTime) -> Option<Duration> {
    let text = trim_whitespace(value.as_bytes());
    if text.first().is_some_and(u8::is_ascii_digit) && text.iter().all(u8::is_ascii_digit) {
        let secs = text.iter().try_fold(0u64, |secs, digit| {
            secs.checked_mul(10)?.checked_add(u64::from(digit - b'0'))
        })?;
        return (secs <= MAX_RETRY_AFTER_SECS).then(|| Duration::from_secs(secs));
    }
    let now_secs = match now.duration_since(UNIX_EPOCH) {
        Ok(since) => since.as_secs(),
        Err(_) => 0,
    };
    let at = http_date_secs(text, now_secs)?;
    let wait = at.saturating_sub(now_secs);
    (wait <= MAX_RETRY_AFTER_SECS).then(|| Duration::from_secs(wait))
}

/// Whether a status is usually worth retrying: 429 Too Many Requests, 502 Bad Gateway, 503
/// Service Unavailable and 504 Gateway Timeout. Every other status, 4xx or 5xx, is not: the
/// same request would fail the same way (a 500 may be a bug that each retry hits again).
///
/// ```
/// use http::StatusCode;
/// assert!(stamina::http::is_retryable_status(StatusCode::SERVICE_UNAVAILABLE));
/// assert!(!stamina::http::is_retryable_status(StatusCode::NOT_FOUND));
/// ```
#[must_use]
pub fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// A default verdict on a response: give up unless its status
/// [is retryable](is_retryable_status), then wait as its `Retry-After` says, or as the schedule
/// says without a valid one.
///
/// `GiveUp` on a success means "hand it back": an `on` filter over responses (the tower layer's)
/// returns the response. The loop gives up at once when a `Retry-After` ends after its deadline.
///
/// ```
/// use http::{Response, StatusCode};
/// use stamina::Decision;
///
/// let busy = Response::builder().status(503).header("retry-after", "2").body(()).unwrap();
/// assert_eq!(stamina::http::decide(&busy), Decision::RetryAfter(core::time::Duration::from_secs(2)));
/// let gone = Response::builder().status(StatusCode::GONE).body(()).unwrap();
/// assert_eq!(stamina::http::decide(&gone), Decision::GiveUp);
/// ```
pub fn decide<B>(response: &Response<B>) -> Decision {
    if !is_retryable_status(response.status()) {
        return Decision::GiveUp;
    }
    match retry_after(response.headers()) {
        Some(wait) => Decision::RetryAfter(wait),
        None => Decision::Retry,
    }
}

/// The value without the spaces and tabs a field value may carry around it.
fn trim_whitespace(mut bytes: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = bytes {
        bytes = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = bytes {
        bytes = rest;
    }
    bytes
}

const DAYS: [&[u8]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
const LONG_DAYS: [&[u8]; 7] = [
    b"Monday",
    b"Tuesday",
    b"Wednesday",
    b"Thursday",
    b"Friday",
    b"Saturday",
    b"Sunday",
];
const MONTHS: [&[u8]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];

/// Seconds since the Unix epoch of an HTTP-date in any of its three forms; `None` if it is
/// none of them or names a day that does not exist. `now_secs` places a two-digit year.
fn http_date_secs(text: &[u8], now_secs: u64) -> Option<u64> {
    let (day_name, rest) = split_at_byte(text, |b| b == b',' || b == b' ')?;
    if let Some(rest) = rest.strip_prefix(b", ") {
        if DAYS.contains(&day_name) {
            // IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
            let [d1, d2, b' ', m1, m2, m3, b' ', y1, y2, y3, y4, b' ', time @ .., b' ', b'G', b'M', b'T'] =
                rest
            else {
                return None;
            };
            let day = two_digits(*d1, *d2)?;
            let year = two_digits(*y1, *y2)? * 100 + two_digits(*y3, *y4)?;
            return unix_secs(year, month([*m1, *m2, *m3])?, day, time);
        }
        if LONG_DAYS.contains(&day_name) {
            // RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`
            let [d1, d2, b'-', m1, m2, m3, b'-', y1, y2, b' ', time @ .., b' ', b'G', b'M', b'T'] =
                rest
            else {
                return None;
            };
            let year = full_year(two_digits(*y1, *y2)?, now_secs);
            return unix_secs(year, month([*m1, *m2, *m3])?, two_digits(*d1, *d2)?, time);
        }
        return None;
    }
    // asctime: `Sun Nov  6 08:49:37 1994` (a one-digit day is padded with a space)
    let rest = rest
        .strip_prefix(b" ")
        .filter(|_| DAYS.contains(&day_name))?;
    let [m1, m2, m3, b' ', d1, d2, b' ', time @ .., b' ', y1, y2, y3, y4] = rest else {
        return None;
    };
    let day = if *d1 == b' ' {
        two_digits(b'0', *d2)?
    } else {
        two_digits(*d1, *d2)?
    };
    let year = two_digits(*y1, *y2)? * 100 + two_digits(*y3, *y4)?;
    unix_secs(year, month([*m1, *m2, *m3])?, day, time)
}

/// The bytes before the first byte that `at` accepts, and the rest from that byte on.
fn split_at_byte(text: &[u8], at: impl Fn(u8) -> bool) -> Option<(&[u8], &[u8])> {
    let i = text.iter().position(|&b| at(b))?;
    Some(text.split_at(i))
}

fn two_digits(tens: u8, ones: u8) -> Option<u64> {
    (tens.is_ascii_digit() && ones.is_ascii_digit())
        .then(|| u64::from(tens - b'0') * 10 + u64::from(ones - b'0'))
}

/// 1 for January, ..., 12 for December.
fn month(name: [u8; 3]) -> Option<u64> {
    let index = MONTHS.iter().position(|m| **m == name)?;
    u64::try_from(index).ok().map(|i| i + 1)
}

/// The year of RFC 850's two digits: the one in the current century, unless that is more than
/// 50 years ahead, then the one before it (RFC 9110, section 5.6.7).
fn full_year(two_digits: u64, now_secs: u64) -> u64 {
    let this_year = 1970 + now_secs / 31_556_952; // mean Gregorian year; a day off is harmless
    let candidate = this_year / 100 * 100 + two_digits;
    if candidate > this_year + 50 {
        candidate.saturating_sub(100)
    } else {
        candidate
    }
}

/// Seconds since the epoch of a date and an `hh:mm:ss` time (0 for any moment before 1970,
/// which has passed either way); `None` for a day or time that does not exist.
fn unix_secs(year: u64, month: u64, day: u64, time: &[u8]) -> Option<u64> {
    let [h1, h2, b':', m1, m2, b':', s1, s2] = time else {
        return None;
    };
    let (hour, minute, second) = (
        two_digits(*h1, *h2)?,
        two_digits(*m1, *m2)?,
        two_digits(*s1, *s2)?,
    );
    // 60: a leap second.
    if hour > 23 || minute > 59 || second > 60 || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let Some(days) = days_since_epoch(year, month, day) else {
        return Some(0);
    };
    Some(
        days.saturating_mul(86_400)
            .saturating_add(hour * 3_600 + minute * 60 + second),
    )
}

fn days_in_month(year: u64, month: u64) -> u64 {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to a date of the proleptic Gregorian calendar; `None` before. Counts
/// in years that start on 1 March, so that the leap day ends a year: then a year's day number
/// is a fixed function of the month, and leap days repeat every 4, 100 and 400 years.
fn days_since_epoch(year: u64, month: u64, day: u64) -> Option<u64> {
    // The count below for 1970-01-01 (March-based year 1969, day 306).
    const EPOCH: u64 = 1969 * 365 + 1969 / 4 - 1969 / 100 + 1969 / 400 + 306;
    let (year, march_based_month) = if month > 2 {
        (year, month - 3)
    } else {
        (year.saturating_sub(1), month + 9)
    };
    // Day of the March-based year: the months from March alternate 31 and 30 days in a
    // pattern that (153 * m + 2) / 5 reproduces exactly.
    let day_of_year = (153 * march_based_month + 2) / 5 + day - 1;
    let days = year * 365 + year / 4 - year / 100 + year / 400 + day_of_year;
    days.checked_sub(EPOCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(value: &str, now_secs: u64) -> Option<Duration> {
        retry_after_at(
            &HeaderValue::from_str(value).unwrap(),
            UNIX_EPOCH + Duration::from_secs(now_secs),
        )
    }

    /// 1994-11-06 08:49:37 UTC, RFC 9110's example date.
    const EXAMPLE: u64 = 784_111_777;

    #[test]
    fn the_epoch_and_known_dates_convert_exactly() {
        assert_eq!(days_since_epoch(1970, 1, 1), Some(0));
        assert_eq!(days_since_epoch(2000, 3, 1), Some(11_017));
        assert_eq!(days_since_epoch(2024, 2, 29), Some(19_782));
        assert_eq!(days_since_epoch(1969, 12, 31), None);
        assert_eq!(unix_secs(1994, 11, 6, b"08:49:37"), Some(EXAMPLE));
        assert_eq!(unix_secs(2038, 1, 19, b"03:14:08"), Some(1 << 31));
        assert_eq!(unix_secs(1969, 12, 31, b"23:59:59"), Some(0));
    }

    #[test]
    fn the_three_date_forms_read_the_same_moment() {
        for form in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(
                at(form, EXAMPLE - 90),
                Some(Duration::from_secs(90)),
                "{form}"
            );
        }
    }

    #[test]
    fn a_two_digit_year_more_than_50_years_ahead_is_in_the_past_century() {
        let now_2026 = unix_secs(2026, 12, 3, b"00:00:00").unwrap();
        assert_eq!(full_year(94, now_2026), 1994);
        assert_eq!(full_year(76, now_2026), 2076);
        assert_eq!(full_year(77, now_2026), 1977);
        assert_eq!(
            at("Thursday, 03-Dec-26 00:01:00 GMT", now_2026),
            Some(Duration::from_secs(60))
        );
    }

    #[test]
    fn a_past_date_asks_for_no_wait() {
        assert_eq!(
            at("Sun, 06 Nov 1994 08:49:37 GMT", EXAMPLE + 1_000),
            Some(Duration::ZERO)
        );
        assert_eq!(
            at("Thu, 01 Jan 1970 00:00:00 GMT", EXAMPLE),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn delta_seconds_with_whitespace_are_read() {
        assert_eq!(at("0", 0), Some(Duration::ZERO));
        assert_eq!(at(" \t120\t ", 0), Some(Duration::from_secs(120)));
        assert_eq!(at("007", 0), Some(Duration::from_secs(7)));
    }

    #[test]
    fn huge_delays_are_refused_not_wrapped() {
        assert_eq!(
            at("4294967295", 0),
            Some(Duration::from_secs(u64::from(u32::MAX)))
        );
        assert_eq!(at("4294967296", 0), None);
        assert_eq!(at("18446744073709551616", 0), None); // u64::MAX + 1
        assert_eq!(at(&"9".repeat(400), 0), None);
        assert_eq!(at("Fri, 31 Dec 9999 23:59:59 GMT", 0), None);
    }

    #[test]
    fn garbage_is_refused() {
        for value in [
            "",
            " ",
            "-1",
            "+5",
            "1.5",
            "1e3",
            "0x10",
            "1 2",
            "soon",
            "120s",
            "Sun, 06 Nov 1994 08:49:37 UTC",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 6 Nov 1994 08:49:37 GMT",
            "Sun, 06 nov 1994 08:49:37 GMT",
            "Sun, 31 Feb 1994 08:49:37 GMT",
            "Sun, 29 Feb 1900 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 1994 08:60:00 GMT",
            "Sunday, 06 Nov 1994 08:49:37 GMT",
            "Sun, 06-Nov-94 08:49:37 GMT",
            "Funday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov 6 08:49:37 1994",
            "Sun Nov  6 08:49:37 94",
        ] {
            assert_eq!(at(value, EXAMPLE), None, "{value:?}");
        }
    }

    #[test]
    fn leap_days_and_leap_seconds_exist() {
        assert!(at("Thu, 29 Feb 2024 00:00:00 GMT", 0).is_some());
        assert!(at("Tue, 29 Feb 2000 00:00:00 GMT", 0).is_some());
        assert!(at("Sat, 31 Dec 2016 23:59:60 GMT", 0).is_some());
    }

    #[test]
    fn non_ascii_values_are_refused() {
        let value = HeaderValue::from_bytes("12\u{00e9}".as_bytes()).unwrap();
        assert_eq!(retry_after_at(&value, UNIX_EPOCH), None);
        let value = HeaderValue::from_bytes(b"\xff\xfe").unwrap();
        assert_eq!(retry_after_at(&value, UNIX_EPOCH), None);
    }

    #[test]
    fn a_clock_before_the_epoch_counts_as_the_epoch() {
        let before = UNIX_EPOCH - Duration::from_secs(10);
        let value = HeaderValue::from_static("Thu, 01 Jan 1970 00:00:10 GMT");
        assert_eq!(
            retry_after_at(&value, before),
            Some(Duration::from_secs(10))
        );
    }

    #[test]
    fn only_429_502_503_and_504_are_retryable() {
        let retryable: std::vec::Vec<u16> = (100..=599)
            .filter(|&code| is_retryable_status(StatusCode::from_u16(code).unwrap()))
            .collect();
        assert_eq!(retryable, [429, 502, 503, 504]);
    }

    #[test]
    fn decide_reads_the_status_then_retry_after() {
        let response = |status: u16, retry_after: Option<&str>| {
            let mut builder = Response::builder().status(status);
            if let Some(value) = retry_after {
                builder = builder.header(RETRY_AFTER, value);
            }
            builder.body(()).unwrap()
        };
        assert_eq!(decide(&response(200, None)), Decision::GiveUp);
        assert_eq!(decide(&response(404, Some("1"))), Decision::GiveUp);
        assert_eq!(decide(&response(500, None)), Decision::GiveUp);
        assert_eq!(decide(&response(503, None)), Decision::Retry);
        assert_eq!(decide(&response(503, Some("nonsense"))), Decision::Retry);
        assert_eq!(
            decide(&response(429, Some("7"))),
            Decision::RetryAfter(Duration::from_secs(7))
        );
        assert_eq!(decide(&response(504, Some("-7"))), Decision::Retry);
    }
}
