#!/usr/bin/env bash
# Quick A/B measurement for optimisation work: a chosen subset of closed-loop rows for the relay against nginx
# (and optionally a baseline relay build), all targets measured back to back per row and repetition, so the
# ratios are fair on the shared, noisy machine. Prints a compact table (throughput, p50/p99, CPU and context
# switches per round trip, ratios to nginx and to the baseline); a few minutes with the defaults.
#
#   bench/ab.sh                                     # this worktree's relay vs nginx, rows "ab", 2 repetitions
#   bench/ab.sh --baseline-rev main                 # + the relay built from git revision main, as relay-b
#   bench/ab.sh --baseline DIR --candidate DIR2     # two prebuilt relays (directories holding pyrycode-relay.dll)
#   bench/ab.sh --rows tls:64x1x64,256x4x64 --reps 3 --latency
#
# Options:
#   --rows LIST        comma-separated [tls:]PHONESxWINDOWxSIZE (size in bytes or KiB with k) and presets:
#                      issue, deep, tls, large, ab (default), all. E.g. 256x4x64, tls:64x1x4k, tls:8x1x100k
#   --reps N           repetitions of every row (default 2; ratios are the median of per-repetition ratios)
#   --duration S       measured seconds per run (default 4); --warmup S (default 2)
#   --candidate DIR    relay build measured as "relay" (default: src/ of this worktree, built in Release)
#   --baseline DIR     relay build measured as "relay-b"
#   --baseline-rev REV build git revision REV of this repository (git archive, cached per commit under
#                      ${TMPDIR:-/tmp}/pyrycode-relay-ab-builds/, outside the repository: BenchmarkDotNet refuses a second copy of
#                      its project under the root) and measure it as "relay-b"
#   --baseline-env 'K=V;K2=V2'  environment of relay-b (with no baseline build: the same build, other env)
#   --latency          also open loop: 75 % of each row's lowest maximum (all targets) and 75 % of each relay's
#                      own maximum (phones dropped; issue 16's collapse check)
#   --direct           also measure the phones against the echo itself (no middle box)
#   --syscalls         count the relay's and nginx's system calls (send, recv, epoll_wait, futex, all) and scheduler
#                      switches per round trip during each measured window (perf stat on tracepoints; needs perf)
# Anything after -- goes to `PyrycodeRelay.LoadGen run` as is.
# Output: artifacts/bench/ab/<time>/ (results.json, table.txt, the processes' logs).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
ROWS=ab REPS=2 DURATION=4 WARMUP=2 CANDIDATE="" BASELINE="" BASELINE_REV="" BASELINE_ENV="" LATENCY=0 DIRECT=0 SYSCALLS=0
EXTRA=()
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) ROWS=$2; shift 2 ;;
    --reps) REPS=$2; shift 2 ;;
    --duration) DURATION=$2; shift 2 ;;
    --warmup) WARMUP=$2; shift 2 ;;
    --candidate) CANDIDATE=$2; shift 2 ;;
    --baseline) BASELINE=$2; shift 2 ;;
    --baseline-rev) BASELINE_REV=$2; shift 2 ;;
    --baseline-env) BASELINE_ENV=$2; shift 2 ;;
    --latency) LATENCY=1; shift ;;
    --direct) DIRECT=1; shift ;;
    --syscalls) SYSCALLS=1; shift ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) sed -n '2,/^# Output/p' "$0"; exit 0 ;;
    *) echo "ab.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if ! command -v nginx >/dev/null 2>&1; then
  echo "nginx is required (Debian: apt-get install nginx; bench/run-benchmarks.sh installs it)" >&2; exit 1
fi

dll_in() { # the relay dll inside a build directory (the directory itself or its Release output)
  local d=$1
  for f in "$d/pyrycode-relay.dll" "$d/src/PyrycodeRelay/bin/Release/net10.0/pyrycode-relay.dll" "$d/bin/Release/net10.0/pyrycode-relay.dll"; do
    [ -f "$f" ] && { realpath "$f"; return 0; }
  done
  echo "ab.sh: no pyrycode-relay.dll in $d" >&2; return 1
}

if [ -n "$BASELINE_REV" ]; then
  SHA=$(git rev-parse --verify "$BASELINE_REV^{commit}")
  B="${TMPDIR:-/tmp}/pyrycode-relay-ab-builds/$SHA"
  if [ ! -f "$B/src/PyrycodeRelay/bin/Release/net10.0/pyrycode-relay.dll" ]; then
    echo "building baseline $BASELINE_REV ($SHA) in $B"
    rm -rf "$B"; mkdir -p "$B"
    git archive "$SHA" | tar -x -C "$B"
    dotnet build -c Release -v q --nologo "$B/src/PyrycodeRelay" >"$B.build.log" 2>&1 || { tail -20 "$B.build.log"; exit 1; }
  fi
  BASELINE=$B
fi

echo "building the load generator and the echo (Release)"
dotnet build -c Release -v q --nologo bench/PyrycodeRelay.EchoServer >/dev/null
dotnet build -c Release -v q --nologo bench/PyrycodeRelay.LoadGen >/dev/null
ARGS=(--skip-matrix --skip-idle --rows "$ROWS" --reps "$REPS" --duration "$DURATION" --warmup "$WARMUP")
if [ -n "$CANDIDATE" ]; then
  ARGS+=(--relay-dll "$(dll_in "$CANDIDATE")")
else
  echo "building the candidate relay from src/ (Release)"
  dotnet build -c Release -v q --nologo src/PyrycodeRelay >/dev/null
fi
TARGETS=relay
if [ -n "$BASELINE" ] || [ -n "$BASELINE_ENV" ]; then
  TARGETS+=,relay-b
  [ -n "$BASELINE" ] && ARGS+=(--relay-b-dll "$(dll_in "$BASELINE")")
  [ -n "$BASELINE_ENV" ] && ARGS+=(--relay-b-env "$BASELINE_ENV")
fi
TARGETS+=,nginx
[ "$DIRECT" = 1 ] && TARGETS+=,direct
ARGS+=(--targets "$TARGETS")
[ "$LATENCY" = 1 ] || ARGS+=(--rows-closed-only)
[ "$SYSCALLS" = 1 ] && ARGS+=(--perf-stat)

OUT="$ROOT/artifacts/bench/ab/$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
echo "load average before the run: $(cut -d' ' -f1-3 /proc/loadavg) (2 cores, shared: compare ratios, not absolute numbers)"
LG="dotnet bench/PyrycodeRelay.LoadGen/bin/Release/net10.0/PyrycodeRelay.LoadGen.dll"
# The run logs one line per measurement and ends with the table.
$LG run --out "$OUT" "${ARGS[@]}" "${EXTRA[@]}" | tee "$OUT/run.log"
$LG ab-table --results "$OUT/results.json" >"$OUT/table.txt"
echo "table: $OUT/table.txt (again: $LG ab-table --results $OUT/results.json)"
