//! The `flatten` key (`std`, blocking loops): when retried code calls retried code, only the
//! outermost loop retries. Three nested layers of 10 tries each would otherwise make up to
//! 1,000 calls against a service that is already failing.

/// What the `flatten` key gives a loop: whether an enclosing loop makes it try once.
pub trait Nesting {
    /// Whether another loop with `flatten = true` encloses this one on this thread.
    fn enclosed(&self) -> bool;
}

/// No `flatten` key (or no `std`): never enclosed.
#[derive(Debug)]
pub struct NotFlattened;

impl Nesting for NotFlattened {
    #[inline(always)]
    fn enclosed(&self) -> bool {
        false
    }
}

#[cfg(feature = "std")]
pub use counted::flatten;

#[cfg(feature = "std")]
mod counted {
    use core::marker::PhantomData;
    use std::cell::Cell;

    std::thread_local! {
        /// How many loops with `flatten = true` are running on this thread.
        static DEPTH: Cell<u32> = const { Cell::new(0) };
    }

    /// A running loop with `flatten = true`: counted in the thread's depth until dropped (when the
    /// loop ends, by any way out of it, a panic included).
    ///
    /// Not `Send`: the depth belongs to this thread, so the guard must never move to another one.
    /// A blocking loop cannot hold it across an `.await` anyway (its operation is a closure, where
    /// `.await` does not compile), and should a future ever hold it across one, the future is not
    /// `Send` and `tokio::spawn` rejects it rather than let the count leak into another thread.
    #[derive(Debug)]
    pub struct Flattened {
        counted: bool,
        enclosed: bool,
        this_thread: PhantomData<*const ()>,
    }

    /// Starts counting a loop if `on`; notes whether another counted loop encloses it.
    #[must_use = "the loop is counted until the value is dropped"]
    pub fn flatten(on: bool) -> Flattened {
        if !on {
            return Flattened {
                counted: false,
                enclosed: false,
                this_thread: PhantomData,
            };
        }
        let outer = DEPTH.with(|depth| {
            let outer = depth.get();
            depth.set(outer.saturating_add(1));
            outer
        });
        Flattened {
            counted: true,
            enclosed: outer > 0,
            this_thread: PhantomData,
        }
    }

    impl super::Nesting for Flattened {
        #[inline]
        fn enclosed(&self) -> bool {
            self.enclosed
        }
    }

    impl Drop for Flattened {
        fn drop(&mut self) {
            if self.counted {
                DEPTH.with(|depth| depth.set(depth.get().saturating_sub(1)));
            }
        }
    }
}
