#!/usr/bin/env bash
# stamina on embassy, on the host: the real executor and time driver, then the mock driver.
# Two Cargo projects, since the two time drivers cannot be linked together. Fails if any test
# fails. Usage: tests/embassy/run.sh (from anywhere).
set -euo pipefail
cd "$(dirname "$0")"

# The machine is shared: two jobs unless told otherwise.
export CARGO_BUILD_JOBS="${CARGO_BUILD_JOBS:-2}"

step() { printf '\n==> %s\n' "$*"; }

step "embassy-executor + std time driver, stamina with std"
(cd executor && cargo test)

step "embassy-executor + std time driver, stamina without std (EmbassyClock and GlobalRng by default)"
(cd executor && cargo test --no-default-features)

step "embassy-time mock driver: waits to the tick"
(cd mock && cargo test)

echo
echo "embassy tests: all passed"
