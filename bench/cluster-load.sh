#!/usr/bin/env bash
# Cluster mode (docs/performance.md#cluster-mode): closed-loop round trips with the phones on the binaries' node
# (same-node) and on another node (cross-node), two relay processes sharing one redis-server on this machine.
# Usage, from the repository root after `dotnet build pyrycode-relay.slnx -c Release`: bench/cluster-load.sh [SECONDS]
set -euo pipefail
SECS=${1:-10}
LG="dotnet bench/PyrycodeRelay.LoadGen/bin/Release/net10.0/PyrycodeRelay.LoadGen.dll"
RELAY="dotnet src/PyrycodeRelay/bin/Release/net10.0/pyrycode-relay.dll"
OUT=$(mktemp -d -t cluster-load.XXXXXX)
RP=$(( 20000 + RANDOM % 10000 )); PA=$(( RP + 1 )); PB=$(( RP + 2 ))
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; exec 3>&- || true; }
trap cleanup EXIT

redis-server --port "$RP" --bind 127.0.0.1 --save "" --appendonly no --loglevel warning >"$OUT/redis.log" 2>&1 &
REDIS=$!; pids+=("$REDIS")
for _ in $(seq 50); do redis-cli -p "$RP" ping >/dev/null 2>&1 && break; sleep 0.1; done
for n in a b; do
  port=$PA; [ "$n" = b ] && port=$PB
  setpriv --bounding-set=-all --inh-caps=-all $RELAY --insecure-listen "127.0.0.1:$port" --metrics-listen= \
    --max-connections 100000 --max-connections-per-source 100000 --rate-limit-burst 1000000 --phones-per-server 256 \
    --cluster-redis "127.0.0.1:$RP" --node-id "node-$n" >"$OUT/relay-$n.log" 2>&1 &
  pids+=("$!")
done
for port in $PA $PB; do for _ in $(seq 100); do curl -fs "127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.1; done; done

redis_cpu() { awk '{print $14 + $15}' "/proc/$REDIS/stat"; }   # utime + stime, clock ticks

# run NAME PHONE_PORT SIZE: 64 binaries on node A, 64 phones (one per binary) on PHONE_PORT, window 1.
run() {
  local name=$1 phone_port=$2 size=$3 tag
  tag=$(printf '%08x' $RANDOM$RANDOM | cut -c1-8)
  rm -f "$OUT/bin.in"; mkfifo "$OUT/bin.in"
  $LG binaries --url "ws://127.0.0.1:$PA/v1/server" --tag "$tag" --binaries 64 <"$OUT/bin.in" >"$OUT/$name.binaries" 2>&1 &
  local bpid=$!
  exec 3>"$OUT/bin.in"
  sleep 2
  local before; before=$(redis_cpu)
  $LG phones --url "ws://127.0.0.1:$phone_port/v1/client" --tag "$tag" --binaries 64 --phones-per 1 --size "$size" --window 1 \
    --warmup 3 --duration "$SECS" >"$OUT/$name.phones" 2>&1
  local after; after=$(redis_cpu)
  echo stop >&3; exec 3>&-; wait "$bpid" || true
  echo "$name size=$size redis_cpu_ticks=$((after - before)) $(grep '^RESULT' "$OUT/$name.phones" | cut -c8-)"
}

run same-node-64B "$PA" 64
run cross-node-64B "$PB" 64
run same-node-4KiB "$PA" 4096
run cross-node-4KiB "$PB" 4096
echo "logs in $OUT"
