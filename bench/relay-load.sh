# shellcheck shell=bash
# Sourced by bench/profile-relay.sh, counters-relay.sh and syscalls-relay.sh (run from the repository root): a fresh
# relay (capabilities dropped, benchmark flags) and closed-loop round trips against it, each phone with its own binary.
LG="dotnet bench/PyrycodeRelay.LoadGen/bin/Release/net10.0/PyrycodeRelay.LoadGen.dll"
PORT=$(( 20000 + RANDOM % 20000 ))
TAG=$(printf '%08x' $RANDOM$RANDOM | cut -c1-8)

# relay_start OUT [VAR=value ...] [-- relay flags ...]: starts the relay on $PORT (pid in RELAY), waits for /healthz.
relay_start() {
  local out=$1; shift
  local envs=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do envs+=("$1"); shift; done
  [ "${1:-}" = "--" ] && shift
  env "${envs[@]}" setpriv --bounding-set=-all --inh-caps=-all dotnet src/PyrycodeRelay/bin/Release/net10.0/pyrycode-relay.dll \
    --insecure-listen "127.0.0.1:$PORT" --max-connections 100000 --rate-limit-burst 1000000 --max-connections-per-source 1000000 --max-pending-connections 100000 --max-pending-connections-per-source 100000 --phones-per-server 256 "$@" \
    >"$out/relay.log" 2>&1 &
  RELAY=$!
  trap 'kill $RELAY 2>/dev/null || true; exec 3>&- || true' EXIT
  for _ in $(seq 50); do curl -fs "127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
}

# load_start OUT PHONES SIZE WINDOW SECONDS: PHONES binaries, then PHONES phones with WINDOW frames of SIZE bytes in
# flight, measured for SECONDS after a 3 s warm-up (pid in PH). load_stop waits for the phones and stops the binaries.
load_start() {
  local out=$1 phones=$2 size=$3 window=$4 secs=$5
  rm -f "$out/bin.in"; mkfifo "$out/bin.in"
  $LG binaries --url "ws://127.0.0.1:$PORT/v1/server" --tag "$TAG" --binaries "$phones" <"$out/bin.in" >"$out/binaries.out" 2>&1 &
  exec 3>"$out/bin.in"
  sleep 2
  $LG phones --url "ws://127.0.0.1:$PORT/v1/client" --tag "$TAG" --binaries "$phones" --phones-per 1 --size "$size" --window "$window" \
    --warmup 3 --duration "$secs" >"$out/phones.out" 2>&1 &
  PH=$!
}

load_stop() {
  wait "$PH"
  echo stop >&3
}
