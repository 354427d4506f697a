#!/usr/bin/env bash
# Flash cost of `retry!` on microcontrollers, against a hand-written loop, measured in one run.
#
# Builds the probe firmware in benches/size/ (opt-level "s", LTO, panic = "abort") with zero,
# one and two call sites, for a Cortex-M0 and a Cortex-M4F, and prints the `.text` bytes of the
# first call site (the crate's whole cost), of a further call site, and the same for the
# hand-written baseline. Fails if a soft-float routine is linked or if a panic path survives
# (the probe's panic handler calls an undefined symbol, so the link itself fails). It also
# reports the size target (first site within 1.25x of the baseline, a further site at most 64
# bytes on thumbv7em) as figures; with --enforce-budget, missing it fails. With --no-growth,
# a first or further call site larger than the figures BENCHMARKS.md records fails (CI passes
# it): a change that costs flash must say so there.
#
# Usage: benches/size.sh [--enforce-budget] [--no-growth]     (from the repository root or anywhere)
set -euo pipefail
enforce_budget=false
no_growth=false
for arg in "$@"; do
    case "$arg" in
        --enforce-budget) enforce_budget=true ;;
        --no-growth) no_growth=true ;;
        *) echo "usage: benches/size.sh [--enforce-budget] [--no-growth]" >&2; exit 2 ;;
    esac
done
benchmarks="$(cd "$(dirname "$0")/.." && pwd)/BENCHMARKS.md"
cd "$(dirname "$0")/size"

TARGETS=(thumbv7em-none-eabihf thumbv6m-none-eabi)
VARIANTS=(none retry-1 retry-2 retry-2-mixed baseline-1 baseline-2)

rustup component add llvm-tools >/dev/null 2>&1 || rustup component add llvm-tools-preview
bin_dir="$(rustc --print sysroot)/lib/rustlib/$(rustc -vV | sed -n 's/^host: //p')/bin"
llvm_size="$bin_dir/llvm-size"
llvm_nm="$bin_dir/llvm-nm"

status=0
declare -A text

for target in "${TARGETS[@]}"; do
    rustup target list --installed | grep -qx "$target" || rustup target add "$target"
    for variant in "${VARIANTS[@]}"; do
        features=()
        [ "$variant" != none ] && features=(--features "$variant")
        dir="target/variants/$variant"
        if ! log=$(cargo build --quiet --release --target "$target" --target-dir "$dir" "${features[@]}" 2>&1); then
            echo "$log" >&2
            if grep -q a_panic_path_survived <<<"$log"; then
                echo "error: a panic path survives in '$variant' on $target" >&2
            fi
            exit 1
        fi
        elf="$dir/$target/release/stamina-size-probe"
        text[$target.$variant]=$("$llvm_size" -A "$elf" | awk '$1 == ".text" { print $2 }')
        if floats=$("$llvm_nm" "$elf" | grep -E '__aeabi_[fd]|__[a-z]+[sd]f[23]\b'); then
            echo "error: soft-float routines in '$variant' on $target:" >&2
            echo "$floats" >&2
            status=1
        fi
    done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2fx", a / b }'; }

printf '\n%-24s %14s %14s\n' "bytes of .text" "thumbv7em" "thumbv6m"
row() {
    local label=$1 expr=$2
    printf '%-24s' "$label"
    for target in "${TARGETS[@]}"; do
        local n0=${text[$target.none]}
        local r1=${text[$target.retry-1]} r2=${text[$target.retry-2]} rm=${text[$target.retry-2-mixed]}
        local b1=${text[$target.baseline-1]} b2=${text[$target.baseline-2]}
        # shellcheck disable=SC2034
        local first=$((r1 - n0)) further=$((r2 - r1)) mixed=$((rm - r1))
        local base_first=$((b1 - n0)) base_further=$((b2 - b1))
        printf ' %14s' "$(eval "echo $expr")"
    done
    printf '\n'
}
row "retry! first site" '$first'
row "retry! further site" '$further'
row "  on another schedule" '$mixed'
row "hand-written first" '$base_first'
row "hand-written further" '$base_further'
row "first site / baseline" '$(ratio $first $base_first)'
echo "soft-float routines: none; panic paths: none (the probe links without its panic symbol)"
[ "$status" -eq 0 ] || exit "$status"

# The budget.
v7=thumbv7em-none-eabihf
# The size target, reported as figures; only --enforce-budget turns a miss into a failure.
budget=0
for target in "${TARGETS[@]}"; do
    first=$((text[$target.retry-1] - text[$target.none]))
    base=$((text[$target.baseline-1] - text[$target.none]))
    over=""
    if [ $((first * 100)) -gt $((base * 125)) ]; then
        over=" (over)"
        budget=1
    fi
    echo "target, first call site on $target: at most 1.25x the hand-written $base bytes; is $first bytes$over"
done
further=$((text[$v7.retry-2] - text[$v7.retry-1]))
over=""
if [ "$further" -gt 64 ]; then
    over=" (over)"
    budget=1
fi
echo "target, a further call site on $v7: at most 64 bytes; is $further bytes$over"
if $enforce_budget && [ "$budget" -ne 0 ]; then
    exit 1
fi

# No growth: the first and further call sites against BENCHMARKS.md's table.
recorded() { # $1: the row's label; prints its two figures (thumbv7em, thumbv6m)
    grep -F "| $1 |" "$benchmarks" | awk -F'|' '{ gsub(/ /, "", $3); gsub(/ /, "", $4); print $3, $4 }'
}
if $no_growth; then
    read -r rec_first_v7 rec_first_v6 < <(recorded '`retry!`, first call site (the crate'"'"'s whole cost)') || true
    read -r rec_further_v7 rec_further_v6 < <(recorded '`retry!`, each further call site, same schedule') || true
    if [ -z "${rec_first_v6:-}" ] || [ -z "${rec_further_v6:-}" ]; then
        echo "error: BENCHMARKS.md's size table has no first or further call site row to check against" >&2
        exit 1
    fi
    grown=0
    check() { # label, measured, recorded
        if [ "$2" -gt "$3" ]; then
            echo "error: $1 is $2 bytes, more than the $3 that BENCHMARKS.md records" >&2
            grown=1
        fi
    }
    v6=thumbv6m-none-eabi
    check "the first call site on $v7" $((text[$v7.retry-1] - text[$v7.none])) "$rec_first_v7"
    check "the first call site on $v6" $((text[$v6.retry-1] - text[$v6.none])) "$rec_first_v6"
    check "a further call site on $v7" $((text[$v7.retry-2] - text[$v7.retry-1])) "$rec_further_v7"
    check "a further call site on $v6" $((text[$v6.retry-2] - text[$v6.retry-1])) "$rec_further_v6"
    if [ "$grown" -ne 0 ]; then
        echo "a call site grew: make it smaller, or record the new figures in BENCHMARKS.md and say why" >&2
        exit 1
    fi
    echo "no growth: first and further call sites within BENCHMARKS.md's figures ($rec_first_v7/$rec_first_v6, $rec_further_v7/$rec_further_v6)"
fi
