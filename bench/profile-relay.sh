#!/usr/bin/env bash
# Profiles the relay under round-trip load with perf (JIT frames resolved through the runtime's perf map).
# Usage: bench/profile-relay.sh [phones] [size] [seconds] [window]   (writes artifacts/bench/profile/*; window = frames in flight per phone, default 8)
# Needs: perf (Debian linux-perf); the Release builds of the relay and bench/PyrycodeRelay.LoadGen.
set -euo pipefail
cd "$(dirname "$0")/.."
PHONES=${1:-1}; SIZE=${2:-64}; SECONDS_=${3:-8}; WINDOW=${4:-8}
OUT=artifacts/bench/profile; mkdir -p "$OUT"
. bench/relay-load.sh
relay_start "$OUT" DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 -- --metrics-listen=
load_start "$OUT" "$PHONES" "$SIZE" "$WINDOW" "$SECONDS_"
sleep 4
perf record -F 999 -g -p $RELAY -o "$OUT/perf.data" -- sleep $(( SECONDS_ - 2 )) 2>"$OUT/perf-record.log"
load_stop
perf report -i "$OUT/perf.data" --no-children --sort dso,sym -g none --stdio 2>/dev/null | grep -v "^#" | grep -v "^$" | head -150 >"$OUT/perf-top.txt" || true
perf report -i "$OUT/perf.data" --no-children --sort dso -g none --stdio 2>/dev/null | grep -v "^#" | grep -v "^$" >"$OUT/perf-dso.txt" || true
grep RESULT "$OUT/phones.out" | cut -c1-200
echo "profile: $OUT/perf-top.txt"
