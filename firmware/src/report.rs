//! Why a scenario failed, formatted into a fixed buffer: no allocator on the chip.

use core::fmt::{self, Write};

/// A failure message of at most `CAP` bytes; longer ones are cut (at a char boundary).
pub struct Why {
    buf: [u8; Why::CAP],
    len: usize,
}

impl Why {
    const CAP: usize = 120;

    pub fn new(args: fmt::Arguments<'_>) -> Self {
        let mut why = Why {
            buf: [0; Why::CAP],
            len: 0,
        };
        // Writing into the buffer never fails; a message too long is cut, which is fine.
        let _ = why.write_fmt(args);
        why
    }
}

impl Write for Why {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for c in s.chars() {
            let mut utf8 = [0u8; 4];
            let bytes = c.encode_utf8(&mut utf8).as_bytes();
            let Some(room) = self.buf.get_mut(self.len..self.len + bytes.len()) else {
                return Err(fmt::Error);
            };
            room.copy_from_slice(bytes);
            self.len += bytes.len();
        }
        Ok(())
    }
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Only whole chars were copied in, so this is valid UTF-8.
        f.write_str(core::str::from_utf8(&self.buf[..self.len]).unwrap_or("<unprintable>"))
    }
}

/// What a scenario returns.
pub type Outcome = Result<(), Why>;

/// `ensure!(condition, "format", args...)`: fails the scenario with the message unless the
/// condition holds.
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err($crate::report::Why::new(format_args!($($fmt)+)));
        }
    };
}
pub(crate) use ensure;
