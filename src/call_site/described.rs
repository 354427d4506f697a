//! The error as `dyn Debug` for the reports, when its type is `Debug`, and a placeholder when
//! it is not: reporting must never ask the user's error type for a bound.
//!
//! Picked by autoref specialisation, since stable Rust has no specialisation. The expansion
//! writes `(&Described(&error)).described()` with both traits in scope. Method resolution
//! tries the receiver's type as it is before it adds a reference: `&Described<T>` first
//! finds [`ViaDebug`], implemented for `Described<T>` taken by reference, but only where
//! `T: Debug`. When `T` is not `Debug` that impl does not apply, and resolution goes on to
//! `&&Described<T>`, where [`ViaPlaceholder`], implemented for `&Described<T>` with no bound,
//! always applies. The choice is made at the call site, where `T` is known; a generic function
//! could not make it.

use core::fmt::Debug;

/// The error, wrapped for the method resolution described above.
#[allow(missing_debug_implementations)] // a wrapper for method resolution only
pub struct Described<'a, T>(pub &'a T);

/// The first choice: the error itself, for an error type that is `Debug`.
pub trait ViaDebug<'a> {
    /// The error as `dyn Debug`.
    fn described(&self) -> &'a dyn Debug;
}

impl<'a, T: Debug> ViaDebug<'a> for Described<'a, T> {
    #[inline(always)]
    fn described(&self) -> &'a dyn Debug {
        self.0
    }
}

/// The fallback, one reference further: a placeholder for any other error type.
pub trait ViaPlaceholder<'a> {
    /// A placeholder that names no value.
    fn described(&self) -> &'a dyn Debug;
}

impl<'a, T> ViaPlaceholder<'a> for &Described<'a, T> {
    #[inline(always)]
    fn described(&self) -> &'a dyn Debug {
        &NotDebug
    }
}

/// How an error whose type is not `Debug` shows in reports (`error_type` names the type).
struct NotDebug;

impl Debug for NotDebug {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("<error type without Debug>")
    }
}
