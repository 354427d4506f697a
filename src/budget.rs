//! A retry budget against retry storms: the retry throttling of gRPC and the retry quota of the
//! AWS SDKs.
//!
//! When a server struggles, every client retries, and the retries multiply the load that made it
//! struggle. A [`Budget`] shared by many retry loops bounds that: each retry takes a token, each
//! success puts a fraction of one back. Once the budget is dry, retries fail fast with the last
//! error until successes refill it, so a healthy system retries freely and a sick one is left
//! alone to recover.
//!
//! The macros take it with a `budget = &BUDGET` key: every scheduled retry withdraws a token (if
//! there is none, the loop gives up at once with the last error), and every success deposits.
//!
//! Only compiled where `cfg(target_has_atomic = "32")` holds: it needs compare-and-swap, so on
//! targets without it, such as `thumbv6m-none-eabi` (Cortex-M0) and
//! `riscv32imc-unknown-none-elf`, [`Budget`] does not exist.
//!
//! The module is private: what users read is on [`Budget`], which repeats the essentials.

use core::sync::atomic::{AtomicU32, Ordering};

/// Milli-tokens one retry costs.
const RETRY: u32 = 1000;

/// A shared, lock-free count of the retries a group of retry loops may still make.
///
/// When a server struggles, every client retries and multiplies its load. A budget shared by
/// many retry loops bounds that: once it is dry, retries fail fast with the last error until
/// successes refill it. The macros take it with a `budget = &BUDGET` key: every scheduled retry
/// withdraws a token (if there is none, the loop gives up at once with the last error), and
/// every success deposits.
///
/// Tokens are counted in milli-tokens so that a success can refill a fraction of a retry with
/// integers only: a retry costs 1000, a success refills 100 by default (0.1 retry, gRPC's default
/// token ratio). The count never exceeds its maximum, the starting value.
///
/// Share one budget between threads and call sites as a `static`, since every constructor is a
/// `const fn`, or behind an `Arc<Budget>`.
///
/// Only available where `cfg(target_has_atomic = "32")` holds: it needs compare-and-swap, which
/// `thumbv6m-none-eabi` (Cortex-M0) and `riscv32imc-unknown-none-elf` lack.
///
/// # Extreme values
///
/// Capacity saturates at `u32::MAX` milli-tokens (4 294 967 retries); `Budget::new(0)` never
/// allows a retry. No method panics or overflows.
///
/// # Examples
///
/// ```
/// use stamina::Budget;
///
/// static BUDGET: Budget = Budget::new(10);
///
/// std::thread::scope(|s| {
///     for _ in 0..4 {
///         s.spawn(|| assert!(BUDGET.try_withdraw()));
///     }
/// });
/// assert_eq!(BUDGET.available(), 6);
/// ```
#[derive(Debug)]
#[cfg_attr(docsrs, doc(cfg(target_has_atomic = "32")))]
pub struct Budget {
    /// What is left, at most `max`.
    milli_tokens: AtomicU32,
    max: u32,
    /// Added per success.
    refill: u32,
}

impl Budget {
    /// A full budget of `max_retries` retries, refilled by 100 milli-tokens (0.1 retry) per
    /// success. `max_retries` above 4 294 967 saturates at `u32::MAX` milli-tokens.
    ///
    /// ```
    /// let budget = stamina::Budget::new(3);
    /// assert_eq!(budget.available(), 3);
    /// assert_eq!(budget.milli_tokens(), 3000);
    /// ```
    #[must_use]
    pub const fn new(max_retries: u32) -> Self {
        let max = max_retries.saturating_mul(RETRY);
        Self {
            milli_tokens: AtomicU32::new(max),
            max,
            refill: 100,
        }
    }

    /// Sets how many milli-tokens each success adds: 1000 gives back one retry per success,
    /// 100 (the default) one per ten. Deposits never go past the maximum.
    ///
    /// ```
    /// use stamina::Budget;
    ///
    /// static BUDGET: Budget = Budget::new(1).refill_per_success(500);
    ///
    /// assert!(BUDGET.try_withdraw());
    /// assert_eq!(BUDGET.deposit(), 500);
    /// assert_eq!(BUDGET.deposit(), 500);
    /// assert_eq!(BUDGET.available(), 1);
    /// ```
    #[must_use]
    pub const fn refill_per_success(self, milli_tokens: u32) -> Self {
        Self {
            refill: milli_tokens,
            ..self
        }
    }

    /// Takes one retry (1000 milli-tokens) and returns `true`, or returns `false` and changes
    /// nothing if less than that is left.
    ///
    /// ```
    /// let budget = stamina::Budget::new(1);
    /// assert!(budget.try_withdraw());
    /// assert!(!budget.try_withdraw());
    /// assert_eq!(budget.milli_tokens(), 0);
    /// ```
    #[must_use = "a `false` means the retry must not be made"]
    pub fn try_withdraw(&self) -> bool {
        // Relaxed: the count guards no other memory, and read-modify-writes on one atomic see
        // a single modification order whatever the ordering, so no update is lost or doubled.
        let mut current = self.milli_tokens.load(Ordering::Relaxed);
        loop {
            let Some(next) = current.checked_sub(RETRY) else {
                return false;
            };
            match self.milli_tokens.compare_exchange_weak(
                current,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return true,
                Err(actual) => current = actual,
            }
        }
    }

    /// Records a success: adds the refill, capped at the maximum, and returns how many
    /// milli-tokens were actually added (0 when already full).
    ///
    /// ```
    /// let budget = stamina::Budget::new(1);
    /// assert_eq!(budget.deposit(), 0); // full
    /// assert!(budget.try_withdraw());
    /// assert_eq!(budget.deposit(), 100);
    /// assert_eq!(budget.milli_tokens(), 100);
    /// ```
    pub fn deposit(&self) -> u32 {
        // Relaxed, as in `try_withdraw`.
        let mut current = self.milli_tokens.load(Ordering::Relaxed);
        loop {
            // A success on a healthy system finds the budget full: one load, no write.
            if current >= self.max || self.refill == 0 {
                return 0;
            }
            let next = current.saturating_add(self.refill).min(self.max);
            match self.milli_tokens.compare_exchange_weak(
                current,
                next,
                Ordering::Relaxed,
                Ordering::Relaxed,
            ) {
                Ok(_) => return next - current,
                Err(actual) => current = actual,
            }
        }
    }

    /// Whole retries left.
    ///
    /// ```
    /// let budget = stamina::Budget::new(2);
    /// assert!(budget.try_withdraw());
    /// budget.deposit();
    /// assert_eq!(budget.available(), 1); // 1100 milli-tokens
    /// ```
    pub fn available(&self) -> u32 {
        self.milli_tokens() / RETRY
    }

    /// Milli-tokens left: 1000 per retry.
    ///
    /// ```
    /// let budget = stamina::Budget::new(2);
    /// assert!(budget.try_withdraw());
    /// budget.deposit();
    /// assert_eq!(budget.milli_tokens(), 1100);
    /// ```
    pub fn milli_tokens(&self) -> u32 {
        self.milli_tokens.load(Ordering::Relaxed)
    }
}

/// `AtomicU32` has no `defmt::Format`, so the derive cannot be used: this prints a snapshot.
#[cfg(feature = "defmt")]
impl defmt::Format for Budget {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "Budget {{ milli_tokens: {=u32}, max: {=u32}, refill: {=u32} }}",
            self.milli_tokens(),
            self.max,
            self.refill
        );
    }
}
