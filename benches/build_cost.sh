#!/usr/bin/env bash
# Build cost of depending on `stamina`, against the other retry crates, measured in one run.
#
# In a fresh temporary directory (removed on exit), creates one tiny binary Cargo project per
# library: stamina (path dependency on this repository, default features), backon 1.x,
# backoff 0.4 and tokio-retry 0.3 (latest of each line, default features). Each main.rs only
# references the crate, so that it links. For each project it resolves and fetches the
# dependencies first (network time is not build time; the builds then run with --frozen), then
# times a clean `cargo build` (debug) and a clean `cargo build --release`, 3 times each with
# `cargo clean` in between, and keeps the median. The rounds go round-robin over the projects
# so that a burst of load from other work on the machine hits every crate alike. Dependencies
# are the unique packages in `cargo tree -e normal --prefix none`, minus the project itself.
#
# Prints a Markdown table (with each release build as a ratio of stamina's, the number to
# compare on a noisy machine), the rustc version and `nproc`. Needs only bash, coreutils, awk
# and cargo, and network access to crates.io for the fetch.
#
# Usage: bash benches/build_cost.sh     (from the repository root or anywhere)
set -euo pipefail

repo_root="$(cd "$(dirname "$0")/.." && pwd)"
RUNS=3

# Each project builds in its own target/; no shared target dir, no compiler cache.
unset CARGO_TARGET_DIR CARGO_BUILD_TARGET_DIR RUSTC_WRAPPER CARGO_BUILD_RUSTC_WRAPPER

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# name | Cargo.toml dependency line | main.rs body
CRATES=(stamina backon backoff tokio-retry)
declare -A DEP=(
    [stamina]="stamina = { path = \"$repo_root\" }"
    [backon]='backon = "1"'
    [backoff]='backoff = "0.4"'
    [tokio-retry]='tokio-retry = "0.3"'
)
declare -A USE=(
    [stamina]='use stamina as _;'
    [backon]='use backon as _;'
    [backoff]='use backoff as _;'
    [tokio-retry]='use tokio_retry as _;'
)

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { printf "%.2f", v[int((NR + 1) / 2)] }'; }

run_quiet() {
    local log
    if ! log=$("$@" 2>&1); then
        echo "error: '$*' failed in $PWD:" >&2
        echo "$log" >&2
        exit 1
    fi
}

script_start=$(now)

declare -A version deps debug_times release_times

for name in "${CRATES[@]}"; do
    dir="$work/bc-$name"
    mkdir -p "$dir/src"
    cat >"$dir/Cargo.toml" <<EOF
[package]
name = "bc-$name"
version = "0.1.0"
edition = "2021"
publish = false

[dependencies]
${DEP[$name]}

# Stand-alone: never part of an enclosing workspace.
[workspace]
EOF
    cat >"$dir/src/main.rs" <<EOF
${USE[$name]}

fn main() {}
EOF
    cd "$dir"
    run_quiet cargo generate-lockfile
    run_quiet cargo fetch
    tree=$(cargo tree --frozen -e normal --prefix none)
    # "name vX.Y.Z [(path)] [(proc-macro)] [(*)]": name and version identify a package.
    deps[$name]=$(awk 'NF >= 2 { print $1, $2 }' <<<"$tree" | sort -u | awk 'END { print NR - 1 }')
    version[$name]=$(awk -v n="$name" '$1 == n { sub(/^v/, "", $2); print $2; exit }' <<<"$tree")
done

for ((run = 1; run <= RUNS; run++)); do
    for name in "${CRATES[@]}"; do
        cd "$work/bc-$name"
        for profile in debug release; do
            flags=(--frozen)
            [ "$profile" = release ] && flags+=(--release)
            run_quiet cargo clean
            t0=$(now)
            run_quiet cargo build "${flags[@]}"
            t1=$(now)
            if [ "$profile" = debug ]; then
                debug_times[$name]+="$(elapsed "$t0" "$t1") "
            else
                release_times[$name]+="$(elapsed "$t0" "$t1") "
            fi
        done
    done
    echo "round $run of $RUNS done" >&2
done

echo
echo "| crate | version resolved | dependencies (normal, transitive) | clean debug build (s, median of $RUNS) | clean release build (s, median of $RUNS) | release build / stamina's |"
echo "| --- | --- | ---: | ---: | ---: | ---: |"
# shellcheck disable=SC2086 # the time lists are meant to split on spaces
base=$(median ${release_times[stamina]})
for name in "${CRATES[@]}"; do
    # shellcheck disable=SC2086
    d=$(median ${debug_times[$name]})
    # shellcheck disable=SC2086
    r=$(median ${release_times[$name]})
    ratio=$(awk -v a="$r" -v b="$base" 'BEGIN { printf "%.2fx", a / b }')
    echo "| $name | ${version[$name]} | ${deps[$name]} | $d | $r | $ratio |"
done
echo
echo "all runs (s), debug / release:"
for name in "${CRATES[@]}"; do
    echo "  $name: ${debug_times[$name]}/ ${release_times[$name]}"
done
echo
echo "rustc: $(rustc --version)"
echo "nproc: $(nproc)"
echo "total run time: $(elapsed "$script_start" "$(now)") s (including the fetch)"
