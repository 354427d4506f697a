//! What the `retry!` and `retry_async!` tests share: an error with a retryable and a fatal kind.

/// The operation's error in the tests.
#[derive(Debug, PartialEq)]
pub enum Error {
    Transient(u32),
    Fatal,
}

/// The `on` filter of the tests: retry `Transient`, give up on `Fatal`.
pub fn transient(e: &Error) -> bool {
    matches!(e, Error::Transient(_))
}
