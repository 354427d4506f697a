#!/usr/bin/env bash
# Fuzzes every target in fuzz/fuzz_targets for SECONDS each (default 60), on a copy of its
# committed seed corpus (fuzz/corpus/<target>), so that a run never grows the committed one.
# Exits non-zero if any target crashes (the input is saved under fuzz/artifacts/<target>/),
# and prints per target the build time, the fuzzing time and the number of executions.
#
#   bash fuzz/run.sh [SECONDS]
#
# Installs what it needs if missing: a nightly toolchain and cargo-fuzz.
set -euo pipefail
cd "$(dirname "$0")"

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
    echo "usage: $0 [SECONDS]   (a positive whole number, default 60)" >&2
    exit 2
fi

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi
rustup run nightly rustc --version
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
cargo fuzz --version

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

targets=()
for file in fuzz_targets/*.rs; do
    targets+=("$(basename "$file" .rs)")
done

declare -A summary
failed=0
for target in "${targets[@]}"; do
    step "build $target"
    start=$SECONDS
    cargo +nightly fuzz build "$target"
    build_s=$((SECONDS - start))

    corpus="$work/corpus/$target"
    mkdir -p "$corpus"
    if [ -d "corpus/$target" ]; then
        cp -R "corpus/$target/." "$corpus/"
    fi
    seeds=$(find "$corpus" -type f | wc -l)

    step "fuzz $target for ${seconds} s (${seeds} seeds)"
    log="$work/$target.log"
    start=$SECONDS
    # libFuzzer's line per new input is noise in a CI log: the full log is kept, the rest shown.
    # Only the fuzzer's status counts (`grep -v` fails when it prints nothing).
    set +e
    cargo +nightly fuzz run "$target" "$corpus" -- \
        -max_total_time="$seconds" -print_final_stats=1 2>&1 |
        tee "$log" | grep --line-buffered -vE '^#[0-9]+[[:space:]]+(NEW|REDUCE) '
    codes=("${PIPESTATUS[@]}")
    set -e
    status=${codes[0]}
    fuzz_s=$((SECONDS - start))

    execs=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec:[[:space:]]*//p' "$log" | tail -n 1)
    grown=$(find "$corpus" -type f | wc -l)
    if [ "$status" -eq 0 ]; then
        verdict="ok"
    else
        verdict="CRASH (exit $status; input in fuzz/artifacts/$target/)"
        failed=1
    fi
    summary[$target]="$verdict: build ${build_s} s, fuzzed ${fuzz_s} s, ${execs:-?} executions (${rate:-?}/s), corpus ${seeds} -> ${grown}"
done

step "fuzz summary (${seconds} s per target)"
for target in "${targets[@]}"; do
    echo "$target: ${summary[$target]}"
done
exit "$failed"
