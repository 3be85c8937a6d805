#!/usr/bin/env bash
# Profiles the relay under round-trip load with perf (JIT frames resolved through the runtime's perf map).
# Usage: bench/profile-relay.sh [phones] [size] [seconds] [window]   (writes artifacts/bench/profile/*; window = frames in flight per phone, default 8)
# Needs: perf (Debian linux-perf); the Release builds of the relay and bench/PyrycodeRelay.LoadGen.
set -euo pipefail
cd "$(dirname "$0")/.."
PHONES=${1:-1}; SIZE=${2:-64}; SECONDS_=${3:-8}; WINDOW=${4:-8}
OUT=artifacts/bench/profile; mkdir -p "$OUT"
LG="dotnet bench/PyrycodeRelay.LoadGen/bin/Release/net10.0/PyrycodeRelay.LoadGen.dll"
PORT=$(( 20000 + RANDOM % 20000 ))
TAG=$(printf '%08x' $RANDOM$RANDOM | cut -c1-8)
DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 setpriv --bounding-set=-all --inh-caps=-all dotnet src/PyrycodeRelay/bin/Release/net10.0/pyrycode-relay.dll \
  --insecure-listen 127.0.0.1:$PORT --metrics-listen= --max-connections 100000 --rate-limit-burst 1000000 --phones-per-server 256 \
  >"$OUT/relay.log" 2>&1 &
RELAY=$!
trap 'kill $RELAY 2>/dev/null || true; exec 3>&- || true' EXIT
for _ in $(seq 50); do curl -fs "127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
mkfifo "$OUT/bin.in" 2>/dev/null || true
$LG binaries --url "ws://127.0.0.1:$PORT/v1/server" --tag "$TAG" --binaries "$PHONES" <"$OUT/bin.in" >"$OUT/binaries.out" 2>&1 &
exec 3>"$OUT/bin.in"
sleep 2
$LG phones --url "ws://127.0.0.1:$PORT/v1/client" --tag "$TAG" --binaries "$PHONES" --phones-per 1 --size "$SIZE" --window "$WINDOW" \
  --warmup 3 --duration "$SECONDS_" >"$OUT/phones.out" 2>&1 &
PH=$!
sleep 4
perf record -F 999 -g -p $RELAY -o "$OUT/perf.data" -- sleep $(( SECONDS_ - 2 )) 2>"$OUT/perf-record.log"
wait $PH
echo stop >&3
perf report -i "$OUT/perf.data" --no-children --sort dso,sym -g none --stdio 2>/dev/null | grep -v "^#" | grep -v "^$" | head -150 >"$OUT/perf-top.txt" || true
perf report -i "$OUT/perf.data" --no-children --sort dso -g none --stdio 2>/dev/null | grep -v "^#" | grep -v "^$" >"$OUT/perf-dso.txt" || true
grep RESULT "$OUT/phones.out" | cut -c1-200
echo "profile: $OUT/perf-top.txt"
