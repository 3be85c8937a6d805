#!/usr/bin/env bash
# Runs round-trip load against a fresh relay and records its runtime counters (allocation rate, GC, thread
# pool, lock contention) with dotnet-counters. Usage: bench/counters-relay.sh [phones] [size] [seconds] [window]
set -euo pipefail
cd "$(dirname "$0")/.."
PHONES=${1:-64}; SIZE=${2:-64}; SECS=${3:-10}; WINDOW=${4:-8}
OUT=artifacts/bench/counters; mkdir -p "$OUT"
LG="dotnet bench/PyrycodeRelay.LoadGen/bin/Release/net10.0/PyrycodeRelay.LoadGen.dll"
PORT=$(( 20000 + RANDOM % 20000 ))
TAG=$(printf '%08x' $RANDOM$RANDOM | cut -c1-8)
setpriv --bounding-set=-all --inh-caps=-all dotnet src/PyrycodeRelay/bin/Release/net10.0/pyrycode-relay.dll \
  --insecure-listen 127.0.0.1:$PORT --metrics-listen= --max-connections 100000 --rate-limit-burst 1000000 --phones-per-server 256 \
  >"$OUT/relay.log" 2>&1 &
RELAY=$!
trap 'kill $RELAY 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fs "127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
rm -f "$OUT/bin.in"; mkfifo "$OUT/bin.in"
$LG binaries --url "ws://127.0.0.1:$PORT/v1/server" --tag "$TAG" --binaries "$PHONES" <"$OUT/bin.in" >"$OUT/binaries.out" 2>&1 &
exec 3>"$OUT/bin.in"
sleep 2
$LG phones --url "ws://127.0.0.1:$PORT/v1/client" --tag "$TAG" --binaries "$PHONES" --phones-per 1 --size "$SIZE" --window "$WINDOW" \
  --warmup 3 --duration "$SECS" >"$OUT/phones.out" 2>&1 &
PH=$!
sleep 4
rm -f "$OUT/counters.json"
(cd bench && dotnet tool run dotnet-counters collect -p $RELAY --counters System.Runtime --format json -o "../$OUT/counters.json" \
  --duration 00:00:00:$(printf '%02d' $(( SECS - 3 ))) --refresh-interval 1 >/dev/null 2>&1) || true
wait $PH
echo stop >&3
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
