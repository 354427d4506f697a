//! `std`: the `io::ErrorKind` filters, an `io::ErrorKind`, an array or a slice of them, for
//! `std::io::Error`.

use std::io;

use crate::{Decision, RetryOn};

/// Marker for the `io::ErrorKind` filters of [`RetryOn`]: an `io::ErrorKind`, an array or a
/// slice of them retries the `io::Error`s of those kinds. You never name it.
///
/// ```
/// use std::io::{Error, ErrorKind};
/// use stamina::{Decision, RetryOn};
///
/// let mut on = [ErrorKind::TimedOut, ErrorKind::ConnectionReset];
/// assert_eq!(on.decide(&Error::from(ErrorKind::TimedOut)), Decision::Retry);
/// assert_eq!(on.decide(&Error::from(ErrorKind::NotFound)), Decision::GiveUp);
/// ```
#[derive(Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Kinds {}

impl RetryOn<io::Error, Kinds> for io::ErrorKind {
    /// Retries an `io::Error` of this kind.
    fn decide(&mut self, error: &io::Error) -> Decision {
        (error.kind() == *self).into()
    }
}

impl<const N: usize> RetryOn<io::Error, Kinds> for [io::ErrorKind; N] {
    /// Retries an `io::Error` of any of these kinds.
    fn decide(&mut self, error: &io::Error) -> Decision {
        self.contains(&error.kind()).into()
    }
}

impl RetryOn<io::Error, Kinds> for &[io::ErrorKind] {
    /// Retries an `io::Error` of any of these kinds.
    fn decide(&mut self, error: &io::Error) -> Decision {
        self.contains(&error.kind()).into()
    }
}
