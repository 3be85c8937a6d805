#!/usr/bin/env bash
# Runs round-trip load against a fresh relay and records its runtime counters (allocation rate, GC, thread
# pool, lock contention) with dotnet-counters. Usage: bench/counters-relay.sh [phones] [size] [seconds] [window]
set -euo pipefail
cd "$(dirname "$0")/.."
PHONES=${1:-64}; SIZE=${2:-64}; SECS=${3:-10}; WINDOW=${4:-8}
OUT=artifacts/bench/counters; mkdir -p "$OUT"
. bench/relay-load.sh
(cd bench && dotnet tool restore >/dev/null)
relay_start "$OUT" -- --metrics-listen=
load_start "$OUT" "$PHONES" "$SIZE" "$WINDOW" "$SECS"
sleep 4
rm -f "$OUT/counters.json"
(cd bench && dotnet tool run dotnet-counters collect -p $RELAY --counters System.Runtime --format json -o "../$OUT/counters.json" \
  --duration 00:00:00:$(printf '%02d' $(( SECS - 3 ))) --refresh-interval 1 >/dev/null 2>&1) || true
load_stop
python3 - "$OUT/counters.json" "$OUT/phones.out" <<'PY'
import json, sys, re
ev = json.load(open(sys.argv[1]))["Events"]
res = json.loads([l for l in open(sys.argv[2]) if l.startswith("RESULT ")][0][7:])
rate = res["RoundTrips"] / res["Seconds"]
def avg(name):
    v = [e["value"] for e in ev if e["name"].startswith(name)]
    return sum(v) / len(v) if v else 0
alloc = avg("dotnet.gc.heap.total_allocated")
print(f"round trips/s {rate:.0f}; relay allocates {alloc:.0f} B/s = {alloc / rate:.1f} B per round trip")
for n in ["dotnet.gc.collections", "dotnet.monitor.lock_contentions", "dotnet.thread_pool.work_item.count", "dotnet.thread_pool.thread.count", "dotnet.process.cpu.time"]:
    print(f"  {n}: {avg(n):.3f}/s" + (f" = {avg(n) / rate:.2f} per round trip" if 'work_item' in n or 'contention' in n else ""))
PY
