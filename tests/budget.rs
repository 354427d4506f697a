//! The retry budget: exact single-thread accounting, the extreme values, and conservation of
//! milli-tokens under contention from many threads.

/// With `defmt` on, every test binary needs a global logger: the shared one drops the lines.
mod common;

use std::sync::Barrier;

use stamina::Budget;

/// Withdraws until refused; returns how many withdrawals succeeded.
fn drain(budget: &Budget) -> u32 {
    let mut taken = 0;
    while budget.try_withdraw() {
        taken += 1;
    }
    taken
}

#[test]
fn new_allows_exactly_max_retries_then_refuses() {
    let budget = Budget::new(3);
    assert_eq!((budget.available(), budget.milli_tokens()), (3, 3000));
    for _ in 0..3 {
        assert!(budget.try_withdraw());
    }
    assert!(!budget.try_withdraw());
    assert!(!budget.try_withdraw());
    assert_eq!((budget.available(), budget.milli_tokens()), (0, 0));
}

#[test]
fn refusal_changes_nothing() {
    let budget = Budget::new(1).refill_per_success(999);
    assert!(budget.try_withdraw());
    assert_eq!(budget.deposit(), 999);
    assert!(!budget.try_withdraw());
    assert_eq!((budget.available(), budget.milli_tokens()), (0, 999));
    assert_eq!(budget.deposit(), 1);
    assert!(budget.try_withdraw());
    assert_eq!(budget.milli_tokens(), 0);
}

#[test]
fn ten_default_deposits_give_exactly_one_retry() {
    let budget = Budget::new(3);
    assert_eq!(drain(&budget), 3);
    for i in 1..=10 {
        assert_eq!(budget.deposit(), 100);
        assert_eq!(budget.available(), u32::from(i == 10));
    }
    assert_eq!(budget.milli_tokens(), 1000);
    assert!(budget.try_withdraw());
    assert!(!budget.try_withdraw());
}

#[test]
fn deposits_cap_at_max_and_return_what_they_added() {
    let budget = Budget::new(2).refill_per_success(300);
    assert_eq!(budget.deposit(), 0, "a full budget takes nothing");
    assert!(budget.try_withdraw());
    assert_eq!(
        [0; 5].map(|_| budget.deposit()),
        [300, 300, 300, 100, 0],
        "the last deposit is partial, then nothing"
    );
    assert_eq!(budget.milli_tokens(), 2000);
}

#[test]
fn custom_refill() {
    let one_per_success = Budget::new(2).refill_per_success(1000);
    assert_eq!(drain(&one_per_success), 2);
    assert_eq!(one_per_success.deposit(), 1000);
    assert!(one_per_success.try_withdraw());
    assert!(!one_per_success.try_withdraw());

    let never = Budget::new(1).refill_per_success(0);
    assert!(never.try_withdraw());
    assert_eq!(never.deposit(), 0);
    assert!(!never.try_withdraw());
}

#[test]
fn new_zero_never_allows_a_retry() {
    let budget = Budget::new(0);
    assert!(!budget.try_withdraw());
    assert_eq!(budget.deposit(), 0);
    assert!(!budget.try_withdraw());
    assert_eq!((budget.available(), budget.milli_tokens()), (0, 0));
}

#[test]
fn new_u32_max_saturates_without_overflow() {
    let largest_exact = Budget::new(4_294_967);
    assert_eq!(largest_exact.milli_tokens(), 4_294_967_000);

    let budget = Budget::new(u32::MAX).refill_per_success(300);
    assert_eq!(budget.milli_tokens(), u32::MAX);
    assert_eq!(budget.available(), 4_294_967);
    assert_eq!(budget.deposit(), 0);
    assert!(budget.try_withdraw());
    assert_eq!(budget.milli_tokens(), u32::MAX - 1000);
    assert_eq!([0; 4].map(|_| budget.deposit()), [300, 300, 300, 100]);
    assert_eq!(budget.milli_tokens(), u32::MAX);
}

#[test]
fn refill_u32_max_caps_at_max() {
    let budget = Budget::new(5).refill_per_success(u32::MAX);
    assert!(budget.try_withdraw());
    assert!(budget.try_withdraw());
    assert_eq!(budget.deposit(), 2000);
    assert_eq!(budget.milli_tokens(), 5000);

    let huge = Budget::new(u32::MAX).refill_per_success(u32::MAX);
    assert!(huge.try_withdraw());
    assert_eq!(huge.deposit(), 1000, "no overflow past u32::MAX");
    assert_eq!(huge.milli_tokens(), u32::MAX);
}

#[test]
fn works_as_a_static() {
    static BUDGET: Budget = Budget::new(2).refill_per_success(250);
    assert!(BUDGET.try_withdraw());
    assert_eq!(BUDGET.deposit(), 250);
    assert_eq!(BUDGET.milli_tokens(), 1250);
    assert!(format!("{BUDGET:?}").contains("1250"));
}

/// A small xorshift32: a reproducible, per-thread mix of withdrawals and deposits.
fn xorshift(state: &mut u32) -> u32 {
    *state ^= *state << 13;
    *state ^= *state >> 17;
    *state ^= *state << 5;
    *state
}

/// What one thread of the stress test saw.
#[derive(Default)]
struct Tally {
    withdrawals: u64,
    refusals: u64,
    deposited: u64,
    capped: u64,
}

#[test]
fn conserves_milli_tokens_under_contention() {
    const THREADS: u32 = 8;
    // Under Miri (which checks every access for data races) a few thousand operations suffice.
    const OPS: u32 = if cfg!(miri) { 2_000 } else { 100_000 };
    const REFILL: u32 = 300;

    let budget = Budget::new(50).refill_per_success(REFILL);
    let initial = budget.milli_tokens();
    let start = Barrier::new(THREADS as usize);

    let tallies: Vec<Tally> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..THREADS)
            .map(|t| {
                let (budget, start) = (&budget, &start);
                s.spawn(move || {
                    let mut state = 0x9E37_79B9 ^ (t + 1).wrapping_mul(0x85EB_CA6B);
                    let mut tally = Tally::default();
                    start.wait();
                    for op in 0..OPS {
                        // Phases of 1000 operations alternate between draining (6 withdrawals in
                        // 8) and filling (1 in 8), so the budget both runs dry and fills up.
                        let withdrawals_in_8 = if (op / 1000) % 2 == 0 { 6 } else { 1 };
                        if xorshift(&mut state) % 8 < withdrawals_in_8 {
                            if budget.try_withdraw() {
                                tally.withdrawals += 1;
                            } else {
                                tally.refusals += 1;
                            }
                        } else {
                            let added = budget.deposit();
                            assert!(added <= REFILL);
                            tally.deposited += u64::from(added);
                            tally.capped += u64::from(added < REFILL);
                        }
                    }
                    tally
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });

    let withdrawals: u64 = tallies.iter().map(|t| t.withdrawals).sum();
    let refusals: u64 = tallies.iter().map(|t| t.refusals).sum();
    let deposited: u64 = tallies.iter().map(|t| t.deposited).sum();
    let capped: u64 = tallies.iter().map(|t| t.capped).sum();

    let end = budget.milli_tokens();
    assert_eq!(
        u64::from(initial) + deposited - 1000 * withdrawals,
        u64::from(end),
        "withdrawals {withdrawals}, deposited {deposited}"
    );
    assert!(end <= initial);
    assert!(refusals > 0, "the budget never ran dry");
    assert!(capped > 0, "no deposit was ever capped");
}
