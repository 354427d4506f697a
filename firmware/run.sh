#!/usr/bin/env bash
# Builds the firmware scenarios for both boards and runs each under QEMU; fails unless every
# board prints `N passed, 0 failed` (N > 0) and QEMU exits 0. See README.md.
set -euo pipefail
cd "$(dirname "$0")"

# target, QEMU machine, QEMU cpu
BOARDS=(
    "thumbv6m-none-eabi microbit cortex-m0"
    "thumbv7em-none-eabihf mps2-an386 cortex-m4"
)
TIMEOUT_S=${FIRMWARE_TIMEOUT_S:-120} # the whole run takes well under a second of emulated time

if ! command -v qemu-system-arm >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "installing qemu-system-arm"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends qemu-system-arm >/dev/null
    else
        echo "error: qemu-system-arm is missing (Debian: apt-get install --no-install-recommends qemu-system-arm)" >&2
        exit 1
    fi
fi
qemu-system-arm --version | head -n 1

installed=$(rustup target list --installed)
for board in "${BOARDS[@]}"; do
    read -r target _ _ <<<"$board"
    grep -qx "$target" <<<"$installed" || rustup target add "$target"
done

log=$(mktemp)
trap 'rm -f "$log"' EXIT

total_passed=0
total_failed=0
bad=0
start=$SECONDS
for board in "${BOARDS[@]}"; do
    read -r target machine cpu <<<"$board"
    printf '\n==> %s on QEMU %s\n' "$target" "$machine"
    cargo build --release --target "$target" -j "${CARGO_BUILD_JOBS:-2}"
    elf="target/$target/release/stamina-firmware-tests"

    # Semihosting carries the program's output to stdout and its exit status to QEMU's.
    status=0
    timeout "$TIMEOUT_S" qemu-system-arm -cpu "$cpu" -machine "$machine" -nographic \
        -semihosting-config enable=on,target=native -kernel "$elf" </dev/null >"$log" 2>&1 || status=$?
    tr -d '\r' <"$log" | tee "$log.txt"

    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log.txt" | tail -n 1 || true)
    rm -f "$log.txt"
    read -r passed _ failed _ <<<"${summary:-0 passed, 0 failed}"
    passed=${passed:-0}
    failed=${failed%%[^0-9]*}
    failed=${failed:-0}
    total_passed=$((total_passed + passed))
    total_failed=$((total_failed + failed))

    if [ "$status" = 124 ]; then
        echo "error: $target: QEMU still running after ${TIMEOUT_S} s" >&2
        bad=1
        [ -n "$summary" ] || total_failed=$((total_failed + 1)) # a board that hung counts as one failure
    elif [ -z "$summary" ]; then
        echo "error: $target: no 'N passed, M failed' line (QEMU exit status $status)" >&2
        bad=1
        total_failed=$((total_failed + 1)) # a board that crashed counts as one failure
    elif [ "$passed" -eq 0 ] || [ "$failed" -ne 0 ] || [ "$status" -ne 0 ]; then
        echo "error: $target: $passed passed, $failed failed, QEMU exit status $status" >&2
        bad=1
    fi
done

printf '\nfirmware: %d passed, %d failed\n' "$total_passed" "$total_failed"
echo "(both boards in $((SECONDS - start)) s)"
exit "$bad"
