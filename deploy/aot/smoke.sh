#!/usr/bin/env bash
# Publishes the Native AOT binary and smoke-tests it the way an operator would run it:
#   1. publish (no trim/AOT warning allowed; the output must be the binary and its symbols only),
#   2. start it with every Linux capability dropped (setpriv, as in the README),
#   3. GET /healthz, /readyz and /metrics,
#   4. a binary + phone round trip with the npm `ws` client (deploy/aot/smoke-client.mjs), then the AOT
#      binary's own --version, `check` (against this relay) and SIGHUP,
#   5. SIGTERM -> "shutdown complete" and exit code 0.
# Every wait has a timeout; any failure prints one "aot smoke: FAIL: ..." line and exits 1.
# Needs: .NET 10 SDK, clang, zlib1g-dev, setpriv (util-linux), curl, node with tests/interop installed.
# Usage: deploy/aot/smoke.sh [output-dir]   (default artifacts/aot)
set -euo pipefail
cd "$(dirname "$0")/../.."

out=${1:-artifacts/aot}
log=$(mktemp -t aot-smoke-relay.XXXXXX.log)
publish_log=$(mktemp -t aot-smoke-publish.XXXXXX.log)
pid=""

say() { echo "aot smoke: $*"; }
fail() {
  echo "aot smoke: FAIL: $*" >&2
  if [ -s "$log" ]; then echo "--- relay stderr ($log) ---" >&2; tail -n 30 "$log" >&2; fi
  exit 1
}
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

for tool in dotnet clang setpriv curl node; do
  command -v "$tool" >/dev/null 2>&1 || fail "'$tool' is not installed (Debian: apt-get install -y clang zlib1g-dev util-linux curl nodejs npm)"
done
if [ ! -d tests/interop/node_modules/ws ]; then
  say "installing npm ws into tests/interop (npm ci)"
  timeout 300 npm ci --prefix tests/interop --no-audit --no-fund --silent || fail "npm ci in tests/interop failed"
fi

# 1. Publish.
say "publishing the Native AOT binary into $out"
started=$(date +%s)
rm -rf "$out"
if ! timeout 1200 dotnet publish src/PyrycodeRelay -c Release -r linux-x64 -p:PublishAot=true -o "$out" -nologo >"$publish_log" 2>&1; then
  cat "$publish_log" >&2
  fail "dotnet publish -p:PublishAot=true failed (log above)"
fi
if grep -E "warning [A-Z]+[0-9]+" "$publish_log" >&2; then
  fail "the AOT publish reported warnings (above); it must be warning-free"
fi
extra=$(find "$out" -mindepth 1 -not -name pyrycode-relay -not -name pyrycode-relay.dbg -printf '%f ')
[ -z "$extra" ] || fail "unexpected files in the publish output: $extra(expected only pyrycode-relay and pyrycode-relay.dbg)"
[ -x "$out/pyrycode-relay" ] || fail "$out/pyrycode-relay is missing or not executable"
say "published in $(( $(date +%s) - started )) s: $(du -h "$out/pyrycode-relay" | cut -f1) binary"

# 2. Start on two free loopback ports, capabilities dropped.
free_port() {
  local p
  for _ in $(seq 1 50); do
    p=$(( 20000 + RANDOM % 40000 ))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  return 1
}
# A port found free can still be taken before the relay binds it (or be the local port of another process's
# connection): then start again on two other ports.
ready=""
for attempt in 1 2 3; do
  port=$(free_port) || fail "no free port found"
  mport=$(free_port) || fail "no free port found"
  [ "$port" != "$mport" ] || mport=$(( port + 1 ))
  base="http://127.0.0.1:$port"

  start_ns=$(date +%s%N)
  setpriv --bounding-set=-all --inh-caps=-all "$out/pyrycode-relay" \
    --insecure-listen "127.0.0.1:$port" --metrics-listen "127.0.0.1:$mport" 2>"$log" &
  pid=$!

  for _ in $(seq 1 200); do # 200 x 50 ms = 10 s
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" && rc=0 || rc=$?
      pid=""
      if [ "$attempt" -lt 3 ] && grep -q 'bind: address already in use' "$log"; then
        say "port taken before the relay bound it (attempt $attempt); starting again on other ports"
        continue 2
      fi
      fail "the relay exited with code $rc before /healthz answered"
    fi
    if curl -fsS --max-time 1 -o /dev/null "$base/healthz" 2>/dev/null; then ready=1; break; fi
    sleep 0.05
  done
  break
done
[ -n "$ready" ] || fail "/healthz did not answer within 10 s of the start"
say "ready (/healthz answered) $(( ($(date +%s%N) - start_ns) / 1000000 )) ms after the start; RSS $(awk '/^VmRSS/ {print $2, $3}' "/proc/$pid/status")"

# 3. HTTP surface.
health=$(curl -fsS --max-time 5 "$base/healthz") || fail "GET /healthz failed"
[[ "$health" =~ ^\{\"status\":\"ok\",\"version\":\"[^\"]+\",\"commit\":\"[^\"]+\",\"connected_binaries\":0,\"connected_phones\":0,\"uptime_seconds\":[0-9]+\}$ ]] \
  || fail "unexpected /healthz document: $health"
ready_doc=$(curl -fsS --max-time 5 "$base/readyz") || fail "GET /readyz failed"
[ "$ready_doc" = '{"ready":true}' ] || fail "unexpected /readyz document: $ready_doc"
metrics=$(curl -fsS --max-time 5 "http://127.0.0.1:$mport/metrics") || fail "GET /metrics failed"
grep -q '^pyrycode_relay_ws_upgrade_attempts_total{endpoint="server",outcome="accept"} 0$' <<<"$metrics" \
  || fail "/metrics lacks the upgrade-attempt series at 0"
say "/healthz, /readyz and /metrics ok"

# 4. Binary + phone round trip.
timeout 30 node deploy/aot/smoke-client.mjs "$base" || fail "the binary + phone round trip failed (line above)"
metrics=$(curl -fsS --max-time 5 "http://127.0.0.1:$mport/metrics") || fail "GET /metrics failed"
for direction in phone_to_binary binary_to_phone; do
  grep -q "^pyrycode_relay_frames_forwarded_total{direction=\"$direction\"} 1$" <<<"$metrics" \
    || fail "/metrics does not count exactly one $direction frame after the round trip"
done

# 4b. The operator's CLI on the AOT binary (issue 15): --version with the commit, `check` against this
#     relay (its own ClientWebSocket binary + phone), SIGHUP that must not end the process, runtime metrics.
version=$("$out/pyrycode-relay" --version) || fail "--version failed"
[[ "$version" =~ ^[^\ ]+\ \(commit\ ([0-9a-f]{40}|unknown)\)$ ]] || fail "unexpected --version line: $version"
check_json=$(timeout 60 "$out/pyrycode-relay" check "$base" --frames 10 --json) || fail "check exited non-zero: $check_json"
grep -q '"healthy":true' <<<"$check_json" || fail "check did not report healthy: $check_json"
kill -HUP "$pid"
for _ in $(seq 1 100); do grep -q 'sighup received; nothing to reload' "$log" && break; sleep 0.05; done
grep -q 'sighup received; nothing to reload' "$log" || fail "no SIGHUP log line within 5 s"
kill -0 "$pid" 2>/dev/null || fail "the relay exited on SIGHUP"
metrics=$(curl -fsS --max-time 5 "http://127.0.0.1:$mport/metrics") || fail "GET /metrics failed"
grep -qE '^pyrycode_relay_open_fds [1-9][0-9]*$' <<<"$metrics" || fail "/metrics lacks pyrycode_relay_open_fds"
say "$version; check healthy; SIGHUP kept it running; runtime metrics present"

# 5. SIGTERM -> clean drain, exit 0.
kill -TERM "$pid"
for _ in $(seq 1 300); do # 300 x 50 ms = 15 s (drain deadline 10 s + margin)
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
kill -0 "$pid" 2>/dev/null && fail "the relay was still running 15 s after SIGTERM"
wait "$pid" && rc=0 || rc=$?
pid=""
[ "$rc" -eq 0 ] || fail "exit code $rc after SIGTERM (expected 0)"
grep -q 'msg="shutdown complete"' "$log" || fail "no \"shutdown complete\" log line after SIGTERM"
say "SIGTERM -> shutdown complete, exit 0"
say "PASS"
rm -f "$log" "$publish_log"
