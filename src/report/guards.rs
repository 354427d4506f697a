//! [`Guards`]: what the global hooks of one retry handed back, held across its wait and dropped
//! when the wait ends. Without `std` there are no global hooks, and a `Guards` holds nothing.

use core::fmt::Debug;
#[cfg(feature = "std")]
use std::boxed::Box;
#[cfg(feature = "std")]
use std::vec::Vec;

/// Something a hook handed back, dropped when the wait ends.
#[cfg(feature = "std")]
pub(super) type Guard = Box<dyn Send>;

/// The guards the hooks of one retry handed back: dropped, once, when the wait ends (or with
/// the loop), newest first. With `std`, one pointer, null when there are none (the usual case):
/// a loop moves it across every wait, and a wider value (a `Vec`) made the failure path of
/// `retry!` 2.5x slower on `x86_64` through partial stores and wide reloads. Without `std`,
/// nothing.
#[derive(Default)]
pub struct Guards {
    #[cfg(feature = "std")]
    #[allow(clippy::box_collection)] // on purpose: one thin pointer, see above
    pub(super) newest_first: Option<Box<Vec<Guard>>>,
}

impl Guards {
    /// No guard.
    pub const NONE: Self = Guards {
        #[cfg(feature = "std")]
        newest_first: None,
    };

    /// Drops the guards, newest first.
    #[inline(always)]
    #[allow(clippy::unused_self)] // taken by value: ending the guards is dropping them
    pub(crate) fn end(self) {}
}

impl Debug for Guards {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        #[cfg(feature = "std")]
        return write!(
            f,
            "Guards({})",
            self.newest_first.as_ref().map_or(0, |guards| guards.len())
        );
        #[cfg(not(feature = "std"))]
        f.write_str("Guards")
    }
}
