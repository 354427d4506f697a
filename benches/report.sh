#!/usr/bin/env bash
# Runs the criterion benchmarks several times and prints, per benchmark, the median time over
# the runs and the median ratio to the group's baseline (the benchmark whose name ends in
# "(baseline)"), each ratio taken within one run: the machines are shared and noisy, so only
# ratios measured side by side mean something.
#
# Usage: bash benches/report.sh [RUNS]      (3 runs by default; about 1.5 minutes each)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
results=$(mktemp)
trap 'rm -f "$results"' EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

for run in $(seq "$runs"); do
    rm -rf target/criterion
    cargo bench --quiet -p stamina-benches --bench happy_path --bench failure_path >/dev/null 2>&1
    for estimates in target/criterion/*/*/new/estimates.json; do
        dir=$(dirname "$estimates")
        group=$(basename "$(dirname "$(dirname "$dir")")")
        name=$(sed -n 's/.*"function_id":"\([^"]*\)".*/\1/p' "$dir/benchmark.json")
        ns=$(sed -n 's/.*"median":{[^}]*}[^}]*"point_estimate":\([0-9.e+-]*\).*/\1/p' "$estimates")
        printf '%s\t%s\t%s\t%s\n' "$run" "$group" "$name" "$ns" >>"$results"
    done
    echo "run $run of $runs done" >&2
done

echo "rustc: $(rustc --version); cpus: $(nproc); runs: $runs"
for group in $(cut -f2 "$results" | sort -u); do
    printf '\n### %s\n\n| benchmark | median time | ratio to baseline |\n|---|---:|---:|\n' "$group"
    cut -f3 "$results" | sort -u | while IFS= read -r name; do
        awk -F'\t' -v g="$group" -v n="$name" '$2 == g && $3 == n' "$results" | grep -q . || continue
        time_ns=$(awk -F'\t' -v g="$group" -v n="$name" '$2 == g && $3 == n { print $4 }' "$results" | median)
        ratio=$(awk -F'\t' -v g="$group" -v n="$name" '
            $2 == g && $3 ~ /\(baseline\)$/ { base[$1] = $4 }
            $2 == g && $3 == n { mine[$1] = $4 }
            END { for (r in mine) print mine[r] / base[r] }' "$results" | median)
        printf '| %s | %.2f ns | %.2fx |\n' "$name" "$time_ns" "$ratio"
    done
done
